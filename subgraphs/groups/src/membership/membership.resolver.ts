import { forbidden, globalIdOf, isCommitteeOf, requireSignedIn, rolesOf } from '@lilong/kit';
import { badInput } from '@lilong/kit';
import { Arg, Ctx, Directive, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Community } from '../community/community.type';
import { Group } from '../group/group.entity';
import { Household } from '../household/household.entity';
import type { GroupsContext } from '../loaders';
import { Delegation } from './delegation.entity';
import {
  ClaimHouseholdInput,
  GrantDelegationInput,
  GrantMembershipInput,
  IssueHouseholdCodeInput,
  RevokeDelegationInput,
  RevokeMembershipInput,
} from './membership.inputs';
import { Membership, Person } from './membership.entity';
import { claimHousehold, grantDelegation, grantMembership, issueHouseholdCode, revokeDelegation, revokeMembership, type IssuedCode } from './membership.service';

@ObjectType({ description: 'A new one-time household code 住户认领码, shown once: print it on the door notice.' })
export class HouseholdCodeIssued {
  @Field(() => Household)
  household!: Household;

  @Field({ description: 'E.g. "K7QM-4XPD". Only its hash is kept; a new code replaces any unused one.' })
  code!: string;

  @Field()
  expiresAt!: Date;
}

@ObjectType({ description: "What the signed-in person is in one community, by that community's records." })
export class MyRoles {
  @Field()
  community!: string;

  @Field(() => Person, { description: 'Who the community sees: give these to the committee to be granted a role.' })
  person!: Person;

  @Field(() => [Membership])
  memberships!: Membership[];

  @Field(() => [Delegation], { description: 'Households this person may act for (代办), in force now.' })
  helperFor!: Delegation[];
}

const isActive = (m: Membership) => m.revokedAt === null;

@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => ID)
  id(@Root() m: Membership, @Ctx() ctx: GroupsContext): string {
    return globalIdOf(ctx.community, 'Membership', m.localId);
  }

  @FieldResolver(() => Person)
  person(@Root() m: Membership): Person {
    return { issuer: m.personIssuer, subject: m.personSubject };
  }

  @FieldResolver(() => Household, { nullable: true, description: 'RESIDENT: the household.' })
  household(@Root() m: Membership, @Ctx() ctx: GroupsContext): Promise<Household | undefined> | null {
    return m.household ? ctx.loaders.household.load(m.household.localId) : null;
  }

  @FieldResolver(() => Group, { nullable: true, description: 'LEADER, DEPUTY: the group.' })
  group(@Root() m: Membership, @Ctx() ctx: GroupsContext): Promise<Group | undefined> | null {
    return m.group ? ctx.loaders.group.load(m.group.localId) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'MERCHANT: the shop.' })
  shopId(@Root() m: Membership, @Ctx() ctx: GroupsContext): string | null {
    return m.kind === 'MERCHANT' && m.targetId !== null ? globalIdOf(ctx.community, 'Shop', m.targetId) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'VOLUNTEER: the volunteer record.' })
  volunteerId(@Root() m: Membership, @Ctx() ctx: GroupsContext): string | null {
    return m.kind === 'VOLUNTEER' && m.targetId !== null ? globalIdOf(ctx.community, 'Volunteer', m.targetId) : null;
  }

  @FieldResolver(() => Boolean)
  active(@Root() m: Membership): boolean {
    return isActive(m);
  }

  @Query(() => MyRoles, { description: "The signed-in person's roles in a community, from its records." })
  @Directive('@routeBy(arg: "community")')
  async myRoles(@Arg('community') community: string, @Ctx() ctx: GroupsContext): Promise<MyRoles> {
    requireSignedIn(ctx.claims);
    if (community !== ctx.community) throw badInput('community', `is not this community (${ctx.community}).`, `不是本社区（${ctx.community}）。`);
    const { issuer, subject } = ctx.claims.identity!;
    const now = new Date();
    const [memberships, delegations] = await Promise.all([
      ctx.em.find(Membership, { personIssuer: issuer, personSubject: subject, revokedAt: null }, { orderBy: { localId: 'asc' } }),
      ctx.em.find(Delegation, { helperIssuer: issuer, helperSubject: subject, revokedAt: null, validFrom: { $lte: now }, validUntil: { $gt: now } }, { orderBy: { localId: 'asc' } }),
    ]);
    return { community, person: { issuer, subject }, memberships, helperFor: delegations };
  }

  @Mutation(() => Membership, { description: 'Grants a person a role in a community (committee staff; a leader appoints deputies; a dispatcher links volunteers). Audited; granting an active membership again returns it.' })
  @Directive('@routeBy(arg: "input.community")')
  grantMembership(@Arg('input') input: GrantMembershipInput, @Ctx() ctx: GroupsContext): Promise<Membership> {
    return grantMembership(ctx, input);
  }

  @Mutation(() => Membership, { description: 'Revokes a membership at once (committee staff, the person themself, or for a deputy the group’s leader). The record stays, with who revoked it.' })
  @Directive('@routeBy(arg: "input.membershipId")')
  revokeMembership(@Arg('input') input: RevokeMembershipInput, @Ctx() ctx: GroupsContext): Promise<Membership> {
    return revokeMembership(ctx, input);
  }

  @Mutation(() => HouseholdCodeIssued, { description: 'Issues a one-time code for a household (committee staff), valid 30 days, to print on its door notice.' })
  @Directive('@routeBy(arg: "input.householdId")')
  issueHouseholdCode(@Arg('input') input: IssueHouseholdCodeInput, @Ctx() ctx: GroupsContext): Promise<IssuedCode> {
    return issueHouseholdCode(ctx, input);
  }

  @Mutation(() => Membership, { description: 'Links the signed-in person to the household whose one-time code they have (地址实名).' })
  @Directive('@routeBy(arg: "input.community")')
  claimHousehold(@Arg('input') input: ClaimHouseholdInput, @Ctx() ctx: GroupsContext): Promise<Membership> {
    return claimHousehold(ctx, input);
  }

  @Mutation(() => Delegation, { description: 'Records that a helper may act for a household (代办), with its consent, scopes and period (committee staff).' })
  @Directive('@routeBy(arg: "input.householdId")')
  grantDelegation(@Arg('input') input: GrantDelegationInput, @Ctx() ctx: GroupsContext): Promise<Delegation> {
    return grantDelegation(ctx, input);
  }

  @Mutation(() => Delegation, { description: 'Stops a delegation at once (committee staff, or the household itself).' })
  @Directive('@routeBy(arg: "input.delegationId")')
  revokeDelegation(@Arg('input') input: RevokeDelegationInput, @Ctx() ctx: GroupsContext): Promise<Delegation> {
    return revokeDelegation(ctx, input);
  }
}

@Resolver(() => Delegation)
export class DelegationResolver {
  @FieldResolver(() => ID)
  id(@Root() d: Delegation, @Ctx() ctx: GroupsContext): string {
    return globalIdOf(ctx.community, 'Delegation', d.localId);
  }

  @FieldResolver(() => Household)
  household(@Root() d: Delegation, @Ctx() ctx: GroupsContext): Promise<Household | undefined> {
    return ctx.loaders.household.load(d.household.localId);
  }

  @FieldResolver(() => Person)
  helper(@Root() d: Delegation): Person {
    return { issuer: d.helperIssuer, subject: d.helperSubject };
  }

  @FieldResolver(() => Boolean, { description: 'In force now: not revoked and within its period.' })
  active(@Root() d: Delegation): boolean {
    return d.isActive(new Date());
  }
}

/** Who may see a household's delegations: its own residents and the committee. */
function requireHouseholdOrCommittee(ctx: GroupsContext, householdId: string): void {
  requireSignedIn(ctx.claims);
  if (isCommitteeOf(ctx.claims, ctx.community)) return;
  if (rolesOf(ctx.claims, 'resident').some((r) => r.household === householdId)) return;
  throw forbidden('who may act for a household is visible to the household and its committee', '代办授权仅本户和居委会可见');
}

@Resolver(() => Household)
export class HouseholdDelegationsResolver {
  @FieldResolver(() => [Delegation], { description: 'Who may act for this household (代办), revoked ones included: visible to the household and its committee.' })
  delegations(@Root() household: Household, @Ctx() ctx: GroupsContext): Promise<Delegation[]> {
    requireHouseholdOrCommittee(ctx, globalIdOf(ctx.community, 'Household', household.localId));
    return ctx.em.find(Delegation, { household: { localId: household.localId } }, { orderBy: { localId: 'asc' } });
  }
}

function requireCommitteeHere(ctx: GroupsContext): void {
  requireSignedIn(ctx.claims);
  if (!isCommitteeOf(ctx.claims, ctx.community)) throw forbidden("a community's roles are visible to its committee", '社区的身份登记仅本社区居委会可见');
}

@Resolver(() => Community)
export class CommunityMembershipsResolver {
  @FieldResolver(() => [Membership], { nullable: true, description: "Every role granted in the community, revoked ones too, newest first (committee staff). Null for a community that is unavailable." })
  async memberships(@Root() community: Community, @Ctx() ctx: GroupsContext): Promise<Membership[] | null> {
    if (community.code !== ctx.community) return null;
    requireCommitteeHere(ctx);
    return ctx.em.find(Membership, {}, { orderBy: { localId: 'desc' }, limit: 1000 });
  }

  @FieldResolver(() => [Delegation], { nullable: true, description: 'Every delegation (代办) recorded in the community, newest first (committee staff).' })
  async delegations(@Root() community: Community, @Ctx() ctx: GroupsContext): Promise<Delegation[] | null> {
    if (community.code !== ctx.community) return null;
    requireCommitteeHere(ctx);
    return ctx.em.find(Delegation, {}, { orderBy: { localId: 'desc' }, limit: 1000 });
  }
}
