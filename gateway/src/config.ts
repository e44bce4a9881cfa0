import type { RelayOptions } from './relay/relay';
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { eventBrokerFromEnv, metricsTokenFromEnv, privateKeyFromPem, type EventBrokerConfig } from '@lilong/kit/src/hub';
import { parseTrustConfig, type TrustConfig } from './auth/bearer';
import { SHARDED_SUBGRAPHS, SUPERGRAPH_PATH, subgraphSdlPath, type ShardedSubgraphName } from '@lilong/schema';
import { DEFAULT_OPERATION_LIMITS, DEFAULT_RATE_LIMITS, DEFAULT_REQUEST_BUDGET, type OperationLimits, type RateLimits, type RequestBudget } from './guard/limits';
import { DEFAULT_LINK_OPTIONS, type LinkOptions } from './routing/community-links';

export interface HubConfig {
  /** @default 4000 */
  port: number;
  /** @default "127.0.0.1" */
  host: string;
  /** Path of the directory of communities (JSON), re-read when it changes. */
  directoryPath: string;
  /** The hub's signing key for assertions to community nodes. */
  hubPrivateKey: KeyObject;
  /**
   * Whom the hub trusts: the identity providers whose bearer tokens it accepts (per issuer a JWKS URL or a static
   * key set, an algorithm allow-list, audience, clock allowance, maximum token age), and its own grants (sub-district
   * staff, partner apps). Tokens say who a person is; community roles come from the communities' records.
   */
  trust: TrustConfig;
  /** The composed supergraph. @default the committed schema/supergraph.graphql */
  supergraphSdl: string;
  /** The composed subgraph SDL that every community must serve. @default the committed schema/sdl/*.graphql */
  expectedSdl: ReadonlyMap<ShardedSubgraphName, string>;
  link: LinkOptions;
  /** The relay between communities (borrowed volunteers). @default DEFAULT_RELAY_OPTIONS */
  relay?: RelayOptions;
  /** Operation limits checked before validation and planning. @default DEFAULT_OPERATION_LIMITS */
  limits?: OperationLimits;
  /** @default DEFAULT_RATE_LIMITS */
  rateLimits?: RateLimits;
  /** @default DEFAULT_REQUEST_BUDGET */
  budget?: RequestBudget;
  /** Operation limits and rate limits on; off only to measure what they cost (LILONG_GUARD=off). @default true */
  guard?: boolean;
  /**
   * The address people reach the hub at (LILONG_PUBLIC_URL), for links printed on paper: a notice's QR code opens
   * its verifier there. @default the address the hub listens on
   */
  publicUrl?: string;
  /**
   * A NATS JetStream broker the nodes publish their events to (LILONG_NATS_URL, LILONG_NATS_STREAM,
   * LILONG_NATS_PREFIX): subscriptions then follow the stream instead of long-polling each node's `/events`, which
   * is what several hub replicas over many communities want. The nodes must be given the same broker.
   * @default none: the hub reads each node's `/events`
   */
  eventBroker?: EventBrokerConfig;
  /**
   * A bearer token `/metrics` asks for (LILONG_METRICS_TOKEN). @default none: `/metrics` is open on the hub's port,
   * like the probes (it holds counts, states and latencies, no personal data)
   */
  metricsToken?: string;
}

/** The hub's protective settings at their defaults, for callers that build a config by hand. */
export const DEFAULT_PROTECTION: Required<Pick<HubConfig, 'limits' | 'rateLimits' | 'budget'>> = {
  limits: DEFAULT_OPERATION_LIMITS,
  rateLimits: DEFAULT_RATE_LIMITS,
  budget: DEFAULT_REQUEST_BUDGET,
};

export function committedSchema(): Pick<HubConfig, 'supergraphSdl' | 'expectedSdl'> {
  return {
    supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
    expectedSdl: new Map(SHARDED_SUBGRAPHS.map((name) => [name, readFileSync(subgraphSdlPath(name), 'utf8')])),
  };
}

export class HubConfigError extends Error {}

function readKey<T>(env: NodeJS.ProcessEnv, name: string, parse: (pem: string) => T): T {
  const pem = env[name] ?? (env[`${name}_FILE`] ? readFileSync(env[`${name}_FILE`]!, 'utf8') : undefined);
  if (!pem) throw new HubConfigError(`${name} or ${name}_FILE must hold a PEM key`);
  try {
    return parse(pem);
  } catch {
    throw new HubConfigError(`${name} is not a valid PEM key`);
  }
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new HubConfigError(`${name} must be an integer ${min}-${max}, got "${raw}"`);
  return value;
}

/** A yes/no variable, spelled one of `yes` or one of `no`; the message names the first spelling of each. */
function switchFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean, yes: readonly string[], no: readonly string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (yes.includes(raw)) return true;
  if (no.includes(raw)) return false;
  throw new HubConfigError(`${name} must be ${yes[0]} or ${no[0]}, got "${raw}"`);
}

/**
 * Hub configuration from the environment: PORT, HOST, LILONG_DIRECTORY, LILONG_HUB_PRIVATE_KEY(_FILE),
 * LILONG_TRUST (JSON: { "issuers": [...], "grants": [...] }, see auth/bearer.ts) or LILONG_TRUST_FILE, LILONG_TIMEOUT_MS,
 * LILONG_BREAKER_FAILURES, LILONG_BREAKER_OPEN_MS, LILONG_MERGE_INFLIGHT (false: identical reads in flight are not merged), the operation limits LILONG_MAX_TOKENS, LILONG_MAX_DEPTH,
 * LILONG_MAX_ALIASES, LILONG_MAX_DIRECTIVES, LILONG_MAX_SELECTIONS, LILONG_MAX_COST, LILONG_MAX_FANOUT_REQUESTS,
 * LILONG_PUBLIC_URL, the rate limit LILONG_RATE_LIMIT_PER_MINUTE (0: off) and LILONG_TRUST_PROXY (1: read X-Forwarded-For), and the
 * request budgets LILONG_QUERY_BUDGET_MS, LILONG_MUTATION_BUDGET_MS, the event broker LILONG_NATS_URL, LILONG_NATS_STREAM,
 * LILONG_NATS_PREFIX. A bad value stops start-up naming the variable.
 */
function publicUrlFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    return url.toString().replace(/\/$/, '');
  } catch {
    throw new HubConfigError(`LILONG_PUBLIC_URL must be an http(s) URL, got "${raw}"`);
  }
}

export function hubConfigFromEnv(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const directoryPath = env.LILONG_DIRECTORY;
  if (!directoryPath) throw new HubConfigError('LILONG_DIRECTORY must name the directory file (JSON)');
  const trustText = env.LILONG_TRUST ?? (env.LILONG_TRUST_FILE ? readFileSync(env.LILONG_TRUST_FILE, 'utf8') : '{ "issuers": [], "grants": [] }');
  let trust: TrustConfig;
  try {
    trust = parseTrustConfig(JSON.parse(trustText));
  } catch (error) {
    throw new HubConfigError(`LILONG_TRUST: ${(error as Error).message}`);
  }
  let eventBroker: EventBrokerConfig | undefined;
  try {
    eventBroker = eventBrokerFromEnv(env);
  } catch (error) {
    throw new HubConfigError((error as Error).message);
  }
  return {
    eventBroker,
    metricsToken: metricsTokenFromEnv(env),
    port: intFrom(env, 'PORT', 4000, 0, 65535),
    publicUrl: publicUrlFrom(env.LILONG_PUBLIC_URL),
    host: env.HOST ?? '127.0.0.1',
    directoryPath,
    hubPrivateKey: readKey(env, 'LILONG_HUB_PRIVATE_KEY', privateKeyFromPem),
    trust,
    ...committedSchema(),
    link: {
      timeoutMs: intFrom(env, 'LILONG_TIMEOUT_MS', DEFAULT_LINK_OPTIONS.timeoutMs, 50, 60_000),
      failureThreshold: intFrom(env, 'LILONG_BREAKER_FAILURES', DEFAULT_LINK_OPTIONS.failureThreshold, 1, 100),
      openMs: intFrom(env, 'LILONG_BREAKER_OPEN_MS', DEFAULT_LINK_OPTIONS.openMs, 100, 600_000),
      // Off only to measure what merging identical in-flight reads saves (ops/bench/peers.ts).
      mergeInflight: switchFrom(env, 'LILONG_MERGE_INFLIGHT', true, ['true', '1'], ['false', '0']),
    },
    limits: {
      maxTokens: intFrom(env, 'LILONG_MAX_TOKENS', DEFAULT_OPERATION_LIMITS.maxTokens, 100, 1_000_000),
      maxDepth: intFrom(env, 'LILONG_MAX_DEPTH', DEFAULT_OPERATION_LIMITS.maxDepth, 2, 1000),
      maxAliases: intFrom(env, 'LILONG_MAX_ALIASES', DEFAULT_OPERATION_LIMITS.maxAliases, 0, 100_000),
      maxDirectives: intFrom(env, 'LILONG_MAX_DIRECTIVES', DEFAULT_OPERATION_LIMITS.maxDirectives, 0, 100_000),
      maxSelections: intFrom(env, 'LILONG_MAX_SELECTIONS', DEFAULT_OPERATION_LIMITS.maxSelections, 10, 10_000_000),
      maxCost: intFrom(env, 'LILONG_MAX_COST', DEFAULT_OPERATION_LIMITS.maxCost, 10, 100_000_000),
      maxFanoutRequests: intFrom(env, 'LILONG_MAX_FANOUT_REQUESTS', DEFAULT_OPERATION_LIMITS.maxFanoutRequests, 1, 1_000_000),
    },
    rateLimits: {
      perMinute: intFrom(env, 'LILONG_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.perMinute, 0, 10_000_000),
      trustProxy: switchFrom(env, 'LILONG_TRUST_PROXY', DEFAULT_RATE_LIMITS.trustProxy, ['1', 'true'], ['0', 'false']),
    },
    guard: switchFrom(env, 'LILONG_GUARD', true, ['on'], ['off']),
    budget: {
      queryMs: intFrom(env, 'LILONG_QUERY_BUDGET_MS', DEFAULT_REQUEST_BUDGET.queryMs, 100, 600_000),
      mutationMs: intFrom(env, 'LILONG_MUTATION_BUDGET_MS', DEFAULT_REQUEST_BUDGET.mutationMs, 100, 600_000),
    },
  };
}
