import type { SubgraphModule } from '@lilong/kit';
import { IdempotencyRecord, tryLocalId } from '@lilong/kit';
import { CommunityResolver } from './community/community.resolver';
import { Community } from './community/community.type';
import { CompoundResolver } from './compound/compound.resolver';
import { Compound } from './compound/compound.type';
import { Household } from './household/household.type';
import { createVolunteersLoaders, type VolunteersLoaders } from './loaders';
import { migrations } from './migrations';
import { Volunteer } from './volunteer/volunteer.entity';
import { VolunteerResolver } from './volunteer/volunteer.resolver';

export { Volunteer } from './volunteer/volunteer.entity';
export { Skill } from './volunteer/skill';
export type { VolunteersLoaders, VolunteersContext } from './loaders';

/** The `volunteers` domain: the community's volunteer fleet, their skills, seats, zones and availability. */
export const volunteersSubgraph: SubgraphModule<VolunteersLoaders> = {
  name: 'volunteers',
  resolvers: [VolunteerResolver, CompoundResolver, CommunityResolver],
  orphanedTypes: [Community, Compound, Household],
  entities: [Volunteer, IdempotencyRecord],
  migrations,
  createLoaders: (em, community) => createVolunteersLoaders(em, community),
  references: {
    Volunteer: async ({ id }, ctx) => {
      const localId = tryLocalId(ctx.community, id, 'Volunteer');
      return localId === undefined ? null : ((await ctx.loaders.volunteer.load(localId)) ?? null);
    },
    Compound: (representation) => representation,
    Household: (representation) => representation,
    Community: ({ code }) => ({ code }),
  },
};
