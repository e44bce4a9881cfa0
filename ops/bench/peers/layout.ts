/**
 * The layout the peer benchmark measures: community nodes of the embedded demo, each its own process over its own
 * scratch database (as `npm start` runs them), the keys they trust, the directory files the hub reads, and the copy
 * of the committed supergraph the peer gateways read, its `@join__graph` URLs pointing at one node's subgraph paths.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { documentSigner, publishedNoticeKey } from '@lilong/kit';
import type { CommunityEntry } from '@lilong/gateway';
import { SHARDED_SUBGRAPHS, subgraphPath } from '@lilong/schema';
import { createDatabase, dropDatabase, scratchName } from '../../src/db';
import { DIST_ENTRIES, stopProcess } from '../../src/dist-run';
import { REPO_ROOT } from '../../src/paths';
import { seedCommunity, type DemoCommunity } from '../../src/seed';
import { openCommunityOrms } from '../../src/demo-prepare';

/** Stopping a started process is the dist runner's (SIGTERM, then SIGKILL). */
export { stopProcess };

const REGISTER = path.join(REPO_ROOT, 'ops/register.js');
const SOURCE_ENTRIES = { hub: 'gateway/src/main.ts', node: 'subgraphs/node/src/main.ts' } as const;
/** A node migrates its database on its first start: minutes on a loaded machine are not a failure. */
const READY_TIMEOUT_MS = 180_000;
/** The validity start of the benchmark's notice keys: before anything the seed back-dates. */
const NOTICE_KEYS_VALID_FROM = '2020-01-01T00:00:00Z';

/** How hub and nodes run: from the TypeScript sources through the swc hook, or the production build (`npm run build`). */
export type Build = 'src' | 'dist';

/** The `node` arguments that run a hub or node entry point from this build. */
export function entryArgs(build: Build, which: keyof typeof DIST_ENTRIES): string[] {
  return build === 'dist' ? [path.join(REPO_ROOT, DIST_ENTRIES[which])] : ['-r', REGISTER, path.join(REPO_ROOT, SOURCE_ENTRIES[which])];
}

const WORKSPACE_DIRS = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;

/** The source files of a package that the build compiles (tests and declarations aside), relative to its src/. */
function compiledSources(src: string): string[] {
  if (!existsSync(src)) return [];
  return readdirSync(src, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.relative(src, path.join(e.parentPath, e.name)))
    .filter((rel) => !/(^|\/)__tests__\//.test(rel) && !rel.endsWith('.test.ts'));
}

/**
 * Whether the production build can stand for the sources: both entry points exist and, in every workspace package
 * that tsc builds, each source file has its compiled file, no older than it (a stale build would measure
 * yesterday's hub, or one without a switch the benchmark sets). Returns why not.
 */
export function staleBuild(): string | undefined {
  const missing = Object.values(DIST_ENTRIES).filter((entry) => !existsSync(path.join(REPO_ROOT, entry)));
  if (missing.length > 0) return `no build (${missing.join(', ')} missing)`;
  for (const dir of WORKSPACE_DIRS) {
    const dist = path.join(REPO_ROOT, dir, 'dist');
    // Only what tsc builds file for file (the console is a Vite bundle).
    if (!existsSync(dist) || !existsSync(path.join(REPO_ROOT, dir, 'tsconfig.build.json'))) continue;
    for (const rel of compiledSources(path.join(REPO_ROOT, dir, 'src'))) {
      const built = path.join(dist, rel.replace(/\.ts$/, '.js'));
      if (!existsSync(built) || statSync(built).mtimeMs < statSync(path.join(REPO_ROOT, dir, 'src', rel)).mtimeMs) return `${dir}/src/${rel} is newer than its build`;
    }
  }
  return undefined;
}

/** Quotes a word for `sh -c`. */
export const shellQuote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * The committed supergraph with every sharded subgraph's `@join__graph` URL pointing at that subgraph's path on one
 * node (`http://127.0.0.1:4101` → `http://127.0.0.1:4101/shops/graphql`), and the hub's own in-process subgraph at a
 * path no node serves (the peers cannot serve it; the benchmark's peer queries never reach it). Throws when the
 * supergraph does not name every sharded subgraph, so a renamed subgraph cannot silently be left pointing nowhere.
 */
export function peerSupergraph(supergraphSdl: string, nodeUrl: string): string {
  const base = nodeUrl.replace(/\/$/, '');
  const seen = new Set<string>();
  const out = supergraphSdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (_, name: string) => {
    seen.add(name);
    const target = (SHARDED_SUBGRAPHS as readonly string[]).includes(name) ? subgraphPath(name as (typeof SHARDED_SUBGRAPHS)[number]) : `/${name}/graphql`;
    return `@join__graph(name: "${name}", url: "${base}${target}")`;
  });
  const missing = SHARDED_SUBGRAPHS.filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`the supergraph has no @join__graph for ${missing.join(', ')}`);
  return out;
}

export interface RunningNode {
  community: DemoCommunity;
  url: string;
  child: ChildProcess;
  databaseName: string;
  noticeKey: KeyObject;
}

/** Keys of one benchmark run, as PEM files (the hub and the peers read the private one, the nodes the public one). */
export interface RunKeys {
  hubPrivateKeyFile: string;
  hubPublicKeyFile: string;
}

export function writeRunKeys(dir: string): RunKeys {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = generateKeyPairSync('ed25519');
  const hubPrivateKeyFile = path.join(dir, 'hub.pem');
  const hubPublicKeyFile = path.join(dir, 'hub.pub.pem');
  writeFileSync(hubPrivateKeyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  writeFileSync(hubPublicKeyFile, pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return { hubPrivateKeyFile, hubPublicKeyFile };
}

export interface NodeOptions {
  adminUrl: string;
  build: Build;
  keys: RunKeys;
  /** Where the node's log goes. */
  logDir: string;
  /** Where its notice key goes. */
  keyDir: string;
  /** Database connections per domain. */
  poolSize: number;
}

/**
 * Creates a scratch database for a demo community, starts its node as its own process (it migrates the database),
 * then seeds the community's demo data through the same entities, as `npm start` does on a first run.
 */
export async function startNode(community: DemoCommunity, options: NodeOptions): Promise<RunningNode> {
  try {
    return await startSeededNode(community, options);
  } catch (error) {
    const message = (error as Error).message;
    if (!/too many clients/i.test(message)) throw error;
    throw new Error(
      `PostgreSQL has no connections left for node ${community.code} (${message.split('\n')[0]}): other work holds them. ` +
        'Use smaller pools (--pool, --fanout-pool), wait for a quieter server, or unset DATABASE_URL for an embedded PostgreSQL of its own.',
    );
  }
}

async function startSeededNode(community: DemoCommunity, options: NodeOptions): Promise<RunningNode> {
  const databaseName = scratchName(`lilong_peers_${community.code.replace(/-/g, '_')}`);
  const databaseUrl = await createDatabase(options.adminUrl, databaseName);
  const noticeKey = generateKeyPairSync('ed25519').privateKey;
  const noticeKeyFile = path.join(options.keyDir, `notice-${community.code}.pem`);
  writeFileSync(noticeKeyFile, noticeKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  let started: { child: ChildProcess; url: string } | undefined;
  try {
    started = await startProcess(`node ${community.code}`, entryArgs(options.build, 'node'), path.join(options.logDir, `node-${community.code}.log`), {
      LILONG_COMMUNITY: community.code,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(options.poolSize),
      LILONG_HUB_PUBLIC_KEY_FILE: options.keys.hubPublicKeyFile,
      LILONG_NOTICE_KEY_FILE: noticeKeyFile,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const orms = await openCommunityOrms(databaseUrl);
    try {
      await seedCommunity(Object.fromEntries(orms) as Parameters<typeof seedCommunity>[0], community.code, community, undefined, await documentSigner(noticeKey));
    } finally {
      await Promise.all(orms.map(([, orm]) => orm.close()));
    }
    return { community, url: started.url, child: started.child, databaseName, noticeKey };
  } catch (error) {
    if (started) await stopProcess(started.child);
    await dropDatabase(options.adminUrl, databaseName);
    throw error;
  }
}

export async function stopNode(node: RunningNode, adminUrl: string): Promise<void> {
  await stopProcess(node.child);
  await dropDatabase(adminUrl, node.databaseName);
}

/** The directory file for a hub that federates exactly these nodes. */
export async function writeDirectory(file: string, nodes: readonly RunningNode[]): Promise<string> {
  const codes = new Set(nodes.map((n) => n.community.code));
  const communities: CommunityEntry[] = await Promise.all(
    nodes.map(async (n) => ({
      code: n.community.code,
      name: n.community.name,
      nameEn: n.community.nameEn,
      url: n.url,
      neighbours: n.community.neighbours.filter((code) => codes.has(code)),
      noticeKeys: [await publishedNoticeKey(n.noticeKey, NOTICE_KEYS_VALID_FROM)],
      status: 'active' as const,
    })),
  );
  writeFileSync(file, `${JSON.stringify({ communities }, null, 2)}\n`);
  return file;
}

export interface HubCommandOptions {
  build: Build;
  directoryFile: string;
  hubPrivateKeyFile: string;
  /** false: LILONG_MERGE_INFLIGHT=false, every read pays its own node fetch. */
  mergeInflight: boolean;
  /** Extra `node` flags (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
}

/**
 * The environment a benchmarked hub runs with. The rate limit counts requests per client address and the load
 * generator is one address, so it is raised out of reach rather than turned off: its bookkeeping is still paid.
 */
export function hubEnv(options: Omit<HubCommandOptions, 'build' | 'nodeFlags'>): Record<string, string> {
  return {
    LILONG_DIRECTORY: options.directoryFile,
    LILONG_HUB_PRIVATE_KEY_FILE: options.hubPrivateKeyFile,
    LILONG_RATE_LIMIT_PER_MINUTE: '10000000',
    ...(options.mergeInflight ? {} : { LILONG_MERGE_INFLIGHT: 'false' }),
  };
}

/** A `sh -c` command line for the harness that `exec`s the hub (no wrapper process in between); PORT comes from the harness. */
export function hubCommand(options: HubCommandOptions): string {
  const env = Object.entries(hubEnv(options)).map(([k, v]) => `${k}=${shellQuote(v)}`);
  return [...env, 'exec', shellQuote(process.execPath), ...(options.nodeFlags ?? []).map(shellQuote), ...entryArgs(options.build, 'hub').map(shellQuote)].join(' ');
}

/** Every process `startProcess` started that has not exited yet: a Ctrl-C mid-start must not leave one behind. */
const running = new Set<ChildProcess>();

/** SIGKILLs every process started here that still runs (for an interrupted run; `stopProcess` is the orderly way). */
export function killStarted(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Starts `node <args>` with `env` added, its output in `logFile`; resolves with its URL once it prints its ready line. */
export function startProcess(name: string, args: string[], logFile: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', log] });
  closeSync(log);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let pending = '';
    let ready = false;
    const timer = setTimeout(() => fail(`not ready within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${name} ${why}; see ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')}`));
    };
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before it was ready`));
    child.stdout!.on('data', (chunk: Buffer) => {
      writeFileSync(logFile, chunk, { flag: 'a' });
      if (ready) return;
      pending += chunk.toString();
      const line = pending.split('\n').find((l) => l.includes('"ready":true'));
      if (!line) return;
      ready = true;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ child, url: (JSON.parse(line) as { url: string }).url.replace(/\/$/, '').replace('//localhost:', '//127.0.0.1:') });
    });
  });
}

