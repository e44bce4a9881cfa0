import { JOBS_SCHEMA } from './enqueue';

/** A pg client or pool: whatever the operator's command holds. */
interface Queryable {
  query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface FailedJob {
  id: string;
  kind: string;
  key: string | null;
  /** Tries so far. */
  attempts: number;
  maxAttempts: number;
  lastError: string;
  /** When it last failed. */
  failedAt: Date;
  /** DEAD: out of tries, waiting for an operator's replay. RETRYING: tried again at `nextTryAt`. */
  state: 'DEAD' | 'RETRYING';
  nextTryAt: Date | null;
}

/** Whether the community's database has the runner's schema (a node with background work started on it once). */
export async function hasJobSchema(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(`select to_regclass('${JOBS_SCHEMA}.jobs') is not null as found`);
  return rows[0]?.found === true;
}

/**
 * Jobs that failed at least once and have not succeeded since, dead ones first, then newest failure first. A job
 * running right now is left out (its outcome is not known yet).
 */
export async function listFailedJobs(db: Queryable, limit = 100): Promise<FailedJob[]> {
  const { rows } = await db.query<{
    id: string; kind: string; key: string | null; attempts: number; max_attempts: number; last_error: string; updated_at: Date; run_at: Date;
  }>(
    `select id::text, task_identifier as kind, key, attempts, max_attempts, last_error, updated_at, run_at
       from ${JOBS_SCHEMA}.jobs
      where last_error is not null and locked_at is null
      order by (attempts >= max_attempts) desc, updated_at desc, id desc
      limit $1`,
    [limit],
  );
  return rows.map((r) => {
    const dead = r.attempts >= r.max_attempts;
    return {
      id: r.id,
      kind: r.kind,
      key: r.key,
      attempts: r.attempts,
      maxAttempts: r.max_attempts,
      lastError: r.last_error,
      failedAt: r.updated_at,
      state: dead ? 'DEAD' : 'RETRYING',
      nextTryAt: dead ? null : r.run_at,
    };
  });
}

export type ReplayOutcome = 'REPLAYED' | 'NOT_FOUND' | 'NOT_FAILED' | 'RUNNING';

/**
 * Puts a failed job back: its tries start again from none and it runs at once (within the runner's poll interval).
 * Its handler re-checks its record, so replaying a job whose work was meanwhile done another way changes nothing.
 */
export async function replayJob(db: Queryable, id: string): Promise<ReplayOutcome> {
  if (!/^\d{1,18}$/.test(id)) return 'NOT_FOUND';
  const { rows } = await db.query<{ failed: boolean; locked: boolean }>(
    `select last_error is not null as failed, locked_at is not null as locked from ${JOBS_SCHEMA}.jobs where id = $1::bigint`,
    [id],
  );
  const job = rows[0];
  if (!job) return 'NOT_FOUND';
  if (job.locked) return 'RUNNING';
  if (!job.failed) return 'NOT_FAILED';
  const replayed = await db.query(`select id from ${JOBS_SCHEMA}.reschedule_jobs(array[$1::bigint], run_at => now(), attempts => 0)`, [id]);
  if (replayed.rows.length === 0) return 'RUNNING';
  // Idle workers hear of it at once rather than at their next poll.
  await db.query(`select pg_notify('jobs:insert', '{"count":1}')`);
  return 'REPLAYED';
}
