import { badInput, requireInt, requireText } from '@lilong/kit';
import type { ShopsContext } from '../loaders';
import { Product } from '../product/product.entity';
import { haversineMeters, type LatLng } from '../distance';
import { noteSearch } from '../figures/unmet-searches';
import { decodeCursor, encodeCursor, isAfter } from './search.cursor';
import type { ProductHit } from './search.types';

/** `%` and `_` match literally; backslash is PostgreSQL's default LIKE escape character. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Products of this community that can still be ordered, whose name or shop's name contains the text. */
async function candidates(ctx: ShopsContext, text: string): Promise<Product[]> {
  const pattern = `%${escapeLike(requireText(text, 'text', 50))}%`;
  const products = await ctx.em
    .createQueryBuilder(Product, 'p')
    .select('p.*')
    .join('p.shop', 's')
    .where({ $or: [{ name: { $ilike: pattern } }, { 's.name': { $ilike: pattern } }] })
    .andWhere('p.on_hand > p.reserved')
    .getResultList();
  const shops = await ctx.loaders.shop.loadMany([...new Set(products.map((p) => p.shop.localId))]);
  for (const shop of shops) if (shop && !(shop instanceof Error)) ctx.loaders.shop.prime(shop.localId, shop);
  return products;
}

async function hit(ctx: ShopsContext, product: Product, key: number, distanceMeters: number | null): Promise<ProductHit> {
  return {
    product,
    shop: (await ctx.loaders.shop.load(product.shop.localId))!,
    priceFen: product.priceFen,
    distanceMeters,
    available: product.available,
    cursor: encodeCursor({ key, community: ctx.community, localId: product.localId }),
  };
}

/** This community's page of a sub-district search by price, cheapest first, after the cursor. */
export async function searchByPrice(ctx: ShopsContext, text: string, first: number, after?: string | null): Promise<ProductHit[]> {
  requireInt(first, 'first', 1, 100);
  const cursor = decodeCursor(after);
  const found = await candidates(ctx, text);
  noteSearch(ctx, text, found.length, after);
  const rows = found
    .filter((p) => isAfter(cursor, ctx.community, p.priceFen, p.localId))
    .sort((a, b) => a.priceFen - b.priceFen || a.localId - b.localId)
    .slice(0, first);
  return Promise.all(rows.map((p) => hit(ctx, p, p.priceFen, null)));
}

/** This community's page of a search near a compound gate, nearest first, after the cursor. */
export async function searchNearby(
  ctx: ShopsContext,
  origin: Partial<LatLng>,
  text: string,
  first: number,
  withinMeters: number,
  after?: string | null,
): Promise<ProductHit[]> {
  requireInt(first, 'first', 1, 100);
  requireInt(withinMeters, 'withinMeters', 1, 50_000);
  if (typeof origin.lat !== 'number' || typeof origin.lng !== 'number') {
    throw badInput('compound', 'has no location to measure from.', '没有可用于计算距离的位置。');
  }
  const from = { lat: origin.lat, lng: origin.lng };
  const cursor = decodeCursor(after);
  const products = await candidates(ctx, text);
  noteSearch(ctx, text, products.length, after);
  const ranked = await Promise.all(
    products.map(async (p) => {
      const shop = (await ctx.loaders.shop.load(p.shop.localId))!;
      return { product: p, meters: Math.round(haversineMeters(from, shop)) };
    }),
  );
  const rows = ranked
    .filter((r) => r.meters <= withinMeters && isAfter(cursor, ctx.community, r.meters, r.product.localId))
    .sort((a, b) => a.meters - b.meters || a.product.localId - b.product.localId)
    .slice(0, first);
  return Promise.all(rows.map((r) => hit(ctx, r.product, r.meters, r.meters)));
}
