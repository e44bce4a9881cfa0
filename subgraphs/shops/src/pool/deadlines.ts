import { LockMode } from '@mikro-orm/core';
import { jobKind, jobTransaction, type BackgroundContext, type DeadlineJob } from '@lilong/kit';
import { Pool, PoolStatus } from './pool.entity';
import { closePoolAtDeadline } from './pool.service';

export const CLOSE_POOL = jobKind<{ poolId: number }>('close-pool');

const FIND_LIMIT = 200;

/**
 * Each pool whose deadline passed, accepted or still proposed, is a job of its own (`close-pool:<localId>`): the
 * pool's row locked with NOWAIT, then closed or ended exactly once (`closePoolAtDeadline` re-checks it under the
 * lock). Orders a declined proposal hands back run on their own again, and their own deadline jobs take them.
 */
export function poolDeadlines(context: Pick<BackgroundContext, 'community' | 'orm'>): DeadlineJob<{ poolId: number }> {
  return {
    kind: CLOSE_POOL,
    async due(now) {
      const due = await context.orm.em.fork().find(
        Pool,
        { status: { $in: [PoolStatus.OPEN, PoolStatus.PROPOSED] }, deadline: { $lte: now } },
        { fields: ['localId'], orderBy: { deadline: 'asc', localId: 'asc' }, limit: FIND_LIMIT },
      );
      return due.map((p) => ({ key: `${CLOSE_POOL.name}:${p.localId}`, payload: { poolId: p.localId } }));
    },
    handle: ({ poolId }, now) =>
      jobTransaction(context.orm, async (em) => {
        const pool = await em.findOne(Pool, { localId: poolId }, { lockMode: LockMode.PESSIMISTIC_WRITE_OR_FAIL, refresh: true });
        return pool ? closePoolAtDeadline(em, context.community, pool, now) : false;
      }),
  };
}
