import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { idempotent, localIdOf, notFound, requireText } from '@lilong/kit';
import { lilongError } from '@lilong/schema';
import { Compound } from '../compound/compound.entity';
import type { GroupsContext } from '../loaders';
import { Household } from './household.entity';
import type { RegisterHouseholdInput } from './household.inputs';

export async function registerHousehold(ctx: GroupsContext, input: RegisterHouseholdInput): Promise<Household> {
  const compoundId = localIdOf(ctx.community, input.compoundId, 'Compound', 'input.compoundId');
  const address = {
    building: requireText(input.building, 'input.building', 20),
    unit: requireText(input.unit ?? '', 'input.unit', 20, { allowEmpty: true }),
    room: requireText(input.room, 'input.room', 20),
  };
  return idempotent(ctx, input.idempotencyKey, 'registerHousehold', input, Household, async (em) => {
    const compound = await em.findOne(Compound, { localId: compoundId });
    if (!compound) throw notFound('Compound', input.compoundId);
    const created = em.create(Household, { compound, ...address, tenure: input.tenure, createdAt: new Date() });
    try {
      // Flushed here, not by the helper, to tell a taken address apart from other failures.
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw lilongError('CONFLICT', {
          en: `${created.addressLabel} is already registered in ${compound.name}.`,
          zh: `${compound.name} 的 ${created.addressLabel} 已登记。`,
        });
      }
      throw error;
    }
    return created;
  });
}
