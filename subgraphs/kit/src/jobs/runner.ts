import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { Logger as WorkerLogger, run, runMigrations, type JobHelpers, type Runner, type TaskList } from 'graphile-worker';
import { redactMessage } from '../database-errors';
import type { Logger } from '../log';
import { DEFAULT_DATABASE_LIMITS, type DatabaseLimits } from '../orm';
import { schedulerIntervalMs } from '../scheduler';
import { ADD_DUE_JOBS_SQL, ADD_JOB_SQL, addJobParams, JOBS_SCHEMA } from './enqueue';
import type { DeadlineJob, DueJob, EnqueueOptions, JobHandler, JobInfo, JobKind } from './kinds';
import { jobErrorMessage } from './transaction';

export interface JobRunnerOptions {
  databaseUrl: string;
  community: string;
  log: Logger;
  /** Connections of the runner's own pool, its LISTEN connection included. @default 3 */
  poolSize?: number;
  /** Jobs run at once. @default 3 */
  concurrency?: number;
  /** How often the finders look for due records, in ms. @default schedulerIntervalMs() (LILONG_SCHEDULER_MS, 1000) */
  findIntervalMs?: number;
  /**
   * How often an idle worker looks for jobs whose time has come (retries after their backoff, jobs enqueued with
   * `runAt`), in ms. A new job is noticed at once (LISTEN/NOTIFY). @default 1000
   */
  pollIntervalMs?: number;
  /** @default DEFAULT_DATABASE_LIMITS */
  limits?: DatabaseLimits;
  /** Shown in `pg_stat_activity`. @default `lilong-node:<community>/jobs` */
  applicationName?: string;
}

/**
 * A job locked this long belongs to a process that died mid-job (SIGKILL, power cut): graphile-worker itself would
 * leave it locked for 4 hours. Its handler re-checks under its own row lock, so running it again is safe. A job must
 * finish well within this (statements are bounded by the write statement timeout, row locks by JOB_LOCK_TIMEOUT_MS).
 */
export const STALE_JOB_LOCK_MS = 120_000;
const STALE_CHECK_EVERY_MS = 30_000;

interface Registration {
  kind: JobKind<unknown>;
  handler: JobHandler<unknown>;
  due?: (now: Date) => Promise<DueJob<unknown>[]>;
}

/**
 * The node's one job runner (see ./index.ts): graphile-worker over the community's database, with finders that
 * enqueue due work every tick. Register every kind, then `start()`; `stop()` lets running jobs finish.
 */
export class JobRunner {
  readonly community: string;
  private readonly kinds = new Map<string, Registration>();
  private readonly finding = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private pool?: Pool;
  private runner?: Runner;
  private timer?: NodeJS.Timeout;
  private lastStaleCheck = 0;
  private stopping?: Promise<void>;
  private restarting?: Promise<void>;
  private readonly stopped = new AbortController();
  /** graphile-worker's events: a worker that dies is not replaced by graphile-worker itself (see `workerDied`). */
  private readonly events = new EventEmitter();
  private readonly deadWorkers = new Set<string>();

  constructor(private readonly options: JobRunnerOptions) {
    this.community = options.community;
    this.events.on('worker:fatalError', ({ worker, error }: { worker: { workerId: string }; error: unknown }) => this.workerDied(worker.workerId, error));
  }

  /** A kind of job and what does it; `due` (optional) finds the records that need one, every tick. Before `start()`. */
  register<P>(kind: JobKind<P>, handler: JobHandler<P>, options: { due?: (now: Date) => Promise<DueJob<P>[]> } = {}): void {
    if (this.pool) throw new Error(`job kind ${kind.name}: register every kind before the runner starts`);
    if (this.kinds.has(kind.name)) throw new Error(`job kind ${kind.name} is registered twice`);
    this.kinds.set(kind.name, { kind, handler, due: options.due } as Registration);
  }

  /** A deadline's finder and handler (see DeadlineJob). */
  schedule<P>(job: DeadlineJob<P>): void {
    this.register(
      job.kind,
      async (payload, info) => {
        if (await job.handle(payload, new Date())) this.options.log.info('due work done', { community: this.community, kind: info.kind, key: info.key });
      },
      { due: (now) => job.due(now) },
    );
  }

  /**
   * Enqueues a job on the runner's own connection, outside any transaction. Inside a business transaction use
   * `enqueueJob(em, ...)` instead, so that the job exists only if the change commits.
   */
  async enqueue<P>(kind: JobKind<P>, payload: P, options: EnqueueOptions = {}): Promise<void> {
    if (!this.pool || this.stopping) throw new Error('the job runner is not running');
    await this.pool.query(ADD_JOB_SQL, addJobParams(kind, payload, options));
  }

  /** The runner's own connections (for the node's metrics); undefined before it starts. */
  poolStats(): { used: number; free: number; waiting: number; max: number } | undefined {
    const pool = this.pool;
    if (!pool) return undefined;
    return { used: pool.totalCount - pool.idleCount, free: pool.idleCount, waiting: pool.waitingCount, max: this.options.poolSize ?? 3 };
  }

  /**
   * How far behind the runner is (for the node's metrics): jobs whose time has come that no worker has taken yet,
   * and how long the oldest of them has waited, in seconds. Undefined while the runner is not running.
   */
  async lag(): Promise<{ due: number; oldestDueSeconds: number } | undefined> {
    if (!this.pool || this.stopping) return undefined;
    const { rows } = await this.pool.query<{ due: number; oldest: number }>(
      `select count(*)::int as due, coalesce(extract(epoch from now() - min(run_at)), 0)::float8 as oldest
         from ${JOBS_SCHEMA}._private_jobs where is_available and run_at <= now()`,
    );
    return { due: rows[0]?.due ?? 0, oldestDueSeconds: rows[0]?.oldest ?? 0 };
  }

  /** Installs or upgrades the runner's schema, then runs the registered kinds and their finders. */
  async start(): Promise<void> {
    if (this.pool || this.stopping) return;
    const limits = this.options.limits ?? DEFAULT_DATABASE_LIMITS;
    const pool = new Pool({
      connectionString: this.options.databaseUrl,
      max: this.options.poolSize ?? 3,
      application_name: this.options.applicationName ?? `lilong-node:${this.community}/jobs`,
      statement_timeout: limits.writeStatementTimeoutMs,
      idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
      connectionTimeoutMillis: limits.connectTimeoutMs,
    });
    // Every client gets a handler from its first connect on: graphile-worker adds its own only to clients it
    // connects after its start, and a client with none that loses its server while checked out crashes the
    // process. An idle one's error reaches the pool too (logged once, here).
    pool.on('connect', (client) => client.on('error', (error) => this.options.log.warn('a job runner connection was lost', { community: this.community, detail: jobErrorMessage(error) })));
    pool.on('error', () => undefined);
    this.pool = pool;
    const logger = this.workerLogger();
    try {
      await this.migrate(pool, logger);
      if (this.kinds.size === 0) return;
      this.runner = await this.runWorkers(pool, logger);
    } catch (error) {
      this.pool = undefined;
      await pool.end().catch(() => undefined);
      throw error;
    }
    this.timer = setInterval(() => this.tick(), this.options.findIntervalMs ?? schedulerIntervalMs());
    this.timer.unref();
    this.tick();
  }

  /** Stops finding, lets running jobs finish (a job cut off is retried later), closes the pool. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.timer);
      this.stopped.abort();
      await Promise.allSettled([...this.inFlight, this.restarting]);
      if (this.runner) await this.runner.stop().catch((error: unknown) => this.options.log.error('the job runner did not stop cleanly', error));
      await this.pool?.end().catch(() => undefined);
    })();
    return this.stopping;
  }

  private runWorkers(pool: Pool, logger: WorkerLogger): Promise<Runner> {
    const taskList: TaskList = {};
    for (const registration of this.kinds.values()) taskList[registration.kind.name] = (payload, helpers) => this.runJob(registration, payload, helpers);
    return run({
      pgPool: pool,
      schema: JOBS_SCHEMA,
      concurrency: this.options.concurrency ?? 3,
      pollInterval: this.options.pollIntervalMs ?? 1000,
      // The node handles SIGINT/SIGTERM itself and stops the runner from close(); no crontab file either.
      noHandleSignals: true,
      parsedCronItems: [],
      taskList,
      logger,
      events: this.events,
    });
  }

  /**
   * A worker whose database went away while it recorded a job's outcome exits for good ("committing seppuku"), and
   * graphile-worker 0.16 starts no other in its place: once all had, no job would run until the node restarted.
   * Start the workers again instead, once the database answers, and free the jobs the dead ones held.
   */
  private workerDied(workerId: string, error: unknown): void {
    this.options.log.error('a job worker lost the database while finishing a job; the workers start again', error, { community: this.community });
    this.deadWorkers.add(workerId);
    if (this.restarting || this.stopping || !this.pool) return;
    const pool = this.pool;
    this.restarting = (async () => {
      for (let delay = 1000; !this.stopped.signal.aborted; delay = Math.min(delay * 2, 30_000)) {
        try {
          await sleep(delay, undefined, { signal: this.stopped.signal });
          await this.runner?.stop().catch(() => undefined);
          this.runner = await this.runWorkers(pool, this.workerLogger());
          // What the dead workers held runs again now rather than once stale.
          const dead = [...this.deadWorkers];
          await pool.query(`select ${JOBS_SCHEMA}.force_unlock_workers($1::text[])`, [dead]);
          dead.forEach((id) => this.deadWorkers.delete(id));
          return;
        } catch (again) {
          if (this.stopped.signal.aborted) return;
          this.options.log.warn('the job workers cannot start again yet; trying later', { community: this.community, detail: jobErrorMessage(again) });
        }
      }
    })().finally(() => (this.restarting = undefined));
  }

  /**
   * graphile-worker migrates on its own too, but two nodes starting on a fresh database at once could both try to
   * create its schema; one at a time, under an advisory lock.
   */
  private async migrate(pool: Pool, logger: WorkerLogger): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query(`select pg_advisory_lock(hashtext('lilong:jobs:migrate'))`);
      try {
        await runMigrations({ pgPool: pool, schema: JOBS_SCHEMA, logger });
      } finally {
        await client.query(`select pg_advisory_unlock(hashtext('lilong:jobs:migrate'))`);
      }
    } finally {
      client.release();
    }
  }

  private async runJob(registration: Registration, payload: unknown, helpers: JobHelpers): Promise<void> {
    const { job } = helpers;
    const info: JobInfo = { id: String(job.id), kind: registration.kind.name, key: job.key, attempt: job.attempts, maxAttempts: job.max_attempts };
    try {
      await registration.handler(payload, info);
    } catch (error) {
      const message = jobErrorMessage(error);
      const fields = { community: this.community, kind: info.kind, key: info.key, job: info.id, attempt: info.attempt, maxAttempts: info.maxAttempts, reason: message };
      if (info.attempt >= info.maxAttempts) this.options.log.error('a job failed for the last time: it is in the failed list (npm run jobs -- failed)', undefined, fields);
      else this.options.log.warn('a job failed; it is tried again after a backoff', fields);
      // What graphile-worker keeps as the job's last error: no SQL, no values.
      throw new Error(message);
    }
  }

  /** Each kind's finder on its own: a slow or failing one holds back neither the others nor the next tick's. */
  private tick(): void {
    if (this.stopping) return;
    for (const registration of this.kinds.values()) {
      const name = registration.kind.name;
      if (!registration.due || this.finding.has(name)) continue;
      this.finding.add(name);
      this.track(this.findDue(registration).finally(() => this.finding.delete(name)));
    }
    if (Date.now() - this.lastStaleCheck >= STALE_CHECK_EVERY_MS) {
      this.lastStaleCheck = Date.now();
      this.track(this.unlockStale());
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async findDue(registration: Registration): Promise<void> {
    try {
      const due = await registration.due!(new Date());
      if (due.length === 0 || !this.pool || this.stopping) return;
      await this.pool.query(ADD_DUE_JOBS_SQL, [registration.kind.name, registration.kind.maxAttempts, JSON.stringify(due)]);
    } catch (error) {
      this.options.log.error('looking for due work failed; looking again at the next tick', error, { community: this.community, kind: registration.kind.name });
    }
  }

  private async unlockStale(): Promise<void> {
    try {
      const { rows } = await this.pool!.query<{ worker: string }>(
        `select distinct locked_by as worker from ${JOBS_SCHEMA}.jobs where locked_at < now() - make_interval(secs => $1) and task_identifier = any($2::text[])`,
        [STALE_JOB_LOCK_MS / 1000, [...this.kinds.keys()]],
      );
      if (rows.length === 0) return;
      await this.pool!.query(`select ${JOBS_SCHEMA}.force_unlock_workers($1::text[])`, [rows.map((r) => r.worker)]);
      this.options.log.warn('jobs of a worker that stopped mid-job are free to run again', { community: this.community, workers: rows.length });
    } catch (error) {
      this.options.log.error('looking for jobs of stopped workers failed', error, { community: this.community });
    }
  }

  /** graphile-worker's own lines, into the node's log: failures of jobs are logged by runJob, routine lines dropped. */
  private workerLogger(): WorkerLogger {
    return new WorkerLogger(() => (level, message, meta) => {
      const detail = redactMessage(message.split('\n')[0] ?? '').slice(0, 500);
      if (String(level) === 'error' && !meta?.failure) this.options.log.error('job runner', undefined, { community: this.community, detail });
      else if (String(level) === 'warning') this.options.log.warn('job runner', { community: this.community, detail });
    });
  }
}
