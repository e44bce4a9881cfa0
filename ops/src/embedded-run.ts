import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './embedded-pg';
import { REPO_ROOT } from './paths';

export interface EmbeddedRun {
  /** The run's own LILONG_HOME: keys, database files, directory. */
  home: string;
  /** The hub's GraphQL endpoint. */
  url: string;
  child: ChildProcess;
  /** Everything `npm start` printed so far. */
  output(): string;
  /** Resolves with the exit code (null: ended by a signal). */
  exited: Promise<number | null>;
  /** Ctrl-C, as a person would; then removes the home folder. */
  stop(): Promise<number | null | 'timeout'>;
}

/**
 * `npm start` exactly as a newcomer runs it, on a fresh home folder and a free port, with every process its own
 * (PostgreSQL, one per community node, the hub): for the CI smoke test and the benchmarks.
 */
export async function runEmbedded(options: { echo?: boolean; readyTimeoutMs?: number } = {}): Promise<EmbeddedRun> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lilong-run-'));
  chmodSync(home, 0o755);
  const port = await freePort();
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: '', LILONG_HOME: home, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
    if (options.echo) process.stdout.write(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const run: EmbeddedRun = {
    home,
    url: `http://127.0.0.1:${port}/graphql`,
    child,
    output: () => output,
    exited,
    stop: async () => {
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
      rmSync(home, { recursive: true, force: true });
      return code;
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  while (!output.includes('Ready in')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early with ${child.exitCode}`);
    if (Date.now() > deadline) {
      await run.stop();
      throw new Error('npm start did not get ready in time');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return run;
}
