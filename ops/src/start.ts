import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createLogger, migrateDomain, openDomainOrm, privateKeyFromPem, publicKeyFromPem } from '@lilong/kit';
import { committedSchema, createHub, type CommunityEntry } from '@lilong/gateway';
import { DOMAIN_MODULES } from '@lilong/node';
import { readFileSync } from 'node:fs';
import { createDatabase, databaseExists, withDatabase } from './db';
import { startEmbeddedPostgres } from './embedded-pg';
import { DEMO_ISSUER, ensureKeyPair, mintDemoToken, readPrivateKey } from './keys';
import { DIRECTORY_PATH, KEYS_DIR, LILONG_HOME, PG_DATA_DIR, REPO_ROOT } from './paths';
import { DEMO_COMMUNITIES, seedCommunity, seedDemoOrders, seedSummaryLine, type DemoCommunity, type SeedOrms } from './seed';

export interface StartOptions {
  /** Hub port. @default 4000 (PORT) */
  port: number;
  /** Wipe the embedded database and start from fresh demo data. */
  reset: boolean;
}

const databaseName = (code: string) => `lilong_${code.replace(/-/g, '_')}`;

/** Creates, migrates and seeds a demo community's database (idempotent: existing data is kept). */
async function prepareCommunity(adminUrl: string, community: DemoCommunity): Promise<{ url: string; line: string }> {
  const name = databaseName(community.code);
  const url = (await databaseExists(adminUrl, name)) ? withDatabase(adminUrl, name) : await createDatabase(adminUrl, name);
  const orms = await openCommunityOrms(url);
  try {
    const summary = await seedCommunity(Object.fromEntries(orms) as Parameters<typeof seedCommunity>[0], community.code, community);
    return { url, line: seedSummaryLine(summary) };
  } finally {
    await Promise.all(orms.map(([, orm]) => orm.close()));
  }
}

/** A community database's three domain ORMs, connected and migrated; the caller closes them. */
function openCommunityOrms(url: string) {
  return Promise.all(
    DOMAIN_MODULES.map(async (m) => {
      const orm = await openDomainOrm({ domain: m.name, databaseUrl: url, entities: m.entities, migrations: m.migrations, poolSize: 2 });
      await migrateDomain(orm, m.name);
      return [m.name, orm] as const;
    }),
  );
}

/**
 * Demo group orders and pools across communities (seed/orders.ts), once every community is prepared: they join
 * groups of one community to a merchant of another. A failure is reported, not fatal: the sub-district runs without.
 */
async function prepareDemoOrders(communities: { code: string; url: string }[]): Promise<string[]> {
  const opened: Awaited<ReturnType<typeof openCommunityOrms>>[] = [];
  try {
    const ormsByCommunity = new Map<string, SeedOrms>();
    for (const c of communities) {
      const orms = await openCommunityOrms(c.url);
      opened.push(orms);
      ormsByCommunity.set(c.code, Object.fromEntries(orms) as SeedOrms);
    }
    return await seedDemoOrders(ormsByCommunity);
  } catch (error) {
    return [`demo group orders not seeded 未能生成演示团购: ${(error as Error).message}`];
  } finally {
    await Promise.all(opened.flat().map(([, orm]) => orm.close()));
  }
}

/** Spawns one community node process and resolves to its URL once it is listening. */
function spawnNode(code: string, databaseUrl: string, hubPublicKeyFile: string, logDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-r', path.join(REPO_ROOT, 'ops/register.js'), path.join(REPO_ROOT, 'subgraphs/node/src/main.ts')], {
    env: { ...process.env, LILONG_COMMUNITY: code, DATABASE_URL: databaseUrl, LILONG_HUB_PUBLIC_KEY_FILE: hubPublicKeyFile, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.pipe(createWriteStream(path.join(logDir, `${code}.log`), { flags: 'a' }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${code} did not start within 60 s; see ${logDir}/${code}.log`)), 60_000);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      reject(new Error(`node ${code} exited with code ${exitCode}; see ${logDir}/${code}.log`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const message = JSON.parse(line) as { ready?: boolean; url?: string };
        if (message.ready && message.url) {
          clearTimeout(timer);
          resolve({ child, url: message.url });
        }
      } catch {
        // not a status line
      }
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * `npm start`: one embedded PostgreSQL, a database and a node process per demo community, and the hub on port
 * 4000 in this process. Data is kept in `.lilong/` between runs; `--reset` starts over. Ctrl-C stops it all.
 */
export async function start(options: StartOptions): Promise<void> {
  const began = Date.now();
  if (options.reset) rmSync(PG_DATA_DIR, { recursive: true, force: true });
  // PostgreSQL may run as another user (when started as root): the home folder must be enterable by it.
  mkdirSync(LILONG_HOME, { recursive: true, mode: 0o755 });
  chmodSync(LILONG_HOME, 0o755);
  const logDir = path.join(LILONG_HOME, 'logs');
  mkdirSync(logDir, { recursive: true });
  const log = createLogger('hub', false, createWriteStream(path.join(logDir, 'hub.log'), { flags: 'a' }));
  const hubKeys = ensureKeyPair(KEYS_DIR, 'hub');
  const idpKeys = ensureKeyPair(KEYS_DIR, 'demo-idp');

  console.log('里弄 Lilong: starting the embedded sub-district 正在启动嵌入式街道枢纽 ...');
  let pg: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  try {
    pg = await startEmbeddedPostgres({ dataDir: PG_DATA_DIR, persistent: true, onNotice: (m) => console.log(`  (${m})`) });
  } catch (error) {
    console.error(`Could not start the embedded PostgreSQL 无法启动嵌入式数据库: ${(error as Error).message}`);
    process.exit(1);
  }
  const children: ChildProcess[] = [];
  let hub: Awaited<ReturnType<typeof createHub>> | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping 正在停止 ...');
    await Promise.all(children.map(stopChild));
    await hub?.close().catch(() => undefined);
    await pg.stop().catch(() => undefined);
    console.log('Stopped. Data kept in 数据保存在 .lilong/');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const prepared = await Promise.all(DEMO_COMMUNITIES.map((c) => prepareCommunity(pg.adminUrl, c)));
    const orderLines = await prepareDemoOrders(DEMO_COMMUNITIES.map((c, i) => ({ code: c.code, url: prepared[i]!.url })));
    const nodes = await Promise.all(
      DEMO_COMMUNITIES.map(async (c, i) => {
        const node = await spawnNode(c.code, prepared[i]!.url, hubKeys.publicKey, logDir);
        children.push(node.child);
        node.child.on('exit', (exitCode) => {
          if (!stopping) log.warn('community node exited', { community: c.code, exitCode });
        });
        return node;
      }),
    );
    const directory: CommunityEntry[] = DEMO_COMMUNITIES.map((c, i) => ({
      code: c.code,
      name: c.name,
      nameEn: c.nameEn,
      url: nodes[i]!.url,
      neighbours: c.neighbours,
      status: 'active',
    }));
    writeFileSync(DIRECTORY_PATH, `${JSON.stringify({ communities: directory }, null, 2)}\n`);
    hub = await createHub(
      {
        port: options.port,
        host: process.env.HOST ?? '127.0.0.1',
        directoryPath: DIRECTORY_PATH,
        hubPrivateKey: privateKeyFromPem(readFileSync(hubKeys.privateKey, 'utf8')),
        issuers: new Map([[DEMO_ISSUER, publicKeyFromPem(readFileSync(idpKeys.publicKey, 'utf8'))]]),
        ...committedSchema(),
        link: { timeoutMs: 2500, failureThreshold: 3, openMs: 5000 },
      },
      { logger: log },
    );
    const url = (await hub.listen()).replace('127.0.0.1', 'localhost');
    await hub.links.verifyAll();
    const token = mintDemoToken(readPrivateKey(idpKeys.privateKey), [{ role: 'subdistrict' }], 'demo-subdistrict-staff', 12);
    console.log(
      [
        '',
        ...prepared.map((p) => `  ${p.line}`),
        ...orderLines.map((line) => `  ${line}`),
        '',
        `Ready in 已就绪，用时 ${((Date.now() - began) / 1000).toFixed(1)} s`,
        `  API explorer 接口浏览器:  ${url}/`,
        `  GraphQL endpoint 接口:    ${url}/graphql`,
        `  Directory 社区名录:        ${path.relative(process.cwd(), DIRECTORY_PATH)} (edit to add a community 编辑即可增加社区)`,
        `  Logs 日志:                ${path.relative(process.cwd(), logDir)}/`,
        '',
        'Try 试一试:',
        `  curl -s ${url}/graphql -H 'content-type: application/json' \\`,
        `    -d '{"query":"{ communities { code name status shops { name products { name stock { available } } } } }"}'`,
        '',
        'A sub-district staff token (12 h) 街道工作人员令牌:',
        `  ${token}`,
        '  More roles 其他角色: npm run token -- --role committee --community xinhua-1',
        '',
        'Ctrl-C stops everything; data is kept. 按 Ctrl-C 停止，数据会保留。',
      ].join('\n'),
    );
  } catch (error) {
    console.error(`Start failed 启动失败: ${(error as Error).message}`);
    await stop(1);
  }
}
