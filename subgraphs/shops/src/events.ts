/**
 * What the shops domain tells the community's outbox 事件 (see kit's outbox.ts), in one place: which event each
 * change gives, its subjects (every record a subscriber may follow it by) and its figures. Each function records
 * the event in the caller's transaction, so it is written if and only if the change commits.
 *
 * - STOCK_CHANGED at every change of a product's counts (`stockChanged`, from `recordStockChange` and from the SQL
 *   path of `reserveAtOnce`), and LOW_STOCK when that change takes the available units from above the product's
 *   low-stock threshold to it or below.
 * - GROUP_ORDER_OPENED / FORMED / FAILED / HANDED_OVER when a group order takes that status (`orderStatusEvent`,
 *   through `setOrderStatus`); POOLED and CONFIRMED have no event of their own (a join is told as POOL_PROGRESS).
 * - SIGN_UPS_CHANGED when a household signs up, changes its quantities or withdraws.
 * - POOL_PROGRESS when a pool's signed-up quantity (or a tolerance) changes, with the figures of `poolProgress`;
 *   POOL_CLOSED when a pool forms, fails or is declined.
 *
 * Figures are counts and statuses only, never a name, an address or a household.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { emitEvent, globalIdOf } from '@lilong/kit';
import type { EventSubjects, EventType } from '@lilong/schema';
import type { GroupOrder } from './order/order.entity';
import { GroupOrderStatus } from './order/order.enums';
import type { PoolProgress } from './pool/allocation';
import type { Pool } from './pool/pool.entity';
import type { StockChangeKind } from './stock/stock-change.entity';
import type { StockLevels } from './stock/stock.rules';

export const productSubjects = (community: string, productId: number, shopId: number): EventSubjects => ({
  product: globalIdOf(community, 'Product', productId),
  shop: globalIdOf(community, 'Shop', shopId),
});

/** What an order's events name it by: its own ID and its shop's. */
export type OrderRef = Pick<GroupOrder, 'localId'> & { shop: { localId: number } };

export const orderSubjects = (community: string, order: OrderRef): EventSubjects => ({
  groupOrder: globalIdOf(community, 'GroupOrder', order.localId),
  shop: globalIdOf(community, 'Shop', order.shop.localId),
});

const poolSubjects = (community: string, pool: Pool): EventSubjects => ({
  pool: globalIdOf(community, 'Pool', pool.localId),
  ...productSubjects(community, pool.product.localId, pool.shop.localId),
});

/** Units that can still be promised, as `Product.available` counts them. */
const availableOf = (levels: StockLevels) => Math.max(0, levels.onHand - levels.reserved);

export interface StockChangeEvent {
  productId: number;
  shopId: number;
  kind: StockChangeKind;
  before: StockLevels;
  after: StockLevels;
  /** The product's `lowStockThreshold`: low is `available <= threshold` (`Product.lowStock`). */
  lowStockThreshold: number;
}

/** STOCK_CHANGED for a change of a product's counts, and LOW_STOCK when it crossed to the threshold or below. */
export function stockChanged(em: EntityManager, community: string, change: StockChangeEvent): void {
  const subjects = productSubjects(community, change.productId, change.shopId);
  const available = availableOf(change.after);
  emitEvent(em, { type: 'STOCK_CHANGED', subjects, data: { kind: change.kind, onHand: change.after.onHand, reserved: change.after.reserved, available } });
  if (availableOf(change.before) > change.lowStockThreshold && available <= change.lowStockThreshold) {
    emitEvent(em, { type: 'LOW_STOCK', subjects, data: { available, threshold: change.lowStockThreshold } });
  }
}

/**
 * `stockChanged`'s events as SQL, for a statement that changes the counts and tells it in one go (the sign-up's hot
 * path, which reserves for several households in one statement): rows `(step, sub, type, subjects, data)` for the
 * outbox's `events` CTE (OUTBOX_WRITE_CTES), from `steps`, a CTE with one row per change of the product's counts in
 * the order they were made (`step`), each with the row's counts after it (`on_hand`, `reserved`,
 * `low_stock_threshold`) and `units`, its change of `reserved` (reservation.ts, `batchReservationCtes`); `subjects`
 * is the SQL of the events' subjects (a column of `steps`). STOCK_CHANGED is `sub` 1 of its step and LOW_STOCK, when
 * the step crossed the threshold, `sub` 2. The same rule as above, in SQL; outbox.test checks that both give the
 * same events.
 */
export function stockStepsEventsSql(kind: StockChangeKind, subjects: string): string {
  return `select s.step, 1 as sub, 'STOCK_CHANGED' as type, ${subjects} as subjects,
             jsonb_build_object('kind', '${kind}'::text, 'onHand', s.on_hand, 'reserved', s.reserved, 'available', greatest(0, s.on_hand - s.reserved)) as data
           from steps s
           union all
           select s.step, 2, 'LOW_STOCK', ${subjects}, jsonb_build_object('available', greatest(0, s.on_hand - s.reserved), 'threshold', s.low_stock_threshold)
           from steps s
           where greatest(0, s.on_hand - (s.reserved - s.units)) > s.low_stock_threshold and greatest(0, s.on_hand - s.reserved) <= s.low_stock_threshold`;
}

/** The event of each group order status that has one. */
const ORDER_STATUS_EVENTS: Partial<Record<GroupOrderStatus, EventType>> = {
  [GroupOrderStatus.OPEN]: 'GROUP_ORDER_OPENED',
  [GroupOrderStatus.FORMED]: 'GROUP_ORDER_FORMED',
  [GroupOrderStatus.FAILED]: 'GROUP_ORDER_FAILED',
  [GroupOrderStatus.HANDED_OVER]: 'GROUP_ORDER_HANDED_OVER',
};

/** The event of a group order that just took its status (after `previous`), if that status has one. */
export function orderStatusEvent(em: EntityManager, community: string, order: GroupOrder, previous: GroupOrderStatus | null): void {
  const type = ORDER_STATUS_EVENTS[order.status];
  if (type) emitEvent(em, { type, subjects: orderSubjects(community, order), data: { status: order.status, previousStatus: previous } });
}

export type SignUpChange = 'SIGNED_UP' | 'CHANGED' | 'WITHDRAWN';

/** SIGN_UPS_CHANGED: a household signed up, changed its quantities (`units` it now asks for) or withdrew. */
export function signUpsChanged(em: EntityManager, community: string, order: OrderRef, change: SignUpChange, units: number): void {
  emitEvent(em, { type: 'SIGN_UPS_CHANGED', subjects: orderSubjects(community, order), data: signUpsChangedData(change, units) });
}

/** SIGN_UPS_CHANGED's figures. */
export const signUpsChangedData = (change: SignUpChange, units: number) => ({ change, units });

/**
 * POOL_PROGRESS with the pool's figures after the change (as `Pool.progress` names them), and the order that caused
 * it when one did.
 */
export function poolProgressed(em: EntityManager, community: string, pool: Pool, progress: PoolProgress, order?: GroupOrder): void {
  emitEvent(em, {
    type: 'POOL_PROGRESS',
    subjects: { ...poolSubjects(community, pool), ...(order ? { groupOrder: globalIdOf(community, 'GroupOrder', order.localId) } : {}) },
    data: {
      status: pool.status,
      packSize: pool.packSize,
      minimumPacks: pool.minimumPacks,
      totalQuantity: progress.totalQuantity,
      totalTolerance: progress.totalTolerance,
      fullPacks: progress.fullPacks,
      packsIfClosedNow: progress.packsIfClosedNow,
      unitsToNextPack: progress.unitsToNextPack,
      unitsToNextPackWithTolerance: progress.unitsToNextPackWithTolerance,
      packsMissing: progress.missingPacksToMinimum,
      wouldForm: progress.wouldForm,
      stockLimited: progress.stockLimited,
      unitsBelowOwnMinimum: progress.unitsBelowOwnMinimum,
    },
  });
}

/** POOL_CLOSED: the pool formed, failed or was declined (its status says which). */
export function poolClosedEvent(em: EntityManager, community: string, pool: Pool): void {
  emitEvent(em, { type: 'POOL_CLOSED', subjects: poolSubjects(community, pool), data: { status: pool.status, packs: pool.packs ?? 0, unitsOrdered: pool.unitsOrdered ?? 0 } });
}
