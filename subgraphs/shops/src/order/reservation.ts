import type { EntityManager } from '@mikro-orm/postgresql';
import { lilongError } from '@lilong/schema';
import { Product } from '../product/product.entity';
import { recordStockChange, StockChangeKind, stockLevels } from '../stock/stock-change.service';

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
export function reserve(em: EntityManager, product: Product, units: number, actor: string, reason: string): void {
  if (units === 0) return;
  if (units > product.available) {
    throw lilongError(
      'INSUFFICIENT_STOCK',
      {
        en: `Only ${product.available} of ${product.name} left (asked for ${units}).`,
        zh: `${product.name} 仅剩 ${product.available}${product.unit}（需要 ${units}）。`,
      },
      { available: product.available, requested: units, productId: product.localId },
    );
  }
  const before = stockLevels(product);
  product.reserved += units;
  product.stockVersion += 1;
  product.stockUpdatedAt = new Date();
  recordStockChange(em, product, { kind: StockChangeKind.RESERVE, actor, before, after: stockLevels(product), reason });
}

/** Gives back `units` of a locked product's reservation. */
export function release(em: EntityManager, product: Product, units: number, actor: string, reason: string): void {
  if (units === 0) return;
  const before = stockLevels(product);
  product.reserved = Math.max(0, product.reserved - units);
  product.stockVersion += 1;
  product.stockUpdatedAt = new Date();
  recordStockChange(em, product, { kind: StockChangeKind.RELEASE, actor, before, after: stockLevels(product), reason });
}

/** The goods left the shop: reserved units come off both the reservation and the shelf. */
export function handOver(em: EntityManager, product: Product, units: number, actor: string, reason: string): void {
  if (units === 0) return;
  const before = stockLevels(product);
  product.reserved -= units;
  product.onHand -= units;
  product.stockVersion += 1;
  product.stockUpdatedAt = new Date();
  recordStockChange(em, product, { kind: StockChangeKind.HAND_OVER, actor, before, after: stockLevels(product), reason });
}
