import { watchesOver } from '@lilong/kit';
import { Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import { Community } from '../community/community.type';
import type { ShopsContext } from '../loaders';
import { OrderReach } from './reach.types';

@Resolver(() => Community)
export class CommunityReachResolver {
  /**
   * Asked of every community (`@fanout`): each answers with one entry, its own group orders' reach of the asked
   * community's households. Only for those who watch over that community (kit's `watchesOver`); for anyone else
   * null, never an error: the field is the hub's, and the report that requires it refuses with the coded error.
   */
  @FieldResolver(() => [OrderReach], {
    nullable: true,
    description: "Households of this community reached by group orders, as each community's shops saw them (internal to the hub, for Community.coverage).",
  })
  @Directive('@fanout')
  @Directive('@inaccessible')
  async orderReach(@Root() community: Community, @Ctx() ctx: ShopsContext): Promise<OrderReach[] | null> {
    if (!watchesOver(ctx.claims, community.code)) return null;
    const { since, households } = await ctx.loaders.reachByCommunity.load(community.code);
    return [{ community: ctx.community, since, households }];
  }
}
