import { badInput, forbidden, globalIdOf, localIdOf } from '@lilong/kit';
import { Arg, Authorized, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { canSeeHouseholdsOf, requireCommittee } from '../access';
import { Community } from '../community/community.type';
import { Group } from '../group/group.entity';
import { Household } from '../household/household.entity';
import type { GroupsContext } from '../loaders';
import { Compound, CompoundKind } from './compound.entity';
import { AddCompoundInput } from './compound.inputs';
import { addCompound, listCompounds } from './compound.service';

@Resolver(() => Compound)
export class CompoundResolver {
  @FieldResolver(() => ID)
  id(@Root() compound: Compound, @Ctx() ctx: GroupsContext): string {
    return globalIdOf(ctx.community, 'Compound', compound.localId);
  }

  @FieldResolver(() => Community)
  community(@Ctx() ctx: GroupsContext): Community {
    return { code: ctx.community };
  }

  @FieldResolver(() => Int, { description: 'Number of registered households; visible to everyone, unlike their addresses.' })
  householdCount(@Root() compound: Compound, @Ctx() ctx: GroupsContext): Promise<number> {
    return ctx.loaders.householdCountByCompound.load(compound.localId);
  }

  @Authorized()
  @FieldResolver(() => [Household], {
    nullable: true,
    description: "The compound's households by address. Only its committee and its group leaders see them; others get FORBIDDEN.",
  })
  async households(@Root() compound: Compound, @Ctx() ctx: GroupsContext): Promise<Household[]> {
    if (!(await canSeeHouseholdsOf(ctx, compound.localId))) {
      throw forbidden("a compound's households are visible to its committee and its group leaders", '小区住户名单仅居委会和本小区团长可见');
    }
    return ctx.loaders.householdsByCompound.load(compound.localId);
  }

  @FieldResolver(() => [Group])
  groups(@Root() compound: Compound, @Ctx() ctx: GroupsContext): Promise<Group[]> {
    return ctx.loaders.groupsByCompound.load(compound.localId);
  }

  @Query(() => Compound, { nullable: true })
  @Directive('@routeBy(arg: "id")')
  async compound(@Arg('id', () => ID) id: string, @Ctx() ctx: GroupsContext): Promise<Compound | null> {
    return (await ctx.loaders.compound.load(localIdOf(ctx.community, id, 'Compound'))) ?? null;
  }

  @Query(() => [Compound], { nullable: true, description: "A community's compounds, by name; null when the community is unavailable." })
  @Directive('@routeBy(arg: "community")')
  compounds(
    @Arg('community') community: string,
    @Arg('kind', () => CompoundKind, { nullable: true }) kind: CompoundKind | null,
    @Ctx() ctx: GroupsContext,
  ): Promise<Compound[] | null> {
    if (community !== ctx.community) throw badInput('community', 'names another community.', '指向其他社区。');
    return listCompounds(ctx, kind);
  }

  @Mutation(() => Compound, { description: "Adds a compound to a community's directory (committee staff)." })
  @Directive('@routeBy(arg: "input.community")')
  async addCompound(@Arg('input') input: AddCompoundInput, @Ctx() ctx: GroupsContext): Promise<Compound> {
    requireCommittee(ctx);
    return addCompound(ctx, input);
  }
}
