import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Community } from '../community/community.type';
import type { ShopsContext } from '../loaders';
import { Product } from '../product/product.entity';

@Resolver(() => Community)
export class LowStockResolver {
  @FieldResolver(() => [Product], {
    nullable: true,
    description:
      "The community's products that are running out (Stock.low: available <= lowStockThreshold), by shop then product name. Null when the community is unavailable.",
  })
  lowStock(@Root() community: Community, @Ctx() ctx: ShopsContext): Promise<Product[]> | null {
    return community.code === ctx.community ? ctx.loaders.lowStock.load('all') : null;
  }
}
