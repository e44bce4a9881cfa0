import { COMMUNITIES_ARG_DESCRIPTION, globalIdOf, inScope, localIdOf } from '@lilong/kit';
import { Arg, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isDispatchOf, isVolunteerSelf, requireDispatch, requireSelfOrDispatch } from '../access';
import { Community } from '../community/community.type';
import { Compound } from '../compound/compound.type';
import { Household } from '../household/household.type';
import type { VolunteersContext } from '../loaders';
import { Skill } from './skill';
import { Volunteer } from './volunteer.entity';
import { RegisterVolunteerInput, SetAvailabilityInput } from './volunteer.inputs';
import { findAvailable, registerVolunteer, setAvailability } from './volunteer.service';

@Resolver(() => Volunteer)
export class VolunteerResolver {
  @FieldResolver(() => ID)
  id(@Root() volunteer: Volunteer, @Ctx() ctx: VolunteersContext): string {
    return globalIdOf(ctx.community, 'Volunteer', volunteer.localId);
  }

  @FieldResolver(() => Compound, { description: 'The compound they live in.' })
  compound(@Root() volunteer: Volunteer): Compound {
    return { id: volunteer.compoundId };
  }

  @FieldResolver(() => Community)
  community(@Ctx() ctx: VolunteersContext): Community {
    return { code: ctx.community };
  }

  @FieldResolver(() => Household, {
    nullable: true,
    description: 'Their household. Only they and dispatch of their community see it; null for everyone else.',
  })
  home(@Root() volunteer: Volunteer, @Ctx() ctx: VolunteersContext): Household | null {
    if (volunteer.homeHouseholdId === null) return null;
    if (!isVolunteerSelf(ctx, volunteer.localId) && !isDispatchOf(ctx)) return null;
    return { id: volunteer.homeHouseholdId };
  }

  @Query(() => Volunteer, { nullable: true })
  @Directive('@routeBy(arg: "id")')
  async volunteer(@Arg('id', () => ID) id: string, @Ctx() ctx: VolunteersContext): Promise<Volunteer | null> {
    return (await ctx.loaders.volunteer.load(localIdOf(ctx.community, id, 'Volunteer'))) ?? null;
  }

  @Query(() => [Volunteer], { description: 'Available volunteers across the sub-district, most seats first, then the least busy.' })
  @Directive('@fanout(sortBy: "vehicleSeats", order: "DESC", limitArg: "first", communitiesArg: "communities")')
  availableVolunteers(
    @Arg('skill', () => Skill, { nullable: true }) skill: Skill | null,
    @Arg('minSeats', () => Int, { defaultValue: 0 }) minSeats: number,
    @Arg('first', () => Int, { defaultValue: 20, description: '1-100.' }) first: number,
    @Arg('communities', () => [String], { nullable: true, description: COMMUNITIES_ARG_DESCRIPTION }) communities: string[] | null,
    @Ctx() ctx: VolunteersContext,
  ): Promise<Volunteer[]> {
    if (!inScope(ctx.community, communities)) return Promise.resolve([]);
    return findAvailable(ctx, { skill, minSeats, first });
  }

  @Mutation(() => Volunteer, { description: 'Registers a volunteer of the community (dispatchers and committee staff).' })
  @Directive('@routeBy(arg: "input.compoundId")')
  registerVolunteer(@Arg('input') input: RegisterVolunteerInput, @Ctx() ctx: VolunteersContext): Promise<Volunteer> {
    requireDispatch(ctx);
    return registerVolunteer(ctx, input);
  }

  @Mutation(() => Volunteer, { description: 'Declares a volunteer available or not, optionally in another zone (themself or dispatch).' })
  @Directive('@routeBy(arg: "input.volunteerId")')
  setAvailability(@Arg('input') input: SetAvailabilityInput, @Ctx() ctx: VolunteersContext): Promise<Volunteer> {
    requireSelfOrDispatch(ctx, input.volunteerId);
    return setAvailability(ctx, input);
  }
}
