import { badInput, idempotent, requireLatLng, requireText } from '@lilong/kit';
import { parseGlobalId } from '@lilong/schema';
import type { ShopsContext } from '../loaders';
import { Shop } from './shop.entity';
import type { AddShopInput } from './shop.inputs';

export async function addShop(ctx: ShopsContext, input: AddShopInput): Promise<Shop> {
  // The compound lives in the groups domain: we keep its global ID and check only that it is one of ours.
  const compound = parseGlobalId(input.compoundId, 'Compound', 'input.compoundId');
  if (compound.community !== ctx.community) {
    throw badInput('input.compoundId', 'names a compound of another community.', '指向其他社区的小区。');
  }
  requireLatLng(input.lat, input.lng);
  const fields = {
    name: requireText(input.name, 'input.name', 60),
    kind: input.kind,
    address: requireText(input.address, 'input.address', 200),
    lat: input.lat,
    lng: input.lng,
    compoundId: input.compoundId,
  };
  return idempotent(ctx, input.idempotencyKey, 'addShop', input, Shop, async (em) =>
    em.create(Shop, { ...fields, createdAt: new Date() }),
  );
}
