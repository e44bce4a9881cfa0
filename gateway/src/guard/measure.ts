import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** What an operation asks for once every fragment is expanded in place, as the query planner will see it. */
export interface Expanded {
  /** Field selections, each fragment counted once per spread (Apollo Router's `max_recursive_selections`). */
  selections: number;
  /** Selections of fields that fan out to every community (`@fanout` root and entity fields). */
  fanoutFields: number;
}

const ZERO: Expanded = { selections: 0, fanoutFields: 0 };

/**
 * Counts an operation's selections after fragment expansion without expanding anything: each fragment's totals
 * are computed once and multiplied by its spreads, so a 30-level chain of doubly-spread fragments (2^30 fields)
 * is counted in microseconds. Counts saturate at `cap`, so the numbers stay finite whatever the document.
 * Unknown fields count as one selection; fragment cycles count nothing (validation refuses them anyway).
 *
 * `fanoutCoordinates` are `Type.field` names; types come from `schema`, so a field reached through an interface
 * or an inline fragment is attributed to the type it is selected on.
 */
export function expandedSize(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  schema: GraphQLSchema,
  fanoutCoordinates: ReadonlySet<string>,
  cap = Number.MAX_SAFE_INTEGER,
): Expanded {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<string, Expanded>();
  const inProgress = new Set<string>();
  const add = (a: Expanded, b: Expanded, times = 1): Expanded => ({
    selections: Math.min(cap, a.selections + b.selections * times),
    fanoutFields: Math.min(cap, a.fanoutFields + b.fanoutFields * times),
  });

  const ofFragment = (name: string): Expanded => {
    const known = memo.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return ZERO;
    inProgress.add(name);
    const size = ofSet(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
    inProgress.delete(name);
    memo.set(name, size);
    return size;
  };

  const ofSet = (set: SelectionSetNode, parent: GraphQLNamedType | undefined | null): Expanded => {
    let total = ZERO;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        total = add(total, ofFragment(selection.name.value));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total = add(total, ofSet(selection.selectionSet, type));
      } else {
        const name = selection.name.value;
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
        const fanout = parent ? fanoutCoordinates.has(`${parent.name}.${name}`) : false;
        total = add(total, { selections: 1, fanoutFields: fanout ? 1 : 0 });
        if (selection.selectionSet) total = add(total, ofSet(selection.selectionSet, field ? getNamedType(field.type) : undefined));
      }
    }
    return total;
  };

  const rootType =
    operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  return ofSet(operation.selectionSet, rootType);
}

const META_FIELDS = new Set(['__schema', '__type', '__typename']);

/**
 * Where an operation's root asks for introspection (`__schema`, `__type`):
 * - `none`: it does not;
 * - `only`: nothing else is asked (through inline fragments and spreads too): the hub answers it from its schema;
 * - `top`: beside data, as root fields, which the gateway handles;
 * - `nested`: beside data inside a root-level fragment, which `@apollo/query-planner` cannot plan.
 */
export function introspectionPlacement(document: DocumentNode, operation: OperationDefinitionNode): 'none' | 'only' | 'top' | 'nested' {
  if (operation.operation !== 'query') return 'none';
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const seen = new Set<string>();
  let introspection = false;
  let nested = false;
  let data = false;
  const walk = (set: SelectionSetNode, inFragment: boolean): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__schema' || name === '__type') {
          introspection = true;
          nested ||= inFragment;
        } else if (!META_FIELDS.has(name)) data = true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, true);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet, true);
      }
    }
  };
  walk(operation.selectionSet, false);
  if (!introspection) return 'none';
  if (!data) return 'only';
  return nested ? 'nested' : 'top';
}
