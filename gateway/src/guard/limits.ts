/**
 * The hub's operation limits: every document is measured against them before graphql-js validation and before
 * the query planner, which is where hostile documents explode (fragment reuse in `@apollo/query-planner` doubles
 * its work per level of doubly-spread fragments). Legitimate documents of this API are far inside them: the
 * largest in the README and tests measure depth 6, 2 aliases, no directives, under 100 tokens, cost under 800;
 * GraphiQL's introspection query is the largest document a client sends (about 250 expanded selections).
 */
export interface OperationLimits {
  /** Lexical tokens in the document (graphql-js `maxTokens`: parsing stops there). @default 2000 */
  maxTokens: number;
  /** Nesting of fields, fragments counted as a level (introspection excluded). Each level of a list of entities can multiply the work (communities → compounds → community → compounds ... at depth 11 took 2.6 s on the demo); legitimate documents reach 6. @default 10 */
  maxDepth: number;
  /** Aliased fields, fragments counted per spread. @default 30 */
  maxAliases: number;
  /** Directives, fragments counted per spread. @default 50 */
  maxDirectives: number;
  /** Field selections once every fragment is expanded, as the planner sees them. @default 1500 */
  maxSelections: number;
  /** graphql-armor's cost (objects 2, scalars 1, x1.5 per level, x`first`). @default 5000 */
  maxCost: number;
  /**
   * Requests to community nodes that fan-out fields may cause: each selection of a `@fanout` field (after
   * fragment expansion, aliases included) asks every community once. @default 400 (e.g. 13 fan-out fields
   * with 30 communities)
   */
  maxFanoutRequests: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxTokens: 2000,
  maxDepth: 10,
  maxAliases: 30,
  maxDirectives: 50,
  maxSelections: 1500,
  maxCost: 5000,
  maxFanoutRequests: 400,
};

/** Per-caller request rate at the hub: a caller is the token's subject, or the client address without a token. */
export interface RateLimits {
  /** Requests per caller per minute (a fixed one-minute window). 0 turns rate limiting off. @default 12000 */
  perMinute: number;
  /** Take an anonymous caller's address from the first `X-Forwarded-For` entry (behind a load balancer). @default false */
  trustProxy: boolean;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perMinute: 12_000, trustProxy: false };

/** How long one request may run at the hub, in ms, before what is not yet fetched is given up. */
export interface RequestBudget {
  /** @default 10000 */
  queryMs: number;
  /** @default 30000 */
  mutationMs: number;
}

export const DEFAULT_REQUEST_BUDGET: RequestBudget = { queryMs: 10_000, mutationMs: 30_000 };
