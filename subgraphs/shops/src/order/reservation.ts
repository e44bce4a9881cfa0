import type { EntityManager } from '@mikro-orm/postgresql';
import { formatGlobalId, lilongError } from '@lilong/schema';
import { stockChanged } from '../events';
import { Product } from '../product/product.entity';
import { recordStockChange, StockChangeKind, stockLevels } from '../stock/stock-change.service';
import { normalReason } from '../stock/stock.rules';

/** Who changes the counts, when, in which community (for the global IDs errors and audit entries name). */
export interface StockActor {
  community: string;
  /** The caller's `sub`, or the scheduler's name. */
  actor: string;
  at: Date;
}

export function insufficientStock(by: StockActor, productId: number, name: string | undefined, unit: string, available: number, requested: number) {
  return lilongError(
    'INSUFFICIENT_STOCK',
    {
      en: `Only ${available} of ${name ?? 'this product'} left (asked for ${requested}).`,
      zh: `${name ?? '该商品'} 仅剩 ${available}${unit}（需要 ${requested}）。`,
    },
    { available, requested, productId: formatGlobalId(by.community, 'Product', productId) },
  );
}

/**
 * Locks the products' rows and returns them fresh from the database. Must run inside a transaction.
 *
 * The lock is `for no key update`, taken in ID order so that concurrent transactions never deadlock: a sign-up
 * first inserts its lines, whose foreign keys take `for key share` on the same product rows, and `for update`
 * would then have to wait for every other sign-up's key-share lock while they wait for its: a deadlock. A no-key
 * update lock does not conflict with key-share locks, yet still serialises every change of the counts.
 */
export async function lockProducts(em: EntityManager, ids: Iterable<number>): Promise<Map<number, Product>> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  if (sorted.length === 0) return new Map();
  await em
    .getConnection()
    .execute(`select id from product where id in (${sorted.map(() => '?').join(', ')}) order by id for no key update`, sorted, 'all', em.getTransactionContext());
  const rows = await em.find(Product, { localId: { $in: sorted } }, { orderBy: { localId: 'asc' }, refresh: true });
  return new Map(rows.map((p) => [p.localId, p]));
}

/**
 * Promises `units` of a locked product to an order, or refuses with INSUFFICIENT_STOCK naming what is left.
 * Together with the row lock this is what makes overselling impossible: reserved never exceeds on hand.
 */
export function reserve(em: EntityManager, product: Product, units: number, by: StockActor, reason: string): void {
  if (units === 0) return;
  if (units > product.available) throw insufficientStock(by, product.localId, product.name, product.unit, product.available, units);
  const before = stockLevels(product);
  product.reserved += units;
  product.stockVersion += 1;
  product.stockUpdatedAt = by.at;
  recordStockChange(em, product, { community: by.community, kind: StockChangeKind.RESERVE, actor: by.actor, at: by.at, before, after: stockLevels(product), reason });
}

/** Raises (or, with negative units, lowers) reservations; see `reserveAtOnce`. */
export interface ReservationChange {
  productId: number;
  units: number;
}

/**
 * Reserves for a hot product in one atomic statement per product, in product ID order: `update ... set reserved =
 * reserved + n where reserved + n <= on_hand`, with its audit entry written by the same statement. The row lock is
 * taken by that update and held only for it and the commit, so households queued on one product wait as little as
 * possible; a product without enough left is refused with INSUFFICIENT_STOCK, and the caller's transaction rolls
 * back. Must run inside a transaction, after the caller's own writes are flushed. Each change tells the outbox as
 * `recordStockChange` does (events.ts).
 */
export async function reserveAtOnce(em: EntityManager, changes: ReservationChange[], by: StockActor, reason: string): Promise<void> {
  const tx = em.getTransactionContext();
  for (const change of [...changes].filter((c) => c.units !== 0).sort((a, b) => a.productId - b.productId)) {
    const reservation = reservationCtes(change, by, reason);
    const [row] = (await em.getConnection().execute(`with ${reservation.sql} select shop_id, on_hand, reserved, low_stock_threshold from changed`, reservation.params, 'all', tx)) as ReservedRow[];
    if (!row) throw await refusalOf(em, change, by);
    tellReserved(em, by, change, row);
  }
}

/** What the reservation's `changed` CTE gives back: the product's counts after the change. */
export interface ReservedRow {
  shop_id: number;
  on_hand: number;
  reserved: number;
  low_stock_threshold: number;
}

/**
 * The SQL of one product's reservation as two CTEs, `changed` (the product row after `update ... set reserved =
 * reserved + n where reserved + n <= on_hand`, returning a `ReservedRow`) and `audit` (its stock_change entry, what
 * `recordStockChange` writes, done in SQL so the hot row stays locked for one statement and the commit only).
 * An empty `changed` means the product has not enough left: nothing was written.
 */
export function reservationCtes(change: ReservationChange, by: StockActor, reason: string): { sql: string; params: unknown[] } {
  const kind = change.units > 0 ? StockChangeKind.RESERVE : StockChangeKind.RELEASE;
  return {
    sql: `changed as (
         update product set reserved = reserved + ?, stock_version = stock_version + 1, stock_updated_at = greatest(stock_updated_at, ?::timestamptz)
         where id = ? and reserved + ? >= 0 and reserved + ? <= on_hand
         returning id, shop_id, on_hand, reserved, low_stock_threshold),
       audit as (
         insert into stock_change (product_id, kind, actor, at, on_hand_before, on_hand_after, reserved_before, reserved_after, reason)
         select id, ?::stock_change_kind, ?::text, ?::timestamptz, on_hand, on_hand, reserved - ?::int, reserved, ?::text from changed)`,
    params: [change.units, by.at, change.productId, change.units, change.units, kind, by.actor, by.at, change.units, normalReason(reason)],
  };
}

/**
 * Reservations of one product for several requests in one statement, the same rule as `reservationCtes` (reserved
 * never above on hand, an audit entry per reservation), taken in the requests' order, first come first served: each
 * gets its units if what is left after those before it covers them, else it gets nothing and the ones after it are
 * still served (a household asking for 3 of the last 2 does not stop one asking for 1). The statement must define
 * before these `requests (ord, units, actor, at, reason, ...)`, `ord` numbering them 1, 2, ... with no gap, and
 * `guard`, a CTE that has a row when the change may go ahead (else nothing is locked or written). The product's row
 * is locked by the first CTE, `counts`, and then changed once by all the reservations together. It defines:
 * - `allotted (ord, took, left_before)`: for each request whether it got its units and what was left before its turn;
 * - `steps (ord, step, units, on_hand, reserved, low_stock_threshold, shop_id, at)`: the requests that got their units,
 *   `step` numbering them 1, 2, ... and the counts as they were after each, as `stockStepsEventsSql` (events.ts) reads;
 * - `changed`, the product row after all of them, and `audit`, one stock_change entry per step.
 * Needs WITH RECURSIVE.
 */
export function batchReservationCtes(guard: string): { sql: string; params: (productId: number) => unknown[] } {
  return {
    sql: `counts as (select id, on_hand, reserved from product where id = ? and exists (select 1 from ${guard}) for no key update),
       allotted (ord, took, left_after, left_before) as (
         select 0::bigint, false, c.on_hand - c.reserved, c.on_hand - c.reserved from counts c
         union all
         select r.ord, r.units <= a.left_after, case when r.units <= a.left_after then a.left_after - r.units else a.left_after end, a.left_after
         from allotted a join requests r on r.ord = a.ord + 1),
       taken as (
         select r.*, row_number() over (order by r.ord) as step, sum(r.units) over (order by r.ord) as running
         from requests r join allotted a on a.ord = r.ord where a.took),
       changed as (
         update product p set reserved = p.reserved + t.units, stock_version = p.stock_version + t.n, stock_updated_at = greatest(p.stock_updated_at, t.at)
         from (select sum(units)::int as units, count(*)::int as n, max(at) as at from taken) t
         where p.id = ? and t.n > 0 and p.reserved + t.units <= p.on_hand
         returning p.id, p.shop_id, p.on_hand, p.reserved, p.low_stock_threshold, t.units as total),
       steps as (
         select t.*, c.on_hand, c.reserved - c.total + t.running as reserved, c.low_stock_threshold, c.shop_id from taken t, changed c),
       audit as (
         insert into stock_change (product_id, kind, actor, at, on_hand_before, on_hand_after, reserved_before, reserved_after, reason)
         select ?, '${StockChangeKind.RESERVE}'::stock_change_kind, s.actor, s.at, s.on_hand, s.on_hand, s.reserved - s.units, s.reserved, s.reason from steps s order by s.step)`,
    params: (productId) => [productId, productId, productId],
  };
}

/** INSUFFICIENT_STOCK for a reservation that found too little left, naming what is left now. */
export async function refusalOf(em: EntityManager, change: ReservationChange, by: StockActor): Promise<Error> {
  const [current] = (await em.getConnection().execute('select name, unit, on_hand, reserved from product where id = ?', [change.productId], 'all', em.getTransactionContext())) as {
    name: string;
    unit: string;
    on_hand: number;
    reserved: number;
  }[];
  const available = Math.max(0, (current?.on_hand ?? 0) - (current?.reserved ?? 0));
  return insufficientStock(by, change.productId, current?.name, current?.unit ?? '', available, change.units);
}

/** Tells the outbox of a reservation made by `reservationCtes`, as `recordStockChange` does (events.ts). */
export function tellReserved(em: EntityManager, by: StockActor, change: ReservationChange, row: ReservedRow): void {
  stockChanged(em, by.community, {
    productId: change.productId,
    shopId: Number(row.shop_id),
    kind: change.units > 0 ? StockChangeKind.RESERVE : StockChangeKind.RELEASE,
    before: { onHand: row.on_hand, reserved: row.reserved - change.units },
    after: { onHand: row.on_hand, reserved: row.reserved },
    lowStockThreshold: row.low_stock_threshold,
  });
}

/** Gives back `units` of a locked product's reservation. */
export function release(em: EntityManager, product: Product, units: number, by: StockActor, reason: string): void {
  if (units === 0) return;
  const before = stockLevels(product);
  product.reserved = Math.max(0, product.reserved - units);
  product.stockVersion += 1;
  product.stockUpdatedAt = by.at;
  recordStockChange(em, product, { community: by.community, kind: StockChangeKind.RELEASE, actor: by.actor, at: by.at, before, after: stockLevels(product), reason });
}

/** The goods left the shop: reserved units come off both the reservation and the shelf. */
export function handOver(em: EntityManager, product: Product, units: number, by: StockActor, reason: string): void {
  if (units === 0) return;
  const before = stockLevels(product);
  product.reserved -= units;
  product.onHand -= units;
  product.stockVersion += 1;
  product.stockUpdatedAt = by.at;
  recordStockChange(em, product, { community: by.community, kind: StockChangeKind.HAND_OVER, actor: by.actor, at: by.at, before, after: stockLevels(product), reason });
}
