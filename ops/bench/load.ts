import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { runEmbedded } from '../src/embedded-run';
import { freePort } from '../src/embedded-pg';
import { REPO_ROOT } from '../src/paths';
import { readRunState } from '../src/run-state';
import { DEFAULT_QUERY } from '../../gateway/src/explorer/page';
import { summarize } from './stats';

/** The README's first query, which is also what the explorer opens with. */
const README_FIRST_QUERY = DEFAULT_QUERY;

/** Longest wait, after the load, for the hub's memory to come back within 20% of before. */
const SETTLE_MS = 180_000;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** True when every community answered every part: no error, no missing list. */
function complete(answer: { data?: { communities?: Record<string, unknown>[] }; errors?: unknown[] }): boolean {
  const communities = answer.data?.communities;
  return !answer.errors && Array.isArray(communities) && communities.length > 0 && communities.every((c) => c.status === 'ACTIVE' && Array.isArray(c.compounds) && Array.isArray(c.shops) && Array.isArray(c.volunteers));
}

async function load(url: string, total: number, inFlight: number): Promise<{ ms: number[]; complete: number; wallMs: number; incomplete: Map<string, number> }> {
  const ms: number[] = [];
  let done = 0;
  /** Why answers were incomplete: error code and reason, or the HTTP status, with how often. */
  const incomplete = new Map<string, number>();
  let next = 0;
  const began = performance.now();
  const worker = async () => {
    while (next < total) {
      next += 1;
      const t = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: README_FIRST_QUERY }) });
      const answer = (await response.json()) as Parameters<typeof complete>[0];
      ms.push(performance.now() - t);
      if (response.status === 200 && complete(answer)) done += 1;
      else {
        const first = (answer.errors?.[0] ?? {}) as { extensions?: { code?: string; reason?: string; community?: string } };
        const why = first.extensions ? `${first.extensions.code ?? '?'} ${first.extensions.reason ?? ''} ${first.extensions.community ?? ''}`.trim() : `HTTP ${response.status}`;
        incomplete.set(why, (incomplete.get(why) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { ms, complete: done, wallMs: performance.now() - began, incomplete };
}

/** A second hub over the same directory and keys, with the operation limits and rate limits off. */
async function unguardedHub(home: string): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', path.join(REPO_ROOT, 'ops/register.js'), path.join(REPO_ROOT, 'gateway/src/main.ts')], {
    env: {
      ...process.env,
      PORT: String(port),
      LILONG_DIRECTORY: path.join(home, 'directory.json'),
      LILONG_HUB_PRIVATE_KEY_FILE: path.join(home, 'keys/hub.pem'),
      LILONG_ISSUERS: '{}',
      LILONG_GUARD: 'off',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the unguarded hub exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"ready":true')) resolve();
    });
  });
  return { url: `http://127.0.0.1:${port}/graphql`, stop: () => child.kill('SIGTERM') };
}

/**
 * `npm run bench -- load [total] [inFlight]`: the README's first query, `total` times with `inFlight` at once,
 * against `npm start`; every answer must be complete. Reports p50/p99, the hub's RSS before, 2 s after, and once
 * idle long enough for V8 to give back the heap it grew under load (up to 3 min), and the
 * cost of the hub's guard (operation limits and rate limit): the same query, sequentially, alternating between
 * the `npm start` hub and a second hub on the same nodes with LILONG_GUARD=off.
 */
export async function benchLoad(total = 2000, inFlight = 20): Promise<void> {
  const run = await runEmbedded();
  let unguarded: Awaited<ReturnType<typeof unguardedHub>> | undefined;
  try {
    const hubPid = readRunState(path.join(run.home, 'run/pids.json'))?.hub?.pid;
    if (!hubPid) throw new Error('npm start wrote no hub PID in run/pids.json');
    await load(run.url, 100, 4);
    const before = rssMb(hubPid);
    const result = await load(run.url, total, inFlight);
    await new Promise((r) => setTimeout(r, 2000));
    const after = rssMb(hubPid);
    // V8 keeps the heap it grew under load until the process has been idle a while (its memory reducer), then
    // gives it back: wait for that, up to SETTLE_MS, and say how long it took.
    const settleBegan = Date.now();
    let settled = after;
    while (settled > before * 1.2 && Date.now() - settleBegan < SETTLE_MS) {
      await new Promise((r) => setTimeout(r, 5000));
      settled = rssMb(hubPid);
    }
    const settledAfterS = Math.round((Date.now() - settleBegan) / 1000) + 2;
    const stats = summarize(result.ms);
    console.log(`load bench: ${total} README first queries, ${inFlight} in flight, against npm start (embedded PostgreSQL, a process per node and for the hub)`);
    console.table({
      load: {
        complete: `${result.complete}/${total}`,
        'req/s': Math.round((total / result.wallMs) * 1000),
        'p50 ms': stats.p50,
        'p99 ms': stats.p99,
        'max ms': stats.max,
        'hub RSS before MB': Math.round(before),
        'hub RSS 2 s after MB': Math.round(after),
        'change 2 s after': `${(((after - before) / before) * 100).toFixed(1)}%`,
        'hub RSS settled MB': Math.round(settled),
        'change settled': `${(((settled - before) / before) * 100).toFixed(1)}%`,
        'settled after s': settledAfterS,
      },
    });

    if (result.incomplete.size > 0) console.log(`incomplete answers: ${[...result.incomplete].map(([why, n]) => `${n} × ${why}`).join('; ')}`);

    unguarded = await unguardedHub(run.home);
    const rounds = 10;
    const perRound = 100;
    const guardedMs: number[] = [];
    const unguardedMs: number[] = [];
    await load(unguarded.url, 100, 1);
    for (let round = 0; round < rounds; round += 1) {
      guardedMs.push(...(await load(run.url, perRound, 1)).ms);
      unguardedMs.push(...(await load(unguarded.url, perRound, 1)).ms);
    }
    const g = summarize(guardedMs);
    const u = summarize(unguardedMs);
    console.log(`guard cost: the README's first query, sequential, ${rounds} alternating rounds of ${perRound} (ms)`);
    console.table({ 'hub with limits (npm start)': g, 'same hub code, LILONG_GUARD=off': u });
    console.log(`ratio with/without limits at p50: ${(g.p50 / u.p50).toFixed(3)}x, mean: ${(g.mean / u.mean).toFixed(3)}x`);
  } finally {
    unguarded?.stop();
    await run.stop();
  }
}
