import DataLoader from 'dataloader';
import { loaderById, type SubgraphContext } from '@lilong/kit';
import { tryParseGlobalId } from '@lilong/schema';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Volunteer } from './volunteer/volunteer.entity';

export function createVolunteersLoaders(em: EntityManager, community: string) {
  return {
    volunteer: loaderById(em, Volunteer),
    /** Keyed by the compound's global ID; one statement per batch, none when every key is of another community. */
    volunteersByCompound: new DataLoader<string, Volunteer[]>(async (compoundIds) => {
      const ours = compoundIds.filter((id) => tryParseGlobalId(id)?.community === community);
      const rows = ours.length === 0
        ? []
        : await em.find(Volunteer, { compoundId: { $in: ours } }, { orderBy: { displayName: 'asc', localId: 'asc' } });
      const byCompound = new Map<string, Volunteer[]>(compoundIds.map((id) => [id, []]));
      for (const row of rows) byCompound.get(row.compoundId)?.push(row);
      return compoundIds.map((id) => byCompound.get(id) ?? []);
    }),
  };
}

export type VolunteersLoaders = ReturnType<typeof createVolunteersLoaders>;
export type VolunteersContext = SubgraphContext<VolunteersLoaders>;
