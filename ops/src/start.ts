import { chmodSync, createWriteStream, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
// The kit's log and signing modules, not its index (the ORM, the subgraphs' server): a restart loads no domain code.
import { createLogger, type Logger } from '@lilong/kit/src/log';
import { publishedNoticeKey } from '@lilong/kit/src/signing';
import type { CommunityEntry } from '@lilong/gateway';
import { commentOnDatabases, databaseComments, withDatabase } from './db';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-pg';
import { demoIdpKeyFile, ensureKeyPair, readPrivateKey } from './keys';
import { ensureConsoleBuilt } from './console-build';
import { DemoIdentityProvider, mintWithKeyFile, type DemoSignInPerson } from './demo-idp';
import { DEMO_ISSUER, demoHubGrants, demoSubject } from './demo-people';
import { DIRECTORY_PATH, KEYS_DIR, LILONG_HOME, LOG_DIR, PG_DATA_DIR, REPO_ROOT, RUN_STATE_PATH } from './paths';
import { killPostgres, postmasterPid, stopLeftoverPostgres, stopPostgres } from './pg-process';
import { isAlive, readRunState, removeRunState, writeJsonAtomically, type RunState } from './run-state';
import { DEMO_COMMUNITIES } from './seed/demo-data';
import { seedSummaryLine } from './seed/summary';
import { Supervisor, type SupervisorEvent } from './supervisor';

export interface StartOptions {
  /** Hub port; 0 picks a free one. @default 4000 (PORT) */
  port: number;
  /** Wipe the embedded database and start from fresh demo data. */
  reset: boolean;
}

/** How long hub and nodes get to stop on SIGTERM before SIGKILL, in ms: a blocked event loop never runs its handler. */
const STOP_GRACE_MS = 3000;
/** How long PostgreSQL gets for a fast shutdown before an immediate one, in ms. */
const POSTGRES_STOP_GRACE_MS = 5000;
/** How long after the hub and nodes are up the hub may take to verify every node, in ms. */
const VERIFY_TIMEOUT_MS = 20_000;

const HUB_ENTRY = path.join(REPO_ROOT, 'gateway/src/main.ts');
const NODE_ENTRY = path.join(REPO_ROOT, 'subgraphs/node/src/main.ts');
/** What a spare loads ahead of a node's restart: the node's code, all of it but its entry. */
const NODE_CODE = path.join(REPO_ROOT, 'subgraphs/node/src/index.ts');

const databaseName = (code: string) => `lilong_${code.replace(/-/g, '_')}`;

/**
 * The comment a demo database gets once it is created, migrated and seeded, demo orders included: a restart that
 * finds it on every database skips the preparation (and the domain code it needs), and each node migrates its own
 * database as it starts. A database without it (new, half-prepared by a run that was stopped, or made by an older
 * launcher) is prepared again, which keeps whatever data it has.
 */
const DEMO_PREPARED = 'lilong demo: prepared';
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const shown = (file: string) => path.relative(process.cwd(), file) || '.';

/** Refuses early, before minutes of seeding, when the hub's port is taken (often: npm start already running). */
function checkPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'EADDRINUSE' ? `port ${port} is in use 端口已被占用; choose another: PORT=4100 npm start` : error.message)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/**
 * A previous `npm start` on this home: still running (refuse), or killed so hard that it left processes behind
 * (stop them; children stop themselves when their launcher dies, PostgreSQL does not).
 */
async function clearPreviousRun(log: Logger): Promise<void> {
  const previous = readRunState(RUN_STATE_PATH);
  if (previous && previous.launcher !== process.pid && isAlive(previous.launcher) && looksLikeLauncher(previous.launcher)) {
    throw new Error(`npm start is already running on ${shown(LILONG_HOME)} (pid ${previous.launcher}) 已在运行; stop it first`);
  }
  const leftover = await stopLeftoverPostgres(PG_DATA_DIR);
  if (leftover !== undefined) {
    console.log(`  (stopped a PostgreSQL a previous run left running, pid ${leftover} 已停止上次遗留的数据库进程)`);
    log.warn('stopped leftover postgres', { pid: leftover });
  }
  removeRunState(RUN_STATE_PATH);
}

/** Whether `pid` runs this CLI (and is not an unrelated process that was given a dead launcher's PID since). */
function looksLikeLauncher(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('lilong');
  } catch {
    return process.platform !== 'linux';
  }
}

/** The directory file, written whole so the hub never reads half of it. */
function writeDirectory(entries: CommunityEntry[]): void {
  writeJsonAtomically(DIRECTORY_PATH, { communities: entries });
}

/** Points one community's directory entry at a new URL, keeping whatever else the file says (edits included). */
function moveInDirectory(code: string, url: string): void {
  const doc = JSON.parse(readFileSync(DIRECTORY_PATH, 'utf8')) as { communities: CommunityEntry[] };
  for (const entry of doc.communities) if (entry.code === code) entry.url = url;
  writeJsonAtomically(DIRECTORY_PATH, doc);
}

/**
 * Waits until the hub's /healthz shows every community verified; returns those that are not, if time runs out.
 * The hub notices the rewritten directory by polling the file; should it still list no community after a few
 * seconds (a write that landed before its first poll is taken as the starting point), the file is written again.
 */
async function waitForVerified(hubUrl: string, entries: CommunityEntry[], timeoutMs: number): Promise<string[]> {
  const began = Date.now();
  let rewrittenAt = began;
  let pending = entries.map((e) => e.code);
  for (;;) {
    try {
      const response = await fetch(`${hubUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      const health = (await response.json()) as { communities?: Record<string, string> };
      pending = entries.map((e) => e.code).filter((c) => health.communities?.[c] !== 'ACTIVE');
      if (pending.length === 0) return [];
      if (Object.keys(health.communities ?? {}).length === 0 && Date.now() - rewrittenAt > 3000) {
        writeDirectory(entries);
        rewrittenAt = Date.now();
      }
    } catch {
      // not answering yet
    }
    if (Date.now() - began > timeoutMs) return pending;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function describeExit(event: Extract<SupervisorEvent, { kind: 'exited' }>): string {
  return event.signal ? `killed by ${event.signal}` : `code ${event.code}`;
}

/**
 * `npm start`: one embedded PostgreSQL, a database and a node process per demo community, and the hub in a
 * process of its own, all supervised: a process that exits on its own is restarted (on the port it had), one
 * that keeps crashing is given up on and reported, and Ctrl-C stops everything within seconds even when the hub
 * is stuck. The launcher serves no requests, so nothing a caller sends can block it. Data is kept in `.lilong/`
 * between runs; `--reset` starts over.
 */
export async function start(options: StartOptions): Promise<void> {
  const began = Date.now();
  // With lilong-hub and lilong-node <code>, `ps aux | grep lilong-` lists the whole sub-district.
  process.title = 'lilong-launcher';
  const host = process.env.HOST ?? '127.0.0.1';
  // PostgreSQL may run as another user (when started as root): the home folder must be enterable by it.
  mkdirSync(LILONG_HOME, { recursive: true, mode: 0o755 });
  chmodSync(LILONG_HOME, 0o755);
  mkdirSync(LOG_DIR, { recursive: true });
  const log = createLogger('launcher', false, createWriteStream(path.join(LOG_DIR, 'launcher.log'), { flags: 'a' }));
  log.info('starting', { pid: process.pid, home: LILONG_HOME });

  console.log('里弄 Lilong: starting the embedded sub-district 正在启动嵌入式街道枢纽 ...');
  try {
    await clearPreviousRun(log);
    await checkPortFree(options.port, host);
  } catch (error) {
    console.error(`Cannot start 无法启动: ${(error as Error).message}`);
    process.exit(1);
  }
  if (options.reset) rmSync(PG_DATA_DIR, { recursive: true, force: true });
  const hubKeys = ensureKeyPair(KEYS_DIR, 'hub');
  // Each community's notice key: its node signs notices and digests, the directory publishes the public half,
  // valid from when the key was made.
  const noticeKeyFiles = DEMO_COMMUNITIES.map((c) => ensureKeyPair(KEYS_DIR, `notice-${c.code}`));
  // The demo identity provider: a real JWKS over HTTP from the launcher, so the hub verifies tokens as it would a
  // real OpenID Connect provider's (fetched, cached, refetched on an unknown key ID).
  const idpKeyFile = demoIdpKeyFile(KEYS_DIR);
  const idp = await DemoIdentityProvider.start({ issuer: DEMO_ISSUER, keyFile: idpKeyFile, signIn: consoleDemoPeople() });
  // The data console, built when missing or older than its sources; the hub serves it once it is there.
  const consoleBuilt = ensureConsoleBuilt().then(
    (state) => (state === 'built' ? ['  (data console built 数据看板已构建)'] : []),
    (error: Error) => {
      log.error('console build failed', error);
      return [`  ! the data console could not be built 数据看板构建失败: ${error.message.split('\n')[0]} (npm run build:console)`];
    },
  );

  let pg: EmbeddedPostgresHandle | undefined;
  /** Set while PostgreSQL starts, so that a stop in the meantime waits for it and stops it too. */
  let pgStarting: Promise<EmbeddedPostgresHandle> | undefined;
  let pgPid: number | undefined;
  const runState: RunState = { launcher: process.pid, nodes: {} };
  const supervisor = new Supervisor({
    onEvent: (event) => report(event),
    onChange: () => saveRunState(),
  });
  const saveRunState = () => {
    const services = supervisor.snapshot();
    const { hub, ...nodes } = services;
    Object.assign(runState, { postgres: pgPid, hub, nodes, spares: supervisor.spareStates() });
    try {
      writeJsonAtomically(RUN_STATE_PATH, runState);
    } catch (error) {
      log.error('could not write the run state', error);
    }
  };
  const report = (event: SupervisorEvent) => {
    if (stopping) return;
    if (event.kind === 'exited') {
      console.log(`! ${event.label} exited (${describeExit(event)}); restarting in ${seconds(event.restartInMs)} 已退出，稍后自动重启`);
      log.warn('process exited; restarting', { ...event });
    } else if (event.kind === 'restarted') {
      console.log(`✓ ${event.label} is back 已恢复 (pid ${event.pid}, ${event.url})`);
      log.info('process restarted', { ...event });
      // A node that had to move to another port: point the directory at it, and tell the hub to read it again.
      if (event.service !== 'hub' && event.previousUrl && event.previousUrl !== event.url) {
        try {
          moveInDirectory(event.service, event.url);
          supervisor.signal('hub', 'SIGHUP');
        } catch (error) {
          log.error('could not update the directory', error, { community: event.service });
        }
      }
    } else {
      console.error(
        `✗ ${event.label} crashed ${event.crashes} times within ${seconds(event.windowMs)}; not restarting it 反复崩溃，不再重启. ` +
          `See 见 ${shown(event.logFile)}. The rest of the sub-district keeps running 其余部分照常运行; Ctrl-C and npm start to try again.`,
      );
      log.error('gave up on a process', undefined, { ...event });
    }
  };

  let stopping = false;
  let forced = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping 正在停止 ... (Ctrl-C again to force 再按 Ctrl-C 强制停止)');
    log.info('stopping', { code });
    const stoppedAt = Date.now();
    // The nodes are PostgreSQL's only clients: once they are gone it can stop, while a stuck hub runs out its grace.
    const hubStopped = supervisor.stop(STOP_GRACE_MS, ['hub']);
    await supervisor.stop(STOP_GRACE_MS, DEMO_COMMUNITIES.map((c) => c.code));
    const server = pg ?? (await pgStarting?.catch(() => undefined));
    if (server && !forced) await stopPostgres(server, pgPid ?? postmasterPid(PG_DATA_DIR), POSTGRES_STOP_GRACE_MS);
    await hubStopped;
    if (forced) return;
    finish(code, stoppedAt);
  };
  const force = async () => {
    if (forced) return;
    forced = true;
    console.log('Forcing 强制停止 ...');
    log.warn('forced stop');
    const stoppedAt = Date.now();
    await supervisor.killAll();
    const pid = pgPid ?? postmasterPid(PG_DATA_DIR);
    if (pid !== undefined) await killPostgres(pid);
    finish(130, stoppedAt);
  };
  const finish = (code: number, stoppedAt: number) => {
    removeRunState(RUN_STATE_PATH);
    log.info('stopped', { code, ms: Date.now() - stoppedAt });
    console.log(`Stopped. 已停止 (${seconds(Date.now() - stoppedAt)}) Data kept in 数据保存在 ${shown(LILONG_HOME)}/`);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void (stopping ? force() : stop(0)));
  }
  const fail = (error: unknown) => {
    if (stopping) return;
    console.error(`Start failed 启动失败: ${(error as Error).message}`);
    log.error('start failed', error);
    void stop(1);
  };

  try {
    // The hub starts at once, on an empty directory, and loads its code while PostgreSQL starts and the demo
    // data is prepared; it learns the nodes' URLs when the directory is rewritten once they listen (it polls the
    // file every second).
    writeDirectory([]);
    const hubUrl = supervisor.start({
      name: 'hub',
      label: 'hub 枢纽',
      entry: HUB_ENTRY,
      port: options.port,
      portMayChange: false,
      logFile: path.join(LOG_DIR, 'hub.log'),
      env: (port) => ({
        // The caller's settings for the hub (timeouts, breaker, limits) pass through; launcher defaults below them.
        LILONG_TIMEOUT_MS: '2500',
        LILONG_BREAKER_FAILURES: '3',
        // A restarted node is back in seconds, and probing a node on this machine costs nothing: an open circuit
        // lets one probe through every second rather than every 5 s (the hub's default, for remote nodes).
        LILONG_BREAKER_OPEN_MS: '1000',
        ...process.env,
        PORT: String(port),
        HOST: host,
        LILONG_DIRECTORY: DIRECTORY_PATH,
        LILONG_HUB_PRIVATE_KEY_FILE: hubKeys.privateKey,
        LILONG_TRUST: JSON.stringify({ issuers: [{ issuer: DEMO_ISSUER, jwksUri: idp.jwksUri }], grants: demoHubGrants() }),
        // The console's one-click demo sign-in, relayed by the hub to this provider: the embedded demo only.
        LILONG_CONSOLE_DEMO_IDP: idp.baseUrl,
      }),
    });
    // Reported as soon as it happens, not after the seeding.
    hubUrl.catch(fail);

    try {
      pgStarting = startEmbeddedPostgres({ dataDir: PG_DATA_DIR, persistent: true, onNotice: (m) => console.log(`  (${m})`) });
      pg = await pgStarting;
      pgPid = postmasterPid(PG_DATA_DIR);
      saveRunState();
    } catch (error) {
      throw new Error(`could not start the embedded PostgreSQL 无法启动嵌入式数据库: ${(error as Error).message}`);
    }
    if (stopping) return;
    log.info('postgres started', { ms: Date.now() - began });
    const adminUrl = pg.adminUrl;
    const names = DEMO_COMMUNITIES.map((c) => databaseName(c.code));
    const comments = await databaseComments(adminUrl, names);
    let prepared: { url: string; line: string }[];
    let orderLines: string[];
    if (names.every((name) => comments.get(name) === DEMO_PREPARED)) {
      prepared = DEMO_COMMUNITIES.map((c, i) => ({ url: withDatabase(adminUrl, names[i]!), line: seedSummaryLine({ community: c.code, skipped: true }) }));
      orderLines = [];
      log.info('demo data already prepared', { ms: Date.now() - began });
    } else {
      // Loaded only here: the ORM, every domain and the seed.
      const { prepareDemoData } = require('./demo-prepare') as typeof import('./demo-prepare');
      const demo = await prepareDemoData(
        adminUrl,
        // `comments` lists the databases that exist: no second look per database.
        DEMO_COMMUNITIES.map((c, i) => ({ community: c, database: names[i]!, exists: comments.has(names[i]!), noticeKeyFile: noticeKeyFiles[i]!.privateKey })),
        (m) => log.info(m, { ms: Date.now() - began }),
      );
      prepared = demo.communities;
      orderLines = demo.orderLines;
      if (demo.complete) await commentOnDatabases(adminUrl, names, DEMO_PREPARED);
    }
    if (stopping) return;
    const nodeUrls = await Promise.all(
      DEMO_COMMUNITIES.map((c, i) =>
        supervisor.start({
          name: c.code,
          label: `node ${c.code} 社区节点`,
          entry: NODE_ENTRY,
          // `ps` shows this; the node's own command line says nothing of which community it is.
          title: `lilong-node ${c.code}`,
          portMayChange: true,
          logFile: path.join(LOG_DIR, `${c.code}.log`),
          spare: { preload: [NODE_CODE], title: 'lilong-node (spare)', logFile: path.join(LOG_DIR, 'spare.log') },
          env: (port) => ({
            ...process.env,
            LILONG_COMMUNITY: c.code,
            DATABASE_URL: prepared[i]!.url,
            LILONG_HUB_PUBLIC_KEY_FILE: hubKeys.publicKey,
            LILONG_NOTICE_KEY_FILE: noticeKeyFiles[i]!.privateKey,
            PORT: String(port),
            HOST: host,
          }),
        }),
      ),
    );
    const noticeKeys = await Promise.all(noticeKeyFiles.map((f) => publishedNoticeKey(readPrivateKey(f.privateKey), statSync(f.privateKey).mtime.toISOString())));
    const directory: CommunityEntry[] = DEMO_COMMUNITIES.map((c, i) => ({
      code: c.code,
      name: c.name,
      nameEn: c.nameEn,
      url: nodeUrls[i]!,
      neighbours: c.neighbours,
      noticeKeys: [noticeKeys[i]!],
      status: 'active',
    }));
    writeDirectory(directory);
    log.info('nodes ready', { ms: Date.now() - began });
    const listening = await hubUrl;
    // Read now, not at the hub's next poll of the file.
    supervisor.signal('hub', 'SIGHUP');
    const unverified = await waitForVerified(listening, directory, VERIFY_TIMEOUT_MS);
    if (stopping) return;
    const url = listening.replace('127.0.0.1', 'localhost');
    const token = await mintWithKeyFile(idpKeyFile, DEMO_ISSUER, demoSubject('subdistrict'), { expiresInSeconds: 12 * 3600 });
    const consoleLines = await consoleBuilt;
    const pids = supervisor.snapshot();
    log.info('ready', { ms: Date.now() - began, hub: listening, unverified });
    // After start-up, not during it: loading the spare's code would compete with the nodes for the CPU.
    supervisor.prepareSpares();
    console.log(
      [
        '',
        ...prepared.map((p) => `  ${p.line}`),
        ...orderLines.map((line) => `  ${line}`),
        ...(unverified.length ? ['', `  ! not verified yet by the hub 枢纽尚未确认: ${unverified.join(', ')} (see ${shown(LOG_DIR)}/hub.log)`] : []),
        '',
        `Ready in 已就绪，用时 ${seconds(Date.now() - began)}`,
        ...consoleLines,
        `  Data console 数据看板:     ${url}/console/ (one-click demo sign-in 一键演示登录)`,
        `  API explorer 接口浏览器:  ${url}/`,
        `  GraphQL endpoint 接口:    ${url}/graphql`,
        `  Directory 社区名录:        ${shown(DIRECTORY_PATH)} (edit to add a community 编辑即可增加社区)`,
        `  Logs 日志:                ${shown(LOG_DIR)}/`,
        `  Processes 进程:           ${Object.entries(pids).map(([name, p]) => `${name} ${p.pid}`).join(', ')} (ps aux | grep lilong-; ${shown(RUN_STATE_PATH)})`,
        '',
        'Try 试一试:',
        `  curl -s ${url}/graphql -H 'content-type: application/json' \\`,
        `    -d '{"query":"{ communities { code name status shops { name products { name stock { available } } } } }"}'`,
        '',
        'A sub-district staff token (12 h) 街道工作人员令牌:',
        `  ${token}`,
        '  Seeded people 演示人员: npm run token -- --as committee-of xinhua-1 | --as leader-of fahua:Group:1 | --as resident-of fahua:Household:3 (--help)',
        '',
        'A process that crashes is restarted 进程崩溃会自动重启. Ctrl-C stops everything; data is kept. 按 Ctrl-C 停止，数据会保留。',
      ].join('\n'),
    );
  } catch (error) {
    fail(error);
  }
}

/** Who the console's demo sign-in offers: sub-district staff, and each demo community's committee staff and dispatcher. */
function consoleDemoPeople(): DemoSignInPerson[] {
  return [
    { id: 'subdistrict', subject: demoSubject('subdistrict'), labelZh: '街道工作人员（全部社区）', labelEn: 'Sub-district staff (every community)' },
    ...DEMO_COMMUNITIES.flatMap((c) => [
      { id: `committee-of:${c.code}`, subject: demoSubject('committee-of', c.code), labelZh: `${c.name} · 居委会工作人员`, labelEn: `${c.nameEn} · committee staff` },
      { id: `dispatcher-of:${c.code}`, subject: demoSubject('dispatcher-of', c.code), labelZh: `${c.name} · 调度员`, labelEn: `${c.nameEn} · dispatcher` },
    ]),
  ];
}
