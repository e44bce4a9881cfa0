import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { answerClientErrors, createLogger, safeHandler, sendGraphQLError, signingKey, type Caller, type Logger } from '@lilong/kit/src/hub';
import { HubMetrics, METRICS_PATH, NO_TRACING, observeRequests, operationObserver, serveMetrics, type Tracing } from '@lilong/kit/src/hub';
import { HomeCommunities, RolesElsewhere } from './routing/home-communities';
import { HUB_SUBGRAPH, isShardedSubgraph } from '@lilong/schema';
import type { GraphQLSchema } from 'graphql';
import { BearerVerifier } from './auth/bearer';
import { coalesceCommunityErrors } from './coalesce-errors';
import { DEFAULT_PROTECTION, type HubConfig } from './config';
import { Directory } from './directory/directory';
import { buildHubSubgraph } from './directory/hub-subgraph';
import { communityStatusInAnswer } from './directory/status-in-answer';
import { valueCompletionErrors } from './routing/value-completion';
import { isConsolePath, serveConsole } from './console/console';
import { serveExplorer } from './explorer/explorer';
import { serveGraphQL } from './guard/graphql-endpoint';
import { isVerifierPath, serveVerifier } from './verifier/verifier';
import { OperationGuard } from './guard/operation-guard';
import { callerKey, CallerRateLimiter } from './guard/rate-limit';
import { Followers, DEFAULT_FOLLOWER_OPTIONS } from './live/follower';
import { BrokerEventTail } from './live/broker-source';
import { DEFAULT_LIVE_OPTIONS, LiveEvents, type LiveContext } from './live/live';
import { sseHandler, webSocketServer } from './live/transports';
import { CommunityLinks } from './routing/community-links';
import { DEFAULT_RELAY_OPTIONS, Relay } from './relay/relay';
import { readRoutingRules } from './routing/rules';
import { ShardedDataSource, type HubContext } from './routing/sharded-data-source';

export interface Hub {
  readonly http: Server;
  readonly directory: Directory;
  readonly links: CommunityLinks;
  /** Carries steps between communities (see relay.ts). */
  readonly relay: Relay;
  /**
   * Forgets which communities have records of whom (see HomeCommunities), e.g. after records were changed straight
   * in a community's database (`npm run grant`, test fixtures) rather than through this hub.
   */
  forgetHomeCommunities(): void;
  /** Reads the directory file again now, rather than at the next poll (SIGHUP; nothing with `options.directory`). */
  reloadDirectory(): void;
  /** How many subscriptions are open now, over SSE and WebSocket together. */
  openSubscriptions(): number;
  /** This hub's metrics (served at /metrics). */
  readonly metrics: HubMetrics;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface HubOptions {
  logger?: Logger;
  /** Use this directory instead of reading (and watching) `config.directoryPath`. */
  directory?: Directory;
  /** Called with every query plan the gateway makes (tests count its fetches). */
  onQueryPlan?: (plan: QueryPlan) => void;
  /**
   * Traces (see kit observability/tracing.ts): a span per GraphQL request, @apollo/gateway's own under it when this
   * is the process's global provider, a client span per call to a node. @default NO_TRACING
   */
  tracing?: Tracing;
  /** prom-client's process metrics on this hub's registry (main.ts turns them on). @default false */
  processMetrics?: boolean;
}

/**
 * Builds the sub-district hub: `@apollo/gateway` over the committed supergraph, with the hub's sharded routing
 * for every domain subgraph and the directory subgraph in-process. Refuses to build when a root field of a
 * sharded subgraph has no routing rule. Nothing listens until `listen()`.
 */
export async function createHub(config: HubConfig, options: HubOptions = {}): Promise<Hub> {
  const log = options.logger ?? createLogger('hub');
  const rules = readRoutingRules(config.supergraphSdl);
  const directory = options.directory ?? Directory.fromFile(config.directoryPath);
  const refused = (error: Error) => log.error('directory change refused; keeping the last good one', error);
  const stopWatching = options.directory ? () => undefined : directory.watch(config.directoryPath, refused);
  const reloadDirectory = () => {
    if (!options.directory) directory.reload(config.directoryPath, refused);
  };
  const tracing = options.tracing ?? NO_TRACING;
  // Read when scraped: the links and the live events exist by then.
  const metrics: HubMetrics = new HubMetrics({
    communities: () => directory.list().map((c) => c.code),
    status: (code): string => links.status(code),
    openSubscriptions: () => live.openCount,
    tracing,
    processMetrics: options.processMetrics,
  });
  // The links first: their own 'change' listener marks every node unverified, which the check below relies on.
  const links = new CommunityLinks(directory, await signingKey(config.hubPrivateKey), config.expectedSdl, log, config.link, metrics);
  const bearer = new BearerVerifier(config.trust, { logger: log });
  directory.on('change', () => {
    log.info('directory reloaded', { communities: directory.list().map((c) => c.code) });
    void links.verifyAll();
  });
  const relay = new Relay(directory, links, log, config.relay ?? DEFAULT_RELAY_OPTIONS);
  let listeningUrl = `http://localhost:${config.port}`;
  const hubSchema = buildHubSubgraph(directory, links, { publicUrl: () => config.publicUrl ?? listeningUrl });
  // @apollo/gateway reports host facts (uptime, CPUs, memory, cloud provider) to Apollo's servers hourly and at every
  // shutdown unless told not to: the hub sends nothing anywhere it was not configured to (an operator may still say false).
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: config.supergraphSdl,
    buildService: ({ name }) => {
      if (name === HUB_SUBGRAPH) return new LocalGraphQLDataSource(hubSchema);
      if (!isShardedSubgraph(name)) throw new Error(`unknown subgraph ${name} in the supergraph`);
      return new ShardedDataSource(name, rules.get(name)!, directory, links, relay);
    },
    experimental_didResolveQueryPlan: options.onQueryPlan ? ({ queryPlan }) => options.onQueryPlan!(queryPlan) : undefined,
    // Fragment reuse re-optimises every named fragment against the others: exponential on doubly-spread
    // fragment chains. Fetches to the nodes are sent expanded instead (their size is bounded by the guard).
    queryPlannerConfig: { reuseQueryFragments: false },
    logger: { debug: () => undefined, info: () => undefined, warn: (m) => log.warn(String(m)), error: (m) => log.error(String(m)) },
  });
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: loaded }) => {
    apiSchema = loaded;
  });
  const server = new ApolloServer<HubContext>({
    gateway,
    plugins: [coalesceCommunityErrors(), valueCompletionErrors(), communityStatusInAnswer(links, () => apiSchema), ApolloServerPluginLandingPageDisabled(), operationObserver<HubContext>()],
    includeStacktraceInErrorResponses: false,
    // Every document is checked by the hub's guard before Apollo sees it; a hash alone would bypass it.
    persistedQueries: false,
    // The process owns shutdown (close HTTP, then servers, then pools); Apollo must not race it on SIGTERM.
    stopOnTerminationSignals: false,
  });
  await server.start();
  void links.verifyAll();
  relay.start();
  const fanoutCoordinates = new Set([...rules.values()].flatMap((r) => [...r.root.values(), ...r.fanoutEntityFields.values()].filter((rule) => rule.kind === 'fanout').map((rule) => rule.coordinate)));
  const rateLimits = config.rateLimits ?? DEFAULT_PROTECTION.rateLimits;
  const guard = new OperationGuard(config.limits ?? DEFAULT_PROTECTION.limits, fanoutCoordinates, () => directory.fanoutTargets().length);
  const rateLimiter = new CallerRateLimiter(rateLimits);
  const homes = new HomeCommunities();
  const rolesElsewhere = (caller: Caller, mutation: boolean) => new RolesElsewhere(caller, mutation, homes, directory, links);

  // Live events: one follower per community read by every subscriber; each event resolved through the normal path.
  // With a broker, new events come from its stream (every replica reads it; the nodes are not polled per replica).
  const followers = new Followers(links, log, DEFAULT_FOLLOWER_OPTIONS, config.eventBroker ? new BrokerEventTail(config.eventBroker, log) : links);
  const live = new LiveEvents(followers, directory, log, DEFAULT_LIVE_OPTIONS, tracing);
  const budget = config.budget ?? DEFAULT_PROTECTION.budget;
  const contextFor = (caller: Caller): LiveContext => ({
    caller,
    run: async (query, variables) => {
      const response = await server.executeOperation(
        { query, variables },
        { contextValue: { caller, deadline: Date.now() + budget.queryMs, rolesElsewhere: caller.identity ? rolesElsewhere(caller, false) : undefined } },
      );
      if (response.body.kind !== 'single') return { errors: [{ message: 'Unexpected incremental answer.' }] };
      return response.body.singleResult as never;
    },
  });
  const liveOptions = {
    live,
    schema: () => apiSchema,
    guard,
    authenticate: (authorization: string | undefined) => bearer.verify(authorization),
    contextFor,
    rateLimit: (req: IncomingMessage, caller: Caller) => (config.guard === false ? Promise.resolve(0) : rateLimiter.take(callerKey(req, caller, rateLimits.trustProxy))),
    log,
  };
  const sse = sseHandler(liveOptions);
  const webSockets = webSocketServer(liveOptions);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/graphql/stream') {
      await sse(req, res);
      return;
    }
    if (path === '/graphql') {
      const caller = await bearer.verify(req.headers.authorization);
      if (caller instanceof Error) {
        sendGraphQLError(res, 401, 'UNAUTHENTICATED', { en: caller.message, zh: String(caller.extensions.messageZh) }, { reason: caller.extensions.reason }, { 'www-authenticate': 'Bearer error="invalid_token"' });
        return;
      }
      if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) {
        serveExplorer(req, res);
        return;
      }
      await serveGraphQL(req, res, { server, schema: () => apiSchema, guard, rateLimiter, rateLimits, budget, caller, rolesElsewhere, onMembershipsChanged: () => homes.forgetAll(), enabled: config.guard !== false });
      return;
    }
    // Liveness: the process answers. Readiness: it has a directory to route by (a community being down degrades
    // answers, it does not make the hub unready). Details (each community's last error) only for sub-district staff.
    if (path === '/livez') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      return;
    }
    // Counts, states and latencies only (no personal data); with LILONG_METRICS_TOKEN, for its bearer only.
    if (path === METRICS_PATH) {
      await serveMetrics(req, res, metrics.registry, config.metricsToken);
      return;
    }
    if (path === '/readyz') {
      const ready = directory.list().length > 0;
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(ready ? { status: 'ok' } : { status: 'unavailable', reason: 'NO_DIRECTORY' }));
      return;
    }
    if (path === '/healthz') {
      const communities = Object.fromEntries(directory.list().map((c) => [c.code, links.status(c.code)]));
      const caller = req.headers.authorization ? await bearer.verify(req.headers.authorization) : undefined;
      const staff = caller !== undefined && !(caller instanceof Error) && caller.grants.some((g) => g.role === 'subdistrict');
      const details = staff ? { details: Object.fromEntries(directory.list().map((c) => [c.code, { status: links.status(c.code), lastError: links.lastError(c.code) ?? null, subgraphs: links.subgraphReport(c.code) ?? null }])), openSubscriptions: live.openCount } : {};
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', communities, ...details }));
      return;
    }
    if (path !== undefined && isVerifierPath(path)) {
      serveVerifier(req, res, directory);
      return;
    }
    if (path !== undefined && isConsolePath(path)) {
      serveConsole(req, res);
      return;
    }
    if (path === '/' || path?.startsWith('/explorer')) {
      serveExplorer(req, res);
      return;
    }
    sendGraphQLError(res, 404, 'NOT_FOUND', { en: `Nothing at ${path}; the API is at /graphql.`, zh: `${path} 不存在；接口地址为 /graphql。` });
  };

  // Every answer carries its request ID; GraphQL requests (not the explorer page) are measured and traced.
  const observed = observeRequests(handle, {
    tracing,
    log,
    routeOf: (req, path) => (path === '/graphql' && !(req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) ? { route: '/graphql', traced: true } : undefined),
    onServed: (_route, request, seconds, outcome) => metrics.observeRequest(request.operation, outcome, seconds),
  });
  const http = createServer({ maxHeaderSize: 32 * 1024, requestTimeout: 60_000, headersTimeout: 20_000 }, safeHandler(observed, log));
  answerClientErrors(http);
  http.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    if ((req.url ?? '/').split('?')[0] === '/graphql') webSockets.upgrade(req, socket, head);
    else socket.destroy();
  });
  return {
    http,
    directory,
    links,
    relay,
    forgetHomeCommunities: () => homes.forgetAll(),
    reloadDirectory,
    openSubscriptions: () => live.openCount,
    metrics,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          const { port } = http.address() as AddressInfo;
          listeningUrl = `http://${config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host}:${port}`;
          resolve(`http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`);
        });
      }),
    close: async () => {
      stopWatching();
      live.close();
      await webSockets.close();
      await followers.stop();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeIdleConnections();
      });
      await relay.stop();
      await server.stop();
    },
  };
}
