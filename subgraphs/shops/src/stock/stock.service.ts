/**
 * A merchant's changes to one product's stock: a count against a version, an adjustment with a reason; and the
 * stock history. Every change locks the product's row, and leaves an entry in the history in the same transaction.
 * Batches and CSV imports are in `stock-batch.service.ts`.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, idempotent, localIdOf, notFound, requireInt, requireSignedIn, requireText } from '@lilong/kit';
import { lilongError } from '@lilong/schema';
import { requireMerchantOf } from '../access';
import type { ShopsContext } from '../loaders';
import { Product } from '../product/product.entity';
import { StockChangeKind } from './stock-change.entity';
import { recordStockChange, stockLevels } from './stock-change.service';
import type { AdjustStockInput, SetStockInput } from './stock.inputs';
import {
  MAX_REASON_LENGTH,
  adjustProblem,
  deltaValueProblem,
  onHandValueProblem,
  reasonProblem,
  setProblem,
  versionProblem,
  type StockProblem,
} from './stock.rules';

export const refuseInput = (argument: string, p: StockProblem | undefined) => {
  if (p) throw badInput(argument, p.en, p.zh);
};

/** Locks one product row for the rest of the transaction; `refresh`, so a copy read earlier in the request cannot stand in for it. */
async function lockProduct(em: EntityManager, localId: number, id: string): Promise<Product> {
  const row = await em.findOne(Product, { localId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!row) throw notFound('Product', id);
  return row;
}

/** Later fields of the same request see the rows as this mutation left them. */
export function forgetStale(ctx: ShopsContext, products: Product[]): void {
  for (const product of products) ctx.loaders.product.clear(product.localId).prime(product.localId, product);
  ctx.loaders.productsByShop.clearAll();
  ctx.loaders.stockHistory.clearAll();
  ctx.loaders.lowStock.clearAll();
}

/** Sets a product's shelf count, if its stock is still at `expectedVersion`. */
export async function setStock(ctx: ShopsContext, input: SetStockInput): Promise<Product> {
  requireSignedIn(ctx.claims);
  const productId = localIdOf(ctx.community, input.productId, 'Product', 'input.productId');
  refuseInput('input.onHand', onHandValueProblem(input.onHand));
  requireInt(input.expectedVersion, 'input.expectedVersion', 0, 2_147_483_647);
  refuseInput('input.reason', reasonProblem(input.reason));
  const product = await idempotent(ctx, input.idempotencyKey, 'setStock', input, Product, async (em) => {
    const row = await lockProduct(em, productId, input.productId);
    requireMerchantOf(ctx, row.shop.localId);
    const stale = versionProblem(row, input.expectedVersion);
    if (stale) {
      throw lilongError(
        'CONFLICT',
        { en: `${row.name} (${input.productId}): ${stale.en}`, zh: `${row.name}（${input.productId}）：${stale.zh}` },
        { currentVersion: row.stockVersion, currentOnHand: row.onHand, currentReserved: row.reserved },
      );
    }
    refuseInput('input.onHand', setProblem(row, input.onHand));
    const before = stockLevels(row);
    row.setOnHand(input.onHand);
    recordStockChange(em, row, { community: ctx.community, kind: StockChangeKind.SET, actor: ctx.claims.actor, before, after: stockLevels(row), reason: input.reason });
    return row;
  });
  forgetStale(ctx, [product]);
  return product;
}

/** Adds units to (or removes them from) a product's shelf, with a reason. Deltas commute, so no version is needed. */
export async function adjustStock(ctx: ShopsContext, input: AdjustStockInput): Promise<Product> {
  requireSignedIn(ctx.claims);
  const productId = localIdOf(ctx.community, input.productId, 'Product', 'input.productId');
  refuseInput('input.delta', deltaValueProblem(input.delta));
  const reason = requireText(input.reason, 'input.reason', MAX_REASON_LENGTH);
  const product = await idempotent(ctx, input.idempotencyKey, 'adjustStock', input, Product, async (em) => {
    const row = await lockProduct(em, productId, input.productId);
    requireMerchantOf(ctx, row.shop.localId);
    refuseInput('input.delta', adjustProblem(row, input.delta));
    const before = stockLevels(row);
    row.adjustOnHand(input.delta);
    recordStockChange(em, row, { community: ctx.community, kind: StockChangeKind.ADJUST, actor: ctx.claims.actor, before, after: stockLevels(row), reason });
    return row;
  });
  forgetStale(ctx, [product]);
  return product;
}

/** Most history entries one `Product.stockHistory` returns. */
export const MAX_HISTORY = 100;

/** A product's stock history, newest first: for its shop's merchant only. */
export function stockHistory(ctx: ShopsContext, product: Product, first: number) {
  requireSignedIn(ctx.claims);
  requireMerchantOf(ctx, product.shop.localId);
  requireInt(first, 'first', 1, MAX_HISTORY);
  return ctx.loaders.stockHistory.load({ productId: product.localId, first });
}
