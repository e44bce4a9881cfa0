import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { localIdOf, notFound, requireText } from '@lilong/kit';
import { lilongError } from '@lilong/schema';
import type { GroupsContext } from '../loaders';
import { Household } from './household.entity';
import type { RegisterHouseholdInput } from './household.inputs';

export async function registerHousehold(ctx: GroupsContext, input: RegisterHouseholdInput): Promise<Household> {
  const compoundId = localIdOf(ctx.community, input.compoundId, 'Compound', 'input.compoundId');
  const compound = await ctx.loaders.compound.load(compoundId);
  if (!compound) throw notFound('Compound', input.compoundId);
  const household = ctx.em.create(Household, {
    compound,
    building: requireText(input.building, 'input.building', 20),
    unit: requireText(input.unit ?? '', 'input.unit', 20, { allowEmpty: true }),
    room: requireText(input.room, 'input.room', 20),
    tenure: input.tenure,
    createdAt: new Date(),
  });
  try {
    await ctx.em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw lilongError('CONFLICT', {
        en: `${household.addressLabel} is already registered in ${compound.name}.`,
        zh: `${compound.name} 的 ${household.addressLabel} 已登记。`,
      });
    }
    throw error;
  }
  return household;
}
