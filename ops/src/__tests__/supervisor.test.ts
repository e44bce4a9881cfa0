import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../paths';
import { isAlive } from '../run-state';
import { StartFailure, Supervisor, type ServiceSpec, type SupervisorEvent } from '../supervisor';

/**
 * A stand-in for a hub or node, as a real process: listens on PORT, prints the ready line, and per its
 * environment crashes after being ready (the first CRASHES starts), fails before ready, or ignores SIGTERM.
 * Each start appends to STARTS, so a test can count them.
 */
const FIXTURE = `
const fs = require('node:fs');
const net = require('node:net');
const starts = fs.existsSync(process.env.STARTS) ? fs.readFileSync(process.env.STARTS, 'utf8').length : 0;
fs.appendFileSync(process.env.STARTS, 'x');
if (process.env.FAIL_BEFORE_READY) { console.error('configuration: nothing works'); process.exit(2); }
process.on('SIGTERM', () => { if (!process.env.IGNORE_TERM) process.exit(0); });
const server = net.createServer().listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log('a line that is not a status line');
  console.log(JSON.stringify({ ready: true, url: 'http://127.0.0.1:' + server.address().port }));
  if (starts < Number(process.env.CRASHES || 0)) setTimeout(() => process.exit(1), 50);
});
`;

const FAST = { initialDelayMs: 50, maxDelayMs: 400, maxCrashes: 5, windowMs: 60_000 };

let dir: string;
let entry: string;
const supervisors: Supervisor[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lilong-supervisor-'));
  entry = path.join(dir, 'service.js');
  writeFileSync(entry, FIXTURE);
});

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.killAll()));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function supervise(policy = FAST) {
  const events: SupervisorEvent[] = [];
  const supervisor = new Supervisor({ policy, onEvent: (e) => events.push(e) });
  supervisors.push(supervisor);
  return { supervisor, events };
}

function spec(name: string, env: Record<string, string> = {}, extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name,
    label: `node ${name} 社区节点`,
    entry,
    title: `lilong-test ${name}`,
    portMayChange: true,
    logFile: path.join(dir, `${name}.log`),
    env: (port) => ({ ...process.env, ...env, PORT: String(port), STARTS: path.join(dir, `${name}.starts`) }),
    ...extra,
  };
}

const starts = (name: string) => readFileSync(path.join(dir, `${name}.starts`), 'utf8').length;
const until = async (what: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the launcher supervisor', () => {
  it('restarts a process that exits on its own, on the port it had, and says so in its log', async () => {
    const { supervisor, events } = supervise();
    const url = await supervisor.start(spec('alpha', { CRASHES: '1' }));
    await until(() => events.some((e) => e.kind === 'restarted'));
    expect(events).toEqual([
      { kind: 'exited', service: 'alpha', label: 'node alpha 社区节点', code: 1, signal: null, restartInMs: 50, crashes: 1 },
      expect.objectContaining({ kind: 'restarted', service: 'alpha', url, restarts: 1, previousUrl: url }),
    ]);
    const { pid } = supervisor.snapshot().alpha!;
    expect(supervisor.snapshot().alpha).toMatchObject({ state: 'running', url, restarts: 1 });
    // ps shows the title, not the command line.
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toMatch(/^lilong-test alpha/);
    // The log is written asynchronously: wait for the restart's line to land.
    const logFile = path.join(dir, 'alpha.log');
    await until(() => readFileSync(logFile, 'utf8').includes('"message":"restarted"'));
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('a line that is not a status line');
    expect(log).toMatch(/"component":"launcher","message":"exited","service":"alpha".*"code":1/);
    expect(log).toMatch(/"message":"restarted".*"restarts":1/);
  });

  it('restarts a process in its ready spare, which takes on its environment, port and title, and prepares the next', async () => {
    const { supervisor, events } = supervise();
    const preloaded = path.join(dir, 'preloaded-iota.js');
    const preloads = path.join(dir, 'iota.preloads');
    writeFileSync(preloaded, `require('node:fs').appendFileSync(${JSON.stringify(preloads)}, 'x');`);
    const crashFile = path.join(dir, 'iota.crash');
    // Crashes when told to (a file appears), not on a timer, so the spare is surely ready by then.
    const crasher = path.join(dir, 'crasher.js');
    writeFileSync(crasher, `require(${JSON.stringify(entry)}); setInterval(() => { if (require('node:fs').existsSync(${JSON.stringify(crashFile)})) { require('node:fs').rmSync(${JSON.stringify(crashFile)}); process.exit(1); } }, 20);`);
    const url = await supervisor.start(spec('iota', {}, { entry: crasher, spare: { preload: [preloaded], title: 'lilong-test (spare)', logFile: path.join(dir, 'spare.log') } }));
    supervisor.prepareSpares();
    const sparePid = supervisor.spareStates()[0]?.pid;
    await until(() => supervisor.spareStates()[0]?.ready === true);
    expect(readFileSync(`/proc/${sparePid}/cmdline`, 'utf8')).toMatch(/^lilong-test \(spare\)/);
    writeFileSync(crashFile, '');
    await until(() => events.some((e) => e.kind === 'restarted'));
    const restarted = events.find((e) => e.kind === 'restarted') as Extract<SupervisorEvent, { kind: 'restarted' }>;
    expect(restarted).toMatchObject({ pid: sparePid, url });
    // It took on the service's title and port; it had loaded the preload list before being needed.
    expect(readFileSync(`/proc/${sparePid}/cmdline`, 'utf8')).toMatch(/^lilong-test iota/);
    expect(readFileSync(preloads, 'utf8')).toMatch(/^x+$/);
    await until(() => supervisor.spareStates().length === 1 && supervisor.spareStates()[0]!.pid !== sparePid);
    // A stop takes the spare down too.
    const next = supervisor.spareStates()[0]!.pid;
    await supervisor.stop(500);
    expect(isAlive(next)).toBe(false);
    expect(isAlive(sparePid!)).toBe(false);
  });

  it('gives up on a process that keeps crashing, says so once, and does not try again', async () => {
    const { supervisor, events } = supervise();
    await supervisor.start(spec('beta', { CRASHES: '1000' }));
    await until(() => events.some((e) => e.kind === 'gave-up'));
    expect(events.filter((e) => e.kind === 'exited').map((e) => (e as { restartInMs: number }).restartInMs)).toEqual([50, 100, 200, 400]);
    expect(events.filter((e) => e.kind === 'gave-up')).toEqual([
      { kind: 'gave-up', service: 'beta', label: 'node beta 社区节点', crashes: 5, windowMs: 60_000, logFile: path.join(dir, 'beta.log') },
    ]);
    expect(supervisor.snapshot().beta).toMatchObject({ state: 'failed', pid: undefined });
    await new Promise((r) => setTimeout(r, 800));
    expect(starts('beta')).toBe(5);
  });

  it('reports a first start that fails, with the reason and where the log is, and does not retry it', async () => {
    const { supervisor, events } = supervise();
    const failure = await supervisor.start(spec('gamma', { FAIL_BEFORE_READY: '1' })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StartFailure);
    expect((failure as Error).message).toBe(`node gamma 社区节点 exited with code 2: configuration: nothing works; see ${path.join(dir, 'gamma.log')}`);
    await new Promise((r) => setTimeout(r, 300));
    expect(starts('gamma')).toBe(1);
    expect(events).toEqual([]);
  });

  it('moves a node to a new port when its old one was taken while it was down', async () => {
    const { supervisor, events } = supervise({ ...FAST, initialDelayMs: 500 });
    const url = await supervisor.start(spec('delta', { CRASHES: '1' }));
    await until(() => events.length > 0);
    // Somebody takes the port during the backoff: the same-port restart fails, the next one moves.
    const squatter: Server = await new Promise((resolve) => {
      const s = createServer().listen(Number(new URL(url).port), '127.0.0.1', () => resolve(s));
    });
    try {
      await until(() => events.some((e) => e.kind === 'restarted'));
      const restarted = events.find((e) => e.kind === 'restarted') as Extract<SupervisorEvent, { kind: 'restarted' }>;
      expect(restarted.previousUrl).toBe(url);
      expect(restarted.url).not.toBe(url);
      expect(starts('delta')).toBe(3);
    } finally {
      squatter.close();
    }
  });

  it('keeps the hub on its port: no moving when the service may not', async () => {
    const { supervisor, events } = supervise({ ...FAST, initialDelayMs: 300, maxCrashes: 3 });
    const url = await supervisor.start(spec('hub', { CRASHES: '1' }, { portMayChange: false }));
    await until(() => events.length > 0);
    const squatter: Server = await new Promise((resolve) => {
      const s = createServer().listen(Number(new URL(url).port), '127.0.0.1', () => resolve(s));
    });
    try {
      // Every attempt insists on the same port, so all fail while it is taken.
      await until(() => events.some((e) => e.kind === 'gave-up'));
      expect(events.some((e) => e.kind === 'restarted')).toBe(false);
    } finally {
      squatter.close();
    }
  });

  it('stops everything within the grace, SIGKILLing a process that ignores SIGTERM, and restarts nothing', async () => {
    const { supervisor, events } = supervise();
    await supervisor.start(spec('epsilon'));
    await supervisor.start(spec('zeta', { IGNORE_TERM: '1' }));
    const pids = Object.values(supervisor.snapshot()).map((s) => s.pid!);
    const began = Date.now();
    await supervisor.stop(500);
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(2000);
    expect(pids.filter(isAlive)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(events).toEqual([]);
    expect(starts('epsilon') + starts('zeta')).toBe(2);
  });

  it('leaves no child behind when the launcher itself is killed', async () => {
    // A launcher in its own process, supervising one child; SIGKILL gives it no chance to stop anything.
    const script = `
      const { Supervisor } = require(${JSON.stringify(path.join(REPO_ROOT, 'ops/src/supervisor.ts'))});
      const s = new Supervisor();
      s.start({ name: 'eta', label: 'eta', entry: ${JSON.stringify(entry)}, portMayChange: true, logFile: ${JSON.stringify(path.join(dir, 'eta.log'))},
        env: (port) => ({ ...process.env, PORT: String(port), STARTS: ${JSON.stringify(path.join(dir, 'eta.starts'))} }) })
        .then(() => console.log(JSON.stringify(s.snapshot().eta)));`;
    const launcher = spawn(process.execPath, ['-r', path.join(REPO_ROOT, 'ops/register.js'), '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => launcher.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    const { pid } = JSON.parse(line) as { pid: number };
    try {
      expect(isAlive(pid)).toBe(true);
      launcher.kill('SIGKILL');
      await until(() => !isAlive(pid), 5000);
    } finally {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
