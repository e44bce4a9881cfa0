import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './embedded-pg';
import { REPO_ROOT } from './paths';
import { isAlive, readRunState, type RunState } from './run-state';

/**
 * The embedded PostgreSQL's admin URL of a run: its port is in the server's postmaster.pid (4th line), its
 * password is the launcher's.
 */
export function embeddedAdminUrl(run: Pick<EmbeddedRun, 'home'>): string {
  const pgPort = readFileSync(path.join(run.home, 'pgdata/postmaster.pid'), 'utf8').split('\n')[3]!.trim();
  return `postgres://postgres:lilong@127.0.0.1:${pgPort}/postgres`;
}

/**
 * Where a benchmark's test cluster makes its databases: the PostgreSQL of DATABASE_URL, or else `npm start`'s
 * embedded one, started for it (stop it with `stop`).
 */
export async function benchDatabase(): Promise<{ adminUrl: string; embedded: boolean; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, embedded: false, stop: async () => undefined };
  const run = await runEmbedded();
  return {
    adminUrl: embeddedAdminUrl(run),
    embedded: true,
    stop: async () => {
      await run.stop();
    },
  };
}

export interface EmbeddedRun {
  /** The run's own LILONG_HOME: keys, database files, directory. */
  home: string;
  /** The hub's GraphQL endpoint. */
  url: string;
  /** `npm start` (npm itself; the launcher is its descendant, see `state().launcher`). */
  child: ChildProcess;
  /** Everything `npm start` printed so far. */
  output(): string;
  /** What the launcher says is running (`.lilong/run/pids.json`); undefined once it stopped cleanly. */
  state(): RunState | undefined;
  /** Resolves with the exit code (null: ended by a signal). */
  exited: Promise<number | null>;
  /**
   * Ctrl-C, as a person would, then removes the home folder (unless `keepHome`). Resolves with npm's exit code ('timeout': not
   * within 30 s) and the processes that outlived the stop by 10 s (which it then killed), as `ps` lines.
   */
  stop(): Promise<{ code: number | null | 'timeout'; leftovers: string[] }>;
}

/** Every PID in a run state: launcher, PostgreSQL, hub, nodes, spares. */
export function pidsOf(state: RunState): number[] {
  return [state.launcher, state.postgres, state.hub?.pid, ...Object.values(state.nodes).map((n) => n.pid), ...(state.spares ?? []).map((s) => s.pid)].filter(
    (p): p is number => typeof p === 'number',
  );
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Whether `pid` is still one of this run's processes (not another that was given the PID since). */
function belongsToRun(pid: number, home: string): boolean {
  const args = commandLine(pid);
  return args.startsWith('lilong-') || args.includes(home) || args.includes('lilong.js');
}

/** Waits until none of `pids` exists; resolves with those still there after `timeoutMs`. */
export async function waitUntilGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `npm start` exactly as a newcomer runs it, on a fresh home folder and a free port, with every process its own
 * (PostgreSQL, one per community node, the hub): for the CI smoke test, the launcher tests and the benchmarks.
 */
export async function runEmbedded(
  options: {
    echo?: boolean;
    readyTimeoutMs?: number;
    /** An existing home to run on (a restart: its data is kept) instead of a fresh one. */
    home?: string;
    /** Leaves the home folder in place on stop, for another run on it. */
    keepHome?: boolean;
  } = {},
): Promise<EmbeddedRun> {
  const home = options.home ?? mkdtempSync(path.join(os.tmpdir(), 'lilong-run-'));
  chmodSync(home, 0o755);
  const removeHome = () => {
    if (!options.keepHome) rmSync(home, { recursive: true, force: true });
  };
  const port = await freePort();
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: '', LILONG_HOME: home, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group, like a terminal's foreground job: stop() sends Ctrl-C's SIGINT to all of it.
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
    if (options.echo) process.stdout.write(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const state = () => readRunState(path.join(home, 'run', 'pids.json'));
  let last: RunState | undefined;
  const run: EmbeddedRun = {
    home,
    url: `http://127.0.0.1:${port}/graphql`,
    child,
    output: () => output,
    state: () => {
      const now = state();
      if (now) last = now;
      return now;
    },
    exited,
    stop: async () => {
      const pids = pidsOf(state() ?? last ?? { launcher: -1, nodes: {} }).filter((p) => p > 0);
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        // already gone
      }
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000).unref())]);
      if (code === 'timeout') {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      // Whatever outlived the stop is reported, then killed: it must not outlive the test run either.
      const survivors = (await waitUntilGone(pids, code === 'timeout' ? 1000 : 10_000)).filter((pid) => belongsToRun(pid, home));
      const leftovers = [
        ...survivors.map((pid) => `${pid} ${commandLine(pid)}`),
        ...execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
          .split('\n')
          .filter((line) => line.includes(home) && !survivors.includes(Number(line.trim().split(' ')[0]))),
      ];
      for (const pid of survivors) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      removeHome();
      return { code, leftovers };
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  while (!output.includes('Ready in')) {
    if (child.exitCode !== null) {
      removeHome();
      throw new Error(`npm start exited early with ${child.exitCode}`);
    }
    if (Date.now() > deadline) {
      await run.stop();
      throw new Error('npm start did not get ready in time');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  last = state();
  return run;
}
