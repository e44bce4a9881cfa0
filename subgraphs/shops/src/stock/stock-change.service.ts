import type { EntityManager } from '@mikro-orm/postgresql';
import { stockChanged } from '../events';
import type { Product } from '../product/product.entity';
import { StockChange, StockChangeKind } from './stock-change.entity';
import { normalReason, type StockLevels } from './stock.rules';

export { StockChangeKind };

export interface StockChangeRecord {
  /** The node's community, for the global IDs of the change's event. */
  community: string;
  kind: StockChangeKind;
  /** The claims' `sub` of whoever caused the change. */
  actor: string;
  before: StockLevels;
  after: StockLevels;
  reason?: string | null;
  /** When it happened. @default now */
  at?: Date;
}

/** A copy of a product's counts, to pass as `before` (take it before changing the row) or `after`. */
export function stockLevels(product: StockLevels): StockLevels {
  return { onHand: product.onHand, reserved: product.reserved };
}

/**
 * Adds an entry to a product's stock history. Call it with the EntityManager of the transaction that changes the
 * row (and holds its lock), after the change: the entry is inserted by that transaction's flush, so it is written
 * exactly when the change is. Every stock change goes through here, including reservations, releases and
 * hand-overs made by the order code (`reserveAtOnce` writes the same entry and event in SQL). It also tells the
 * outbox: STOCK_CHANGED, and LOW_STOCK when the change ran the product low (events.ts).
 *
 * ```ts
 * const before = stockLevels(product);
 * product.reserved += units;
 * recordStockChange(em, product, { community: ctx.community, kind: StockChangeKind.RESERVE, actor: ctx.claims.actor, before, after: stockLevels(product), reason: `order ${orderId}` });
 * ```
 */
export function recordStockChange(em: EntityManager, product: Product, change: StockChangeRecord): StockChange {
  stockChanged(em, change.community, {
    productId: product.localId,
    shopId: product.shop.localId,
    kind: change.kind,
    before: change.before,
    after: change.after,
    lowStockThreshold: product.lowStockThreshold,
  });
  return em.create(StockChange, {
    product,
    kind: change.kind,
    actor: change.actor,
    at: change.at ?? new Date(),
    onHandBefore: change.before.onHand,
    onHandAfter: change.after.onHand,
    reservedBefore: change.before.reserved,
    reservedAfter: change.after.reserved,
    reason: normalReason(change.reason),
  });
}
