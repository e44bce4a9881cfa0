import {
  ConstDirectiveNode,
  DocumentNode,
  FieldDefinitionNode,
  Kind,
  ObjectTypeDefinitionNode,
  ObjectTypeExtensionNode,
  parse,
  type TypeNode,
  valueFromASTUntyped,
} from 'graphql';
import { FANOUT, isShardedSubgraph, ROUTE_BY, type RoutingRule, type ShardedSubgraphName, type SortOrder } from '@lilong/schema';

export type FieldRule = RoutingRule & {
  /** `Query.shop`, `Compound.nearbyShops`, ... */
  coordinate: string;
  /** Default of the limit argument in the schema, if any. */
  limitDefault?: number;
};

/** The routing rules of one sharded subgraph, read from the supergraph. */
export interface SubgraphRules {
  /** Root fields by coordinate (`Query.shop`, `Mutation.setStock`). */
  root: Map<string, FieldRule>;
  /** Entity fields declared fan-out, by coordinate (`Compound.nearbyShops`). */
  fanoutEntityFields: Map<string, FieldRule>;
}

export class RoutingRuleError extends Error {}

function directiveArgs(directive: ConstDirectiveNode): Record<string, unknown> {
  return Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
}

/** `[String!]` or `[String!]!`: a list of community codes. */
function isStringList(type: TypeNode): boolean {
  const list = type.kind === Kind.NON_NULL_TYPE ? type.type : type;
  return list.kind === Kind.LIST_TYPE && list.type.kind === Kind.NON_NULL_TYPE && list.type.type.kind === Kind.NAMED_TYPE && list.type.type.name.value === 'String';
}

function ruleOf(coordinate: string, field: FieldDefinitionNode): FieldRule | undefined {
  const routeBy = field.directives?.find((d) => d.name.value === ROUTE_BY);
  const fanout = field.directives?.find((d) => d.name.value === FANOUT);
  if (routeBy && fanout) throw new RoutingRuleError(`${coordinate} declares both @${ROUTE_BY} and @${FANOUT}`);
  if (routeBy) {
    const { arg } = directiveArgs(routeBy);
    if (typeof arg !== 'string' || arg === '') throw new RoutingRuleError(`${coordinate}: @${ROUTE_BY} needs arg`);
    const head = arg.split('.')[0];
    if (!field.arguments?.some((a) => a.name.value === head)) {
      throw new RoutingRuleError(`${coordinate}: @${ROUTE_BY}(arg: "${arg}") names no argument of the field`);
    }
    return { kind: 'routeBy', arg, coordinate };
  }
  if (fanout) {
    const args = directiveArgs(fanout);
    const order = (args.order ?? 'ASC') as SortOrder;
    if (order !== 'ASC' && order !== 'DESC') throw new RoutingRuleError(`${coordinate}: @${FANOUT} order must be ASC or DESC`);
    const limitArg = typeof args.limitArg === 'string' ? args.limitArg : undefined;
    let limitDefault: number | undefined;
    if (limitArg) {
      const def = field.arguments?.find((a) => a.name.value === limitArg);
      if (!def) throw new RoutingRuleError(`${coordinate}: @${FANOUT}(limitArg: "${limitArg}") names no argument of the field`);
      const value = def.defaultValue ? valueFromASTUntyped(def.defaultValue) : undefined;
      limitDefault = typeof value === 'number' ? value : undefined;
    }
    const neighboursOf = typeof args.neighboursOf === 'string' ? args.neighboursOf : undefined;
    if (neighboursOf !== undefined && !field.arguments?.some((a) => a.name.value === neighboursOf.split('.')[0])) {
      throw new RoutingRuleError(`${coordinate}: @${FANOUT}(neighboursOf: "${neighboursOf}") names no argument of the field`);
    }
    const communitiesArg = typeof args.communitiesArg === 'string' ? args.communitiesArg : undefined;
    if (communitiesArg !== undefined) {
      const def = field.arguments?.find((a) => a.name.value === communitiesArg);
      if (!def) throw new RoutingRuleError(`${coordinate}: @${FANOUT}(communitiesArg: "${communitiesArg}") names no argument of the field`);
      if (!isStringList(def.type)) throw new RoutingRuleError(`${coordinate}: @${FANOUT}(communitiesArg: "${communitiesArg}") must name a [String!] argument`);
      if (neighboursOf !== undefined) throw new RoutingRuleError(`${coordinate}: @${FANOUT} takes neighboursOf or communitiesArg, not both`);
    }
    return {
      kind: 'fanout',
      coordinate,
      order,
      ...(neighboursOf ? { neighboursOf } : {}),
      ...(communitiesArg ? { communitiesArg } : {}),
      sortBy: typeof args.sortBy === 'string' ? args.sortBy : undefined,
      limitArg,
      limitDefault,
    };
  }
  return undefined;
}

/** Subgraph names by their `join__Graph` enum value (`SHOPS` -> `shops`). */
function graphNames(doc: DocumentNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const def of doc.definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION || def.name.value !== 'join__Graph') continue;
    for (const value of def.values ?? []) {
      const graph = value.directives?.find((d) => d.name.value === 'join__graph');
      const name = graph && directiveArgs(graph).name;
      if (typeof name === 'string') names.set(value.name.value, name);
    }
  }
  return names;
}

/** Which subgraphs resolve a field: its `@join__field(graph:)`s, else its type's `@join__type(graph:)`s. */
function ownersOf(
  type: ObjectTypeDefinitionNode | ObjectTypeExtensionNode,
  field: FieldDefinitionNode,
  names: Map<string, string>,
): string[] {
  const graphs = (nodes: readonly ConstDirectiveNode[] | undefined, directive: string) =>
    (nodes ?? [])
      .filter((d) => d.name.value === directive)
      .map((d) => directiveArgs(d))
      .filter((a) => a.external !== true)
      .map((a) => names.get(String(a.graph)) ?? String(a.graph));
  const fieldOwners = graphs(field.directives, 'join__field');
  return fieldOwners.length > 0 ? fieldOwners : graphs(type.directives, 'join__type');
}

/**
 * Reads every routing rule from the supergraph, and refuses (throws) when a root field served by a sharded
 * subgraph has none, or a mutation has no `@routeBy`: such a field could not be routed at run time.
 */
export function readRoutingRules(supergraphSdl: string): Map<ShardedSubgraphName, SubgraphRules> {
  const doc = parse(supergraphSdl);
  const names = graphNames(doc);
  const rules = new Map<ShardedSubgraphName, SubgraphRules>();
  const rulesFor = (name: ShardedSubgraphName) => {
    let r = rules.get(name);
    if (!r) rules.set(name, (r = { root: new Map(), fanoutEntityFields: new Map() }));
    return r;
  };
  for (const name of names.values()) if (isShardedSubgraph(name)) rulesFor(name);
  const problems: string[] = [];
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeName = def.name.value;
    const isRoot = typeName === 'Query' || typeName === 'Mutation';
    for (const field of def.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      let rule: FieldRule | undefined;
      try {
        rule = ruleOf(coordinate, field);
      } catch (error) {
        problems.push((error as Error).message);
        continue;
      }
      for (const owner of ownersOf(def, field, names)) {
        if (!isShardedSubgraph(owner)) continue;
        if (isRoot) {
          if (!rule) problems.push(`${coordinate} (subgraph ${owner}) has no routing rule: add @${ROUTE_BY} or @${FANOUT}`);
          else if (typeName === 'Mutation' && rule.kind !== 'routeBy') {
            problems.push(`${coordinate} (subgraph ${owner}) is a mutation: it must name its one community with @${ROUTE_BY}`);
          } else rulesFor(owner).root.set(coordinate, rule);
        } else if (rule?.kind === 'fanout') {
          rulesFor(owner).fanoutEntityFields.set(coordinate, rule);
        } else if (rule) {
          problems.push(`${coordinate}: @${ROUTE_BY} is for root fields; entity fields route by their entity's key`);
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new RoutingRuleError(`the hub cannot route this supergraph:\n  - ${problems.join('\n  - ')}`);
  }
  return rules;
}
