import { globalIdOf, localIdOf, notFound } from '@lilong/kit';
import { Arg, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Compound } from '../compound/compound.entity';
import type { GroupsContext } from '../loaders';
import { Group } from './group.entity';
import { CreateGroupInput } from './group.inputs';
import { createGroup } from './group.service';

@Resolver(() => Group)
export class GroupResolver {
  @FieldResolver(() => ID)
  id(@Root() group: Group, @Ctx() ctx: GroupsContext): string {
    return globalIdOf(ctx.community, 'Group', group.localId);
  }

  @FieldResolver(() => Compound)
  async compound(@Root() group: Group, @Ctx() ctx: GroupsContext): Promise<Compound> {
    const compound = await ctx.loaders.compound.load(group.compound.localId);
    if (!compound) throw notFound('Compound', globalIdOf(ctx.community, 'Compound', group.compound.localId));
    return compound;
  }

  @FieldResolver(() => String, { description: "The leader household's address (building-unit-room); never a name." })
  async leaderAddress(@Root() group: Group, @Ctx() ctx: GroupsContext): Promise<string> {
    const leader = await ctx.loaders.household.load(group.leader.localId);
    return leader?.addressLabel ?? '';
  }

  @FieldResolver(() => ID, { description: 'The leader household 团长, as an ID; its details follow household visibility.' })
  leaderHouseholdId(@Root() group: Group, @Ctx() ctx: GroupsContext): string {
    return globalIdOf(ctx.community, 'Household', group.leader.localId);
  }

  @Query(() => Group, { nullable: true })
  @Directive('@routeBy(arg: "id")')
  async group(@Arg('id', () => ID) id: string, @Ctx() ctx: GroupsContext): Promise<Group | null> {
    return (await ctx.loaders.group.load(localIdOf(ctx.community, id, 'Group'))) ?? null;
  }

  @Mutation(() => Group, { description: "Starts a compound's mutual-aid group with a leader household." })
  @Directive('@routeBy(arg: "input.compoundId")')
  createGroup(@Arg('input') input: CreateGroupInput, @Ctx() ctx: GroupsContext): Promise<Group> {
    return createGroup(ctx, input);
  }
}
