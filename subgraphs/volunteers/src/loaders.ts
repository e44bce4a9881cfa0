import { loaderById, loaderByKey, loaderByParent, type SubgraphContext } from '@lilong/kit';
import { tryParseGlobalId } from '@lilong/schema';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Volunteer } from './volunteer/volunteer.entity';
import { CareCommitment, CareEvent, CareRequest, CareSeries, Shift, TaskStep } from './care/care.entity';

export function createVolunteersLoaders(em: EntityManager, community: string) {
  return {
    volunteer: loaderById(em, Volunteer),
    /** Keyed by the compound's global ID; one statement per batch, none when every key is of another community. */
    volunteersByCompound: loaderByKey(em, Volunteer, 'compoundId', {
      orderBy: { displayName: 'asc', localId: 'asc' },
      skip: (id) => tryParseGlobalId(id)?.community !== community,
    }),
    careRequest: loaderById(em, CareRequest),
    careSeries: loaderById(em, CareSeries),
    careEvents: loaderByParent(em, CareEvent, 'request', { at: 'asc', localId: 'asc' }),
    taskSteps: loaderByParent(em, TaskStep, 'request', { position: 'asc' }),
    shifts: loaderByParent(em, Shift, 'volunteer', { startsAt: 'asc', localId: 'asc' }),
    commitmentsByVolunteer: loaderByParent(em, CareCommitment, 'volunteer', { windowStart: 'asc', localId: 'asc' }),
  };
}

export type VolunteersLoaders = ReturnType<typeof createVolunteersLoaders>;
export type VolunteersContext = SubgraphContext<VolunteersLoaders>;
