import type { EntityManager } from '@mikro-orm/postgresql';
import type { BackgroundContext } from './module';

/** The scheduler's identity in audit entries (stock history, care request steps). */
export const SCHEDULER_ACTOR = 'lilong-scheduler';

/** How often the scheduler looks for due work, in ms. @default 1000 (LILONG_SCHEDULER_MS) */
export const schedulerIntervalMs = () => Number(process.env.LILONG_SCHEDULER_MS ?? 1000);

export interface DeadlineSweep {
  /** Does what is due (closes orders, takes back unanswered offers, ...); returns how many it did. */
  (em: EntityManager, now: Date): Promise<number>;
}

/**
 * Runs the deadline sweeps on a timer for as long as the node serves. A sweep that fails (database restarting) is
 * logged and retried at the next tick: a deadline can be late, never lost.
 */
export function startDeadlineScheduler(context: BackgroundContext, sweeps: DeadlineSweep[], intervalMs = schedulerIntervalMs()): () => Promise<void> {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = (async () => {
      for (const sweep of sweeps) {
        try {
          const closed = await sweep(context.orm.em.fork() as EntityManager, new Date());
          if (closed > 0) context.log.info('due work done', { community: context.community, closed, sweep: sweep.name });
        } catch (error) {
          context.log.error('sweep failed; retrying at the next tick', error);
        }
      }
    })().finally(() => {
      running = undefined;
    });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
