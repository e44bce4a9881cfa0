import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type ProcessState = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

export interface RunProcess {
  pid?: number;
  url?: string;
  state: ProcessState;
  /** Restarts after unexpected exits since `npm start`. */
  restarts: number;
}

/**
 * `.lilong/run/pids.json` while `npm start` runs: what is running, so a person (or a test) can find and kill a
 * process without guessing from `ps`. Rewritten on every start, restart and give-up; removed at a clean stop.
 */
export interface RunState {
  launcher: number;
  /** The embedded PostgreSQL server (postmaster). */
  postgres?: number;
  hub?: RunProcess;
  /** By community code. */
  nodes: Record<string, RunProcess>;
  /** Spare processes with a node's code loaded, ready to take over a crashed node (see warm-spare.ts). */
  spares?: { pid: number; ready: boolean }[];
}

/** Writes the file whole (temporary file, then rename): a reader never sees half of it. */
export function writeJsonAtomically(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
}

export function readRunState(file: string): RunState | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunState;
  } catch {
    return undefined;
  }
}

export function removeRunState(file: string): void {
  rmSync(file, { force: true });
}

/** Whether a process with this PID exists (EPERM: it does, under another user, e.g. PostgreSQL run as `postgres`). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
