import { forbidden, globalIdOf, localIdOf, notFound, rolesOf } from '@lilong/kit';
import { Arg, Authorized, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { canSeeHouseholdsOf, requireCommittee } from '../access';
import { Compound } from '../compound/compound.entity';
import type { GroupsContext } from '../loaders';
import { Household } from './household.entity';
import { RegisterHouseholdInput } from './household.inputs';
import { registerHousehold } from './household.service';

@Resolver(() => Household)
export class HouseholdResolver {
  @FieldResolver(() => ID)
  id(@Root() household: Household, @Ctx() ctx: GroupsContext): string {
    return globalIdOf(ctx.community, 'Household', household.localId);
  }

  @FieldResolver(() => String, { description: 'Building-unit-room, e.g. "12-3-402": how neighbours name a household.' })
  address(@Root() household: Household): string {
    return household.addressLabel;
  }

  @FieldResolver(() => Compound)
  async compound(@Root() household: Household, @Ctx() ctx: GroupsContext): Promise<Compound> {
    const compound = await ctx.loaders.compound.load(household.compound.localId);
    if (!compound) throw notFound('Compound', globalIdOf(ctx.community, 'Compound', household.compound.localId));
    return compound;
  }

  @Authorized()
  @Query(() => Household, { nullable: true, description: 'A household: visible to itself, its committee and its group leaders.' })
  @Directive('@routeBy(arg: "id")')
  async household(@Arg('id', () => ID) id: string, @Ctx() ctx: GroupsContext): Promise<Household | null> {
    const household = await ctx.loaders.household.load(localIdOf(ctx.community, id, 'Household'));
    if (!household) return null;
    const isSelf = rolesOf(ctx.claims, 'resident').some((r) => r.household === id);
    if (!isSelf && !(await canSeeHouseholdsOf(ctx, household.compound.localId))) {
      throw forbidden('a household is visible to itself, its committee and its group leaders', '住户信息仅本户、居委会和本小区团长可见');
    }
    return household;
  }

  @Mutation(() => Household, { description: 'Registers a household address in a compound (committee staff).' })
  @Directive('@routeBy(arg: "input.compoundId")')
  async registerHousehold(@Arg('input') input: RegisterHouseholdInput, @Ctx() ctx: GroupsContext): Promise<Household> {
    requireCommittee(ctx);
    return registerHousehold(ctx, input);
  }
}
