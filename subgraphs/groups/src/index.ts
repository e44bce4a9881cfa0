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
import { Delegation } from './membership/delegation.entity';
import { HouseholdCode } from './membership/household-code.entity';
import { Membership } from './membership/membership.entity';
import { CommunityMembershipsResolver, DelegationResolver, HouseholdDelegationsResolver, MembershipResolver } from './membership/membership.resolver';
import { rolesFor } from './membership/roles';
import { placesOf } from './household/places';
import { migrations } from './migrations';
import { CommunityCoverageResolver, CompoundSurveyResolver } from './coverage/coverage.resolver';
import { CompoundSurvey } from './coverage/survey.entity';
import type { OrderReach } from './coverage/reach.types';

export { Compound, CompoundKind } from './compound/compound.entity';
export { Household, Tenure } from './household/household.entity';
export { Group } from './group/group.entity';
export { Membership, MembershipKind } from './membership/membership.entity';
export { Delegation, DelegationScopeEnum } from './membership/delegation.entity';
export { recordDelegation, recordMembership } from './membership/membership.service';
export { rolesFor } from './membership/roles';
export { placesOf } from './household/places';
export { CompoundSurvey } from './coverage/survey.entity';
export { surveyOf, writeCompoundSurvey } from './coverage/survey.service';
export { coverageOf, MAX_COVERAGE_DAYS, SURVEYED_KINDS } from './coverage/coverage.rules';

/**
 * The `groups` domain: the committee's records of the community: compounds, households (addresses), mutual-aid
 * groups, and who is what (memberships, delegations), from which the node derives every caller's roles.
 */
export const groupsSubgraph: SubgraphModule<GroupsLoaders> = {
  name: 'groups',
  resolvers: [CompoundResolver, HouseholdResolver, GroupResolver, CommunityResolver, MembershipResolver, DelegationResolver, HouseholdDelegationsResolver, CommunityMembershipsResolver, CommunityCoverageResolver, CompoundSurveyResolver],
  orphanedTypes: [Community],
  entities: [Compound, Household, Group, Membership, Delegation, HouseholdCode, CompoundSurvey, IdempotencyRecord],
  migrations,
  createLoaders: (em) => createGroupsLoaders(em),
  rolesFor: (em, community, identity) => rolesFor(em, community, identity),
  places: (em, community, ids) => placesOf(em, community, ids),
  references: {
    Compound: ({ id }, ctx) => load(ctx.loaders.compound, tryLocalId(ctx.community, id, 'Compound')),
    Household: ({ id }, ctx) => load(ctx.loaders.household, tryLocalId(ctx.community, id, 'Household')),
    Group: ({ id }, ctx) => load(ctx.loaders.group, tryLocalId(ctx.community, id, 'Group')),
    Delegation: ({ id }, ctx) => load(ctx.loaders.delegation, tryLocalId(ctx.community, id, 'Delegation')),
    // With Community.coverage asked for, the hub adds what the shops of every community answered (@requires).
    Community: ({ code, orderReach }) => ({ code, orderReach: (orderReach as OrderReach[] | null | undefined) ?? null }),
  },
};

async function load<T>(loader: { load(id: number): Promise<T | undefined> }, id: number | undefined): Promise<T | null> {
  return id === undefined ? null : ((await loader.load(id)) ?? null);
}
