/**
 * The launcher's supervisor: runs each process of the embedded sub-district (the hub, one node per community) as
 * a child, restarts one that exits on its own (restart-policy.ts), and stops them all within a bound.
 *
 * A child tells it is ready with one JSON line on stdout, `{"ready":true,"url":"http://127.0.0.1:4101"}`, as
 * subgraphs/node/src/main.ts and gateway/src/main.ts print. Everything else a child writes goes to its log file,
 * with a line from the launcher at each exit and restart, so the log tells the whole story.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './paths';
import { DEFAULT_RESTART_POLICY, decideRestart, type RestartPolicy } from './restart-policy';
import type { ProcessState, RunProcess } from './run-state';

export interface ServiceSpec {
  /** Unique short name: `hub`, or a community code. */
  name: string;
  /** How the console names it, in English and Chinese: `node xinhua-1 社区节点`. */
  label: string;
  /** Entry module, TypeScript or JavaScript, run as `node -r ops/register.js -r ops/src/child-guard.ts <entry>`. */
  entry: string;
  /** Process title, which `ps` shows instead of the command line. @default none (the entry may set its own) */
  title?: string;
  /** The environment of one attempt, which listens on `port` (0: any free port). */
  env(port: number): NodeJS.ProcessEnv;
  /** Port of the first attempt. @default 0 */
  port?: number;
  /**
   * Whether a restart may move to a new port when the old one cannot be had. A community node may (the launcher
   * then rewrites the directory); the hub may not, since callers know it by its port.
   */
  portMayChange: boolean;
  /** Its log file, appended to. */
  logFile: string;
  /** @default 60000 */
  readyTimeoutMs?: number;
  /**
   * Keep a spare process with these modules loaded (see warm-spare.ts) for this service's restarts, once
   * `prepareSpares()` is called. @default none: restarts spawn a fresh process
   */
  spare?: { preload: string[]; title: string; logFile: string };
}

export type SupervisorEvent =
  | { kind: 'exited'; service: string; label: string; code: number | null; signal: string | null; restartInMs: number; crashes: number }
  | { kind: 'restarted'; service: string; label: string; pid: number; url: string; previousUrl?: string; restarts: number }
  | { kind: 'gave-up'; service: string; label: string; crashes: number; windowMs: number; logFile: string };

export interface SupervisorOptions {
  /** @default DEFAULT_RESTART_POLICY */
  policy?: RestartPolicy;
  /** Exits, restarts and give-ups, for the console and the launcher's log. */
  onEvent?(event: SupervisorEvent): void;
  /** Any change of a PID, URL or state, to keep run/pids.json current. */
  onChange?(): void;
}

/** A child that exited (or could not be spawned) before it said it was ready. */
export class StartFailure extends Error {}

interface Service {
  spec: ServiceSpec;
  port: number;
  state: ProcessState;
  child?: ChildProcess;
  url?: string;
  restarts: number;
  crashes: number[];
  timer?: NodeJS.Timeout;
  log: WriteStream;
}

const PRELOADS = [path.join(REPO_ROOT, 'ops/register.js'), path.join(REPO_ROOT, 'ops/src/child-guard.ts')];

/**
 * Node flags for every process the launcher starts, from LILONG_NODE_FLAGS (separated by spaces), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the hub and nodes, or `--max-old-space-size=512`. Node refuses
 * some of these in NODE_OPTIONS, and NODE_OPTIONS would reach the launcher too.
 */
const nodeFlags = (): string[] => (process.env.LILONG_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const WARM_SPARE = path.join(REPO_ROOT, 'ops/src/warm-spare.ts');

interface Spare {
  child: ChildProcess;
  ready: boolean;
  /** Detaches the spare's own log: once adopted, its output is the service's. */
  release(): void;
}
/** Lines of a child's stderr kept to explain a failed start. */
const TAIL_LINES = 5;

const isRunning = (child: ChildProcess | undefined): child is ChildProcess => !!child && child.exitCode === null && child.signalCode === null;

function portOf(url: string): number {
  return Number(new URL(url).port);
}

export class Supervisor {
  private readonly services = new Map<string, Service>();
  /** One spare per entry module: every community node runs the same code. */
  private readonly spares = new Map<string, Spare>();
  private sparesWanted = false;
  private readonly policy: RestartPolicy;
  private stopping = false;

  constructor(private readonly options: SupervisorOptions = {}) {
    this.policy = options.policy ?? DEFAULT_RESTART_POLICY;
  }

  /**
   * Starts a service and resolves with its URL once it is ready. A first start that fails is not retried: that
   * is a setup problem to report (a port in use, a broken config), not a crash to ride out.
   */
  async start(spec: ServiceSpec): Promise<string> {
    if (this.services.has(spec.name)) throw new Error(`service ${spec.name} is already supervised`);
    const service: Service = {
      spec,
      port: spec.port ?? 0,
      state: 'starting',
      restarts: 0,
      crashes: [],
      log: createWriteStream(spec.logFile, { flags: 'a' }),
    };
    // A log that cannot be written must not take the launcher down.
    service.log.on('error', () => undefined);
    this.services.set(spec.name, service);
    return this.launch(service, true);
  }

  /** Every service as run/pids.json shows it. */
  snapshot(): Record<string, RunProcess> {
    return Object.fromEntries(
      [...this.services.values()].map((s) => [
        s.spec.name,
        { pid: isRunning(s.child) ? s.child.pid : undefined, url: s.url, state: s.state, restarts: s.restarts },
      ]),
    );
  }

  /**
   * Sends `signal` to a running service (e.g. SIGHUP: the hub reads its directory again); false when it is not
   * running now (starting, restarting or given up on).
   */
  signal(name: string, signal: NodeJS.Signals): boolean {
    const service = this.services.get(name);
    if (!service || service.state !== 'running' || !isRunning(service.child)) return false;
    return service.child.kill(signal);
  }

  /** The spare processes, and whether each has loaded its code (run/pids.json lists them: a stop ends them too). */
  spareStates(): { pid: number; ready: boolean }[] {
    return [...this.spares.values()].filter((s) => isRunning(s.child)).map((s) => ({ pid: s.child.pid!, ready: s.ready }));
  }

  /** Starts a spare for every service that wants one (after start-up, so it does not slow it down). */
  prepareSpares(): void {
    this.sparesWanted = true;
    for (const s of this.services.values()) this.ensureSpare(s.spec);
  }

  private ensureSpare(spec: ServiceSpec): void {
    if (!spec.spare || !this.sparesWanted || this.stopping || this.spares.has(spec.entry)) return;
    const log = createWriteStream(spec.spare.logFile, { flags: 'a' });
    log.on('error', () => undefined);
    const child = spawn(process.execPath, [...nodeFlags(), `--title=${spec.spare.title}`, ...PRELOADS.flatMap((p) => ['-r', p]), WARM_SPARE], {
      env: { ...process.env, LILONG_SPARE_PRELOAD: JSON.stringify(spec.spare.preload) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const toLog = (chunk: Buffer) => log.write(chunk);
    child.stderr!.on('data', toLog);
    child.stdout!.on('data', toLog);
    const spare: Spare = {
      child,
      ready: false,
      release: () => {
        child.stderr!.off('data', toLog);
        child.stdout!.off('data', toLog);
        log.end();
      },
    };
    this.spares.set(spec.entry, spare);
    child.on('message', (message: { spareReady?: boolean }) => {
      if (!message.spareReady) return;
      spare.ready = true;
      this.options.onChange?.();
    });
    child.once('exit', () => {
      if (!log.writableEnded) log.end();
      // A spare that died unused is not replaced until the next restart: restarts fall back to a fresh process.
      if (this.spares.get(spec.entry) === spare) this.spares.delete(spec.entry);
      this.options.onChange?.();
    });
    this.options.onChange?.();
  }

  /** The ready spare for this service's code, taken out of the pool; undefined when there is none. */
  private takeSpare(spec: ServiceSpec): ChildProcess | undefined {
    const spare = this.spares.get(spec.entry);
    if (!spec.spare || !spare?.ready || !isRunning(spare.child)) return undefined;
    this.spares.delete(spec.entry);
    spare.release();
    return spare.child;
  }

  /**
   * SIGTERM to the named services' children (all by default), SIGKILL to any still there after `graceMs` (a
   * child whose event loop is blocked never runs its SIGTERM handler); resolves once they have exited. Nothing
   * is restarted after this is called, named or not: the sub-district is stopping.
   */
  async stop(graceMs: number, names?: string[]): Promise<void> {
    const spares = [...this.spares.values()].filter((s) => isRunning(s.child)).map((s) => new Promise((resolve) => s.child.once('exit', resolve)));
    this.beginStopping();
    const chosen = [...this.services.values()].filter((s) => !names || names.includes(s.spec.name));
    await Promise.all(
      chosen
        .filter((s) => isRunning(s.child))
        .map(async (s) => {
          const child = s.child!;
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => {
            this.note(s, 'warn', 'did not stop in time; killing it', { graceMs });
            child.kill('SIGKILL');
          }, graceMs);
          await exited;
          clearTimeout(timer);
        }),
    );
    await Promise.all(spares);
    this.closeLogs(chosen);
  }

  /** SIGKILL to every child now (a second Ctrl-C); resolves once all have exited. */
  async killAll(): Promise<void> {
    this.beginStopping();
    await Promise.all(
      [...this.services.values()]
        .filter((s) => isRunning(s.child))
        .map((s) => {
          const child = s.child!;
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGKILL');
          return exited;
        }),
    );
    this.closeLogs([...this.services.values()]);
  }

  private beginStopping(): void {
    this.stopping = true;
    // A spare holds nothing worth a graceful stop.
    for (const spare of this.spares.values()) if (isRunning(spare.child)) spare.child.kill('SIGKILL');
    for (const s of this.services.values()) {
      clearTimeout(s.timer);
      if (s.state === 'restarting' || s.state === 'starting') s.state = 'stopped';
    }
  }

  private closeLogs(services: Service[]): void {
    for (const s of services) {
      s.state = 'stopped';
      if (!s.log.writableEnded) s.log.end();
    }
    this.options.onChange?.();
  }

  /** Appends to a service's log; output that arrives after the stop is dropped. */
  private write(service: Service, chunk: string | Buffer): void {
    if (!service.log.writableEnded) service.log.write(chunk);
  }

  private note(service: Service, level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
    this.write(service, `${JSON.stringify({ time: new Date().toISOString(), level, component: 'launcher', message, service: service.spec.name, ...fields })}\n`);
  }

  /** One attempt: spawns the child and resolves with its URL when it says it is ready. */
  private launch(service: Service, first: boolean): Promise<string> {
    const { spec } = service;
    const spare = first ? undefined : this.takeSpare(spec);
    const args = [...nodeFlags(), ...(spec.title ? [`--title=${spec.title}`] : []), ...PRELOADS.flatMap((p) => ['-r', p]), spec.entry];
    // The IPC channel lets the child notice when the launcher dies (child-guard.ts).
    const child = spare ?? spawn(process.execPath, args, { env: spec.env(service.port), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    service.child = child;
    if (spare) this.note(service, 'info', 'restarting in the spare process', { pid: spare.pid });
    service.state = first ? 'starting' : 'restarting';
    this.options.onChange?.();
    const tail: string[] = [];
    let ready = false;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.note(service, 'error', 'not ready in time; killing it', { timeoutMs: spec.readyTimeoutMs ?? 60_000 });
        child.kill('SIGKILL');
      }, spec.readyTimeoutMs ?? 60_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        this.write(service, chunk);
        tail.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
        tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let message: { ready?: unknown; url?: unknown } | undefined;
        try {
          message = JSON.parse(line) as typeof message;
        } catch {
          // not a status line
        }
        if (!ready && message?.ready === true && typeof message.url === 'string') {
          ready = true;
          clearTimeout(timer);
          const previousUrl = service.url;
          service.url = message.url;
          service.port = portOf(message.url);
          service.state = 'running';
          this.note(service, 'info', first ? 'started' : 'restarted', { pid: child.pid, url: message.url, restarts: service.restarts });
          if (!first) {
            this.options.onEvent?.({ kind: 'restarted', service: spec.name, label: spec.label, pid: child.pid!, url: message.url, previousUrl, restarts: service.restarts });
            // The next spare loads now that the restarted node no longer needs the CPU.
            this.ensureSpare(spec);
          }
          this.options.onChange?.();
          resolve(message.url);
        } else {
          this.write(service, `${line}\n`);
        }
      });
      const failed = (why: string) => {
        clearTimeout(timer);
        if (!ready) reject(new StartFailure(`${spec.label} ${why}${tail.length ? `: ${tail[tail.length - 1]}` : ''}; see ${spec.logFile}`));
      };
      child.once('error', (error) => {
        // Spawning failed (no 'exit' follows when the process never ran).
        failed(`could not be started (${error.message})`);
        if (child.pid === undefined) this.exited(service, child, ready, first, null, null);
      });
      child.once('exit', (code, signal) => {
        failed(signal ? `was killed by ${signal}` : `exited with code ${code}`);
        this.exited(service, child, ready, first, code, signal);
      });
      spare?.send({ adopt: { entry: spec.entry, env: spec.env(service.port), title: spec.title } });
    });
  }

  private exited(service: Service, child: ChildProcess, wasReady: boolean, first: boolean, code: number | null, signal: string | null): void {
    if (this.stopping || service.child !== child) return;
    service.child = undefined;
    const { spec } = service;
    this.note(service, 'warn', 'exited', { pid: child.pid, code, signal });
    if (first && !wasReady) {
      // The caller of start() reports it; see start().
      service.state = 'failed';
      this.options.onChange?.();
      return;
    }
    const decision = decideRestart(service.crashes, Date.now(), this.policy);
    service.crashes = decision.crashes;
    if (!decision.restart) {
      service.state = 'failed';
      this.note(service, 'error', 'gave up: crashing repeatedly', { crashes: decision.crashes.length, windowMs: this.policy.windowMs });
      this.options.onEvent?.({ kind: 'gave-up', service: spec.name, label: spec.label, crashes: decision.crashes.length, windowMs: this.policy.windowMs, logFile: spec.logFile });
      this.options.onChange?.();
      return;
    }
    // Same port as before, so the directory stays valid; a new one only when that port could not be had
    // (an attempt that died before it was ready) and the service allows it.
    if (!wasReady && spec.portMayChange) service.port = 0;
    service.state = 'restarting';
    this.options.onEvent?.({ kind: 'exited', service: spec.name, label: spec.label, code, signal, restartInMs: decision.delayMs, crashes: decision.crashes.length });
    this.options.onChange?.();
    service.timer = setTimeout(() => {
      if (this.stopping) return;
      service.restarts += 1;
      this.note(service, 'info', 'restarting', { attempt: service.restarts, port: service.port });
      // A failed attempt is handled by exited(), which schedules the next one.
      this.launch(service, false).catch(() => undefined);
    }, decision.delayMs);
  }
}
