import { badInput, requireInt } from '@lilong/kit';
import { tryParseGlobalId } from '@lilong/schema';
import { nearest } from '../distance';
import type { ShopsContext } from '../loaders';
import type { Shop } from '../shop/shop.entity';
import type { CompoundRepresentation } from './compound.type';
import type { NearbyShop } from './nearby-shop.type';

/** Shops standing in a compound; none for a compound of another community (shops stand in their own). */
export function shopsInCompound(ctx: ShopsContext, compound: CompoundRepresentation): Promise<Shop[]> | Shop[] {
  const parsed = tryParseGlobalId(compound.id);
  if (!parsed || parsed.type !== 'Compound' || parsed.community !== ctx.community) return [];
  return ctx.loaders.shopsByCompound.load(compound.id);
}

/**
 * This community's shops near a compound of any community: the hub asks every community and merges by distance.
 */
export async function nearbyShops(
  ctx: ShopsContext,
  compound: CompoundRepresentation,
  first: number,
  withinMeters: number,
): Promise<NearbyShop[]> {
  requireInt(first, 'first', 1, 100);
  requireInt(withinMeters, 'withinMeters', 1, 50_000);
  const { lat, lng } = compound;
  if (typeof lat !== 'number' || typeof lng !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lng)) {
    // @requires guarantees them through the hub; a direct caller may have left them out.
    throw badInput('representations', `compound ${compound.id} came without lat and lng.`, `小区 ${compound.id} 缺少经纬度。`);
  }
  const shops = await ctx.loaders.allShops.load('all');
  return nearest(shops, { lat, lng }, withinMeters, first).map(({ place, distanceMeters }) => ({ shop: place, distanceMeters }));
}
