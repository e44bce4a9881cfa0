import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../../ops/src/paths';

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A `lilong` command as a person runs it (`node ops/bin/lilong.js <command> ...`, a child process), asynchronous so
 * a hub in the test's own process keeps answering it.
 */
export function runLilong(command: string, args: string[], stdin?: string, env: Record<string, string> = {}): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    // A test's process.env is its own copy: what the command needs (DATABASE_URL) is passed explicitly.
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'ops/bin/lilong.js'), command, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}
