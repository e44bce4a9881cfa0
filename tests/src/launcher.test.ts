/**
 * `npm start` under stress, as a person would meet it: on a fresh home folder, the embedded PostgreSQL, a free
 * hub port, every process real. One run serves the tests in order: the last one stops it.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pidsOf, runEmbedded, waitUntilGone, type EmbeddedRun } from '../../ops/src/embedded-run';
import { isAlive, type RunState } from '../../ops/src/run-state';

const QUERY = '{ communities { code shops { name } } }';

interface Answer {
  data?: { communities: { code: string; shops: { name: string }[] | null }[] };
  errors?: { message: string; extensions?: { code?: string; community?: string } }[];
}

let run: EmbeddedRun | undefined;
/** The second `npm start`, on the first one's home. */
let again: EmbeddedRun | undefined;

async function ask(timeoutMs = 3000, url = run!.url): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return (await response.json()) as Answer;
}

const unavailable = (answer: Answer) => (answer.errors ?? []).filter((e) => e.extensions?.code === 'COMMUNITY_UNAVAILABLE').map((e) => e.extensions?.community);
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
const until = async (what: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
};
const directoryUrl = (code: string) =>
  (JSON.parse(readFileSync(path.join(run!.home, 'directory.json'), 'utf8')) as { communities: { code: string; url: string }[] }).communities.find((c) => c.code === code)?.url;

beforeAll(async () => {
  // Kept after the stop: the last test starts again on it.
  run = await runEmbedded({ readyTimeoutMs: 240_000, keepHome: true });
}, 250_000);

afterAll(async () => {
  if (!run) return;
  try {
    // A failed test may have left the hub stopped; stop() still ends (and reports) everything.
    const hub = run.state()?.hub?.pid;
    if (hub && isAlive(hub)) process.kill(hub, 'SIGCONT');
    await run.stop();
    await again?.stop();
  } finally {
    rmSync(run.home, { recursive: true, force: true });
  }
}, 90_000);

describe('npm start', () => {
  let state: RunState;

  it('runs the hub and each community node in a process of its own, each findable by its title', () => {
    state = run!.state()!;
    expect(state).toBeDefined();
    expect(Object.keys(state.nodes).length).toBeGreaterThanOrEqual(3);
    expect(state.hub?.pid).not.toBe(state.launcher);
    expect(commandLine(state.launcher)).toBe('lilong-launcher');
    expect(commandLine(state.hub!.pid!)).toBe('lilong-hub');
    for (const [code, node] of Object.entries(state.nodes)) expect(commandLine(node.pid!)).toBe(`lilong-node ${code}`);
    expect(commandLine(state.postgres!)).toContain(path.join(run!.home, 'pgdata'));
    const output = run!.output();
    expect(output).toContain(`${run!.url.replace('127.0.0.1', 'localhost').replace('/graphql', '/')}`);
    expect(output).toContain(run!.url.replace('127.0.0.1', 'localhost'));
    expect(output).toMatch(/A sub-district staff token \(12 h\) 街道工作人员令牌:\n {2}[\w-]+\.[\w-]+\.[\w-]+\n/);
  });

  it('brings a community node killed with SIGKILL back within 10 s, on the port it had', async () => {
    const code = Object.keys(state.nodes).includes('fahua') ? 'fahua' : Object.keys(state.nodes)[0]!;
    const killed = state.nodes[code]!;
    const urlBefore = directoryUrl(code);
    // A spare with a node's code loaded stands by (started after Ready).
    await until(() => run!.state()!.spares?.[0]?.ready === true, 30_000);
    const spare = run!.state()!.spares![0]!.pid;
    expect(commandLine(spare)).toBe('lilong-node (spare)');
    process.kill(killed.pid!, 'SIGKILL');
    const began = Date.now();
    // The outage is real: the hub answers for everyone else and names the missing community.
    expect(unavailable(await ask())).toContain(code);
    let answer: Answer;
    for (;;) {
      answer = await ask().catch(() => ({ errors: [{ message: 'no answer' }] }));
      if (!answer.errors) break;
      expect(Date.now() - began).toBeLessThan(10_000);
      await new Promise((r) => setTimeout(r, 200));
    }
    const recoveredMs = Date.now() - began;
    console.log(`launcher test: ${code} answered again ${(recoveredMs / 1000).toFixed(1)} s after SIGKILL`);
    expect(recoveredMs).toBeLessThan(10_000);
    expect(answer.data!.communities.find((c) => c.code === code)!.shops!.length).toBeGreaterThan(0);

    const after = run!.state()!.nodes[code]!;
    expect(after).toMatchObject({ state: 'running', restarts: 1, url: killed.url });
    expect(after.pid).toBe(spare);
    expect(commandLine(after.pid!)).toBe(`lilong-node ${code}`);
    expect(isAlive(killed.pid!)).toBe(false);
    expect(directoryUrl(code)).toBe(urlBefore);
    expect(run!.output()).toContain(`! node ${code} 社区节点 exited (killed by SIGKILL); restarting in 0.5 s`);
    expect(run!.output()).toContain(`✓ node ${code} 社区节点 is back 已恢复 (pid ${after.pid}, ${killed.url})`);
    expect(readFileSync(path.join(run!.home, 'logs', `${code}.log`), 'utf8')).toMatch(/"component":"launcher","message":"exited".*"signal":"SIGKILL"/);
    state = run!.state()!;
  });

  it('stops every process within 10 s of Ctrl-C, even while the hub is stuck', async () => {
    // The restart's replacement spare is among the processes that must go.
    await until(() => (run!.state()!.spares ?? []).length === 1, 30_000);
    state = run!.state()!;
    const pids = pidsOf(state);
    expect(pids.length).toBeGreaterThanOrEqual(7);
    // A stopped process is what a blocked event loop looks like from outside: it runs no signal handler.
    process.kill(state.hub!.pid!, 'SIGSTOP');
    await expect(ask(1000)).rejects.toThrow();
    const began = Date.now();
    process.kill(state.launcher, 'SIGINT');
    const alive = await waitUntilGone(pids, 10_000);
    const stoppedMs = Date.now() - began;
    console.log(`launcher test: every process gone ${(stoppedMs / 1000).toFixed(1)} s after SIGINT with the hub stuck`);
    expect(alive.map((pid) => `${pid} ${isAlive(pid) ? commandLine(pid) : ''}`)).toEqual([]);
    expect(stoppedMs).toBeLessThan(10_000);
    await run!.exited;
    expect(run!.output()).toContain('Stopped.');
    expect(run!.state()).toBeUndefined();
  });

  it('starts again on the same home with the data it had, preparing none of it again, and every community answers', async () => {
    const codes = Object.keys(state.nodes).sort();
    again = await runEmbedded({ home: run!.home, keepHome: true, readyTimeoutMs: 120_000 });
    const output = again.output();
    for (const code of codes) expect(output).toContain(`${code}: already has data, seeding skipped 已有数据，跳过初始化`);
    // Marked prepared by the first start: the launcher neither opened the databases nor looked at the demo orders.
    expect(output).not.toMatch(/demo group orders/);
    expect(readFileSync(path.join(run!.home, 'logs', 'launcher.log'), 'utf8')).toContain('"message":"demo data already prepared"');
    // The nodes migrated their own databases (nothing to apply) and serve the data seeded by the first start.
    const answer = await ask(5000, again.url);
    expect(answer.errors ?? []).toEqual([]);
    expect(answer.data!.communities.map((c) => c.code).sort()).toEqual(codes);
    for (const c of answer.data!.communities) expect(c.shops!.length).toBeGreaterThan(0);
  }, 150_000);
});
