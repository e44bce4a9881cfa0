/**
 * Durable jobs on the community's own PostgreSQL: deadlines, offer time-outs, digest schedules, and what comes next
 * (webhook deliveries). graphile-worker 0.16 (schema `graphile_worker` in the community's database) runs them; this
 * folder is the one place that knows it.
 *
 * - **One runner per node process** (`JobRunner`), started with the node's background work and stopped by its
 *   `close()`; `background: false` runs none. Its own pool holds at most 3 connections, one of them kept for
 *   LISTEN (a new job starts at once; retries and jobs with `runAt` are found by polling every second).
 * - **A kind** is named once: `const deliver = jobKind<{ hookId: number }>('deliver-webhook', { maxAttempts: 10 })`.
 *   A module registers its handler in `startBackground`: `context.jobs.register(deliver, handler)`.
 * - **Enqueue** with `context.jobs.enqueue(kind, payload, { key, runAt })`, or, inside a business transaction, with
 *   `enqueueJob(em, kind, payload, { key, runAt })` on the same EntityManager: the job exists if and only if the
 *   change commits. A key makes the job exist at most once (waiting, running, retrying or failed); a finished job's
 *   key is free again.
 * - **Deadlines** are `DeadlineJob`s (`context.jobs.schedule(job)`, or `scheduleDeadlines` in ../scheduler.ts): a
 *   cheap finder selects the due records every second (no locks) and the runner enqueues one job per record, keyed
 *   by it (`close-group-order:42`); the handler closes exactly that record in its own transaction
 *   (`jobTransaction`: the record locked with NOWAIT, every other lock bounded by JOB_LOCK_TIMEOUT_MS) and re-checks
 *   its state under the lock, so a retried or duplicated job changes nothing the second time (exactly-once effect).
 * - **Failures**: a handler that throws, or meets a locked record, fails that try only; the job is tried again after
 *   e^n seconds (2.7 s, 7.4 s, 20 s, ...) while other jobs run. Past its kind's `maxAttempts` (default 8, about half
 *   an hour) it stays in the failed list, where `npm run jobs -- failed` shows it and `npm run jobs -- replay <id>`
 *   puts it back. Errors are stored without SQL or values (`jobErrorMessage`).
 * - **A process that dies mid-job** leaves the job locked; after STALE_JOB_LOCK_MS another runner frees it.
 */
export * from './kinds';
export * from './enqueue';
export * from './transaction';
export * from './runner';
export * from './failed';
