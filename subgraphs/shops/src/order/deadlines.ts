import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SCHEDULER_ACTOR, type DeadlineSweep } from '@lilong/kit';
import { GroupOrder } from './order.entity';
import { GroupOrderStatus } from './order.enums';
import { decideOrder } from './order.service';

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
