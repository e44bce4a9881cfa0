import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Compound } from '../compound/compound.entity';
import { listCompounds } from '../compound/compound.service';
import { Group } from '../group/group.entity';
import type { GroupsContext } from '../loaders';
import { Community } from './community.type';

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
}
