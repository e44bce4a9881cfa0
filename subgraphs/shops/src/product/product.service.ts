import { LockMode } from '@mikro-orm/core';
import { localIdOf, notFound, requireInt, requireSignedIn, requireText } from '@lilong/kit';
import { lilongError } from '@lilong/schema';
import { requireMerchantOf } from '../access';
import type { ShopsContext } from '../loaders';
import { Product } from './product.entity';
import type { AddProductInput, SetStockInput } from './product.inputs';

/** Highest price accepted, in fen: 100,000 yuan. */
const MAX_PRICE_FEN = 10_000_000;
const MAX_PACK_SIZE = 10_000;
const MAX_ON_HAND = 1_000_000;

export async function addProduct(ctx: ShopsContext, input: AddProductInput): Promise<Product> {
  const shopId = localIdOf(ctx.community, input.shopId, 'Shop', 'input.shopId');
  requireMerchantOf(ctx, shopId);
  const fields = {
    name: requireText(input.name, 'input.name', 60),
    unit: requireText(input.unit, 'input.unit', 10),
    priceFen: requireInt(input.priceFen, 'input.priceFen', 0, MAX_PRICE_FEN),
    packSize: requireInt(input.packSize ?? 1, 'input.packSize', 1, MAX_PACK_SIZE),
  };
  const shop = await ctx.loaders.shop.load(shopId);
  if (!shop) throw notFound('Shop', input.shopId);
  const product = ctx.em.create(Product, { ...fields, shop, stockUpdatedAt: new Date() });
  await ctx.em.flush();
  return product;
}

/**
 * Sets a product's shelf count. The row is locked for the transaction, so concurrent updates (and the order
 * reservations that read the same row) serialise instead of overwriting each other.
 */
export async function setStock(ctx: ShopsContext, input: SetStockInput): Promise<Product> {
  const productId = localIdOf(ctx.community, input.productId, 'Product', 'input.productId');
  const onHand = requireInt(input.onHand, 'input.onHand', 0, MAX_ON_HAND);
  requireSignedIn(ctx.claims);
  const product = await ctx.em.transactional(async (em) => {
    // `refresh`: a copy already in the request's identity map must not stand in for the locked row.
    const row = await em.findOne(Product, { localId: productId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!row) throw notFound('Product', input.productId);
    requireMerchantOf(ctx, row.shop.localId);
    if (input.expectedVersion != null && input.expectedVersion !== row.stockVersion) {
      throw lilongError(
        'CONFLICT',
        {
          en: `The stock of ${input.productId} changed since version ${input.expectedVersion}: it is now version ${row.stockVersion} with ${row.onHand} on hand.`,
          zh: `${input.productId} 的库存在版本 ${input.expectedVersion} 之后已变更：现为版本 ${row.stockVersion}，在架 ${row.onHand}。`,
        },
        { currentVersion: row.stockVersion, currentOnHand: row.onHand },
      );
    }
    row.setOnHand(onHand);
    return row;
  });
  ctx.loaders.product.clear(productId).prime(productId, product);
  return product;
}

/** `%` and `_` match literally; backslash is PostgreSQL's default LIKE escape character. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Products that can still be ordered whose name or shop's name contains `text`, cheapest first. */
export function searchProducts(ctx: ShopsContext, text: string, first: number): Promise<Product[]> {
  const pattern = `%${escapeLike(requireText(text, 'text', 50))}%`;
  const limit = requireInt(first, 'first', 1, 100);
  return ctx.em
    .createQueryBuilder(Product, 'p')
    .select('p.*')
    .join('p.shop', 's')
    .where({ $or: [{ name: { $ilike: pattern } }, { 's.name': { $ilike: pattern } }] })
    .andWhere('p.on_hand > p.reserved')
    .orderBy({ priceFen: 'asc', localId: 'asc' })
    .limit(limit)
    .getResultList();
}
