/**
 * A kind of job, named once (`jobKind<Payload>('close-group-order', { maxAttempts: 8 })`) and used both to register
 * its handler and to enqueue it, so the payload's type and the attempt count travel with the name.
 */
export interface JobKind<P> {
  readonly name: string;
  /** Tries before the job is given up and listed as failed (`npm run jobs -- failed`). */
  readonly maxAttempts: number;
  /** Only for the payload's type; never set. */
  readonly __payload?: P;
}

/**
 * Tries of a job before it lands in the failed list. graphile-worker waits e^n seconds after the n-th failure
 * (2.7 s, 7.4 s, 20 s, 55 s, 2.5 min, 6.7 min, 18 min), so 8 tries take about half an hour: long enough for a
 * database restart or a leader's long transaction, short enough that an operator hears of a stuck deadline the
 * same day.
 */
export const DEFAULT_MAX_ATTEMPTS = 8;

/** Longest job kind name graphile-worker takes (its task identifier). */
const MAX_KIND_LENGTH = 128;

export function jobKind<P>(name: string, options: { maxAttempts?: number } = {}): JobKind<P> {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || name.length > MAX_KIND_LENGTH) throw new Error(`job kind "${name}" must be lower-case words joined by "-"`);
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) throw new Error(`job kind ${name}: maxAttempts must be 1-100`);
  return { name, maxAttempts };
}

/** What a handler is told about the job it runs. */
export interface JobInfo {
  id: string;
  kind: string;
  key: string | null;
  /** This try, from 1. */
  attempt: number;
  maxAttempts: number;
}

/**
 * Does one job. It may run more than once for the same job (a retry after a failure, a duplicate after a node died
 * mid-job): it must re-check under its own row lock, so the second run changes nothing. A throw fails this try; the
 * job is tried again later with backoff, and never holds back another job.
 */
export type JobHandler<P> = (payload: P, job: JobInfo) => Promise<unknown>;

/** A job that some record needs now, keyed by that record so that it exists at most once. */
export interface DueJob<P> {
  key: string;
  payload: P;
}

export interface EnqueueOptions {
  /**
   * At most one job with this key exists, waiting, running, retrying or failed: enqueueing it again adds nothing.
   * A finished job's key is free again. Without a key every enqueue is a job of its own.
   */
  key?: string;
  /** Not before this time. @default now */
  runAt?: Date;
}

/**
 * Work due at a time (a deadline, an offer's time-out, a digest's interval) as jobs: `due` finds, cheaply and
 * without locks, the records due at `now` and names the job each needs; `handle` does one of them in its own
 * transaction. The node's runner calls `due` every second (LILONG_SCHEDULER_MS) and enqueues what is not queued
 * yet, so each record's deadline is a job of its own: one that is locked or failing is retried with backoff while
 * the others go on.
 */
export interface DeadlineJob<P> {
  kind: JobKind<P>;
  due(now: Date): Promise<DueJob<P>[]>;
  /** Does the job if its record is still due at `now`; resolves to whether it changed anything. */
  handle(payload: P, now: Date): Promise<boolean>;
}

/**
 * What the node's runner would do at `now`, here and at once: finds the due records and handles each in turn (for
 * tests that move the clock, and tools). Resolves to how many changed anything.
 */
export async function runDue<P>(job: DeadlineJob<P>, now = new Date()): Promise<number> {
  let changed = 0;
  for (const due of await job.due(now)) if (await job.handle(due.payload, now)) changed += 1;
  return changed;
}
