import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runEmbedded } from '../src/embedded-run';
import { REPO_ROOT } from '../src/paths';
import { summarize } from './stats';

/** The launcher's own figure, from `Ready in 已就绪，用时 6.6 s`: from its start to ready, without npm and module loading. */
function launcherSeconds(output: string): number | undefined {
  const match = /Ready in[^0-9]*([0-9.]+) s/.exec(output);
  return match ? Number(match[1]) : undefined;
}

/** Wall ms of one `npm start` on `home`, from the command to the `Ready in` line, as a person at the terminal sees it. */
async function timedStart(home: string): Promise<{ ms: number; launcherMs: number | undefined }> {
  const began = performance.now();
  const run = await runEmbedded({ home, keepHome: true, readyTimeoutMs: 180_000 });
  const ms = performance.now() - began;
  const seconds = launcherSeconds(run.output());
  const stopped = await run.stop();
  if (stopped.code === 'timeout' || stopped.leftovers.length > 0) throw new Error(`npm start did not stop cleanly: ${JSON.stringify(stopped)}`);
  return { ms, launcherMs: seconds === undefined ? undefined : seconds * 1000 };
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * `npm run bench -- startup [restarts=5] [tokens=5]`: `npm start` on a fresh home (first start: databases created,
 * migrated and seeded), then `restarts` more on the same home (data kept, seeding skipped), each timed from the
 * command to its `Ready in` line; then `npm run token` `tokens` times. Issue 12's targets: a restart under 5 s, a
 * token under 1 s. Nothing else should run on the machine meanwhile: start-up is CPU-bound (five Node processes
 * and PostgreSQL on two cores).
 */
export async function benchStartup(restarts: number, tokens: number): Promise<void> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lilong-startup-'));
  try {
    const first = await timedStart(home);
    console.log(`first start (fresh home, seeding): ${fmt(first.ms)} (launcher says ${first.launcherMs === undefined ? '?' : fmt(first.launcherMs)})`);
    const again: { ms: number; launcherMs: number | undefined }[] = [];
    for (let i = 0; i < restarts; i += 1) {
      const r = await timedStart(home);
      again.push(r);
      console.log(`restart ${i + 1}: ${fmt(r.ms)} (launcher says ${r.launcherMs === undefined ? '?' : fmt(r.launcherMs)})`);
    }
    const tokenMs: number[] = [];
    for (let i = 0; i < tokens; i += 1) {
      const began = performance.now();
      const run = spawnSync('npm', ['run', '--silent', 'token', '--', '--as', 'committee-of', 'xinhua-1'], {
        cwd: REPO_ROOT,
        env: { ...process.env, LILONG_HOME: home },
        encoding: 'utf8',
      });
      tokenMs.push(performance.now() - began);
      if (run.status !== 0 || !/^ey[\w-]+\.[\w-]+\.[\w-]+$/m.test(run.stdout)) throw new Error(`npm run token failed: ${run.stderr || run.stdout}`);
    }
    const restartStats = summarize(again.map((r) => r.ms));
    const tokenStats = summarize(tokenMs);
    console.log('');
    console.log('| what | median | max | target |');
    console.log('|---|---|---|---|');
    console.log(`| npm start, first (fresh home) | ${fmt(first.ms)} | | |`);
    if (again.length > 0) console.log(`| npm start, restart (${again.length} runs) | ${fmt(restartStats.p50)} | ${fmt(restartStats.max)} | < 5 s |`);
    if (tokenMs.length > 0) console.log(`| npm run token (${tokenMs.length} runs) | ${fmt(tokenStats.p50)} | ${fmt(tokenStats.max)} | < 1 s |`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
