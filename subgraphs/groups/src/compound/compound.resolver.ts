import { badInput, globalIdOf, localIdOf } from '@lilong/kit';
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
    description: "The compound's households by address. Only its committee and its group leaders see them; null for others.",
  })
  async households(@Root() compound: Compound, @Ctx() ctx: GroupsContext): Promise<Household[] | null> {
    if (!(await canSeeHouseholdsOf(ctx, compound.localId))) return null;
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

  @Query(() => [Compound], { description: "A community's compounds, by name." })
  @Directive('@routeBy(arg: "community")')
  compounds(
    @Arg('community') community: string,
    @Arg('kind', () => CompoundKind, { nullable: true }) kind: CompoundKind | null,
    @Ctx() ctx: GroupsContext,
  ): Promise<Compound[]> {
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
