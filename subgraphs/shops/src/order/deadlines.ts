import { LockMode } from '@mikro-orm/core';
import { jobKind, jobTransaction, SCHEDULER_ACTOR, type BackgroundContext, type DeadlineJob } from '@lilong/kit';
import { GroupOrder } from './order.entity';
import { GroupOrderStatus } from './order.enums';
import { decideOrder } from './order.service';

export const CLOSE_GROUP_ORDER = jobKind<{ orderId: number }>('close-group-order');

/** How many due orders one tick enqueues at most; the rest follow at the next tick. */
const FIND_LIMIT = 500;

/**
 * Each open group order whose deadline passed is a job of its own (`close-group-order:<localId>`), closed in its own
 * transaction: the row is locked with NOWAIT and re-checked as OPEN and due under the lock, so it closes exactly once
 * even with several node replicas, a retry, or a leader closing it at the same moment; a locked or failing order is
 * retried later and holds back no other. A node that was down catches up at its first tick. A pooled order is
 * decided by its pool, not here.
 */
export function groupOrderDeadlines(context: Pick<BackgroundContext, 'community' | 'orm'>): DeadlineJob<{ orderId: number }> {
  const isDue = (order: GroupOrder, now: Date) => order.status === GroupOrderStatus.OPEN && order.deadline.getTime() <= now.getTime();
  return {
    kind: CLOSE_GROUP_ORDER,
    async due(now) {
      const due = await context.orm.em.fork().find(
        GroupOrder,
        { status: GroupOrderStatus.OPEN, deadline: { $lte: now } },
        { fields: ['localId'], orderBy: { deadline: 'asc', localId: 'asc' }, limit: FIND_LIMIT },
      );
      return due.map((o) => ({ key: `${CLOSE_GROUP_ORDER.name}:${o.localId}`, payload: { orderId: o.localId } }));
    },
    handle: ({ orderId }, now) =>
      jobTransaction(context.orm, async (em) => {
        const order = await em.findOne(GroupOrder, { localId: orderId }, { lockMode: LockMode.PESSIMISTIC_WRITE_OR_FAIL, refresh: true });
        if (!order || !isDue(order, now)) return false;
        await decideOrder(em, context.community, order, SCHEDULER_ACTOR, now);
        return true;
      }),
  };
}
