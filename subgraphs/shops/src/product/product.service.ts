import { badInput, idempotent, localIdOf, notFound, requireInt, requireSignedIn, requireText } from '@lilong/kit';
import { requireMerchantOf } from '../access';
import type { ShopsContext } from '../loaders';
import { Shop } from '../shop/shop.entity';
import { forgetStale } from '../stock/stock.service';
import { MAX_ON_HAND } from '../stock/stock.rules';
import { Product } from './product.entity';
import type { AddProductInput, UpdateProductInput } from './product.inputs';

/** Highest price accepted, in fen: 100,000 yuan. */
const MAX_PRICE_FEN = 10_000_000;
const MAX_PACK_SIZE = 10_000;

const householdLimitOf = (value: number | null | undefined, argument: string) =>
  value == null ? null : requireInt(value, argument, 1, MAX_ON_HAND);

export async function addProduct(ctx: ShopsContext, input: AddProductInput): Promise<Product> {
  requireSignedIn(ctx.claims);
  const shopId = localIdOf(ctx.community, input.shopId, 'Shop', 'input.shopId');
  requireMerchantOf(ctx, shopId);
  const fields = {
    name: requireText(input.name, 'input.name', 60),
    unit: requireText(input.unit, 'input.unit', 10),
    priceFen: requireInt(input.priceFen, 'input.priceFen', 0, MAX_PRICE_FEN),
    packSize: requireInt(input.packSize ?? 1, 'input.packSize', 1, MAX_PACK_SIZE),
    householdLimit: householdLimitOf(input.householdLimit, 'input.householdLimit'),
    lowStockThreshold: requireInt(input.lowStockThreshold ?? 0, 'input.lowStockThreshold', 0, MAX_ON_HAND),
  };
  const product = await idempotent(ctx, input.idempotencyKey, 'addProduct', input, Product, async (em) => {
    const shop = await em.findOne(Shop, { localId: shopId });
    if (!shop) throw notFound('Shop', input.shopId);
    return em.create(Product, { ...fields, shop, stockUpdatedAt: new Date() });
  });
  forgetStale(ctx, [product]);
  return product;
}

/**
 * Changes a product's description, price, pack size, household limit or low-stock threshold; fields left out keep
 * their value. Not its stock: that goes through the stock mutations, which lock the row and keep the history.
 */
export async function updateProduct(ctx: ShopsContext, input: UpdateProductInput): Promise<Product> {
  requireSignedIn(ctx.claims);
  const productId = localIdOf(ctx.community, input.productId, 'Product', 'input.productId');
  const product = await idempotent(ctx, input.idempotencyKey, 'updateProduct', input, Product, async (em) => {
    const row = await em.findOne(Product, { localId: productId }, { refresh: true });
    if (!row) throw notFound('Product', input.productId);
    requireMerchantOf(ctx, row.shop.localId);
    // Only the changed columns are written, so a stock change committed meanwhile on the same row is not undone.
    return Object.assign(row, productChanges(input));
  });
  forgetStale(ctx, [product]);
  return product;
}

type ProductChanges = Partial<Pick<Product, 'name' | 'unit' | 'priceFen' | 'packSize' | 'householdLimit' | 'lowStockThreshold'>>;

/** The checked fields an `updateProduct` input gives; BAD_USER_INPUT when it gives none, or a bad one. */
function productChanges(input: UpdateProductInput): ProductChanges {
  const given = <K extends keyof UpdateProductInput>(key: K): NonNullable<UpdateProductInput[K]> | undefined => {
    const value = input[key];
    if (value === undefined) return undefined;
    if (value === null) {
      throw badInput(`input.${key}`, 'cannot be null; leave the field out to keep it as it is.', '不能设为空值；如不修改请省略该字段。');
    }
    return value as NonNullable<UpdateProductInput[K]>;
  };
  const changes: ProductChanges = {};
  const name = given('name');
  if (name !== undefined) changes.name = requireText(name, 'input.name', 60);
  const unit = given('unit');
  if (unit !== undefined) changes.unit = requireText(unit, 'input.unit', 10);
  const priceFen = given('priceFen');
  if (priceFen !== undefined) changes.priceFen = requireInt(priceFen, 'input.priceFen', 0, MAX_PRICE_FEN);
  const packSize = given('packSize');
  if (packSize !== undefined) changes.packSize = requireInt(packSize, 'input.packSize', 1, MAX_PACK_SIZE);
  // null is meaningful here: it removes the limit.
  if (input.householdLimit !== undefined) changes.householdLimit = householdLimitOf(input.householdLimit, 'input.householdLimit');
  const threshold = given('lowStockThreshold');
  if (threshold !== undefined) changes.lowStockThreshold = requireInt(threshold, 'input.lowStockThreshold', 0, MAX_ON_HAND);
  if (Object.keys(changes).length === 0) {
    throw badInput(
      'input',
      'nothing to change: give at least one of name, unit, priceFen, packSize, householdLimit, lowStockThreshold.',
      '没有要修改的内容：请至少提供 name、unit、priceFen、packSize、householdLimit、lowStockThreshold 之一。',
    );
  }
  return changes;
}
