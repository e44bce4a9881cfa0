import type { SubgraphModule } from '@lilong/kit';
import { IdempotencyRecord, tryLocalId } from '@lilong/kit';
import { CommunityResolver } from './community/community.resolver';
import { Community } from './community/community.type';
import { Compound } from './compound/compound.entity';
import { CompoundResolver } from './compound/compound.resolver';
import { Group } from './group/group.entity';
import { GroupResolver } from './group/group.resolver';
import { Household } from './household/household.entity';
import { HouseholdResolver } from './household/household.resolver';
import { createGroupsLoaders, type GroupsLoaders } from './loaders';
import { migrations } from './migrations';

export { Compound, CompoundKind } from './compound/compound.entity';
export { Household, Tenure } from './household/household.entity';
export { Group } from './group/group.entity';

/** The `groups` domain: compounds, households (addresses), and mutual-aid groups. */
export const groupsSubgraph: SubgraphModule<GroupsLoaders> = {
  name: 'groups',
  resolvers: [CompoundResolver, HouseholdResolver, GroupResolver, CommunityResolver],
  orphanedTypes: [Community],
  entities: [Compound, Household, Group, IdempotencyRecord],
  migrations,
  createLoaders: (em) => createGroupsLoaders(em),
  references: {
    Compound: ({ id }, ctx) => load(ctx.loaders.compound, tryLocalId(ctx.community, id, 'Compound')),
    Household: ({ id }, ctx) => load(ctx.loaders.household, tryLocalId(ctx.community, id, 'Household')),
    Group: ({ id }, ctx) => load(ctx.loaders.group, tryLocalId(ctx.community, id, 'Group')),
    Community: ({ code }) => ({ code }),
  },
};

async function load<T>(loader: { load(id: number): Promise<T | undefined> }, id: number | undefined): Promise<T | null> {
  return id === undefined ? null : ((await loader.load(id)) ?? null);
}
