import { globalIdOf, localIdOf } from '@lilong/kit';
import { Arg, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireCommittee } from '../access';
import { Community } from '../community/community.type';
import { Compound } from '../compound/compound.type';
import type { ShopsContext } from '../loaders';
import { Product } from '../product/product.entity';
import { Shop } from './shop.entity';
import { AddShopInput } from './shop.inputs';
import { addShop } from './shop.service';

@Resolver(() => Shop)
export class ShopResolver {
  @FieldResolver(() => ID)
  id(@Root() shop: Shop, @Ctx() ctx: ShopsContext): string {
    return globalIdOf(ctx.community, 'Shop', shop.localId);
  }

  @FieldResolver(() => Compound, { description: 'The compound the shop stands in (resolved by the groups subgraph).' })
  compound(@Root() shop: Shop): Pick<Compound, 'id'> {
    return { id: shop.compoundId };
  }

  @FieldResolver(() => Community)
  community(@Ctx() ctx: ShopsContext): Community {
    return { code: ctx.community };
  }

  @FieldResolver(() => [Product], { description: "The shop's products, by name." })
  products(@Root() shop: Shop, @Ctx() ctx: ShopsContext): Promise<Product[]> {
    return ctx.loaders.productsByShop.load(shop.localId);
  }

  @Query(() => Shop, { nullable: true })
  @Directive('@routeBy(arg: "id")')
  async shop(@Arg('id', () => ID) id: string, @Ctx() ctx: ShopsContext): Promise<Shop | null> {
    return (await ctx.loaders.shop.load(localIdOf(ctx.community, id, 'Shop'))) ?? null;
  }

  @Mutation(() => Shop, { description: 'Adds a shop standing in one of the community\'s compounds (committee staff).' })
  @Directive('@routeBy(arg: "input.compoundId")')
  addShop(@Arg('input') input: AddShopInput, @Ctx() ctx: ShopsContext): Promise<Shop> {
    requireCommittee(ctx);
    return addShop(ctx, input);
  }
}
