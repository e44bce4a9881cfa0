import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Compound } from '../compound/compound.entity';
import { listCompounds } from '../compound/compound.service';
import { Group } from '../group/group.entity';
import type { GroupsContext } from '../loaders';
import { Community } from './community.type';
import { CallerRole, callerRoles } from './my-roles';

@Resolver(() => Community)
export class CommunityResolver {
  @FieldResolver(() => [Compound], { nullable: true, description: "The community's compounds, by name. Null when the community is unavailable." })
  compounds(@Root() community: Community, @Ctx() ctx: GroupsContext): Promise<Compound[]> | null {
    return community.code === ctx.community ? listCompounds(ctx) : null;
  }

  @FieldResolver(() => [Group], { nullable: true, description: "The community's mutual-aid groups." })
  groups(@Root() community: Community, @Ctx() ctx: GroupsContext): Promise<Group[]> | null {
    return community.code === ctx.community ? ctx.em.find(Group, {}, { orderBy: { localId: 'asc' } }) : null;
  }

  @FieldResolver(() => [CallerRole], {
    nullable: true,
    description:
      "The signed-in person's roles in this community: from its records (memberships, delegations) and the hub's grants (sub-district staff, partner apps). Empty when signed out or holding none. Null when the community is unavailable.",
  })
  myRoles(@Root() community: Community, @Ctx() ctx: GroupsContext): CallerRole[] | null {
    return community.code === ctx.community ? callerRoles(ctx.claims, ctx.community) : null;
  }
}
