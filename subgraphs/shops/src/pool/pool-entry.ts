/**
 * A pooled group order's entry follows its sign-ups: the pool joins with what the order's households signed up for,
 * never with a number the leader types, so stock is never reserved for nobody. Used by sign-ups (the order side) and
 * by the pool's own steps; the lock order everywhere is pool, then order, then entry.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { formatGlobalId, lilongError } from '@lilong/schema';
import { GroupOrder, SignUp } from '../order/order.entity';
import { zhTime } from '../order/order.rules';
import { Pool, PoolEntry, PoolEntryChange, POOL_STATUS_ZH, PoolStatus } from './pool.entity';

export const poolLabel = (community: string, pool: Pool) => formatGlobalId(community, 'Pool', pool.localId);

/** A pool still takes orders and changes: proposed or open, and before its deadline. */
export const poolTakesChanges = (pool: Pool, now: Date): boolean =>
  (pool.status === PoolStatus.PROPOSED || pool.status === PoolStatus.OPEN) && pool.deadline.getTime() > now.getTime();

/** ORDER_CLOSED for a pool that takes no more orders or changes, saying why in both languages. */
export function poolClosed(pool: Pool, community: string) {
  const id = poolLabel(community, pool);
  const taking = pool.status === PoolStatus.PROPOSED || pool.status === PoolStatus.OPEN;
  const why = taking
    ? { en: `its deadline ${pool.deadline.toISOString()} has passed`, zh: `已过截止时间 ${zhTime(pool.deadline)}` }
    : { en: `it is ${pool.status}`, zh: `状态为“${POOL_STATUS_ZH[pool.status]}”` };
  return lilongError('ORDER_CLOSED', { en: `Pool ${id} takes no more changes: ${why.en}.`, zh: `拼单 ${id} 已不能再修改：${why.zh}。` }, { status: pool.status });
}

/** Units of the pooled product the order's active sign-ups ask for, as the database holds them now. */
export async function signedUpUnits(em: EntityManager, order: GroupOrder, productId: number): Promise<number> {
  const signUps = await em.find(SignUp, { order, withdrawnAt: null }, { populate: ['lines'], refresh: true });
  return signUps.reduce((sum, s) => sum + s.lines.getItems().filter((l) => l.product.localId === productId).reduce((n, l) => n + l.quantity, 0), 0);
}

/** The order's pool entry with its pool, fresh, when the order is pooled; the caller holds the order's lock. */
export async function entryOf(em: EntityManager, order: GroupOrder): Promise<PoolEntry | null> {
  return em.findOne(PoolEntry, { order }, { populate: ['pool'], refresh: true });
}

/**
 * Brings the entry's quantity in step with the order's sign-ups, recording the change at `now` when there is one:
 * raised units queue at that time, lowered ones give up the latest units first (see allocation.ts). Locks the entry's
 * row, so concurrent sign-ups to one order record their changes one after the other, each from the committed sum.
 *
 * The lock is the entry's row alone, `for no key update`: a lock taken through a join would also lock the pool's row,
 * which its close holds while it waits for the order's sign-ups (a deadlock); and `for update` would conflict with
 * the key-share locks that inserting the entry's changes takes.
 */
export async function followSignUps(em: EntityManager, entry: PoolEntry & { pool: Pool }, now: Date): Promise<void> {
  await em.getConnection().execute('select id from pool_entry where id = ? for no key update', [entry.localId], 'all', em.getTransactionContext());
  const locked = await em.findOne(PoolEntry, { localId: entry.localId }, { refresh: true });
  if (!locked) return;
  const quantity = await signedUpUnits(em, locked.order, entry.pool.product.localId);
  if (quantity === locked.quantity) return;
  locked.quantity = quantity;
  em.create(PoolEntryChange, { entry: locked, at: now, quantity, tolerance: locked.tolerance });
}
