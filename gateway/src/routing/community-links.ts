import { performance } from 'node:perf_hooks';
import {
  ACCESS_PATH,
  RELAY_PATH,
  ANONYMOUS_CALLER,
  communityOfRole,
  HUB_ASSERTION_HEADER,
  NO_LINK_OBSERVER,
  parseCommunityRoles,
  signAssertion,
  type Caller,
  type LinkObserver,
  type Logger,
  type Role,
  type SigningKey,
} from '@lilong/kit/src/hub';
import { EVENTS_PATH, SHARDED_SUBGRAPHS, subgraphPath, type EventsAnswer, type ShardedSubgraphName } from '@lilong/schema';
import type { CommunityEntry, Directory } from '../directory/directory';
import { CompatibilityChecker, type CompatibilityVerdict } from './compatibility';

export { normalizeSdl } from './compatibility';
import { InflightRequests, requestKey } from './inflight';
import { AnswerTooLarge, postToNode, type NodeAnswer } from './node-http';

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
  constructor(
    readonly community: string,
    readonly reason: UnavailableReason,
    detail: string,
    /** SCHEMA_MISMATCH of one subgraph: the rest of the community answers. */
    readonly subgraph?: ShardedSubgraphName,
  ) {
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
  /**
   * How often a verified node's SDL is fetched again (in the background, never delaying a request): a node
   * upgraded in place without an outage the hub saw is judged again within this. @default 60000
   */
  reverifyMs?: number;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = { timeoutMs: 2500, mutationTimeoutMs: 15_000, failureThreshold: 3, openMs: 5000 };
export const DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/**
 * A timeout counts against a community only when the hub gave it this share of the timeout: while the hub's own
 * event loop stood still, an answer may have been waiting unread, and a busy hub must not open every circuit.
 */
const ATTENTION_SHARE = 0.9;

export const DEFAULT_REVERIFY_MS = 60_000;

/** The hub's verdict on one subgraph of one node, as it serves it now. */
export interface SubgraphVerdict {
  accepted: boolean;
  /** Why it is refused (the breaking changes, or no such subgraph on the node); empty when accepted. */
  problems: string[];
  /** Accepted, with changes worth an operator's eye (an enum value the hub does not know, ...). */
  warnings: string[];
  /** Hash of the SDL judged (modulo whitespace); absent when the node serves no such subgraph. */
  sdlHash?: string;
  /** A refused subgraph is judged again from then on (the circuit's openMs after its refusal). */
  recheckAt: number;
}

/** What the hub knows of one community's node right now. */
interface LinkState {
  /** Every subgraph's SDL fetched and judged since the last outage (some may be refused: see `subgraphs`). */
  verified: boolean;
  /** When the SDL was last fetched and judged (ms since the epoch). */
  verifiedAt: number;
  /** The verdict on each subgraph, from the last verification. */
  subgraphs: Map<ShardedSubgraphName, SubgraphVerdict>;
  failures: number;
  openUntil: number;
  /** The verification every caller waits for (an unverified node). */
  probe?: Promise<void>;
  /** A verification nobody waits for, or only callers of a refused subgraph (a periodic or due re-check). */
  recheck?: Promise<void>;
  lastError?: string;
  /** Bumped by every directory change: a verification begun before one judged the old URL, and starts again. */
  epoch: number;
}

/** DEGRADED: some of its subgraphs are refused (incompatible schema), the rest answer; REFUSED: all of them are. */
export type LinkStatus = 'ACTIVE' | 'DEGRADED' | 'SUSPENDED' | 'UNAVAILABLE' | 'REFUSED' | 'UNVERIFIED';

/** Problems named per subgraph in a status detail; the rest are counted (the log and /healthz have them all). */
const PROBLEMS_IN_DETAIL = 3;

/** What a verification of a community's node depends on in its directory entry: where the node is, and whether it is served. */
function linkIdentity(entry: CommunityEntry): string {
  return `${entry.status}\u0000${entry.url}`;
}

/**
 * The hub's connections to community nodes: signs the hub assertion into every call, applies the timeout, keeps a
 * circuit breaker per community, and checks each subgraph a node serves against the composed one
 * (compatibility.ts): a compatible one (a release ahead or behind) is used, an incompatible one is refused for that
 * community alone, its other subgraphs still used. A node is (re)verified before first use, after every outage, on
 * a change of its directory entry's URL or status and every `reverifyMs`; a refused subgraph is judged again after the circuit's openMs.
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
    /** Metrics and a client span per call, with `traceparent` and the request ID in its headers. */
    private readonly observer: LinkObserver = NO_LINK_OBSERVER,
  ) {
    // First among the listeners: whoever re-verifies on a change (the hub does) must find the changed nodes untrusted.
    for (const entry of directory.list()) this.listed.set(entry.code, linkIdentity(entry));
    directory.prependListener('change', () => {
      // A community whose node may now be another one (its URL changed, or it came back from suspension) is checked
      // again before it is trusted; the others keep being served as they were, so that an edit of one entry (a new
      // community, a key rotation) never makes the whole sub-district wait for its nodes to be re-verified.
      const listed = new Map(directory.list().map((entry) => [entry.code, linkIdentity(entry)] as const));
      for (const [code, state] of this.states) {
        if (listed.get(code) === this.listed.get(code)) continue;
        state.verified = false;
        state.epoch += 1;
      }
      this.listed = listed;
    });
  }

  /** Each listed community's link identity (see linkIdentity), as of the last directory change. */
  private listed = new Map<string, string>();

  private state(code: string): LinkState {
    let s = this.states.get(code);
    if (!s) this.states.set(code, (s = { verified: false, verifiedAt: 0, subgraphs: new Map(), failures: 0, openUntil: 0, epoch: 0 }));
    return s;
  }

  private checkerInstance?: CompatibilityChecker<ShardedSubgraphName>;

  /** One checker for every community: a verdict per (subgraph, SDL hash), so nodes on one release cost one check. */
  get checker(): CompatibilityChecker<ShardedSubgraphName> {
    return (this.checkerInstance ??= new CompatibilityChecker(this.expectedSdl));
  }

  status(code: string): LinkStatus {
    const entry = this.directory.get(code);
    if (entry?.status === 'suspended') return 'SUSPENDED';
    const s = this.states.get(code);
    if (!s) return 'UNVERIFIED';
    if (s.openUntil > Date.now() || s.failures >= this.options.failureThreshold) return 'UNAVAILABLE';
    if (!s.verified) return 'UNVERIFIED';
    const refused = this.refusedOf(s);
    if (refused.length === 0) return 'ACTIVE';
    return refused.length === SHARDED_SUBGRAPHS.length ? 'REFUSED' : 'DEGRADED';
  }

  lastError(code: string): string | undefined {
    const s = this.states.get(code);
    if (!s) return undefined;
    const refused = s.verified ? this.refusedOf(s) : [];
    if (refused.length === 0) return s.lastError;
    return refused.map(([subgraph, verdict]) => `${subgraph} refused: ${summary(verdict.problems)}`).join('; ');
  }

  /**
   * Each subgraph's verdict, for staff (/healthz): accepted or refused, with the problems and warnings; undefined
   * until the node was verified.
   */
  subgraphReport(code: string): Record<string, { status: 'ACCEPTED' | 'REFUSED'; problems: string[]; warnings: string[] }> | undefined {
    const s = this.states.get(code);
    if (!s?.verified) return undefined;
    return Object.fromEntries(
      [...s.subgraphs].map(([subgraph, v]) => [subgraph, { status: v.accepted ? 'ACCEPTED' : 'REFUSED', problems: v.problems, warnings: v.warnings }] as const),
    );
  }

  private refusedOf(s: LinkState): [ShardedSubgraphName, SubgraphVerdict][] {
    return [...s.subgraphs].filter(([, verdict]) => !verdict.accepted);
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
    await this.admit(code, subgraph);
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

  /**
   * The node is verified (every subgraph judged since the last outage), or this verifies it first; throws
   * `CommunityUnavailable` when it cannot be reached. A refused subgraph does not fail it: see `admit`.
   */
  private async ready(code: string): Promise<void> {
    const entry = this.directory.get(code);
    if (!entry) throw new CommunityUnavailable(code, 'CONNECTION_FAILED', `community ${code} is not in the directory`);
    if (entry.status === 'suspended') throw new CommunityUnavailable(code, 'SUSPENDED', `community ${code} is suspended in the directory`);
    const s = this.state(code);
    if (s.verified) {
      // Judged again now and then, in the background: a node upgraded in place is noticed without an outage.
      if (!s.recheck && !s.probe && Date.now() - s.verifiedAt >= (this.options.reverifyMs ?? DEFAULT_REVERIFY_MS)) this.recheck(code, s).catch(() => undefined);
      return;
    }
    if (s.probe) return s.probe;
    if (s.openUntil > Date.now()) throw new CommunityUnavailable(code, 'CIRCUIT_OPEN', `circuit open after: ${s.lastError}`);
    s.probe = this.verify(code).finally(() => {
      s.probe = undefined;
    });
    return s.probe;
  }

  /** One re-verification at a time per community; callers of a refused subgraph wait for it, nobody else does. */
  private recheck(code: string, s: LinkState): Promise<void> {
    s.recheck ??= this.verify(code).finally(() => {
      s.recheck = undefined;
    });
    return s.recheck;
  }

  /**
   * Lets a request to one subgraph of a verified node through, or throws SCHEMA_MISMATCH naming that subgraph
   * when its SDL is refused. A refused subgraph is judged again once its re-check is due (the node may have been
   * fixed or upgraded); until then its requests fail fast.
   */
  private async admit(code: string, subgraph: ShardedSubgraphName): Promise<void> {
    const s = this.state(code);
    let verdict = s.subgraphs.get(subgraph);
    if (!verdict || verdict.accepted) return;
    if (Date.now() >= verdict.recheckAt) {
      await this.recheck(code, s);
      verdict = s.subgraphs.get(subgraph);
      if (!verdict || verdict.accepted) return;
    }
    throw new CommunityUnavailable(code, 'SCHEMA_MISMATCH', `the ${subgraph} schema this node serves is incompatible with the composed supergraph: ${summary(verdict.problems)}`, subgraph);
  }

  /**
   * Fetches the SDL of every subgraph the node serves and judges each against the composed one (compatibility.ts,
   * cached per subgraph and SDL hash). A node that cannot be reached fails as any call does; a node that serves no
   * such subgraph (an older release) has that subgraph refused.
   */
  private async verify(code: string): Promise<void> {
    const s = this.state(code);
    const epoch = s.epoch;
    const judged = await Promise.all(
      SHARDED_SUBGRAPHS.map(async (subgraph) => {
        const response = await this.call(code, subgraph, { query: '{ _service { sdl } }' }, ANONYMOUS_CALLER);
        const sdl = (response.data?._service as { sdl?: unknown } | undefined)?.sdl;
        let verdict: Omit<SubgraphVerdict, 'recheckAt'>;
        if (typeof sdl === 'string') verdict = verdictOf(this.checker.check(subgraph, sdl));
        else if (!response.data && response.errors?.[0]?.extensions?.code === 'NOT_FOUND') {
          verdict = { accepted: false, problems: [`The node serves no ${subgraph} subgraph (an older release?).`], warnings: [] };
        } else throw this.fail(code, 'BAD_RESPONSE', `no SDL from ${subgraph}`);
        return [subgraph, verdict] as const;
      }),
    );
    // The directory changed meanwhile (another URL, another node): what was judged may not be what is listed now.
    if (s.epoch !== epoch) return this.verify(code);
    const now = Date.now();
    for (const [subgraph, verdict] of judged) {
      const before = s.subgraphs.get(subgraph);
      const changed = !before || before.accepted !== verdict.accepted || before.sdlHash !== verdict.sdlHash;
      if (changed && !verdict.accepted) {
        this.log.warn('subgraph refused: its schema is incompatible with the composed supergraph', { community: code, subgraph, problems: verdict.problems });
      } else if (changed && verdict.accepted && before && !before.accepted) {
        this.log.info('subgraph accepted again', { community: code, subgraph, warnings: verdict.warnings });
      } else if (changed && verdict.accepted && verdict.warnings.length > 0) {
        this.log.warn('subgraph accepted with dangerous changes', { community: code, subgraph, warnings: verdict.warnings });
      }
      s.subgraphs.set(subgraph, { ...verdict, recheckAt: verdict.accepted ? 0 : now + this.options.openMs });
    }
    if (!s.verified) {
      const refused = this.refusedOf(s).map(([subgraph]) => subgraph);
      this.log.info('community verified', { community: code, ...(refused.length ? { refused } : {}) });
    }
    s.verified = true;
    s.verifiedAt = now;
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
    const observed = this.observer.fetching(code, subgraph, `${entry.url}${path}`);
    const stalls = loopStalls.watch();
    const timedOut = (): CommunityUnavailable => {
      const stalledMs = stalls.stalledMs();
      if (performance.now() - started - stalledMs < timeoutMs * ATTENTION_SHARE) return this.hubStalled(code, timeoutMs, stalledMs);
      return this.fail(code, 'TIMEOUT', `no answer within ${timeoutMs} ms`);
    };
    try {
      const maxBytes = this.options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
      let response: NodeAnswer;
      try {
        response = await postToNode(
          `${entry.url}${path}`,
          {
            'content-type': 'application/json',
            // One assertion per HTTP request, for this path only: nodes refuse it anywhere else, or a second time.
            [HUB_ASSERTION_HEADER]: await signAssertion(caller, code, this.hubKey, { path }),
            ...observed.headers,
          },
          JSON.stringify(body),
          signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) : AbortSignal.timeout(timeoutMs),
          maxBytes,
        );
      } catch (error) {
        if (signal?.aborted) throw new CommunityUnavailable(code, 'CONNECTION_FAILED', 'the call was ended by the hub');
        if ((error as Error).name === 'TimeoutError') throw timedOut();
        if (error instanceof AnswerTooLarge) throw this.fail(code, 'BAD_RESPONSE', `an answer larger than ${maxBytes} bytes`);
        throw this.fail(code, 'CONNECTION_FAILED', describe(error));
      }
      if (response.status === 401) {
        const reason = refusalReason(response.text);
        throw this.fail(
          code,
          'ASSERTION_REFUSED',
          `the node refused the hub assertion (${reason ?? 'no reason given'}): check LILONG_HUB_PUBLIC_KEY on the node, and that the hub's and the node's clocks agree`,
        );
      }
      let parsed: GraphQLResponseBody;
      try {
        parsed = JSON.parse(response.text) as GraphQLResponseBody;
      } catch {
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
      observed.answered();
      return parsed;
    } catch (error) {
      observed.failed(error instanceof CommunityUnavailable ? error.reason : 'ERROR');
      throw error;
    } finally {
      stalls.end();
    }
  }
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
  return cause?.code ?? (error as { code?: string }).code ?? cause?.message ?? (error as Error).message;
}

function verdictOf(verdict: CompatibilityVerdict): Omit<SubgraphVerdict, 'recheckAt'> {
  return {
    accepted: verdict.compatible,
    problems: verdict.breaking.map((c) => c.description),
    warnings: verdict.dangerous.map((c) => c.description),
    sdlHash: verdict.sdlHash,
  };
}

function summary(problems: readonly string[]): string {
  const shown = problems.slice(0, PROBLEMS_IN_DETAIL).join(' ');
  return problems.length > PROBLEMS_IN_DETAIL ? `${shown} (and ${problems.length - PROBLEMS_IN_DETAIL} more)` : shown;
}
