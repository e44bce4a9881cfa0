import { idempotent, localIdOf, notFound, requireInt } from '@lilong/kit';
import type { FilterQuery } from '@mikro-orm/core';
import type { VolunteersContext } from '../loaders';
import type { Skill } from './skill';
import { MAX_VEHICLE_SEATS, Volunteer } from './volunteer.entity';
import type { RegisterVolunteerInput, SetAvailabilityInput } from './volunteer.inputs';
import { requireZone, validateRegistration } from './volunteer.rules';

/** Most volunteers one `availableVolunteers` call returns. */
export const MAX_FIRST = 100;

export async function registerVolunteer(ctx: VolunteersContext, input: RegisterVolunteerInput): Promise<Volunteer> {
  const draft = validateRegistration(ctx.community, input);
  const compound = (await ctx.places([draft.compoundId])).get(draft.compoundId);
  if (!compound) throw notFound('Compound', draft.compoundId);
  const base = draft.base ?? { lat: compound.lat, lng: compound.lng };
  return idempotent(ctx, input.idempotencyKey, 'registerVolunteer', input, Volunteer, async (em) => {
    const now = new Date();
    const { base: _base, ...fields } = draft;
    return em.create(Volunteer, { ...fields, baseLat: base.lat, baseLng: base.lng, available: false, activeTasks: 0, createdAt: now, updatedAt: now });
  });
}

/** Always touches `updatedAt`: re-declaring the same availability tells dispatch it is still true. */
export async function setAvailability(ctx: VolunteersContext, input: SetAvailabilityInput): Promise<Volunteer> {
  const localId = localIdOf(ctx.community, input.volunteerId, 'Volunteer', 'input.volunteerId');
  const zone = input.zone == null ? undefined : requireZone(input.zone, 'input.zone');
  return idempotent(ctx, input.idempotencyKey, 'setAvailability', input, Volunteer, async (em) => {
    const row = await em.findOne(Volunteer, { localId }, { refresh: true });
    if (!row) throw notFound('Volunteer', input.volunteerId);
    row.available = input.available;
    if (zone !== undefined) row.zone = zone;
    row.updatedAt = new Date();
    return row;
  });
}

export interface AvailableFilter {
  skill?: Skill | null;
  minSeats: number;
  first: number;
}

/** Available volunteers, most seats first, then the least busy: the order dispatch picks them in. */
export function findAvailable(ctx: VolunteersContext, { skill, minSeats, first }: AvailableFilter): Promise<Volunteer[]> {
  requireInt(minSeats, 'minSeats', 0, MAX_VEHICLE_SEATS);
  requireInt(first, 'first', 1, MAX_FIRST);
  const where: FilterQuery<Volunteer> = { available: true, vehicleSeats: { $gte: minSeats } };
  if (skill) where.skills = { $contains: [skill] };
  return ctx.em.find(Volunteer, where, { orderBy: { vehicleSeats: 'desc', activeTasks: 'asc', localId: 'asc' }, limit: first });
}

export function listVolunteers(ctx: VolunteersContext, filter: { available?: boolean | null; skill?: Skill | null }): Promise<Volunteer[]> {
  const where: FilterQuery<Volunteer> = {};
  if (filter.available != null) where.available = filter.available;
  if (filter.skill) where.skills = { $contains: [filter.skill] };
  return ctx.em.find(Volunteer, where, { orderBy: { displayName: 'asc', localId: 'asc' } });
}
