import type { KeyObject } from 'node:crypto';
import { HUB_ASSERTION_HEADER, signAssertion, type Claims, type Logger } from '@lilong/kit';
import { SHARDED_SUBGRAPHS, subgraphPath, type ShardedSubgraphName } from '@lilong/schema';
import type { Directory } from '../directory/directory';

export type UnavailableReason =
  | 'TIMEOUT'
  | 'CONNECTION_FAILED'
  | 'CIRCUIT_OPEN'
  | 'BAD_RESPONSE'
  | 'ASSERTION_REFUSED'
  | 'SCHEMA_MISMATCH'
  | 'SUSPENDED';

export class CommunityUnavailable extends Error {
  constructor(readonly community: string, readonly reason: UnavailableReason, detail: string) {
    super(detail);
  }
}

export interface GraphQLRequestBody {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }>;
}

export interface LinkOptions {
  /** Per-call timeout for queries, in ms. @default 2500 */
  timeoutMs: number;
  /**
   * Per-call timeout for mutations, in ms: longer, because a mutation whose answer is cut off may still take
   * effect (the caller can only find out by replaying it with its idempotency key). @default 15000
   */
  mutationTimeoutMs?: number;
  /** Consecutive failures that open a community's circuit. @default 3 */
  failureThreshold: number;
  /** How long an open circuit fails fast before one probe is let through, in ms. @default 5000 */
  openMs: number;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = { timeoutMs: 2500, mutationTimeoutMs: 15_000, failureThreshold: 3, openMs: 5000 };

/** What the hub knows of one community's node right now. */
interface LinkState {
  /** SDL checked against the composed one since the last outage. */
  verified: boolean;
  refused?: string;
  failures: number;
  openUntil: number;
  probe?: Promise<void>;
  lastError?: string;
}

export type LinkStatus = 'ACTIVE' | 'SUSPENDED' | 'UNAVAILABLE' | 'REFUSED' | 'UNVERIFIED';

/**
 * The hub's connections to community nodes: signs the hub assertion into every call, applies the timeout, keeps a
 * circuit breaker per community, and refuses a node whose subgraph SDL differs from the composed one. A node is
 * (re)verified before first use and after every outage, so a node that comes back on another version is caught.
 */
export class CommunityLinks {
  private readonly states = new Map<string, LinkState>();
  /** Requests sent for client operations (not verification), by `community/subgraph`. */
  readonly sent = new Map<string, number>();
  /** Entity representations sent for client operations, by `community/subgraph`. */
  readonly representationsSent = new Map<string, number>();

  constructor(
    private readonly directory: Directory,
    private readonly hubKey: KeyObject,
    private readonly expectedSdl: ReadonlyMap<ShardedSubgraphName, string>,
    private readonly log: Logger,
    private readonly options: LinkOptions = DEFAULT_LINK_OPTIONS,
  ) {
    directory.on('change', () => {
      // URLs or keys may have changed: check every node again before trusting it.
      for (const state of this.states.values()) state.verified = false;
    });
  }

  private state(code: string): LinkState {
    let s = this.states.get(code);
    if (!s) this.states.set(code, (s = { verified: false, failures: 0, openUntil: 0 }));
    return s;
  }

  status(code: string): LinkStatus {
    const entry = this.directory.get(code);
    if (entry?.status === 'suspended') return 'SUSPENDED';
    const s = this.states.get(code);
    if (!s) return 'UNVERIFIED';
    if (s.refused) return 'REFUSED';
    if (s.openUntil > Date.now() || s.failures >= this.options.failureThreshold) return 'UNAVAILABLE';
    return s.verified ? 'ACTIVE' : 'UNVERIFIED';
  }

  lastError(code: string): string | undefined {
    return this.states.get(code)?.refused ?? this.states.get(code)?.lastError;
  }

  /** Sends one GraphQL request to one subgraph of one community, or throws `CommunityUnavailable`. */
  async send(code: string, subgraph: ShardedSubgraphName, body: GraphQLRequestBody, claims: Claims, mutation = false): Promise<GraphQLResponseBody> {
    await this.ready(code);
    const key = `${code}/${subgraph}`;
    this.sent.set(key, (this.sent.get(key) ?? 0) + 1);
    const representations = body.variables?.representations;
    if (Array.isArray(representations)) {
      this.representationsSent.set(key, (this.representationsSent.get(key) ?? 0) + representations.length);
    }
    return this.call(code, subgraph, body, claims, mutation ? (this.options.mutationTimeoutMs ?? 15_000) : this.options.timeoutMs);
  }

  /** Verifies every community now (at start-up and for the console); never throws. */
  async verifyAll(): Promise<void> {
    await Promise.allSettled(this.directory.list().map((c) => this.ready(c.code)));
  }

  private async ready(code: string): Promise<void> {
    const entry = this.directory.get(code);
    if (!entry) throw new CommunityUnavailable(code, 'CONNECTION_FAILED', `community ${code} is not in the directory`);
    if (entry.status === 'suspended') throw new CommunityUnavailable(code, 'SUSPENDED', `community ${code} is suspended in the directory`);
    const s = this.state(code);
    if (s.verified && !s.refused) return;
    if (s.probe) return s.probe;
    if (s.openUntil > Date.now()) {
      throw new CommunityUnavailable(code, s.refused ? 'SCHEMA_MISMATCH' : 'CIRCUIT_OPEN', s.refused ?? `circuit open after: ${s.lastError}`);
    }
    s.probe = this.verify(code).finally(() => {
      s.probe = undefined;
    });
    return s.probe;
  }

  /** Compares the node's SDL of every subgraph with the composed one. */
  private async verify(code: string): Promise<void> {
    const s = this.state(code);
    const answers = await Promise.all(
      SHARDED_SUBGRAPHS.map(async (subgraph) => {
        const response = await this.call(code, subgraph, { query: '{ _service { sdl } }' }, { sub: 'lilong-hub', roles: [] });
        const sdl = (response.data?._service as { sdl?: unknown } | undefined)?.sdl;
        if (typeof sdl !== 'string') throw this.fail(code, 'BAD_RESPONSE', `no SDL from ${subgraph}`);
        return { subgraph, matches: normalizeSdl(sdl) === normalizeSdl(this.expectedSdl.get(subgraph) ?? '') };
      }),
    );
    const mismatched = answers.filter((a) => !a.matches).map((a) => a.subgraph);
    if (mismatched.length > 0) {
      s.refused = `schema of ${mismatched.join(', ')} differs from the composed supergraph`;
      s.openUntil = Date.now() + this.options.openMs;
      this.log.warn('community refused', { community: code, reason: s.refused });
      throw new CommunityUnavailable(code, 'SCHEMA_MISMATCH', s.refused);
    }
    if (!s.verified || s.refused) this.log.info('community verified', { community: code });
    s.refused = undefined;
    s.verified = true;
  }

  private fail(code: string, reason: UnavailableReason, detail: string): CommunityUnavailable {
    const s = this.state(code);
    s.failures += 1;
    s.lastError = `${reason}: ${detail}`;
    if (s.failures >= this.options.failureThreshold) {
      if (s.verified) this.log.warn('circuit opened', { community: code, reason, detail });
      s.verified = false;
      s.openUntil = Date.now() + this.options.openMs;
    }
    return new CommunityUnavailable(code, reason, detail);
  }

  private async call(
    code: string,
    subgraph: ShardedSubgraphName,
    body: GraphQLRequestBody,
    claims: Claims,
    timeoutMs = this.options.timeoutMs,
  ): Promise<GraphQLResponseBody> {
    const entry = this.directory.get(code);
    if (!entry) throw new CommunityUnavailable(code, 'CONNECTION_FAILED', `community ${code} is not in the directory`);
    const path = subgraphPath(subgraph);
    let response: Response;
    try {
      response = await fetch(`${entry.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // One assertion per HTTP request, for this path only: nodes refuse it anywhere else, or a second time.
          [HUB_ASSERTION_HEADER]: signAssertion(claims, code, this.hubKey, { path }),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw this.fail(code, timedOut ? 'TIMEOUT' : 'CONNECTION_FAILED', timedOut ? `no answer within ${timeoutMs} ms` : describe(error));
    }
    if (response.status === 401) {
      throw this.fail(code, 'ASSERTION_REFUSED', 'the node refused the hub assertion: check LILONG_HUB_PUBLIC_KEY on the node');
    }
    let parsed: GraphQLResponseBody;
    try {
      parsed = (await response.json()) as GraphQLResponseBody;
    } catch (error) {
      throw this.fail(code, (error as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'BAD_RESPONSE', `HTTP ${response.status} without a JSON body`);
    }
    if (typeof parsed !== 'object' || parsed === null || (!('data' in parsed) && !Array.isArray(parsed.errors))) {
      throw this.fail(code, 'BAD_RESPONSE', `HTTP ${response.status} without data or errors`);
    }
    const s = this.state(code);
    s.failures = 0;
    s.openUntil = 0;
    return parsed;
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** SDL compared modulo the generated header and whitespace. */
export function normalizeSdl(sdl: string): string {
  return sdl
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n')
    .replace(/\s+/g, ' ')
    .trim();
}
