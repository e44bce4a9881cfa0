import { performance } from 'node:perf_hooks';
import {
  ACCESS_PATH,
  RELAY_PATH,
  ANONYMOUS_CALLER,
  communityOfRole,
  HUB_ASSERTION_HEADER,
  parseCommunityRoles,
  signAssertion,
  type Caller,
  type Logger,
  type Role,
  type SigningKey,
} from '@lilong/kit';
import { EVENTS_PATH, SHARDED_SUBGRAPHS, subgraphPath, type EventsAnswer, type ShardedSubgraphName } from '@lilong/schema';
import type { Directory } from '../directory/directory';
import { InflightRequests, requestKey } from './inflight';

export type UnavailableReason =
  | 'TIMEOUT'
  | 'CONNECTION_FAILED'
  | 'CIRCUIT_OPEN'
  | 'BAD_RESPONSE'
  | 'ASSERTION_REFUSED'
  | 'SCHEMA_MISMATCH'
  | 'SUSPENDED'
  /** The node answered, but cannot reach its own database. */
  | 'DATABASE_UNAVAILABLE';

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
  extensions?: Record<string, unknown>;
}

/** Who the hub's relay is when it calls a node's RELAY_PATH: the hub itself, with its own `relay` grant. */
export const RELAY_CALLER: Caller = Object.freeze({ identity: { issuer: 'lilong-hub', subject: 'relay' }, grants: [{ role: 'relay' as const }] });

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
  /**
   * Largest answer read from a node, in bytes; a larger one is BAD_RESPONSE, and its reading stops there. Far
   * above a real fetch (a community's whole stock list is a few MB), low enough that a node cannot fill the hub's
   * memory. @default 16 MiB
   */
  maxAnswerBytes?: number;
  /** Whether identical reads in flight share one fetch (`InflightRequests`). @default true */
  mergeInflight?: boolean;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = { timeoutMs: 2500, mutationTimeoutMs: 15_000, failureThreshold: 3, openMs: 5000 };
export const DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/** A refusal (HTTP 401) is small: more is not read. */
const MAX_REFUSAL_BYTES = 64 * 1024;
/**
 * A timeout counts against a community only when the hub gave it this share of the timeout: while the hub's own
 * event loop stood still, an answer may have been waiting unread, and a busy hub must not open every circuit.
 */
const ATTENTION_SHARE = 0.9;

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
  /** Questions of what a caller is in a community (`/access`), by community. */
  readonly accessAsked = new Map<string, number>();
  /** Entity representations sent for client operations, by `community/subgraph`. */
  readonly representationsSent = new Map<string, number>();
  /** Reads in flight, shared by identical requests. */
  readonly inflight = new InflightRequests<GraphQLResponseBody>();

  constructor(
    private readonly directory: Directory,
    private readonly hubKey: SigningKey,
    private readonly expectedSdl: ReadonlyMap<ShardedSubgraphName, string>,
    private readonly log: Logger,
    private readonly options: LinkOptions = DEFAULT_LINK_OPTIONS,
  ) {
    // First among the listeners: whoever re-verifies on a change (the hub does) must find the nodes untrusted.
    directory.prependListener('change', () => {
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

  /**
   * Sends one GraphQL request to one subgraph of one community, or throws `CommunityUnavailable`. A read identical
   * to one in flight (same document, variables and caller) shares its fetch (`InflightRequests`).
   */
  async send(code: string, subgraph: ShardedSubgraphName, body: GraphQLRequestBody, caller: Caller, mutation = false): Promise<GraphQLResponseBody> {
    if (mutation || this.options.mergeInflight === false) return this.sendNow(code, subgraph, body, caller, mutation);
    return this.inflight.run(requestKey(code, subgraph, caller, body), () => this.sendNow(code, subgraph, body, caller, false), structuredClone);
  }

  private async sendNow(code: string, subgraph: ShardedSubgraphName, body: GraphQLRequestBody, caller: Caller, mutation: boolean): Promise<GraphQLResponseBody> {
    await this.ready(code);
    const key = `${code}/${subgraph}`;
    this.sent.set(key, (this.sent.get(key) ?? 0) + 1);
    const representations = body.variables?.representations;
    if (Array.isArray(representations)) {
      this.representationsSent.set(key, (this.representationsSent.get(key) ?? 0) + representations.length);
    }
    return this.call(code, subgraph, body, caller, mutation ? (this.options.mutationTimeoutMs ?? 15_000) : this.options.timeoutMs);
  }

  /**
   * What the caller is in one community by its records, as its node answers (`/access`), for telling other
   * communities' nodes: a household of one community signs up at a shop of another. `undefined` when the
   * community is unavailable: it gives no roles (the caller may then be refused what only its records would allow). For a
   * mutation the lookup is given the mutation's timeout: it is part of the mutation's request, and a lookup cut
   * short would refuse the mutation as FORBIDDEN.
   */
  async rolesIn(code: string, caller: Caller, mutation = false): Promise<Role[] | undefined> {
    if (!caller.identity) return [];
    if (this.status(code) === 'SUSPENDED') return undefined;
    this.accessAsked.set(code, (this.accessAsked.get(code) ?? 0) + 1);
    try {
      await this.ready(code);
      const timeoutMs = mutation ? (this.options.mutationTimeoutMs ?? 15_000) : this.options.timeoutMs;
      const answer = await this.call(code, 'access', { query: '' }, { identity: caller.identity, grants: [] }, timeoutMs);
      const roles = parseCommunityRoles((answer.data as { roles?: unknown } | undefined)?.roles) ?? [];
      return roles.filter((r) => communityOfRole(r) === code);
    } catch (error) {
      if (error instanceof CommunityUnavailable) return undefined;
      throw error;
    }
  }

  /**
   * One exchange with a node's relay endpoint (its steps toward other communities, or a step for it), as the hub's
   * relay; throws `CommunityUnavailable` when the node cannot answer.
   */
  async relay(code: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.status(code) === 'SUSPENDED') throw new CommunityUnavailable(code, 'SUSPENDED', 'the community is suspended in the directory');
    await this.ready(code);
    const answer = await this.call(code, 'relay', body as never, RELAY_CALLER, this.options.mutationTimeoutMs ?? 15_000);
    if (!answer.data) throw this.fail(code, 'BAD_RESPONSE', `relay answered ${JSON.stringify(answer.errors?.[0]?.extensions?.code ?? 'without data')}`);
    return answer.data;
  }

  /**
   * Reads a community's events after `after` (null: only its head), waiting up to `waitMs` at the node for the next
   * commit when there are none yet (long polling); throws `CommunityUnavailable` when the node cannot answer.
   */
  async events(code: string, after: number | null, limit: number, waitMs: number, signal?: AbortSignal): Promise<EventsAnswer> {
    if (this.status(code) === 'SUSPENDED') throw new CommunityUnavailable(code, 'SUSPENDED', 'the community is suspended in the directory');
    await this.ready(code);
    const answer = await this.call(code, 'events', { after, limit, waitMs } as never, RELAY_CALLER, waitMs + this.options.timeoutMs, signal);
    const data = answer.data as Partial<EventsAnswer> | undefined;
    if (!data || typeof data.head !== 'number' || !Array.isArray(data.events)) {
      throw this.fail(code, 'BAD_RESPONSE', `events answered ${JSON.stringify(answer.errors?.[0]?.extensions?.code ?? 'without data')}`);
    }
    return { head: data.head, oldest: typeof data.oldest === 'number' ? data.oldest : data.head + 1, events: data.events };
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
        const response = await this.call(code, subgraph, { query: '{ _service { sdl } }' }, ANONYMOUS_CALLER);
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

  /** A timeout while the hub itself was stalled: reported, but not counted against the community. */
  private hubStalled(code: string, timeoutMs: number, stalledMs: number): CommunityUnavailable {
    const detail = `no answer within ${timeoutMs} ms, while the hub's own event loop was stalled for ${Math.round(stalledMs)} ms`;
    const now = Date.now();
    if (now - lastStallWarning >= 10_000) {
      lastStallWarning = now;
      this.log.warn('hub stalled: timeout not counted against the community', { community: code, timeoutMs, stalledMs: Math.round(stalledMs) });
    }
    return new CommunityUnavailable(code, 'TIMEOUT', detail);
  }

  private async call(
    code: string,
    subgraph: ShardedSubgraphName | 'access' | 'relay' | 'events',
    body: GraphQLRequestBody,
    caller: Caller,
    timeoutMs = this.options.timeoutMs,
    /** Ends the call early (the hub shutting down); such an end is not counted against the community. */
    signal?: AbortSignal,
  ): Promise<GraphQLResponseBody> {
    const entry = this.directory.get(code);
    if (!entry) throw new CommunityUnavailable(code, 'CONNECTION_FAILED', `community ${code} is not in the directory`);
    const path = subgraph === 'access' ? ACCESS_PATH : subgraph === 'relay' ? RELAY_PATH : subgraph === 'events' ? EVENTS_PATH : subgraphPath(subgraph);
    const started = performance.now();
    const stalls = loopStalls.watch();
    const timedOut = (): CommunityUnavailable => {
      const stalledMs = stalls.stalledMs();
      if (performance.now() - started - stalledMs < timeoutMs * ATTENTION_SHARE) return this.hubStalled(code, timeoutMs, stalledMs);
      return this.fail(code, 'TIMEOUT', `no answer within ${timeoutMs} ms`);
    };
    try {
      let response: Response;
      try {
        response = await fetch(`${entry.url}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            // One assertion per HTTP request, for this path only: nodes refuse it anywhere else, or a second time.
            [HUB_ASSERTION_HEADER]: await signAssertion(caller, code, this.hubKey, { path }),
          },
          body: JSON.stringify(body),
          signal: signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) : AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        if (signal?.aborted) throw new CommunityUnavailable(code, 'CONNECTION_FAILED', 'the call was ended by the hub');
        throw (error as Error).name === 'TimeoutError' ? timedOut() : this.fail(code, 'CONNECTION_FAILED', describe(error));
      }
      if (response.status === 401) {
        const reason = await readCapped(response, MAX_REFUSAL_BYTES).then(refusalReason, () => undefined);
        throw this.fail(
          code,
          'ASSERTION_REFUSED',
          `the node refused the hub assertion (${reason ?? 'no reason given'}): check LILONG_HUB_PUBLIC_KEY on the node, and that the hub's and the node's clocks agree`,
        );
      }
      const maxBytes = this.options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
      let parsed: GraphQLResponseBody;
      try {
        parsed = JSON.parse(await readCapped(response, maxBytes)) as GraphQLResponseBody;
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') throw timedOut();
        if (error instanceof AnswerTooLarge) throw this.fail(code, 'BAD_RESPONSE', `HTTP ${response.status} with an answer larger than ${maxBytes} bytes`);
        throw this.fail(code, 'BAD_RESPONSE', `HTTP ${response.status} without a JSON body`);
      }
      if (typeof parsed !== 'object' || parsed === null || (!('data' in parsed) && !Array.isArray(parsed.errors))) {
        throw this.fail(code, 'BAD_RESPONSE', `HTTP ${response.status} without data or errors`);
      }
      // The node is up but its database is not: the community is unavailable, not the request wrong.
      const database = parsed.errors?.find((e) => e.extensions?.code === 'DATABASE_UNAVAILABLE');
      if (database) {
        throw this.fail(code, 'DATABASE_UNAVAILABLE', `the node cannot reach its database (${String(database.extensions?.reason ?? 'no reason given')})`);
      }
      const s = this.state(code);
      s.failures = 0;
      s.openUntil = 0;
      return parsed;
    } finally {
      stalls.end();
    }
  }
}

class AnswerTooLarge extends Error {}

/** The body as text, read no further than `maxBytes` (a larger body is cancelled: AnswerTooLarge). */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new AnswerTooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new AnswerTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function refusalReason(text: string): string | undefined {
  try {
    const reason = (JSON.parse(text) as GraphQLResponseBody).errors?.[0]?.extensions?.reason;
    return typeof reason === 'string' ? reason : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long the hub's own event loop stood still while calls were in flight: a timer set to tick every TICK_MS
 * that ticks late was held up by the hub's own work (a long synchronous task, a GC pause). It runs only while
 * some call is watching, and the lateness of a tick that is overdue right now counts too, since the timeout's
 * timer may fire before it in the same turn of the loop.
 */
class LoopStalls {
  private static readonly TICK_MS = 50;
  /** Lateness below this is ordinary jitter. */
  private static readonly JITTER_MS = 20;
  private stalled = 0;
  private last = 0;
  private timer: NodeJS.Timeout | undefined;
  private watchers = 0;

  watch(): { stalledMs(): number; end(): void } {
    if (this.watchers++ === 0) {
      this.last = performance.now();
      this.timer = setInterval(() => this.tick(), LoopStalls.TICK_MS);
      this.timer.unref();
    }
    const from = this.total();
    let ended = false;
    return {
      stalledMs: () => this.total() - from,
      end: () => {
        if (ended) return;
        ended = true;
        if (--this.watchers === 0) clearInterval(this.timer);
      },
    };
  }

  private lateness(now: number): number {
    const late = now - this.last - LoopStalls.TICK_MS;
    return late > LoopStalls.JITTER_MS ? late : 0;
  }

  private total(): number {
    return this.stalled + this.lateness(performance.now());
  }

  private tick(): void {
    const now = performance.now();
    this.stalled += this.lateness(now);
    this.last = now;
  }
}

/** One per process: every hub link in it shares one event loop. */
const loopStalls = new LoopStalls();
let lastStallWarning = 0;

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
