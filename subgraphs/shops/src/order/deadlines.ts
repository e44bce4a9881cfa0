import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BackgroundContext } from '@lilong/kit';
import { GroupOrder } from './order.entity';
import { GroupOrderStatus } from './order.enums';
import { decideOrder } from './order.service';

/** The scheduler's identity in stock audit entries. */
export const SCHEDULER_ACTOR = 'lilong-scheduler';

/** How often the scheduler looks for due deadlines, in ms. @default 1000 (LILONG_SCHEDULER_MS) */
export const schedulerIntervalMs = () => Number(process.env.LILONG_SCHEDULER_MS ?? 1000);

export interface DeadlineSweep {
  /** Closes what is due; returns how many it closed. */
  (em: EntityManager, now: Date): Promise<number>;
}

/**
 * Closes every open group order whose deadline has passed, each in its own transaction. Rows are taken with
 * `for update skip locked` and re-checked as OPEN under the lock, so each deadline fires exactly once even with
 * several node replicas or a leader closing at the same moment; a node that was down catches up when it starts.
 * A pooled order is decided by its pool, not here.
 */
export function closeDueGroupOrders(community: string): DeadlineSweep {
  return async function closeDueGroupOrders(em, now) {
    let closed = 0;
    for (;;) {
      const batch = await em.fork().transactional(async (tem) => {
        const due = await tem.find(
          GroupOrder,
          { status: GroupOrderStatus.OPEN, deadline: { $lte: now } },
          { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, orderBy: { deadline: 'asc', localId: 'asc' }, limit: 20 },
        );
        for (const order of due) await decideOrder(tem as EntityManager, community, order, SCHEDULER_ACTOR, now);
        return due.length;
      });
      closed += batch;
      if (batch < 20) return closed;
    }
  };
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
          if (closed > 0) context.log.info('deadlines fired', { community: context.community, closed, sweep: sweep.name });
        } catch (error) {
          context.log.error('deadline sweep failed; retrying at the next tick', error);
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
