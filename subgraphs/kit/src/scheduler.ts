import type { DeadlineJob } from './jobs/kinds';
import type { BackgroundContext } from './module';

/** The scheduler's identity in audit entries (stock history, care request steps): what the node's jobs do by themselves. */
export const SCHEDULER_ACTOR = 'lilong-scheduler';

/** How often the node's finders look for due work, in ms. @default 1000 (LILONG_SCHEDULER_MS) */
export const schedulerIntervalMs = () => Number(process.env.LILONG_SCHEDULER_MS ?? 1000);

/**
 * A domain's deadlines, as jobs of the node's runner (see ./jobs): each due record becomes a job of its own, so one
 * that is locked or failing is retried with backoff and never delays another. A deadline can be late, never lost:
 * a node that was down finds what fell due meanwhile at its first tick. Returns the domain's stop, which has nothing
 * of its own to stop (the node stops the runner).
 */
export function scheduleDeadlines(context: BackgroundContext, jobs: DeadlineJob<any>[]): () => Promise<void> {
  for (const job of jobs) context.jobs.schedule(job);
  return async () => undefined;
}
