import DataLoader from 'dataloader';
import { loaderById, loaderByParent, type SubgraphContext } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Compound } from './compound/compound.entity';
import { Group } from './group/group.entity';
import { Household } from './household/household.entity';
import { Delegation } from './membership/delegation.entity';

export function createGroupsLoaders(em: EntityManager) {
  return {
    compound: loaderById(em, Compound),
    household: loaderById(em, Household),
    group: loaderById(em, Group),
    delegation: loaderById(em, Delegation),
    householdsByCompound: loaderByParent(em, Household, 'compound', { building: 'asc', unit: 'asc', room: 'asc' }),
    groupsByCompound: loaderByParent(em, Group, 'compound'),
    householdCountByCompound: new DataLoader<number, number>(async (compoundIds) => {
      const placeholders = compoundIds.map(() => '?').join(', ');
      const rows: { compound_id: number; n: string }[] = await em.getConnection().execute(
        `select compound_id, count(*) as n from household where compound_id in (${placeholders}) group by compound_id`,
        [...compoundIds],
      );
      const counts = new Map(rows.map((r) => [Number(r.compound_id), Number(r.n)]));
      return compoundIds.map((id) => counts.get(id) ?? 0);
    }),
  };
}

export type GroupsLoaders = ReturnType<typeof createGroupsLoaders>;
export type GroupsContext = SubgraphContext<GroupsLoaders>;
