import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import {
  ACCESS_PATH,
  ANONYMOUS,
  claimsFor,
  communityOfRole,
  type Role,
  type PlaceLookup,
  type NewsLookup,
  documentSigner,
  type RemoteStep,
  type RelayOutcome,
  RELAY_PATH,
  readJsonBody,
  keysById,
  type Caller,
  type Claims,
  assertionRefusalMessage,
  AssertionVerifier,
  buildFederatedSchema,
  classifyDatabaseError,
  databaseUnavailable,
  createLogger,
  createSubgraphServer,
  DEFAULT_REQUEST_LIMITS,
  executeGraphQLHttp,
  HUB_ASSERTION_HEADER,
  limitRepeats,
  JobRunner,
  migrateDomain,
  openDomainOrm,
  RequestBudget,
  safeHandler,
  sendGraphQLError,
  withBudget,
  type Logger,
  type SubgraphContext,
  type SubgraphModule,
  openOutbox,
  OutboxWaiter,
  EventPublisher,
  readEvents,
  pruneEvents,
  METRICS_PATH,
  NO_TRACING,
  NodeMetrics,
  observeRequests,
  serveMetrics,
  type ObservedRoute,
  type Tracing,
} from '@lilong/kit';
import { groupsSubgraph } from '@lilong/groups';
import { shopsSubgraph } from '@lilong/shops';
import { volunteersSubgraph } from '@lilong/volunteers';
import { infoSubgraph } from '@lilong/info';
import { webhooksSubgraph } from '@lilong/webhooks';
import { EVENTS_PATH, MAX_EVENTS_PER_READ, subgraphPath, type ShardedSubgraphName } from '@lilong/schema';
import type { NodeConfig } from './config';

export const DOMAIN_MODULES: readonly SubgraphModule<any>[] = [groupsSubgraph, shopsSubgraph, volunteersSubgraph, infoSubgraph, webhooksSubgraph];

interface ServedSubgraph {
  module: SubgraphModule<any>;
  orm: MikroORM<PostgreSqlDriver>;
  server: ApolloServer<SubgraphContext<any>>;
  sdl: string;
}

export interface CommunityNodeOptions {
  /** Called with every SQL statement any domain sends (statement-count checks). */
  onQuery?: (sql: string, subgraph: ShardedSubgraphName) => void;
  logger?: Logger;
  /** Run the domains' background work (the job runner: deadlines and other jobs). @default true */
  background?: boolean;
  /**
   * Traces (see kit observability/tracing.ts): a server span per request, continuing the hub's trace from its
   * `traceparent` header, a span per root field resolver and one per SQL statement. @default NO_TRACING
   */
  tracing?: Tracing;
  /** prom-client's process metrics on this node's registry (main.ts turns them on). @default false */
  processMetrics?: boolean;
}

/** How long `/healthz` waits for the database to answer `select 1`, in ms. */
export const HEALTH_CHECK_TIMEOUT_MS = 1000;

export type NodeHealth =
  | { status: 'ok'; community: string }
  | { status: 'unavailable'; community: string; reason: 'DATABASE_UNAVAILABLE'; detail: string };

export interface CommunityNode {
  readonly community: string;
  readonly http: Server;
  readonly subgraphs: ReadonlyMap<ShardedSubgraphName, ServedSubgraph>;
  /** This node's metrics (served at /metrics). */
  readonly metrics: NodeMetrics;
  /** Whether the node can serve: its database answers on every domain's pool within HEALTH_CHECK_TIMEOUT_MS. */
  health(): Promise<NodeHealth>;
  /** Listens on the configured port (0: any free one) and resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops accepting requests, lets in-flight ones finish, and closes the database pools. */
  close(): Promise<void>;
}

/**
 * Builds one community's node: the three domain subgraphs over the community's database (one PostgreSQL schema
 * per domain, migrated at start-up), behind one HTTP server that refuses any request without the hub's assertion.
 * Nothing listens until `listen()`.
 */
export async function createCommunityNode(config: NodeConfig, options: CommunityNodeOptions = {}): Promise<CommunityNode> {
  // Everything the node logs goes through one limiter: a failure repeated by every request is logged once a minute.
  const log = limitRepeats(options.logger ?? createLogger(`node:${config.community}`));
  const tracing = options.tracing ?? NO_TRACING;
  const requestLimits = config.requestLimits ?? DEFAULT_REQUEST_LIMITS;
  const subgraphs = new Map<ShardedSubgraphName, ServedSubgraph>();
  const stopBackground: (() => Promise<void>)[] = [];
  const routes = new Map<string, ServedSubgraph>();
  const signer = config.noticeKey ? await documentSigner(config.noticeKey) : undefined;
  // Every domain's news of a period, for the information officer's digest; a domain that fails leaves its part out.
  const news: NewsLookup = async (period) => {
    const parts = await Promise.all(
      [...subgraphs.values()]
        .filter((s) => s.module.news)
        .map((s) =>
          s.module.news!(s.orm.em.fork() as never, config.community, period).catch((error: unknown) => {
            log.error('news of a domain could not be read; the digest goes without it', error);
            return [];
          }),
        ),
    );
    return parts.flat().sort((a, b) => a.at.getTime() - b.at.getTime());
  };
  // The outbox first: every domain writes its events there (kit/outbox), from its first transaction on.
  const outbox = await openOutbox({ databaseUrl: config.databaseUrl, limits: config.databaseLimits, applicationName: `lilong-node:${config.community}/outbox`, log });
  const waiter = new OutboxWaiter(config.databaseUrl, log, `lilong-node:${config.community}/outbox-listen`);
  // One job runner for the whole node (kit/src/jobs): every domain registers its kinds, then it starts.
  const jobs = options.background === false ? undefined : new JobRunner({ databaseUrl: config.databaseUrl, community: config.community, log, limits: config.databaseLimits });
  try {
    for (const module of DOMAIN_MODULES) {
      const onQuery = options.onQuery;
      const orm = await openDomainOrm({
        domain: module.name,
        databaseUrl: config.databaseUrl,
        entities: module.entities,
        migrations: module.migrations,
        poolSize: config.poolSize ?? 10,
        onQuery: onQuery ? (sql) => onQuery(sql, module.name) : undefined,
        limits: config.databaseLimits,
        applicationName: `lilong-node:${config.community}/${module.name}`,
        log,
        tracing,
      });
      const served: ServedSubgraph = { module, orm, server: undefined as never, sdl: '' };
      subgraphs.set(module.name, served);
      await migrateDomain(orm, module.name);
      const { schema, sdl } = await buildFederatedSchema(module);
      served.sdl = sdl;
      served.server = createSubgraphServer(schema, log, { documentLimits: config.documentLimits, tracing });
      await served.server.start();
      routes.set(subgraphPath(module.name), served);
      if (module.startBackground && jobs) {
        stopBackground.push(module.startBackground({ community: config.community, orm, log, news, signer, jobs }));
      }
    }
    if (jobs) {
      stopBackground.push(() => jobs.stop());
      await jobs.start();
    }
  } catch (error) {
    await Promise.allSettled(stopBackground.map((stop) => stop()));
    await Promise.allSettled([...subgraphs.values()].map((s) => s.orm.close()));
    await outbox.close();
    throw error;
  }

  if (options.background !== false) stopBackground.push(pruneOutboxHourly(outbox, log));
  // With a broker, the outbox is also published there, once, in order (kit/outbox/broker.ts); /events stays served.
  let publisher: EventPublisher | undefined;
  if (config.eventBroker) {
    const started = new EventPublisher(config.eventBroker, config.community, outbox, waiter, log);
    started.start();
    stopBackground.push(() => started.stop());
    publisher = started;
  }
  const metrics = new NodeMetrics({
    community: config.community,
    orms: () => [...[...subgraphs].map(([name, s]) => [name, s.orm] as [string, MikroORM<PostgreSqlDriver>]), ['outbox', outbox]],
    jobs,
    outbox,
    publishedSequence: publisher ? () => publisher?.publishedSequence : undefined,
    log,
    processMetrics: options.processMetrics,
  });

  const health = async (): Promise<NodeHealth> => {
    try {
      await Promise.all([...subgraphs.values()].map((s) => within(HEALTH_CHECK_TIMEOUT_MS, s.orm.em.fork().getConnection().execute('select 1'))));
      return { status: 'ok', community: config.community };
    } catch (error) {
      const trouble = classifyDatabaseError(error);
      const detail = error instanceof HealthTimeout ? 'TIMEOUT' : trouble?.kind === 'unavailable' ? trouble.reason : 'ERROR';
      return { status: 'unavailable', community: config.community, reason: 'DATABASE_UNAVAILABLE', detail };
    }
  };

  const assertions = new AssertionVerifier(config.community, await keysById(config.hubPublicKeys));
  const records = [...subgraphs.values()].filter((s) => s.module.rolesFor);
  if (records.length !== 1) throw new Error(`exactly one domain must keep the community's memberships (rolesFor), found ${records.length}`);
  const keeper = records[0]!;
  const placeKeepers = [...subgraphs.values()].filter((s) => s.module.places);
  if (placeKeepers.length !== 1) throw new Error(`exactly one domain must keep the community's places, found ${placeKeepers.length}`);
  const placeKeeper = placeKeepers[0]!;
  const places: PlaceLookup = (ids) => placeKeeper.module.places!(placeKeeper.orm.em.fork() as never, config.community, ids);
  // The hub's hint that no records of the caller are kept here saves reading them; it can only withhold roles.
  const ownRoles = (caller: Caller): Promise<Role[]> =>
    caller.identity && !(caller.homes && !caller.homes.includes(config.community))
      ? keeper.module.rolesFor!(keeper.orm.em.fork() as never, config.community, caller.identity)
      : Promise.resolve([]);
  /**
   * The caller's claims: the hub's grants, the roles other communities' records give the identity (as the hub
   * brought them from those nodes), and the roles this community's own records give it, read now. A forwarded
   * role naming this community is ignored: here only the own records count.
   */
  const claimsOf = async (caller: Caller): Promise<Claims> => {
    if (!caller.identity) return ANONYMOUS;
    const foreign = (caller.roles ?? []).filter((r) => {
      const community = communityOfRole(r);
      return community !== undefined && community !== config.community;
    });
    return claimsFor(caller.identity, [...caller.grants, ...foreign, ...(await ownRoles(caller))]);
  };
  /**
   * Answers with the trouble when the community's records cannot be read; false when the error is something else.
   * The same words as when a resolver meets it (no free connection, or the database unreachable).
   */
  const recordsUnavailable = (res: ServerResponse, error: unknown): boolean => {
    const trouble = classifyDatabaseError(error);
    if (trouble?.kind !== 'unavailable') return false;
    const refusal = databaseUnavailable(trouble.reason, trouble.cause);
    sendGraphQLError(res, 503, 'DATABASE_UNAVAILABLE', { en: refusal.message, zh: String(refusal.extensions.messageZh) }, { reason: trouble.reason });
    return true;
  };
  const relayKeepers = [...subgraphs.values()].filter((s) => s.module.relay);
  if (relayKeepers.length > 1) throw new Error(`at most one domain may take part in steps across communities, found ${relayKeepers.length}`);
  const relayKeeper = relayKeepers[0];
  /**
   * The hub's relay (and only it: the caller must hold the hub's own `relay` grant) asks for this community's
   * steps toward others, hands over a step another community sent, or reports how a step of ours went there.
   */
  const relay = async (req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> => {
    if (!caller.grants.some((g) => g.role === 'relay')) {
      sendGraphQLError(res, 403, 'FORBIDDEN', { en: "Only the hub's relay may call this.", zh: '只有枢纽的中继可以调用此接口。' });
      return;
    }
    const body = (await readJsonBody(req)) as { op?: unknown; limit?: unknown; origin?: unknown; step?: unknown; stepId?: unknown; outcome?: unknown } | null;
    const hooks = relayKeeper?.module.relay;
    const bad = (what: string) => sendGraphQLError(res, 400, 'BAD_REQUEST', { en: `Bad relay request: ${what}.`, zh: `中继请求无效：${what}。` });
    if (!hooks) return bad('no domain of this node takes part in steps across communities');
    if (!body || typeof body !== 'object') return bad('the body must be a JSON object');
    try {
      const em = relayKeeper!.orm.em.fork() as never;
      const data = await withBudget(new RequestBudget({ ...requestLimits, queryMs: requestLimits.mutationMs }), async () => {
        switch (body.op) {
          case 'pending':
            return { steps: await hooks.pending(em, config.community, typeof body.limit === 'number' ? Math.min(100, Math.max(1, body.limit)) : 20) };
          case 'apply': {
            const step = body.step as RemoteStep | undefined;
            if (typeof body.origin !== 'string' || !step || typeof step.id !== 'number' || step.target !== config.community || typeof step.body !== 'object') return undefined;
            return { outcome: await hooks.apply(em, config.community, body.origin, step) };
          }
          case 'settle': {
            const outcome = body.outcome as RelayOutcome | undefined;
            if (typeof body.stepId !== 'number' || !outcome || typeof outcome.ok !== 'boolean') return undefined;
            await hooks.settle(em, config.community, body.stepId, outcome);
            return { settled: true };
          }
          default:
            return undefined;
        }
      });
      if (data === undefined) return bad('op must be pending, apply (with origin and a step for this community) or settle (with stepId and outcome)');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    } catch (error) {
      if (!recordsUnavailable(res, error)) throw error;
    }
  };
  /**
   * The hub's read of this community's events (its relay grant only): those after `after`, at most `limit`, in
   * order; when there are none yet it waits up to `waitMs` (at most 25 s) for the next commit. `after: null` asks for
   * nothing but the head (where a follower starts).
   */
  const events = async (req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> => {
    if (!caller.grants.some((g) => g.role === 'relay')) {
      sendGraphQLError(res, 403, 'FORBIDDEN', { en: "Only the hub's relay may call this.", zh: '只有枢纽的中继可以调用此接口。' });
      return;
    }
    const body = (await readJsonBody(req)) as { after?: unknown; limit?: unknown; waitMs?: unknown } | null;
    const after = body?.after;
    if (!body || typeof body !== 'object' || (after !== null && !(typeof after === 'number' && Number.isSafeInteger(after) && after >= 0))) {
      sendGraphQLError(res, 400, 'BAD_REQUEST', { en: 'Bad events request: after must be a sequence number (0 or more) or null.', zh: '事件请求无效：after 须为序号（0 或以上）或 null。' });
      return;
    }
    const limit = typeof body.limit === 'number' ? Math.min(MAX_EVENTS_PER_READ, Math.max(1, Math.floor(body.limit))) : 100;
    const waitUntil = Date.now() + (typeof body.waitMs === 'number' ? Math.min(25_000, Math.max(0, body.waitMs)) : 0);
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    try {
      for (;;) {
        const read = await readEvents(outbox.em.fork() as never, config.community, after ?? Number.MAX_SAFE_INTEGER, limit);
        if (after === null || read.events.length > 0 || Date.now() >= waitUntil || gone.signal.aborted || waiter.isClosed) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: read }));
          return;
        }
        await waiter.wait(waitUntil - Date.now(), gone.signal);
      }
    } catch (error) {
      if (!recordsUnavailable(res, error)) throw error;
    }
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    // Liveness: the process answers (restart it if not). Readiness: its database answers too (send it traffic).
    if (path === '/livez') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', community: config.community }));
      return;
    }
    // Counts, states and latencies only (no personal data); with LILONG_METRICS_TOKEN, for its bearer only.
    if (path === METRICS_PATH) {
      await serveMetrics(req, res, metrics.registry, config.metricsToken);
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const answer = await health();
      const body = JSON.stringify(answer);
      res.writeHead(answer.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const served = path ? routes.get(path) : undefined;
    if (!served && path !== ACCESS_PATH && path !== RELAY_PATH && path !== EVENTS_PATH) {
      sendGraphQLError(res, 404, 'NOT_FOUND', { en: `No subgraph at ${path}.`, zh: `路径 ${path} 上没有子图。` });
      return;
    }
    const header = req.headers[HUB_ASSERTION_HEADER];
    const verdict = await assertions.verify(typeof header === 'string' ? header : undefined, path);
    if ('refused' in verdict) {
      sendGraphQLError(res, 401, 'HUB_ASSERTION_REQUIRED', assertionRefusalMessage(verdict.refused), { reason: verdict.refused });
      return;
    }
    if (path === RELAY_PATH) {
      await relay(req, res, verdict.caller);
      return;
    }
    if (path === EVENTS_PATH) {
      await events(req, res, verdict.caller);
      return;
    }
    if (!served) {
      // The hub asks what a caller is in this community, to tell another community's node (see Caller.roles).
      try {
        const roles = await withBudget(new RequestBudget(requestLimits), () => ownRoles(verdict.caller));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { community: config.community, roles } }));
      } catch (error) {
        if (!recordsUnavailable(res, error)) throw error;
      }
      return;
    }
    const budget = new RequestBudget(requestLimits);
    // The hub closes the connection when it gives up on a call (its timeout, or its own client gone): stop too.
    res.on('close', () => {
      if (!res.writableFinished) budget.abandon();
    });
    try {
      await withBudget(budget, async () => {
        let claims: Claims;
        try {
          claims = await claimsOf(verdict.caller);
        } catch (error) {
          if (recordsUnavailable(res, error)) return;
          throw error;
        }
        await executeGraphQLHttp(served.server, req, res, async () => {
          const em = served.orm.em.fork();
          return {
            community: config.community,
            em: em as never,
            loaders: served.module.createLoaders(em as never, config.community),
            claims,
            signal: budget.signal,
            places,
            news,
            signer,
            relay: { stepsWaiting: false },
          } satisfies SubgraphContext<unknown>;
        });
      });
    } finally {
      budget.finish();
    }
  };

  /**
   * What each path counts as: a subgraph by its name, or the hub's other calls. The hub's own calls (relay sweeps,
   * event reads) are traced only inside a trace the hub sent; subgraph and access calls always.
   */
  const observedRoutes = new Map<string, ObservedRoute & { label: string }>([
    ...[...routes].map(([path, s]) => [path, { route: path, traced: true, label: s.module.name }] as const),
    [ACCESS_PATH, { route: ACCESS_PATH, traced: true, label: 'access' }],
    [RELAY_PATH, { route: RELAY_PATH, traced: false, label: 'relay' }],
    [EVENTS_PATH, { route: EVENTS_PATH, traced: false, label: 'events' }],
  ]);
  const observed = observeRequests(handle, {
    tracing,
    log,
    attributes: { 'lilong.community': config.community },
    routeOf: (req, path) => {
      const route = observedRoutes.get(path);
      return route && !route.traced && req.headers.traceparent !== undefined ? { ...route, traced: true } : route;
    },
    onServed: (route, request, seconds, outcome) => metrics.observe((route as { label?: string }).label ?? route.route, request.operation, outcome, seconds),
  });
  const http = createServer(safeHandler(observed, log));
  http.keepAliveTimeout = 65_000;

  return {
    community: config.community,
    http,
    subgraphs,
    metrics,
    health,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          const { port } = http.address() as AddressInfo;
          resolve(`http://${config.host}:${port}`);
        });
      }),
    close: async () => {
      // Waiting event reads answer now with what they have, so closing does not wait out their long poll.
      const waiting = waiter.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeIdleConnections();
      });
      await Promise.allSettled(stopBackground.map((stop) => stop()));
      for (const s of subgraphs.values()) await s.server.stop();
      await waiting;
      await Promise.allSettled([...subgraphs.values()].map((s) => s.orm.close()));
      await outbox.close();
      log.flush();
    },
  };
}

/** How long the outbox keeps events: a subscriber or partner away longer resumes from the oldest one kept. */
export const OUTBOX_RETENTION_MS = 7 * 24 * 3600_000;

/** Forgets outbox events past the retention period, now and every hour. */
function pruneOutboxHourly(outbox: MikroORM<PostgreSqlDriver>, log: Logger): () => Promise<void> {
  let running: Promise<unknown> | undefined;
  const prune = () => {
    running ??= pruneEvents(outbox.em.fork() as never, new Date(Date.now() - OUTBOX_RETENTION_MS))
      .catch((error: unknown) => log.error('pruning old outbox events failed; retrying in an hour', error))
      .finally(() => {
        running = undefined;
      });
  };
  prune();
  const timer = setInterval(prune, 3600_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

class HealthTimeout extends Error {}

/** `work`, or a HealthTimeout after `ms`; the work itself runs on (a statement cannot be called back). */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HealthTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
