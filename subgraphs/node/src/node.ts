import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import {
  buildFederatedSchema,
  createLogger,
  createSubgraphServer,
  executeGraphQLHttp,
  HUB_ASSERTION_HEADER,
  migrateDomain,
  openDomainOrm,
  safeHandler,
  sendGraphQLError,
  assertionRefusalMessage,
  AssertionVerifier,
  type Logger,
  type SubgraphContext,
  type SubgraphModule,
} from '@lilong/kit';
import { groupsSubgraph } from '@lilong/groups';
import { shopsSubgraph } from '@lilong/shops';
import { volunteersSubgraph } from '@lilong/volunteers';
import { subgraphPath, type ShardedSubgraphName } from '@lilong/schema';
import type { NodeConfig } from './config';

export const DOMAIN_MODULES: readonly SubgraphModule<any>[] = [groupsSubgraph, shopsSubgraph, volunteersSubgraph];

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
  /** Run the domains' background work (deadline scheduler). @default true */
  background?: boolean;
}

export interface CommunityNode {
  readonly community: string;
  readonly http: Server;
  readonly subgraphs: ReadonlyMap<ShardedSubgraphName, ServedSubgraph>;
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
  const log = options.logger ?? createLogger(`node:${config.community}`);
  const subgraphs = new Map<ShardedSubgraphName, ServedSubgraph>();
  const stopBackground: (() => Promise<void>)[] = [];
  const routes = new Map<string, ServedSubgraph>();
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
      });
      const served: ServedSubgraph = { module, orm, server: undefined as never, sdl: '' };
      subgraphs.set(module.name, served);
      await migrateDomain(orm, module.name);
      const { schema, sdl } = await buildFederatedSchema(module);
      served.sdl = sdl;
      served.server = createSubgraphServer(schema, log);
      await served.server.start();
      routes.set(subgraphPath(module.name), served);
      if (module.startBackground && options.background !== false) {
        stopBackground.push(module.startBackground({ community: config.community, orm, log }));
      }
    }
  } catch (error) {
    await Promise.allSettled(stopBackground.map((stop) => stop()));
    await Promise.allSettled([...subgraphs.values()].map((s) => s.orm.close()));
    throw error;
  }

  const assertions = new AssertionVerifier(config.community, config.hubPublicKey);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const body = JSON.stringify({ status: 'ok', community: config.community });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const served = path ? routes.get(path) : undefined;
    if (!served) {
      sendGraphQLError(res, 404, 'NOT_FOUND', { en: `No subgraph at ${path}.`, zh: `路径 ${path} 上没有子图。` });
      return;
    }
    const header = req.headers[HUB_ASSERTION_HEADER];
    const verdict = assertions.verify(typeof header === 'string' ? header : undefined, path);
    if ('refused' in verdict) {
      sendGraphQLError(res, 401, 'HUB_ASSERTION_REQUIRED', assertionRefusalMessage(verdict.refused), { reason: verdict.refused });
      return;
    }
    const { claims } = verdict;
    await executeGraphQLHttp(served.server, req, res, async () => {
      const em = served.orm.em.fork();
      return { community: config.community, em: em as never, loaders: served.module.createLoaders(em as never, config.community), claims };
    });
  };

  const http = createServer(safeHandler(handle, log));
  http.keepAliveTimeout = 65_000;

  return {
    community: config.community,
    http,
    subgraphs,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          const { port } = http.address() as AddressInfo;
          resolve(`http://${config.host}:${port}`);
        });
      }),
    close: async () => {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeIdleConnections();
      });
      await Promise.allSettled(stopBackground.map((stop) => stop()));
      for (const s of subgraphs.values()) await s.server.stop();
      await Promise.allSettled([...subgraphs.values()].map((s) => s.orm.close()));
    },
  };
}
