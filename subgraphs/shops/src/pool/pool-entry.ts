/**
 * A pooled group order's entry follows its sign-ups: the pool joins with what the order's households signed up for,
 * never with a number the leader types, so stock is never reserved for nobody. Used by sign-ups (the order side) and
 * by the pool's own steps; the lock order everywhere is pool, then order, then entry.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { formatGlobalId, lilongError } from '@lilong/schema';
import { poolProgressed } from '../events';
import { GroupOrder, SignUp } from '../order/order.entity';
import { verdictOf, zhTime } from '../order/order.rules';
import { Product } from '../product/product.entity';
import { poolProgress, type PoolEntryInput, type PoolProgress, type PoolSpec } from './allocation';
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
 * Resolves to whether the quantity changed (the caller then tells the pool's progress, `tellPoolProgress`).
 *
 * The lock is the entry's row alone, `for no key update`: a lock taken through a join would also lock the pool's row,
 * which its close holds while it waits for the order's sign-ups (a deadlock); and `for update` would conflict with
 * the key-share locks that inserting the entry's changes takes.
 */
export async function followSignUps(em: EntityManager, entry: PoolEntry & { pool: Pool }, now: Date): Promise<boolean> {
  await em.getConnection().execute('select id from pool_entry where id = ? for no key update', [entry.localId], 'all', em.getTransactionContext());
  const locked = await em.findOne(PoolEntry, { localId: entry.localId }, { refresh: true });
  if (!locked) return false;
  const quantity = await signedUpUnits(em, locked.order, entry.pool.product.localId);
  if (quantity === locked.quantity) return false;
  locked.quantity = quantity;
  await recordEntryChange(em, locked, now, quantity, locked.tolerance);
  return true;
}

/**
 * Records an entry's new totals at `now`, or at its latest change if that is later. The history is replayed in time
 * order (allocation.ts), and each total counts every change recorded before it: a sign-up that began first but
 * waited for the entry's lock behind a later one records a total that includes the later one's units, so it must not
 * be dated before it (the replay would end on the smaller total, and the order would be allocated units short).
 * The caller holds the entry's row lock.
 */
export async function recordEntryChange(em: EntityManager, entry: PoolEntry, now: Date, quantity: number, tolerance: number): Promise<PoolEntryChange> {
  const [latest] = (await em
    .getConnection()
    .execute('select max(at) as at from pool_entry_change where entry_id = ?', [entry.localId], 'all', em.getTransactionContext())) as { at: Date | string | null }[];
  const latestAt = latest?.at ? new Date(latest.at) : null;
  const at = latestAt && latestAt.getTime() > now.getTime() ? latestAt : now;
  return em.create(PoolEntryChange, { entry, at, quantity, tolerance });
}

/** What the allocation rules need of the pool: its packs, its minimum and the units its product has available. */
export const poolSpec = (pool: Pool, product: Pick<Product, 'available'> | null | undefined): PoolSpec => ({
  packSize: pool.packSize,
  minimumPacks: pool.minimumPacks,
  maxUnits: product?.available,
});

/**
 * An entry as the allocation sees it: its change history in time order (its changes must be loaded), labelled with
 * the order's title, and left out when the order is below its own minimum.
 */
export function toEntryInput(entry: PoolEntry, order: GroupOrder, signUps: SignUp[]): PoolEntryInput {
  const verdict = verdictOf(order, signUps);
  return {
    id: String(entry.localId),
    label: order.title,
    changes: entry.changes
      .getItems()
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.localId - b.localId)
      .map((c) => ({ at: c.at, quantity: c.quantity, tolerance: c.tolerance })),
    ...(verdict.reached ? {} : { belowOwnMinimum: verdict.reason }),
  };
}

/**
 * The pool's progress as the caller's transaction sees it, its own changes included (flushed first): the same rule
 * as `Pool.progress` (`poolProgress`), read through the transaction rather than the request's loaders.
 */
export async function poolProgressIn(em: EntityManager, pool: Pool): Promise<PoolProgress> {
  await em.flush();
  const entries = await em.find(PoolEntry, { pool }, { populate: ['changes'], orderBy: { joinedAt: 'asc', localId: 'asc' }, refresh: true });
  const orderIds = entries.map((e) => e.order.localId);
  const orders = orderIds.length === 0 ? [] : await em.find(GroupOrder, { localId: { $in: orderIds } });
  const signUps = orderIds.length === 0 ? [] : await em.find(SignUp, { order: { localId: { $in: orderIds } }, withdrawnAt: null }, { populate: ['lines'], refresh: true });
  const product = await em.findOne(Product, { localId: pool.product.localId }, { refresh: true });
  const inputs = entries.map((entry) => {
    const order = orders.find((o) => o.localId === entry.order.localId)!;
    return toEntryInput(entry, order, signUps.filter((s) => s.order.localId === order.localId));
  });
  return poolProgress(poolSpec(pool, product), inputs);
}

/** Advisory lock class of a pool's progress events (the pool's ID is the second key). */
const PROGRESS_LOCK = 'lilong:shops:pool-progress';

/**
 * Tells the outbox the pool's figures after the caller's change (POOL_PROGRESS), naming the order that caused it.
 * Call it as the transaction's last step.
 *
 * Changes to different orders of one pool do not otherwise wait for each other, so two of them committing at once
 * would each count without the other, and the later event would show figures that never were. So this first takes
 * the pool's progress lock (a transaction advisory lock, held to the commit): the second change reads the pool after
 * the first committed, and each event's figures are the pool's at its commit. Nothing waits after it but the commit
 * (and the outbox's counter, which waits for nothing), so it joins no lock cycle.
 */
export async function tellPoolProgress(em: EntityManager, community: string, pool: Pool, order?: GroupOrder): Promise<void> {
  // The caller's own writes first, so that nothing is left to wait for once the lock is held.
  await em.flush();
  await em.getConnection().execute('select pg_advisory_xact_lock(hashtext(?), ?)', [PROGRESS_LOCK, pool.localId], 'all', em.getTransactionContext());
  poolProgressed(em, community, pool, await poolProgressIn(em, pool), order);
}
