/**
 * A small sub-district run from the production build (`npm run build`): each community node and the hub as plain
 * `node <package>/dist/main.js` processes, no TypeScript hook, configured only through the environment exactly as
 * the container image, compose file and Kubernetes manifests configure them (keys as PEM files, the directory as a
 * mounted JSON file). Used by tests/src/dist.test.ts and by CI's `node ops/bin/smoke-dist.js`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { documentSigner, publishedNoticeKey } from '@lilong/kit';
import { createDatabase, dropDatabase, scratchName } from './db';
import { REPO_ROOT } from './paths';
import { seedCommunity, TEST_COMMUNITIES, type DemoCommunity } from './seed';
import { openCommunityOrms } from './demo-prepare';

/** The production entry points, relative to the repository (and to /app in the image). */
export const DIST_ENTRIES = { hub: 'gateway/dist/main.js', node: 'subgraphs/node/dist/main.js' } as const;

/** How long a process may take to say it is ready (a cold start loads every module from disk). */
const READY_TIMEOUT_MS = 60_000;
/** How long a stopped process may take to exit after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 10_000;

export interface DistProcess {
  name: string;
  child: ChildProcess;
  url: string;
  /** The last lines it wrote (stdout and stderr), for failure messages. */
  output(): string;
}

export interface DistSubDistrict {
  /** The hub's GraphQL endpoint. */
  url: string;
  hub: DistProcess;
  nodes: Map<string, DistProcess>;
  /** Stops every process (SIGTERM, then SIGKILL), drops the databases and removes the key folder. */
  stop(): Promise<void>;
}

export interface DistRunOptions {
  /** A PostgreSQL URL allowed to create databases. */
  adminUrl: string;
  /** @default the first two test communities (alpha, beta) */
  communities?: DemoCommunity[];
  /** Where the build is. @default this repository */
  root?: string;
}

/** The missing entry points, if the build has not been made. */
export function missingBuild(root = REPO_ROOT): string[] {
  return Object.values(DIST_ENTRIES).filter((entry) => !existsSync(path.join(root, entry)));
}

/**
 * Creates a database per community, starts each node from dist (it migrates its database), seeds the test data,
 * then starts the hub from dist over a directory file listing the nodes. Everything started is stopped on failure.
 */
export async function startFromDist(options: DistRunOptions): Promise<DistSubDistrict> {
  const root = options.root ?? REPO_ROOT;
  const missing = missingBuild(root);
  if (missing.length > 0) throw new Error(`no build: ${missing.join(', ')} missing (run npm run build)`);
  const communities = options.communities ?? TEST_COMMUNITIES.slice(0, 2);
  const secrets = mkdtempSync(path.join(os.tmpdir(), 'lilong-dist-'));
  const databases: string[] = [];
  const nodes = new Map<string, DistProcess>();
  let hub: DistProcess | undefined;

  const stop = async () => {
    await Promise.all([hub, ...nodes.values()].filter((p): p is DistProcess => !!p).map((p) => stopProcess(p.child)));
    for (const name of databases) await dropDatabase(options.adminUrl, name);
    rmSync(secrets, { recursive: true, force: true });
  };

  try {
    const hubKey = generateKeyPairSync('ed25519');
    const hubPrivate = writeSecret(secrets, 'hub.pem', hubKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const hubPublic = writeSecret(secrets, 'hub.pub.pem', hubKey.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const entries = [];
    for (const community of communities) {
      const name = scratchName(`lilong_dist_${community.code.replace(/-/g, '_')}`);
      const databaseUrl = await createDatabase(options.adminUrl, name);
      databases.push(name);
      const noticeKey = generateKeyPairSync('ed25519').privateKey;
      const noticeFile = writeSecret(secrets, `${community.code}.notice.pem`, noticeKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      const node = await startProcess(root, `node ${community.code}`, DIST_ENTRIES.node, {
        LILONG_COMMUNITY: community.code,
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: '2',
        LILONG_HUB_PUBLIC_KEY_FILE: hubPublic,
        LILONG_NOTICE_KEY_FILE: noticeFile,
      });
      nodes.set(community.code, node);
      // The node has migrated its database from its build; the test data goes in through the same entities.
      const orms = await openCommunityOrms(databaseUrl);
      try {
        await seedCommunity(Object.fromEntries(orms) as Parameters<typeof seedCommunity>[0], community.code, community, undefined, await documentSigner(noticeKey));
      } finally {
        await Promise.all(orms.map(([, orm]) => orm.close()));
      }
      entries.push({
        code: community.code,
        name: community.name,
        nameEn: community.nameEn,
        url: node.url,
        neighbours: community.neighbours.filter((code) => communities.some((c) => c.code === code)),
        noticeKeys: [await publishedNoticeKey(noticeKey, '2020-01-01T00:00:00Z')],
        status: 'active',
      });
    }
    const directory = path.join(secrets, 'directory.json');
    writeFileSync(directory, `${JSON.stringify({ communities: entries }, null, 2)}\n`);
    hub = await startProcess(root, 'hub', DIST_ENTRIES.hub, { LILONG_DIRECTORY: directory, LILONG_HUB_PRIVATE_KEY_FILE: hubPrivate });
    return { url: `${hub.url}/graphql`, hub, nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function writeSecret(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/**
 * `node <entry>` with nothing but the variables a deployment sets (no NODE_OPTIONS, no require hook, no inherited
 * LILONG_* settings), on a free port; resolves once it prints its ready line.
 */
function startProcess(root: string, name: string, entry: string, env: Record<string, string>): Promise<DistProcess> {
  const child = spawn(process.execPath, [path.join(root, entry)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', ...(process.env.LILONG_TEST_LOG ? {} : { LILONG_LOG: 'silent' }), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
    if (process.env.LILONG_TEST_LOG) process.stderr.write(`[${name}] ${chunk.toString()}`);
  };
  child.stderr!.on('data', keep);
  return new Promise<DistProcess>((resolve, reject) => {
    let line = '';
    const timer = setTimeout(() => fail(`not ready within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${name} (node ${entry}) ${why}:\n${output}`));
    };
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before it was ready`));
    child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      line += chunk.toString();
      const ready = line.split('\n').find((l) => l.includes('"ready":true'));
      if (!ready) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      line = '';
      resolve({ name, child, url: (JSON.parse(ready) as { url: string }).url.replace(/\/$/, ''), output: () => output });
    });
  });
}

/** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; resolves once the process is gone. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
