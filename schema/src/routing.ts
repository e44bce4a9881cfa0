/**
 * The routing directives. Every root field of a sharded subgraph, and every entity field whose rows live in other
 * communities, declares in its own SDL how the hub routes it; composition carries the directives into the
 * supergraph (`@composeDirective`), and the hub reads them from there at start-up.
 *
 * - `@routeBy(arg: "input.shopId")`: send to the one community named by that argument (a global ID or a bare
 *   community code; a dotted path reaches into input objects). Every mutation needs one.
 * - `@fanout(sortBy: "priceFen", order: "ASC", limitArg: "first")`: send to every community; merge lists by the
 *   element field `sortBy`, then keep the first `limitArg` items. Without `sortBy`, lists are concatenated in
 *   community-code order; single values take the first non-null answer.
 * - `@fanout(neighboursOf: "task.requestId", ...)`: send only to the neighbours (the directory's `neighbours`) of
 *   the community that argument names, not to every community: borrowing volunteers across a community line.
 * - `@fanout(communitiesArg: "communities", ...)`: when the caller gives that argument (a list of community codes),
 *   send only to the communities it names; without it (or null), to every community. A sub-district console
 *   looking at three communities, or a district hub searching one sub-district, asks only those. The node gets
 *   the argument too and answers nothing when it is not among those named.
 */
export const ROUTING_SPEC_URL = 'https://specs.lilong.dev/routing/v0.1';

export const ROUTE_BY = 'routeBy';
export const FANOUT = 'fanout';

export const ROUTING_DIRECTIVES_SDL = `
directive @${ROUTE_BY}(arg: String!) on FIELD_DEFINITION
directive @${FANOUT}(sortBy: String, order: String = "ASC", limitArg: String, neighboursOf: String, communitiesArg: String) on FIELD_DEFINITION
`;

export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.7';

/** The federation directives the subgraphs use. */
export const FEDERATION_IMPORTS = [
  '@key',
  '@shareable',
  '@external',
  '@requires',
  '@provides',
  '@composeDirective',
  '@interfaceObject',
  '@inaccessible',
] as const;

/** The schema-level header every Lilong subgraph SDL starts with. */
export const SUBGRAPH_SCHEMA_HEADER = `extend schema
  @link(url: "${FEDERATION_SPEC_URL}", import: [${FEDERATION_IMPORTS.map((d) => `"${d}"`).join(', ')}])
  @link(url: "${ROUTING_SPEC_URL}", import: ["@${ROUTE_BY}", "@${FANOUT}"])
  @composeDirective(name: "@${ROUTE_BY}")
  @composeDirective(name: "@${FANOUT}")
`;

export type SortOrder = 'ASC' | 'DESC';

export type RoutingRule =
  | { kind: 'routeBy'; arg: string }
  | { kind: 'fanout'; sortBy?: string; order: SortOrder; limitArg?: string; neighboursOf?: string; communitiesArg?: string };
