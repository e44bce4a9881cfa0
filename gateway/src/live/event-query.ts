import {
  buildSchema,
  defaultFieldResolver,
  execute,
  printSchema,
  Kind,
  print,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { LiveEvent } from '@lilong/schema';
import { linkedFieldsOf, type LinkedField, type SubscriptionSpec } from './specs';

/** Runs a query through the hub's normal federated path, as the subscriber. */
export type RunQuery = (query: string, variables: Record<string, unknown>) => Promise<{ data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] }>;

/**
 * The API schema without resolvers, for executing over events: the gateway's schema carries a resolver on every
 * field (read by alias), which would shadow ours. Made once per schema.
 */
const bareSchemas = new WeakMap<GraphQLSchema, GraphQLSchema>();
function bare(schema: GraphQLSchema): GraphQLSchema {
  let copy = bareSchemas.get(schema);
  if (!copy) bareSchemas.set(schema, (copy = buildSchema(printSchema(schema))));
  return copy;
}

/** A record fetched through the API, read by response key (aliases kept). */
class Fetched {
  constructor(readonly data: Record<string, unknown>) {}
}

/** The event being resolved, with its linked records as fetched. */
class EventView {
  constructor(
    readonly event: LiveEvent,
    readonly fetched: Record<string, unknown>,
  ) {}
}

const wrap = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(wrap);
  if (value !== null && typeof value === 'object') return new Fetched(value as Record<string, unknown>);
  return value;
};

const variableName = (linked: LinkedField) => `__lilong_${linked.field}`;
const aliasOf = (responseKey: string) => `l_${responseKey}`;

/**
 * Resolves each event of one subscription for its subscriber. The event's own fields come from the event; its
 * linked records (`pool`, `community`, ...) are fetched through the hub's normal query path with the subscriber's
 * own selection, variables and fragments (so the same authorization applies and any subgraph's fields can be
 * selected), in one query per event, then the subscription's document is executed over the event and what was
 * fetched, so aliases, fragments and directives mean what they mean in any query.
 */
export class EventQuery {
  /** The query fetching the linked records the subscriber selected; undefined when none is selected. */
  readonly query: string | undefined;
  private readonly linked: { linked: LinkedField; keys: string[] }[] = [];
  private readonly usedVariables: string[];
  private readonly rootKey: string;
  /** The subscription field, as the schema names it (`productStock`, `notices`). */
  readonly field: string;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
    private readonly spec: SubscriptionSpec,
    private readonly variables: Record<string, unknown>,
  ) {
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    const root = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === spec.field)!;
    this.rootKey = root.alias?.value ?? root.name.value;
    this.field = root.name.value;
    const fields: FieldNode[] = [];
    for (const linked of linkedFieldsOf(spec)) {
      const byKey = new Map<string, FieldNode[]>();
      for (const node of collectFields(root.selectionSet, linked.field, fragments)) {
        const key = node.alias?.value ?? node.name.value;
        byKey.set(key, [...(byKey.get(key) ?? []), node]);
      }
      if (byKey.size === 0) continue;
      this.linked.push({ linked, keys: [...byKey.keys()] });
      for (const [key, nodes] of byKey) {
        const selections = nodes.flatMap((n) => n.selectionSet?.selections ?? []);
        fields.push({
          kind: Kind.FIELD,
          alias: { kind: Kind.NAME, value: aliasOf(key) },
          name: { kind: Kind.NAME, value: linked.query },
          arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: linked.argument }, value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: variableName(linked) } } }],
          // With one node its directives hold as written; several nodes are fetched whole, and the subscription's own
          // execution applies their directives.
          directives: nodes.length === 1 ? nodes[0]!.directives : [],
          selectionSet: { kind: Kind.SELECTION_SET, selections },
        });
      }
    }
    if (fields.length === 0) {
      this.query = undefined;
      this.usedVariables = [];
      return;
    }
    const selectionSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: fields };
    const usedFragments = fragmentsUsedBy(selectionSet, fragments);
    const used = new Set<string>();
    const collectVariables = (node: unknown) =>
      visit(node as never, {
        Variable: (v) => {
          used.add(v.name.value);
        },
      });
    collectVariables(selectionSet);
    for (const f of usedFragments) collectVariables(f);
    const own = new Set(this.linked.map((l) => variableName(l.linked)));
    this.usedVariables = [...used].filter((name) => !own.has(name));
    const definitions: VariableDefinitionNode[] = [
      ...(operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value) && !own.has(d.variable.name.value)),
      ...this.linked.map(({ linked }) => ({
        kind: Kind.VARIABLE_DEFINITION as const,
        variable: { kind: Kind.VARIABLE as const, name: { kind: Kind.NAME as const, value: variableName(linked) } },
        type: { kind: Kind.NON_NULL_TYPE as const, type: { kind: Kind.NAMED_TYPE as const, name: { kind: Kind.NAME as const, value: linked.argumentType.replace('!', '') } } },
      })),
    ];
    const query: DocumentNode = withTypenames({
      kind: Kind.DOCUMENT,
      definitions: [{ kind: Kind.OPERATION_DEFINITION, operation: 'query' as never, name: { kind: Kind.NAME, value: 'LiveEvent' }, variableDefinitions: definitions, directives: [], selectionSet }, ...usedFragments],
    });
    this.query = print(query);
  }

  /** The subscriber's result for one event. */
  async resolve(event: LiveEvent, run: RunQuery): Promise<ExecutionResult> {
    let fetched: Record<string, unknown> = {};
    let fetchErrors: GraphQLFormattedError[] = [];
    if (this.query) {
      const variables: Record<string, unknown> = Object.fromEntries(this.usedVariables.filter((n) => n in this.variables).map((n) => [n, this.variables[n]]));
      for (const { linked } of this.linked) variables[variableName(linked)] = linked.valueOf(event) ?? '';
      const answer = await run(this.query, variables);
      fetched = answer.data ?? {};
      fetchErrors = (answer.errors ?? []).map((e) => this.remap(e));
    }
    const result = await execute({
      schema: bare(this.schema),
      document: this.document,
      operationName: this.operation.name?.value,
      variableValues: this.variables,
      rootValue: new EventView(event, fetched),
      fieldResolver: this.fieldResolver,
      typeResolver: (value) => (value instanceof Fetched && typeof value.data.__typename === 'string' ? value.data.__typename : undefined),
    });
    if (fetchErrors.length === 0) return result;
    // A linked record that could not be fetched is null: its own error says why, not graphql-js's null check.
    const own = (result.errors ?? []).filter((e: GraphQLError) => !e.message.startsWith('Cannot return null for non-nullable field'));
    return { ...result, errors: [...(own.map((e) => e.toJSON()) as never[]), ...(fetchErrors as never[])] };
  }

  /** An error of the fetch, with its path as the subscriber's document has it. */
  private remap(error: GraphQLFormattedError): GraphQLFormattedError {
    const [head, ...rest] = error.path ?? [];
    if (typeof head !== 'string' || !head.startsWith('l_')) return error;
    return { ...error, path: [this.rootKey, head.slice(2), ...rest] };
  }

  private readonly fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
    if (source instanceof Fetched) return wrap(source.data[String(info.path.key)]);
    if (source instanceof EventView) {
      if (info.parentType === info.schema.getSubscriptionType()) return source;
      const linked = linkedFieldsOf(this.spec).find((l) => l.field === info.fieldName);
      if (linked) return wrap(source.fetched[aliasOf(String(info.path.key))] ?? null);
      const { event } = source;
      switch (info.fieldName) {
        case 'id':
          return event.id;
        case 'sequence':
          return event.sequence;
        case 'type':
          return event.type;
        case 'at':
          return event.at;
        case 'figures':
          return Object.entries(event.data ?? {}).map(([name, value]) => ({ name, value: value === null || value === undefined ? null : String(value) }));
        default:
          return null;
      }
    }
    return defaultFieldResolver(source, args, context, info);
  };
}

/** The fields named `name` in a selection set, through inline fragments and fragment spreads. */
function collectFields(selectionSet: SelectionSetNode | undefined, name: string, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  const found: FieldNode[] = [];
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === name) found.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      found.push(...collectFields(selection.selectionSet, name, fragments, seen));
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      found.push(...collectFields(fragments.get(selection.name.value)?.selectionSet, name, fragments, seen));
    }
  }
  return found;
}

/** The fragment definitions a selection set uses, directly or through other fragments. */
function fragmentsUsedBy(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (node: unknown) =>
    visit(node as never, {
      FragmentSpread: (spread) => {
        const name = spread.name.value;
        const definition = fragments.get(name);
        if (!definition || used.has(name)) return;
        used.set(name, definition);
        walk(definition.selectionSet);
      },
    });
  walk(selectionSet);
  return [...used.values()];
}

/** The document with `__typename` in every selection set, so abstract types can be told apart when read back. */
function withTypenames(document: DocumentNode): DocumentNode {
  const typename: SelectionNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };
  return visit(document, {
    SelectionSet: {
      leave: (node) => (node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename' && !s.alias) ? undefined : { ...node, selections: [...node.selections, typename] }),
    },
  });
}
