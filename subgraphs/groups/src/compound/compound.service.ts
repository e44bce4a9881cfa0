import { badInput, idempotent, requireLatLng, requireText } from '@lilong/kit';
import { Compound } from './compound.entity';
import type { AddCompoundInput } from './compound.inputs';
import type { GroupsContext } from '../loaders';

export async function addCompound(ctx: GroupsContext, input: AddCompoundInput): Promise<Compound> {
  if (input.community !== ctx.community) throw badInput('input.community', 'names another community.', '指向其他社区。');
  requireLatLng(input.lat, input.lng);
  const fields = {
    name: requireText(input.name, 'input.name', 100),
    kind: input.kind,
    address: requireText(input.address, 'input.address', 200),
    lat: input.lat,
    lng: input.lng,
  };
  return idempotent(ctx, input.idempotencyKey, 'addCompound', input, Compound, async (em) =>
    em.create(Compound, { ...fields, createdAt: new Date() }),
  );
}

export function listCompounds(ctx: GroupsContext, kind?: Compound['kind'] | null): Promise<Compound[]> {
  return ctx.em.find(Compound, kind ? { kind } : {}, { orderBy: { name: 'asc', localId: 'asc' } });
}
