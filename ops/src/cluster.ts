import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signAssertion, signJwt, type Role } from '@lilong/kit';
import { committedSchema, createHub, Directory, HUB_AUDIENCE, type CommunityEntry, type Hub, type HubConfig } from '@lilong/gateway';
import { createCommunityNode, type CommunityNode } from '@lilong/node';
import { subgraphPath, type ShardedSubgraphName } from '@lilong/schema';
import type { PlanNode } from '@apollo/query-planner';
import { createDatabase, dropDatabase, scratchName } from './db';
import { seedCommunity, TEST_COMMUNITIES, type DemoCommunity } from './seed';

const ISSUER = 'lilong-test-idp';

export interface ClusterOptions {
  /** Fixture communities to run, by code. @default all of TEST_COMMUNITIES */
  communities?: DemoCommunity[];
  /** Circuit breaker: how long an open circuit fails fast. */
  breakerOpenMs?: number;
  timeoutMs?: number;
  /** Run the nodes' background work (deadline scheduler); off where SQL statements are counted. @default true */
  background?: boolean;
  /** SDL the hub expects of the nodes (to test a node on another schema). @default the committed SDL */
  expectedSdl?: ReadonlyMap<ShardedSubgraphName, string>;
  /** The hub's operation limits, rate limits and request budget. @default the hub's defaults */
  protection?: Pick<HubConfig, 'limits' | 'rateLimits' | 'budget'>;
}

export interface GraphQLAnswer<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/**
 * A whole sub-district in one process, for tests and benchmarks: a database per community on the test PostgreSQL, a community node per
 * community (real HTTP, port 0), and a hub in front, all in this process. Every SQL statement is counted.
 */
export class TestCluster {
  readonly nodes = new Map<string, CommunityNode>();
  readonly sql: { community: string; subgraph: ShardedSubgraphName; sql: string }[] = [];
  /** Fetches in the last query plan, by subgraph. */
  lastPlanFetches: Record<string, number> = {};
  hub!: Hub;
  url!: string;
  private readonly databases = new Map<string, string>();
  private readonly ports = new Map<string, number>();
  private readonly replicas: CommunityNode[] = [];
  private readonly hubKey = generateKeyPairSync('ed25519');
  private readonly issuerKey = generateKeyPairSync('ed25519');

  private constructor(private readonly adminUrl: string, private readonly options: ClusterOptions) {}

  static async start(options: ClusterOptions = {}, adminUrl = process.env.LILONG_TEST_ADMIN_URL): Promise<TestCluster> {
    if (!adminUrl) throw new Error('LILONG_TEST_ADMIN_URL is not set: run the tests through jest (global setup)');
    const cluster = new TestCluster(adminUrl, options);
    await cluster.boot();
    return cluster;
  }

  get communities(): DemoCommunity[] {
    return this.options.communities ?? TEST_COMMUNITIES;
  }

  private async boot(): Promise<void> {
    const entries: CommunityEntry[] = [];
    for (const community of this.communities) {
      const db = scratchName(`lilong_t_${community.code.replace(/-/g, '_')}`);
      const url = await createDatabase(this.adminUrl, db);
      this.databases.set(community.code, url);
      const node = await this.startNode(community.code, 0);
      const orms = Object.fromEntries([...node.subgraphs].map(([name, s]) => [name, s.orm])) as Parameters<typeof seedCommunity>[0];
      await seedCommunity(orms, community.code, community);
      entries.push({
        code: community.code,
        name: community.name,
        nameEn: community.nameEn,
        url: `http://127.0.0.1:${this.ports.get(community.code)}`,
        neighbours: community.neighbours,
        status: 'active',
      });
    }
    this.hub = await createHub(
      {
        port: 0,
        host: '127.0.0.1',
        directoryPath: '(in memory)',
        hubPrivateKey: this.hubKey.privateKey,
        issuers: new Map([[ISSUER, this.issuerKey.publicKey]]),
        ...committedSchema(),
        ...(this.options.expectedSdl ? { expectedSdl: this.options.expectedSdl } : {}),
        ...this.options.protection,
        link: { timeoutMs: this.options.timeoutMs ?? 2000, failureThreshold: 3, openMs: this.options.breakerOpenMs ?? 300 },
      },
      { directory: new Directory(entries), logger: quietLogger, onQueryPlan: (plan) => (this.lastPlanFetches = countFetches(plan.node as PlanNode | undefined)) },
    );
    this.url = `${await this.hub.listen()}/graphql`;
    await this.hub.links.verifyAll();
  }

  private async startNode(code: string, port: number): Promise<CommunityNode> {
    const node = await createCommunityNode(
      { community: code, databaseUrl: this.databases.get(code)!, hubPublicKey: this.hubKey.publicKey, port, host: '127.0.0.1' },
      { onQuery: (sql, subgraph) => this.sql.push({ community: code, subgraph, sql }), logger: quietLogger, background: this.options.background },
    );
    await node.listen();
    this.ports.set(code, (node.http.address() as AddressInfo).port);
    this.nodes.set(code, node);
    return node;
  }

  /**
   * Another node for a community, on the same database, not in the directory: a second replica, as when a
   * community runs two nodes behind a load balancer. Its background work (deadlines) runs too.
   */
  async replica(code: string): Promise<CommunityNode> {
    const node = await createCommunityNode(
      { community: code, databaseUrl: this.databases.get(code)!, hubPublicKey: this.hubKey.publicKey, port: 0, host: '127.0.0.1' },
      { logger: quietLogger, background: this.options.background },
    );
    await node.listen();
    this.replicas.push(node);
    return node;
  }

  nodeUrl(code: string): string {
    return `http://127.0.0.1:${this.ports.get(code)}`;
  }

  /** Stops a community's node as a crash would look to the hub: the port refuses connections. */
  async stopNode(code: string): Promise<void> {
    const node = this.nodes.get(code);
    this.nodes.delete(code);
    node?.http.closeAllConnections();
    await node?.close();
  }

  /** Starts the community's node again on the same port and database. */
  async restartNode(code: string): Promise<void> {
    await this.startNode(code, this.ports.get(code)!);
  }

  /** A hub assertion for one request to a community's node, as the hub would sign it (nodes accept each once). */
  assertionFor(code: string, subgraph: ShardedSubgraphName, roles: Role[] = []): string {
    return signAssertion({ sub: 'bench', roles }, code, this.hubKey.privateKey, { path: subgraphPath(subgraph) });
  }

  /** A bearer token from the test identity provider. */
  token(roles: Role[], sub = 'test-user', expiresInSeconds = 600): string {
    const iat = Math.floor(Date.now() / 1000);
    return signJwt({ iss: ISSUER, aud: HUB_AUDIENCE, sub, roles, iat, exp: iat + expiresInSeconds }, this.issuerKey.privateKey as KeyObject);
  }

  async query<T = any>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLAnswer<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  }

  /** Requests the hub sent for client operations, by `community/subgraph`. */
  sentCounts(): Record<string, number> {
    return Object.fromEntries(this.hub.links.sent);
  }

  resetCounts(): void {
    this.hub.links.sent.clear();
    this.hub.links.representationsSent.clear();
    this.sql.length = 0;
  }

  async stop(): Promise<void> {
    await this.hub?.close();
    for (const replica of this.replicas) await replica.close();
    for (const code of [...this.nodes.keys()]) await this.stopNode(code);
    for (const url of this.databases.values()) await dropDatabase(this.adminUrl, new URL(url).pathname.slice(1));
  }
}

/** Fetch nodes of a query plan by subgraph. */
function countFetches(node: PlanNode | undefined, out: Record<string, number> = {}): Record<string, number> {
  if (!node) return out;
  if (node.kind === 'Fetch') out[node.serviceName] = (out[node.serviceName] ?? 0) + 1;
  else if (node.kind === 'Sequence' || node.kind === 'Parallel') node.nodes.forEach((n) => countFetches(n, out));
  else if (node.kind === 'Flatten') countFetches(node.node, out);
  else if (node.kind === 'Condition') {
    countFetches(node.ifClause, out);
    countFetches(node.elseClause, out);
  } else if (node.kind === 'Defer') {
    countFetches(node.primary.node, out);
    node.deferred.forEach((d) => countFetches(d.node, out));
  }
  return out;
}

const quietLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, error?: unknown) => {
    if (process.env.LILONG_TEST_LOG) console.error(message, error);
  },
};
