/**
 * The bench's child processes (community workers and the hub): TypeScript run through the swc hook, with an IPC
 * channel, and the launcher's child guard preloaded so that a child stops itself when the bench dies, even by
 * SIGKILL. Stopping is bounded: asked first (a `stop` message), SIGKILLed if still there after a grace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../src/paths';

const REGISTER = path.join(REPO_ROOT, 'ops/register.js');
const CHILD_GUARD = path.join(REPO_ROOT, 'ops/src/child-guard.ts');

export class Child<In extends { kind: string }, Out extends { kind: string }> {
  private readonly waiting: { kind: Out['kind']; resolve: (m: Out) => void }[] = [];
  private readonly listeners: ((m: Out) => void)[] = [];
  /** The last few KB the child wrote on stderr, for a failure message. */
  private stderrTail = '';
  readonly exited: Promise<string>;

  private constructor(readonly name: string, private readonly process: ChildProcess, echo: boolean) {
    this.exited = new Promise((resolve) => process.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)));
    process.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      this.stderrTail = (this.stderrTail + text).slice(-4000);
      if (echo) for (const line of text.split('\n').filter(Boolean)) globalThis.process.stderr.write(`[${name}] ${line}\n`);
    });
    process.on('message', (message: Out) => {
      for (const listen of this.listeners) listen(message);
      const i = this.waiting.findIndex((w) => w.kind === message.kind || message.kind === 'failed');
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(message);
    });
  }

  /** Starts `script` (a path under ops/bench/hundred) as `name`; `echo` copies its stderr lines to the bench's. */
  static start<In extends { kind: string }, Out extends { kind: string }>(name: string, script: string, echo = true): Child<In, Out> {
    const child = spawn(process.execPath, ['-r', REGISTER, '-r', CHILD_GUARD, path.join(__dirname, script)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, LILONG_LOG: process.env.LILONG_LOG ?? 'error' },
    });
    return new Child<In, Out>(name, child, echo);
  }

  get pid(): number {
    return this.process.pid!;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  send(message: In): void {
    if (this.running && this.process.connected) this.process.send(message);
  }

  /** Every message, as it comes. */
  onMessage(listen: (m: Out) => void): void {
    this.listeners.push(listen);
  }

  /**
   * The next message of this kind; rejects when the child reports `failed` or exits first, or after `timeoutMs`.
   */
  next<K extends Out['kind']>(kind: K, timeoutMs: number): Promise<Extract<Out, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no ${kind} within ${Math.round(timeoutMs / 1000)} s\n${this.stderrTail}`)), timeoutMs);
      const done = (m: Out) => {
        clearTimeout(timer);
        if (m.kind === 'failed') reject(new Error(`${this.name} failed: ${(m as { message?: string }).message ?? ''}`));
        else resolve(m as Extract<Out, { kind: K }>);
      };
      this.waiting.push({ kind, resolve: done });
      void this.exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${how}) before ${kind}\n${this.stderrTail}`));
      });
    });
  }

  /** Asks the child to stop, then SIGKILLs it after `graceMs`; resolves once it is gone. */
  async stop(stopMessage: In, graceMs = 6000): Promise<void> {
    if (!this.running) return;
    this.send(stopMessage);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL now (a second Ctrl-C). */
  kill(): void {
    if (this.running) this.process.kill('SIGKILL');
  }
}
