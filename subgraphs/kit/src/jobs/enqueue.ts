import type { EntityManager } from '@mikro-orm/postgresql';
import type { EnqueueOptions, JobKind } from './kinds';

/** The PostgreSQL schema of the job runner (graphile-worker's own tables and functions), in each community's database. */
export const JOBS_SCHEMA = 'graphile_worker';

/**
 * graphile-worker's `add_job`, with a key in `unsafe_dedupe` mode: a job with the key that already exists is left
 * exactly as it is, whatever its state. The default mode (`replace`) would reset a retrying job's attempts and run it
 * at once, so a per-second finder would undo the backoff and no job would ever reach the failed list; and once
 * a job has failed for good it keeps its key, so nothing re-creates it behind the operator's back.
 */
const addJob = (p: (n: number) => string) => `select ${JOBS_SCHEMA}.add_job(identifier => ${p(1)}::text, payload => ${p(2)}::json,
  run_at => ${p(3)}::timestamptz, max_attempts => ${p(4)}::int, job_key => ${p(5)}::text, job_key_mode => 'unsafe_dedupe') is not null as added`;

/** For pg (`$1`); see `addJobParams`. */
export const ADD_JOB_SQL = addJob((n) => `$${n}`);
/** The same for knex, through an EntityManager (`?`). */
const ADD_JOB_SQL_KNEX = addJob(() => '?');

/**
 * Many keyed jobs of one kind in one statement, skipping keys that have a job already (so a finder that sees the
 * same due record every second writes nothing until its job is done).
 */
export const ADD_DUE_JOBS_SQL = `with added as materialized (
  select ${JOBS_SCHEMA}.add_job(identifier => $1::text, payload => d.payload, max_attempts => $2::int, job_key => d.key,
           job_key_mode => 'unsafe_dedupe') as job
    from json_to_recordset($3::json) as d(key text, payload json)
   where not exists (select 1 from ${JOBS_SCHEMA}.jobs j where j.key = d.key))
select count(*)::int as added from added`;

export function addJobParams<P>(kind: JobKind<P>, payload: P, options: EnqueueOptions = {}): unknown[] {
  return [kind.name, JSON.stringify(payload ?? {}), options.runAt ?? null, kind.maxAttempts, options.key ?? null];
}

/**
 * Enqueues a job in the caller's transaction, on its connection: the job exists if and only if the transaction
 * commits (a webhook delivery for the change it announces, never for a change rolled back). The runner picks it
 * up once committed. The community's runner must have started once on this database (it installs the schema).
 */
export async function enqueueJob<P>(em: EntityManager, kind: JobKind<P>, payload: P, options: EnqueueOptions = {}): Promise<void> {
  await em.getConnection().execute(ADD_JOB_SQL_KNEX, addJobParams(kind, payload, options), 'all', em.getTransactionContext());
}
