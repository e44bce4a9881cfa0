/**
 * `npm run bench -- peers [options]`: the hub side by side with the gateways a sub-district would pick instead
 * (plain @apollo/gateway, Hive Gateway with and without its Rust query planner), in front of the same community node,
 * with the harness of ../shared/bench-peers (bench.mjs: identical JSON checked, then req/s, latency and CPU per
 * request in alternating rounds); then the hub over 4 communities against 1 on a fan-out query; then the targets of
 * issue 12 (item 5) as ratios. `--profile` adds a CPU profile of the hub on the deep query. See docs/benchmarks.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_COMMUNITIES } from '../src/seed';
import { startEmbeddedPostgres } from '../src/embedded-pg';
import { REPO_ROOT } from '../src/paths';
import { countFetches, type FetchCounts } from './peers/fetch-count';
import { entryArgs, hubCommand, hubEnv, killStarted, peerSupergraph, shellQuote, staleBuild, startNode, startProcess, stopNode, stopProcess, writeDirectory, writeRunKeys, type Build, type RunningNode } from './peers/layout';
import { profileReport, summarizeProfile, type CpuProfile } from './peers/profile';
import { median, targetLines, targetsTable, type HarnessRow } from './peers/targets';

const PEERS_DIR = path.join(__dirname, 'peers');
const QUERIES_DIR = path.join(PEERS_DIR, 'queries');
/** The harness files copied into the scratch directory as they are. */
const HARNESS_FILES = ['bench.mjs', 'apollo-gateway.mjs', 'hive-nodedup.config.mjs', 'package.json'];
/** Lilong's peer scripts (this folder), copied beside them. */
const PEER_SCRIPTS = ['assertion.mjs', 'apollo-gateway-lilong.mjs', 'hive-assert.config.mjs', 'hive-assert-nodedup.config.mjs'];
const SINGLE_QUERIES = ['flat', 'shallow', 'deep'];
const FANOUT_QUERY = 'fanout';
const PROFILED_QUERY = 'deep';
/** The one community the peers see; the fan-out layout adds the other demo communities. */
const COMMUNITY = DEMO_COMMUNITIES[0]!;
/** Ports fetch() refuses (WHATWG "bad ports") in the range the harness's gateways might get. */
const BAD_PORTS = new Set([4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]);

const USAGE = `npm run bench -- peers [options]
  --rounds N          rounds per target and query (alternated A B C, A B C)   default 3
  --duration S        seconds measured per round                              default 10
  --warmup S          seconds of warm-up before each measurement              default 3
  --connections N     autocannon connections                                  default 10
  --quick             1 round of 3 s (1 s warm-up): checks the wiring, figures are not worth quoting
  --only A,B          only these targets: apollo-gateway, lilong-1, lilong-1-nodedup, hive-rust-qp,
                      hive-rust-nodedup, hive-gateway, hive-nodedup, lilong-4, lilong-4-nodedup
                      (a lilong-4 target runs the fan-out layout, with lilong-1 as its base)
  --no-fanout         skip the 4-community layout
  --profile           also CPU-profile the hub (no merging) on the deep query (--profile-seconds, default 20)
  --max-other P       the harness waits until unrelated work uses < P % CPU   default 15 (100: off)
  --quiet-wait S      longest such wait                                       default 120
  --build B           hub and nodes from src | dist | auto (dist when the build is fresh)   default auto
  --pool N            database connections per domain of the xinhua-1 node    default 4
  --fanout-pool N     the same for the 3 other nodes of the fan-out layout    default 2
  --scratch DIR       harness install, outside the repo    default $TMPDIR/lilong-bench-peers
  --out DIR           reports, JSON, logs                  default <scratch>/results/<time>
  --harness DIR       the harness                          default ../shared/bench-peers
Uses the PostgreSQL of DATABASE_URL (a scratch database per community), else an embedded one.
Exits 1 when a target answered wrongly (BAD RESPONSES, or JSON that differs between targets).`;

interface Options {
  rounds: number;
  duration: number;
  warmup: number;
  connections: number;
  only?: Set<string>;
  fanout: boolean;
  profile: boolean;
  profileSeconds: number;
  maxOther: number;
  quietWait: number;
  build: 'src' | 'dist' | 'auto';
  pool: number;
  fanoutPool: number;
  scratch: string;
  out?: string;
  harness: string;
}

function parseOptions(argv: string[]): Options | 'help' {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-fanout': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'profile-seconds': { type: 'string', default: '20' },
      'max-other': { type: 'string', default: '15' },
      'quiet-wait': { type: 'string', default: '120' },
      build: { type: 'string', default: 'auto' },
      pool: { type: 'string', default: '4' },
      'fanout-pool': { type: 'string', default: '2' },
      scratch: { type: 'string', default: path.join(os.tmpdir(), 'lilong-bench-peers') },
      out: { type: 'string' },
      harness: { type: 'string', default: path.resolve(REPO_ROOT, '../shared/bench-peers') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (v.help) return 'help';
  const int = (name: string, raw: string, min: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
    return n;
  };
  if (!['src', 'dist', 'auto'].includes(v.build)) throw new Error(`--build must be src, dist or auto, got "${v.build}"`);
  const only = v.only ? new Set(v.only.split(',').map((s) => s.trim()).filter(Boolean)) : undefined;
  const known = new Set([...singleTargets('x', 'y', 'src').map((t) => t.name), 'lilong-4', 'lilong-4-nodedup']);
  for (const name of only ?? []) if (!known.has(name)) throw new Error(`--only: unknown target "${name}"; one of ${[...known].join(', ')}`);
  const scratch = path.resolve(v.scratch);
  if (!path.relative(REPO_ROOT, scratch).startsWith('..')) throw new Error(`--scratch must be outside the repository (${REPO_ROOT}): the harness installs its own packages there`);
  return {
    rounds: v.quick ? 1 : int('rounds', v.rounds, 1),
    duration: v.quick ? 3 : int('duration', v.duration, 1),
    warmup: v.quick ? 1 : int('warmup', v.warmup, 0),
    connections: int('connections', v.connections, 1),
    only,
    fanout: !v['no-fanout'],
    profile: v.profile,
    profileSeconds: int('profile-seconds', v['profile-seconds'], 1),
    maxOther: int('max-other', v['max-other'], 0),
    quietWait: int('quiet-wait', v['quiet-wait'], 0),
    build: v.build as Options['build'],
    pool: int('pool', v.pool, 1),
    fanoutPool: int('fanout-pool', v['fanout-pool'], 1),
    scratch,
    out: v.out ? path.resolve(v.out) : undefined,
    harness: path.resolve(v.harness),
  };
}

interface Target {
  name: string;
  command: string;
}

/** The single-community targets, in the order the harness runs them (the first is the ratio base). */
function singleTargets(directoryFile: string, hubPrivateKeyFile: string, build: Build): Target[] {
  const node = shellQuote(process.execPath);
  const hive = `exec ${node} ./node_modules/@graphql-hive/gateway/dist/bin.js supergraph {supergraph} --host 127.0.0.1 --port {port}`;
  const hub = (mergeInflight: boolean) => hubCommand({ build, directoryFile, hubPrivateKeyFile, mergeInflight });
  return [
    { name: 'apollo-gateway', command: `exec ${node} apollo-gateway-lilong.mjs {supergraph} {port}` },
    { name: 'lilong-1', command: hub(true) },
    { name: 'lilong-1-nodedup', command: hub(false) },
    { name: 'hive-rust-qp', command: `${hive} --hive-router-runtime --config-path hive-assert.config.mjs` },
    { name: 'hive-rust-nodedup', command: `${hive} --hive-router-runtime --config-path hive-assert-nodedup.config.mjs` },
    { name: 'hive-gateway', command: `${hive} --config-path hive-assert.config.mjs` },
    { name: 'hive-nodedup', command: `${hive} --config-path hive-assert-nodedup.config.mjs` },
  ];
}

/** The harness's package.json plus `jose` at the hub's own version, which the peer scripts sign with. */
function scratchPackageJson(harness: string): string {
  const pkg = JSON.parse(readFileSync(path.join(harness, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const jose = (createRequire(path.join(REPO_ROOT, 'subgraphs/kit/src/index.ts'))('jose/package.json') as { version: string }).version;
  pkg.dependencies = { ...pkg.dependencies, jose };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Copies a file over whatever is there (the harness's files are read-only, and so become their copies). */
function copyOver(from: string, to: string): void {
  rmSync(to, { force: true });
  writeFileSync(to, readFileSync(from));
}

/**
 * The scratch directory: the harness, Lilong's peer scripts and queries, and the harness's pinned packages, installed
 * with npm there (outside the repository) unless the installed package.json already matches.
 */
function prepareScratch(options: Options): void {
  for (const file of HARNESS_FILES) if (!existsSync(path.join(options.harness, file))) throw new Error(`the harness has no ${file} (looked in ${options.harness}; --harness DIR)`);
  mkdirSync(path.join(options.scratch, 'queries'), { recursive: true });
  for (const file of HARNESS_FILES.filter((f) => f !== 'package.json')) copyOver(path.join(options.harness, file), path.join(options.scratch, file));
  for (const file of PEER_SCRIPTS) copyOver(path.join(PEERS_DIR, file), path.join(options.scratch, file));
  for (const file of readdirSync(QUERIES_DIR)) copyOver(path.join(QUERIES_DIR, file), path.join(options.scratch, 'queries', file));
  const wanted = scratchPackageJson(options.harness);
  const pkgFile = path.join(options.scratch, 'package.json');
  const installed = existsSync(pkgFile) && readFileSync(pkgFile, 'utf8') === wanted && existsSync(path.join(options.scratch, 'node_modules/.package-lock.json'));
  if (installed) return;
  writeFileSync(pkgFile, wanted);
  console.error(`installing the harness's packages in ${options.scratch} (about 1.5 min the first time) ...`);
  // Not the repository's npm settings: `npm run` passes its own (workspace, prefix) down as npm_config_* variables.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: options.scratch, stdio: 'inherit', env });
  if (result.status !== 0) {
    rmSync(pkgFile, { force: true });
    throw new Error(`npm install in ${options.scratch} failed (${result.status ?? result.signal})`);
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A first port of `count` free consecutive ports for the harness's gateways (it gives gateway i port + i). */
async function freePortRange(count: number, from = 4700): Promise<number> {
  for (let base = from; base < 30_000; base += count + 3) {
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if (ports.some((p) => BAD_PORTS.has(p))) continue;
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free port range for the gateways');
}

interface HarnessRun {
  code: number;
  rows: HarnessRow[];
  report: string;
}

/** Runs bench.mjs in the scratch directory; its progress goes to stderr, its markdown report to `out`. */
async function runHarness(options: Options, name: string, outDir: string, args: { supergraph: string; queries: string[]; targets: Target[]; infraPorts: number[]; env: Record<string, string> }): Promise<HarnessRun> {
  const md = path.join(outDir, `${name}.md`);
  const json = path.join(outDir, `${name}.json`);
  const port = await freePortRange(args.targets.length);
  const argv = [
    path.join(options.scratch, 'bench.mjs'),
    '--supergraph', args.supergraph,
    ...args.queries.flatMap((q) => ['--query', `queries/${q}.graphql`]),
    ...args.targets.flatMap((t) => ['--gw', `${t.name}=${t.command}`]),
    '--infra-ports', args.infraPorts.join(','),
    '--rounds', String(options.rounds), '--duration', String(options.duration), '--warmup', String(options.warmup),
    '--connections', String(options.connections), '--port', String(port),
    '--max-other', String(options.maxOther), '--quiet-wait', String(options.quietWait),
    '--out', md, '--json', json, '--logs', path.join(outDir, 'logs'),
  ];
  console.error(`\n== ${name}: ${args.targets.map((t) => t.name).join(', ')} x ${args.queries.join(', ')}`);
  const child = spawn(process.execPath, argv, { cwd: options.scratch, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...args.env } });
  const code = await new Promise<number>((resolve) => child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1))));
  const rows = existsSync(json) ? ((JSON.parse(readFileSync(json, 'utf8')) as { rows: HarnessRow[] }).rows ?? []) : [];
  return { code, rows, report: existsSync(md) ? readFileSync(md, 'utf8') : '' };
}

/** Whether Hive's Rust planner really ran: without its native addon Hive only warns and plans in JavaScript. */
function hiveRuntimeWarnings(logDir: string): string[] {
  if (!existsSync(logDir)) return [];
  return readdirSync(logDir)
    .filter((f) => /^hive-rust-.*\.log$/.test(f))
    .filter((f) => {
      const log = readFileSync(path.join(logDir, f), 'utf8');
      return /could not load/i.test(log) || !/hive router runtime/i.test(log);
    })
    .map((f) => `${f}: no "Using Hive Router Runtime" (or "Could not load"): that row may be Hive's JavaScript planner`);
}

/** The hub without merging, under --cpu-prof, loaded with the deep query by autocannon; returns the report section. */
async function profileHub(options: Options, ctx: { build: Build; directoryFile: string; hubPrivateKeyFile: string; outDir: string; fetchesPerRequest: number }): Promise<string> {
  const autocannon = createRequire(path.join(options.scratch, 'package.json'))('autocannon') as (o: object) => Promise<{ requests: { total: number; average: number }; non2xx: number; errors: number }>;
  const dir = path.join(ctx.outDir, 'profile');
  mkdirSync(dir, { recursive: true });
  const env = { ...hubEnv({ directoryFile: ctx.directoryFile, hubPrivateKeyFile: ctx.hubPrivateKeyFile, mergeInflight: false }), PORT: '0', HOST: '127.0.0.1' };
  const hub = await startProcess('profiled hub', ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...entryArgs(ctx.build, 'hub')], path.join(dir, 'hub.log'), env);
  const body = JSON.stringify({ query: readFileSync(path.join(QUERIES_DIR, `${PROFILED_QUERY}.graphql`), 'utf8') });
  const load = (duration: number) => autocannon({ url: `${hub.url}/graphql`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: options.connections, duration });
  let result;
  let window;
  try {
    console.error(`\n== profile: the hub (no merging) on ${PROFILED_QUERY}, ${options.profileSeconds} s under --cpu-prof`);
    await load(Math.max(2, options.warmup));
    const from = Number(process.hrtime.bigint() / 1000n);
    result = await load(options.profileSeconds);
    window = { from, to: Number(process.hrtime.bigint() / 1000n) };
  } finally {
    await stopProcess(hub.child);
  }
  if (result.non2xx + result.errors > 0) throw new Error(`profile: ${result.non2xx + result.errors} requests failed`);
  const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1);
  if (!file) throw new Error(`profile: the hub wrote no .cpuprofile in ${dir} (did it exit cleanly?)`);
  const summary = summarizeProfile(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile, REPO_ROOT, window);
  const fetches = Math.round(result.requests.total * ctx.fetchesPerRequest);
  return [
    `### CPU profile: the hub (LILONG_MERGE_INFLIGHT=false) on ${PROFILED_QUERY}`,
    '',
    `${result.requests.total} requests in ${options.profileSeconds} s (${result.requests.average.toFixed(0)} req/s under the profiler), ${ctx.fetchesPerRequest} community fetches each. Profile: ${path.join(dir, file)} (open it in Chrome DevTools or speedscope).`,
    '',
    profileReport(summary, fetches),
  ].join('\n');
}

const medianOther = (rows: readonly HarnessRow[]) => median(rows.map((r) => r.otherCpu));
const fetchesLine = (label: string, counts: FetchCounts) =>
  `- ${label}: ${Object.entries(counts.perRequest).map(([q, n]) => `${q} ${n} (${Object.entries(counts.bySubgraph[q] ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')})`).join('; ')}`;

export async function benchPeers(argv: string[]): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const o = options;
  const selected = (name: string) => !o.only || o.only.has(name);
  const stale = o.build === 'src' ? 'sources asked for' : staleBuild();
  if (o.build === 'dist' && stale) throw new Error(`--build dist: ${stale}; run npm run build`);
  const build: Build = o.build === 'dist' || !stale ? 'dist' : 'src';
  const loadBefore = os.loadavg()[0]!;

  prepareScratch(o);
  const outDir = o.out ?? path.join(o.scratch, 'results', new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19));
  mkdirSync(path.join(outDir, 'logs'), { recursive: true });
  const runDir = mkdtempSync(path.join(o.scratch, 'run-'));

  const pg = process.env.DATABASE_URL
    ? { adminUrl: process.env.DATABASE_URL, port: Number(new URL(process.env.DATABASE_URL).port || 5432), stop: async () => undefined }
    : await startEmbeddedPostgres({ dataDir: path.join(runDir, 'pgdata'), persistent: false });
  const nodes: RunningNode[] = [];
  let stopping: Promise<void> | undefined;
  const cleanUp = () =>
    (stopping ??= (async () => {
      for (const n of nodes.splice(0)) await stopNode(n, pg.adminUrl).catch((e: Error) => console.error(`could not stop ${n.community.code}: ${e.message}`));
      await pg.stop();
      rmSync(runDir, { recursive: true, force: true });
    })());
  const onSignal = () => {
    killStarted();
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    console.error(`hub and nodes from ${build === 'dist' ? 'the build (dist/)' : `the sources (${stale})`}; PostgreSQL on port ${pg.port}${process.env.DATABASE_URL ? ' (DATABASE_URL)' : ' (embedded)'}`);
    const keys = writeRunKeys(path.join(runDir, 'keys'));
    // Node logs beside the harness's gateway logs; notice keys with the run's other keys (removed at the end).
    const nodeOptions = { adminUrl: pg.adminUrl, build, keys, logDir: path.join(outDir, 'logs'), keyDir: path.join(runDir, 'keys'), poolSize: o.pool };
    const first = await startNode(COMMUNITY, nodeOptions);
    nodes.push(first);
    const supergraph = path.join(outDir, 'supergraph.graphql');
    writeFileSync(supergraph, peerSupergraph(readFileSync(path.join(REPO_ROOT, 'schema/supergraph.graphql'), 'utf8'), first.url));
    const directory1 = await writeDirectory(path.join(outDir, 'directory-1.json'), [first]);
    const queryText = (q: string) => ({ name: q, text: readFileSync(path.join(QUERIES_DIR, `${q}.graphql`), 'utf8') });
    const env = { LILONG_HUB_PRIVATE_KEY_FILE: keys.hubPrivateKeyFile, LILONG_COMMUNITY: COMMUNITY.code };

    console.error('counting community fetches per request (probe hub, one request at a time) ...');
    const counts1 = await countFetches({ nodes: [first], queries: [...SINGLE_QUERIES, FANOUT_QUERY].map(queryText), build, hubPrivateKeyFile: keys.hubPrivateKeyFile, runDir: path.join(outDir, 'logs'), label: '1' });

    const runs: HarnessRun[] = [];
    const single = singleTargets(directory1, keys.hubPrivateKeyFile, build).filter((t) => selected(t.name));
    const peers = single.length > 0 ? await runHarness(o, 'peers', outDir, { supergraph, queries: SINGLE_QUERIES, targets: single, infraPorts: [pg.port], env }) : undefined;
    if (peers) runs.push(peers);

    let fanout: HarnessRun | undefined;
    let counts4: FetchCounts | undefined;
    const fanNames = ['lilong-4', 'lilong-4-nodedup'].filter(selected);
    if (o.fanout && fanNames.length > 0) {
      console.error(`\nstarting ${DEMO_COMMUNITIES.slice(1).map((c) => c.code).join(', ')} for the 4-community layout ...`);
      for (const c of DEMO_COMMUNITIES.slice(1)) nodes.push(await startNode(c, { ...nodeOptions, poolSize: o.fanoutPool }));
      const directory4 = await writeDirectory(path.join(outDir, 'directory-4.json'), nodes);
      counts4 = await countFetches({ nodes, queries: [queryText(FANOUT_QUERY)], build, hubPrivateKeyFile: keys.hubPrivateKeyFile, runDir: path.join(outDir, 'logs'), label: '4' });
      const hub = (directoryFile: string, mergeInflight: boolean) => hubCommand({ build, directoryFile, hubPrivateKeyFile: keys.hubPrivateKeyFile, mergeInflight });
      const targets: Target[] = [
        { name: 'lilong-1', command: hub(directory1, true) },
        { name: 'lilong-4', command: hub(directory4, true) },
        { name: 'lilong-1-nodedup', command: hub(directory1, false) },
        { name: 'lilong-4-nodedup', command: hub(directory4, false) },
      ].filter((t) => fanNames.includes('lilong-4-nodedup') || !t.name.endsWith('nodedup'));
      fanout = await runHarness(o, 'fanout', outDir, { supergraph, queries: [FANOUT_QUERY], targets, infraPorts: [pg.port, ...nodes.slice(1).map((n) => Number(new URL(n.url).port))], env });
      runs.push(fanout);
      for (const n of nodes.splice(1)) await stopNode(n, pg.adminUrl);
    }

    let profile = '';
    if (o.profile) profile = await profileHub(o, { build, directoryFile: directory1, hubPrivateKeyFile: keys.hubPrivateKeyFile, outDir, fetchesPerRequest: counts1.perRequest[PROFILED_QUERY]! });

    const lines = targetLines({
      peers: peers?.rows ?? [],
      fanout: fanout?.rows ?? [],
      queries: SINGLE_QUERIES,
      fanoutQuery: FANOUT_QUERY,
      fetchesPerRequest: counts4 ? { one: counts1.perRequest[FANOUT_QUERY]!, four: counts4.perRequest[FANOUT_QUERY]! } : undefined,
    });
    const allRows = runs.flatMap((r) => r.rows);
    const other = medianOther(allRows);
    const busy = o.maxOther >= 100 || loadBefore > 0.5 || (other ?? 0) > 15;
    const hiveWarnings = hiveRuntimeWarnings(path.join(outDir, 'logs'));
    const failed = runs.filter((r) => r.code !== 0);
    const bad = allRows.filter((r) => r.bad > 0);
    const report = [
      `# Lilong hub vs peer gateways, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '',
      `${os.cpus().length} x ${os.cpus()[0]?.model.trim()}, Node ${process.version}, load ${loadBefore.toFixed(2)} before; hub and nodes from ${build === 'dist' ? 'dist/' : 'the sources (swc hook)'}; ` +
        `${o.rounds} rounds x ${o.duration} s (+${o.warmup} s warm-up), ${o.connections} connections, --max-other ${o.maxOther}; median other CPU ${other?.toFixed(0) ?? '-'}%.`,
      ...(busy ? ['', '**Measured on a busy machine (other work was running): the figures are noise, not results. Run again on a quiet machine (load < 0.5).**'] : []),
      '',
      'Community fetches per request (probe hub, no merging):',
      fetchesLine('1 community', counts1),
      ...(counts4 ? [fetchesLine('4 communities', counts4)] : []),
      '',
      '## Targets (issue 12, item 5)',
      '',
      targetsTable(lines),
      ...(hiveWarnings.length ? ['', ...hiveWarnings.map((w) => `- warning: ${w}`)] : []),
      ...(failed.length ? ['', ...failed.map((r) => `- **the harness failed (exit ${r.code})${r.rows.some((x) => x.bad) ? ': BAD RESPONSES' : ''}**; see its output above`)] : []),
      '',
      ...runs.map((r) => r.report.replace(/^## /m, '## Harness: ')),
      ...(profile ? ['', profile] : []),
    ].join('\n');
    writeFileSync(path.join(outDir, 'report.md'), `${report}\n`);
    console.log(`\n${report}\n\n## Targets\n\n${targetsTable(lines)}\n\nReport: ${path.join(outDir, 'report.md')} (raw rows: peers.json, fanout.json; gateway logs: logs/)`);
    if (bad.length > 0) console.error(`BAD RESPONSES: ${[...new Set(bad.map((r) => `${r.target}/${r.query}`))].join(', ')}`);
    return failed.length > 0 || bad.length > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}
