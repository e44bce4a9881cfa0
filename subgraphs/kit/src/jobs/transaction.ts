import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { redactMessage } from '../database-errors';

/**
 * Longest wait for a row lock inside a job, in ms. A job never queues behind a transaction that holds its record
 * (a leader closing the same order, a sign-up on the same product): it fails this try and is retried with backoff,
 * and the runner's other workers go on with other jobs meanwhile. Lock the job's own record with NOWAIT
 * (`LockMode.PESSIMISTIC_WRITE_OR_FAIL`); this bounds every further lock the work takes.
 */
export const JOB_LOCK_TIMEOUT_MS = 2000;

/**
 * Runs one job's work in a transaction of its own on the domain's ORM, with locks bounded by JOB_LOCK_TIMEOUT_MS.
 * The statement timeout is that of every write (DatabaseLimits.writeStatementTimeoutMs).
 */
export async function jobTransaction<T>(orm: MikroORM<PostgreSqlDriver>, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return orm.em.fork().transactional(async (tem) => {
    const em = tem as EntityManager;
    await em.getConnection().execute(`set local lock_timeout = ${JOB_LOCK_TIMEOUT_MS}`, [], 'run', em.getTransactionContext());
    return work(em);
  });
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  previous?: unknown;
  cause?: unknown;
}

/** SQLSTATEs that say "try again later", worded for the failed list. */
const RETRY_LATER: Record<string, string> = {
  '55P03': 'a record it needs is locked by another transaction',
  '40P01': 'deadlock with another transaction',
  '40001': 'serialization failure',
  '57014': 'a statement took too long and was cancelled',
};

/**
 * A job's failure as the failed list shows it and the log records it: the SQLSTATE and PostgreSQL's words, never
 * the SQL or the values in it (MikroORM puts the statement with its parameters into the message).
 */
export function jobErrorMessage(error: unknown): string {
  let current: unknown = error;
  let code: string | undefined;
  let message = '';
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth += 1) {
    const e = current as ErrorLike;
    if (!code && typeof e.code === 'string') code = e.code;
    if (!message && typeof e.message === 'string') message = e.message;
    current = e.previous ?? e.cause;
  }
  if (!message) message = String(error);
  if (code && RETRY_LATER[code]) return `${RETRY_LATER[code]} (${code})`;
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  return `${name}${redactMessage(message)}${code ? ` (${code})` : ''}`.slice(0, 1000);
}
