import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { DEFAULT_DATABASE_LIMITS, DEFAULT_REQUEST_LIMITS, signAssertion, signingKey, publishedNoticeKey, documentSigner, type Caller, type EventBrokerConfig, type Identity, type Logger, type Tracing } from '@lilong/kit';
import { committedSchema, createHub, DEFAULT_REQUEST_BUDGET, Directory, type CommunityEntry, type Hub, type HubConfig, type TrustConfig } from '@lilong/gateway';
import { MembershipKind, recordMembership } from '@lilong/groups';
import { createCommunityNode, type CommunityNode } from '@lilong/node';
import { subgraphPath, type ShardedSubgraphName } from '@lilong/schema';
import type { PlanNode } from '@apollo/query-planner';
import { createDatabase, dropDatabase, scratchName } from './db';
import { REPO_ROOT } from './paths';

const NODE_REGISTER = path.join(REPO_ROOT, 'ops/register.js');
const NODE_MAIN = path.join(REPO_ROOT, 'subgraphs/node/src/main.ts');
import { seedCommunity, TEST_COMMUNITIES, type DemoCommunity } from './seed';
import { DemoIdentityProvider, type MintOptions } from './demo-idp';

/** Test notice keys are valid from long before any test's clock, so back-dated fixtures verify. */
const NOTICE_KEYS_VALID_FROM = '2020-01-01T00:00:00Z';

/** The test identity provider's issuer; its seeded people are named as in demo-people.ts (`demo:leader-of:...`). */
export const TEST_ISSUER = 'lilong-test-idp';
/**
 * Connections per domain pool of a test node: two jest workers each run a sub-district of up to four communities
 * (and replicas) against one PostgreSQL with max_connections 100, and each node has five domains, its outbox and its
 * job runner.
 */
const TEST_POOL_SIZE = 3;
const ISSUER = TEST_ISSUER;
/** The subject the test hub grants sub-district staff, and the client ID it grants a partner app. */
export const TEST_SUBDISTRICT_SUBJECT = 'subdistrict-staff';
export const TEST_PARTNER_CLIENT = 'test-partner-app';

/**
 * A role a test person should hold: the person is then recorded with that membership in the community's records
 * (as committee staff would grant it), and the token names only the person. Other fields are ignored, so the
 * community's records (not the test) say where a household lives.
 */
export type RoleSpec =
  | { role: 'resident'; household: string }
  | { role: 'leader'; group: string; deputy?: boolean }
  | { role: 'merchant'; shop: string }
  | { role: 'volunteer'; volunteer: string }
  | { role: 'dispatcher' | 'info_officer' | 'committee'; community: string }
  | { role: 'subdistrict' }
  | { role: 'partner'; app?: string };

export interface ClusterOptions {
  /** Fixture communities to run, by code. @default all of TEST_COMMUNITIES */
  communities?: DemoCommunity[];
  /** Circuit breaker: how long an open circuit fails fast. */
  breakerOpenMs?: number;
  /**
   * The hub's wait for a node's answer. Long by default: a test cluster shares a loaded 2-core CI machine with the
   * test runner and a browser, and a timeout there is noise, not a finding. Tests of timeouts set their own.
   * @default 10000
   */
  timeoutMs?: number;
  /** Run the nodes' background work (deadline scheduler); off where SQL statements are counted. @default true */
  background?: boolean;
  /** SDL the hub expects of the nodes (to test a node on another schema). @default the committed SDL */
  expectedSdl?: ReadonlyMap<ShardedSubgraphName, string>;
  /** The supergraph the hub plans with (another release's, composed by the test). @default the committed one */
  supergraphSdl?: string;
  /** How often the hub fetches a verified node's SDL again (LinkOptions.reverifyMs). @default the hub's default */
  reverifyMs?: number;
  /** The hub's operation limits, rate limits and request budget. @default the hub's defaults */
  protection?: Pick<HubConfig, 'limits' | 'rateLimits' | 'budget'>;
  /** More identity providers and hub grants, besides the test identity provider's. */
  trust?: Partial<TrustConfig>;
  /** More hub public keys the nodes trust besides the hub's own (a key rollover: the next hub key). */
  extraHubPublicKeys?: KeyObject[];
  /**
   * How long one mutation may take end to end, in ms, for tests of correctness under a load that one test machine
   * serves slowly (hundreds of concurrent writes with hub, nodes and client on one core): the hub's wait for a
   * node and its budget, and the nodes' budget, wait for a connection and write statement timeout. What such a test
   * checks is the outcome, never the time (benchmarks measure that). @default the production defaults (15 s at the hub)
   */
  mutationTimeoutMs?: number;
  /** How often the hub's relay sweeps every community for steps, in ms. @default 2000; 0 (off) without background work */
  relayIntervalMs?: number;
  /**
   * A NATS JetStream broker the nodes publish their events to and the hub follows (give each test file its own
   * stream and prefix). @default none: the hub reads the nodes' `/events`
   */
  eventBroker?: EventBrokerConfig;
  /**
   * Observability under test: the hub's and each node's tracing (in-memory exporters) and loggers (that keep their
   * lines), instead of none and a quiet logger.
   */
  observability?: { hubTracing?: Tracing; nodeTracing?: (community: string) => Tracing; hubLogger?: Logger; nodeLogger?: (community: string) => Logger };
}

/** A community node running as its own process (see `TestCluster.runAsProcess`). */
export interface NodeProcess {
  child: ChildProcess;
  /** Resolves with the exit signal or code once the process is gone. */
  exited: Promise<string>;
  /** The last 4,000 characters it wrote to stderr. */
  stderr: () => string;
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
  private readonly processes = new Set<ChildProcess>();
  private readonly processOf = new Map<string, ChildProcess>();
  private readonly tempDirs: string[] = [];
  private readonly hubKey = generateKeyPairSync('ed25519');
  /** Each community's notice key (private): its node signs with it, the directory lists its public half. */
  readonly noticeKeys = new Map<string, KeyObject>();
  /** The test identity provider (real HTTP, its JWKS fetched by the hub). */
  idp!: DemoIdentityProvider;

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
    this.idp = await DemoIdentityProvider.start({ issuer: ISSUER });
    const entries: CommunityEntry[] = [];
    for (const community of this.communities) {
      this.noticeKeys.set(community.code, generateKeyPairSync('ed25519').privateKey);
      const db = scratchName(`lilong_t_${community.code.replace(/-/g, '_')}`);
      const url = await createDatabase(this.adminUrl, db);
      this.databases.set(community.code, url);
      const node = await this.startNode(community.code, 0);
      const orms = Object.fromEntries([...node.subgraphs].map(([name, s]) => [name, s.orm])) as Parameters<typeof seedCommunity>[0];
      await seedCommunity(orms, community.code, community, ISSUER, await documentSigner(this.noticeKeys.get(community.code)!));
      entries.push({
        code: community.code,
        name: community.name,
        nameEn: community.nameEn,
        url: `http://127.0.0.1:${this.ports.get(community.code)}`,
        neighbours: community.neighbours,
        noticeKeys: [await publishedNoticeKey(this.noticeKeys.get(community.code)!, NOTICE_KEYS_VALID_FROM)],
        status: 'active',
      });
    }
    this.entries = entries;
    await this.startHub(0);
  }

  private entries: CommunityEntry[] = [];

  /** Starts the hub (again) over the cluster's directory, on `port` (0: any free one). */
  private async startHub(port: number): Promise<void> {
    const entries = this.entries;
    this.hub = await createHub(
      {
        port,
        host: '127.0.0.1',
        directoryPath: '(in memory)',
        hubPrivateKey: this.hubKey.privateKey,
        trust: {
          issuers: [{ issuer: ISSUER, jwksUri: this.idp.jwksUri }, ...(this.options.trust?.issuers ?? [])],
          grants: [
            { issuer: ISSUER, subject: TEST_SUBDISTRICT_SUBJECT, grant: { role: 'subdistrict' } },
            { issuer: ISSUER, clientId: TEST_PARTNER_CLIENT, grant: { role: 'partner', app: TEST_PARTNER_CLIENT } },
            ...(this.options.trust?.grants ?? []),
          ],
        },
        ...committedSchema(),
        ...(this.options.expectedSdl ? { expectedSdl: this.options.expectedSdl } : {}),
        ...(this.options.supergraphSdl ? { supergraphSdl: this.options.supergraphSdl } : {}),
        ...this.options.protection,
        link: {
          timeoutMs: this.options.timeoutMs ?? 10_000,
          failureThreshold: 3,
          openMs: this.options.breakerOpenMs ?? 300,
          ...(this.options.reverifyMs ? { reverifyMs: this.options.reverifyMs } : {}),
          ...(this.options.mutationTimeoutMs ? { mutationTimeoutMs: this.options.mutationTimeoutMs } : {}),
        },
        ...(this.options.mutationTimeoutMs && !this.options.protection?.budget ? { budget: { ...DEFAULT_REQUEST_BUDGET, mutationMs: this.options.mutationTimeoutMs + 15_000 } } : {}),
        // Where SQL statements are counted (no background work), the relay sweeps only when a node asks it to.
        relay: { intervalMs: this.options.relayIntervalMs ?? (this.options.background === false ? 0 : 2000), batch: 20 },
        eventBroker: this.options.eventBroker,
      },
      { directory: new Directory(entries), logger: this.options.observability?.hubLogger ?? quietLogger, tracing: this.options.observability?.hubTracing, onQueryPlan: (plan) => (this.lastPlanFetches = countFetches(plan.node as PlanNode | undefined)) },
    );
    this.url = `${await this.hub.listen()}/graphql`;
    await this.hub.links.verifyAll();
  }

  /** Stops the hub and starts a new one on the same port (a hub restart: its memory is gone, the nodes stay). */
  async restartHub(): Promise<void> {
    const port = (this.hub.http.address() as AddressInfo).port;
    this.hub.http.closeAllConnections();
    await this.hub.close();
    await this.startHub(port);
  }

  /** The nodes' limits when mutations may take longer here (see ClusterOptions.mutationTimeoutMs). */
  private slowMutationLimits() {
    const ms = this.options.mutationTimeoutMs;
    if (!ms) return {};
    return {
      requestLimits: { ...DEFAULT_REQUEST_LIMITS, mutationMs: ms + 5000 },
      databaseLimits: { ...DEFAULT_DATABASE_LIMITS, acquireTimeoutMs: ms, writeStatementTimeoutMs: ms },
    };
  }

  private async startNode(code: string, port: number): Promise<CommunityNode> {
    const node = await createCommunityNode(
      { community: code, databaseUrl: this.databases.get(code)!, hubPublicKeys: [this.hubKey.publicKey, ...(this.options.extraHubPublicKeys ?? [])], noticeKey: this.noticeKeys.get(code), port, host: '127.0.0.1', poolSize: TEST_POOL_SIZE, eventBroker: this.options.eventBroker, ...this.slowMutationLimits() },
      {
        onQuery: (sql, subgraph) => this.sql.push({ community: code, subgraph, sql }),
        logger: this.options.observability?.nodeLogger?.(code) ?? quietLogger,
        tracing: this.options.observability?.nodeTracing?.(code),
        background: this.options.background,
      },
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
      { community: code, databaseUrl: this.databases.get(code)!, hubPublicKeys: [this.hubKey.publicKey, ...(this.options.extraHubPublicKeys ?? [])], noticeKey: this.noticeKeys.get(code), port: 0, host: '127.0.0.1', poolSize: TEST_POOL_SIZE, eventBroker: this.options.eventBroker },
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

  /**
   * Runs the community's node as its own process (plain \`node\` with the TypeScript hook, as the launcher does),
   * on the same port and database, instead of in this process: a test can then SIGKILL it. `env` adds variables
   * (a failpoint: LILONG_FAILPOINT). Resolves once the node says it is ready.
   */
  async runAsProcess(code: string, env: Record<string, string> = {}): Promise<NodeProcess> {
    if (this.nodes.has(code)) await this.stopNode(code);
    await this.killProcessOf(code);
    const running = await this.spawnNode(code, [code], {
      LILONG_COMMUNITY: code,
      DATABASE_URL: this.databases.get(code)!,
      LILONG_NOTICE_KEY: this.noticeKeys.get(code)!.export({ type: 'pkcs8', format: 'pem' }).toString(),
      PORT: String(this.ports.get(code)),
      DATABASE_POOL_SIZE: '3',
      ...env,
    });
    this.processOf.set(code, running.child);
    return running;
  }

  /**
   * Runs the nodes of `codes` together in one process (`LILONG_COMMUNITIES_FILE`, see subgraphs/node/src/hosted.ts),
   * each on its own port and database as before, and `extra` entries of the file as they are (a community the
   * directory does not list, a database that does not answer). Resolves once every community of `codes` serves.
   */
  async runHosted(codes: string[], extra: Record<string, unknown>[] = [], env: Record<string, string> = {}): Promise<NodeProcess & { file: string }> {
    for (const code of codes) {
      if (this.nodes.has(code)) await this.stopNode(code);
      await this.killProcessOf(code);
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'lilong-hosted-'));
    this.tempDirs.push(dir);
    const communities = codes.map((code) => {
      const keyFile = path.join(dir, `${code}-notice.pem`);
      writeFileSync(keyFile, this.noticeKeys.get(code)!.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
      return { community: code, databaseUrl: this.databases.get(code)!, port: this.ports.get(code)!, noticeKeyFile: keyFile };
    });
    const file = path.join(dir, 'communities.json');
    writeFileSync(file, JSON.stringify({ communities: [...communities, ...extra] }, null, 2));
    const hosted = await this.spawnNode(codes.join('+'), codes, { LILONG_COMMUNITIES_FILE: file, ...env });
    for (const code of codes) this.processOf.set(code, hosted.child);
    return { ...hosted, file };
  }

  /** Spawns plain `node` with the TypeScript hook on the node's main; resolves once each of `ready` said so. */
  private async spawnNode(label: string, ready: string[], env: Record<string, string>): Promise<NodeProcess> {
    // This process's own database settings are not the node's (a hosted node refuses them beside its file).
    const { DATABASE_URL: _url, PORT: _port, LILONG_COMMUNITY: _community, ...inherited } = process.env;
    const child = spawn(process.execPath, ['-r', NODE_REGISTER, NODE_MAIN], {
      env: {
        ...inherited,
        LILONG_HUB_PUBLIC_KEY: [this.hubKey.publicKey, ...(this.options.extraHubPublicKeys ?? [])].map((k) => k.export({ type: 'spki', format: 'pem' }).toString()).join(''),
        HOST: '127.0.0.1',
        ...(this.options.eventBroker
          ? { LILONG_NATS_URL: this.options.eventBroker.url, LILONG_NATS_STREAM: this.options.eventBroker.stream, LILONG_NATS_PREFIX: this.options.eventBroker.prefix }
          : {}),
        ...(process.env.LILONG_TEST_LOG ? {} : { LILONG_LOG: 'silent' }),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<string>((resolve) => child.once('exit', (exitCode, signal) => resolve(signal ?? String(exitCode))));
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
      if (process.env.LILONG_TEST_LOG) process.stderr.write(`[${label}] ${chunk.toString()}`);
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const waiting = new Set(ready);
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        const lines = out.split('\n');
        out = lines.pop() ?? '';
        for (const line of lines) {
          try {
            const said = JSON.parse(line) as { ready?: boolean; community?: string };
            if (said.ready === true && said.community) waiting.delete(said.community);
          } catch {
            // not a line of the node's protocol
          }
        }
        if (waiting.size === 0) {
          child.stdout!.off('data', onData);
          child.stdout!.resume();
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      void exited.then((how) => reject(new Error(`node ${label} exited (${how}) before it was ready: ${stderr}`)));
    });
    this.processes.add(child);
    void exited.then(() => this.processes.delete(child));
    return { child, exited, stderr: () => stderr };
  }

  /** SIGKILLs the community's node process, if one runs (see `runAsProcess`), and waits until it is gone. */
  private async killProcessOf(code: string): Promise<void> {
    const running = this.processOf.get(code);
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  }

  /** Starts the community's node again on the same port and database. */
  async restartNode(code: string): Promise<void> {
    await this.killProcessOf(code);
    await this.startNode(code, this.ports.get(code)!);
  }

  /**
   * A hub assertion for one request to a community's node, as the hub would sign it (nodes accept each once), for
   * a person recorded with these roles (see `person`), or anonymous without a subject.
   */
  async assertionFor(code: string, subgraph: ShardedSubgraphName, roles: RoleSpec[] = [], subject?: string): Promise<string> {
    const identity = subject === undefined && roles.length === 0 ? null : await this.person(roles, subject);
    return signAssertion({ identity, grants: [] }, code, await signingKey(this.hubKey.privateKey), { path: subgraphPath(subgraph) });
  }

  /** An assertion for exactly this caller, signed with the hub's key: to test what a node trusts of the hub. */
  async rawAssertion(code: string, subgraph: ShardedSubgraphName, caller: Caller): Promise<string> {
    return signAssertion(caller, code, await signingKey(this.hubKey.privateKey), { path: subgraphPath(subgraph) });
  }

  /**
   * Records a person with these roles in the communities' records, through the same rule committee staff's grants
   * use (`recordMembership`; an active one is not recorded twice), and returns their identity.
   */
  async person(roles: RoleSpec[], subject = subjectFor(roles)): Promise<Identity> {
    const identity = { issuer: ISSUER, subject };
    for (const role of roles) {
      const grant = membershipOf(role);
      if (!grant) continue;
      const node = this.nodes.get(grant.community);
      if (!node) throw new Error(`no node for ${grant.community} in this cluster`);
      const em = node.subgraphs.get('groups')!.orm.em.fork();
      await em.transactional((tem) => recordMembership(tem as never, grant.community, identity, grant.kind, grant.field, grant.targetId, 'test'));
    }
    // Recorded behind the hub's back: it must ask every community again where this person has records.
    this.hub?.forgetHomeCommunities();
    return identity;
  }

  /**
   * A bearer token from the test identity provider for a person holding these roles in the communities' records
   * (recorded first, see `person`). Sub-district staff and partner apps are hub grants: such a token is for the
   * subject (or client) the test hub grants them to.
   */
  async token(roles: RoleSpec[] = [], sub?: string, expiresInSeconds = 600, options: MintOptions = {}): Promise<string> {
    const grantOnly = roles.find((r) => r.role === 'subdistrict' || r.role === 'partner');
    const subject = grantOnly?.role === 'subdistrict' ? TEST_SUBDISTRICT_SUBJECT : sub ?? subjectFor(roles);
    const identity = await this.person(roles, subject);
    const claims = grantOnly?.role === 'partner' ? { azp: TEST_PARTNER_CLIENT, ...options.claims } : options.claims;
    return this.idp.mint(identity.subject, { expiresInSeconds, ...options, ...(claims ? { claims } : {}) });
  }

  async query<T = any>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLAnswer<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  }

  /** The database of a community's node (for tests that hold its rows or tables). */
  databaseUrl(code: string): string {
    const url = this.databases.get(code);
    if (!url) throw new Error(`no database for community ${code}`);
    return url;
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
    await this.idp?.stop();
    for (const replica of this.replicas) await replica.close();
    await Promise.all([...this.processes].map((child) => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    })));
    for (const code of [...this.nodes.keys()]) await this.stopNode(code);
    for (const url of this.databases.values()) await dropDatabase(this.adminUrl, new URL(url).pathname.slice(1));
    for (const dir of this.tempDirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** A stable subject for a test person from their roles, e.g. `test:leader:alpha:Group:1`. */
function subjectFor(roles: RoleSpec[]): string {
  if (roles.length === 0) return 'test:nobody';
  return `test:${roles.map((r) => [r.role, ...Object.entries(r).filter(([k]) => k !== 'role').map(([, v]) => String(v))].join(':')).sort().join('+')}`;
}

function membershipOf(role: RoleSpec): { community: string; kind: MembershipKind; field: Parameters<typeof recordMembership>[4]; targetId?: number } | undefined {
  const local = (id: string) => ({ community: id.split(':')[0]!, targetId: Number(id.split(':')[2]) });
  switch (role.role) {
    case 'resident':
      return { ...local(role.household), kind: MembershipKind.RESIDENT, field: 'householdId' };
    case 'leader':
      return { ...local(role.group), kind: role.deputy ? MembershipKind.DEPUTY : MembershipKind.LEADER, field: 'groupId' };
    case 'merchant':
      return { ...local(role.shop), kind: MembershipKind.MERCHANT, field: 'shopId' };
    case 'volunteer':
      return { ...local(role.volunteer), kind: MembershipKind.VOLUNTEER, field: 'volunteerId' };
    case 'dispatcher':
      return { community: role.community, kind: MembershipKind.DISPATCHER, field: null };
    case 'info_officer':
      return { community: role.community, kind: MembershipKind.INFO_OFFICER, field: null };
    case 'committee':
      return { community: role.community, kind: MembershipKind.COMMITTEE, field: null };
    default:
      return undefined;
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
