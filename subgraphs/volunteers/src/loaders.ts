import { loaderById, loaderByKey, type SubgraphContext } from '@lilong/kit';
import { tryParseGlobalId } from '@lilong/schema';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Volunteer } from './volunteer/volunteer.entity';

export function createVolunteersLoaders(em: EntityManager, community: string) {
  return {
    volunteer: loaderById(em, Volunteer),
    /** Keyed by the compound's global ID; one statement per batch, none when every key is of another community. */
    volunteersByCompound: loaderByKey(em, Volunteer, 'compoundId', {
      orderBy: { displayName: 'asc', localId: 'asc' },
      skip: (id) => tryParseGlobalId(id)?.community !== community,
    }),
  };
}

export type VolunteersLoaders = ReturnType<typeof createVolunteersLoaders>;
export type VolunteersContext = SubgraphContext<VolunteersLoaders>;
