import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ShopsContext } from '../loaders';
import { Shop } from '../shop/shop.entity';
import { Community } from './community.type';

@Resolver(() => Community)
export class CommunityResolver {
  @FieldResolver(() => [Shop], { nullable: true, description: "The community's shops, by name. Null when the community is unavailable." })
  shops(@Root() community: Community, @Ctx() ctx: ShopsContext): Promise<Shop[]> | null {
    return community.code === ctx.community ? ctx.loaders.allShops.load('all') : null;
  }
}
