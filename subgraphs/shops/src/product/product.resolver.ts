import { globalIdOf, localIdOf, notFound } from '@lilong/kit';
import { Arg, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ShopsContext } from '../loaders';
import { Shop } from '../shop/shop.entity';
import { Product } from './product.entity';
import { AddProductInput, UpdateProductInput } from './product.inputs';
import { addProduct, updateProduct } from './product.service';
import { Stock, stockOf } from './stock.type';

@Resolver(() => Product)
export class ProductResolver {
  @FieldResolver(() => ID)
  id(@Root() product: Product, @Ctx() ctx: ShopsContext): string {
    return globalIdOf(ctx.community, 'Product', product.localId);
  }

  @FieldResolver(() => Shop)
  async shop(@Root() product: Product, @Ctx() ctx: ShopsContext): Promise<Shop> {
    const shop = await ctx.loaders.shop.load(product.shop.localId);
    if (!shop) throw notFound('Shop', globalIdOf(ctx.community, 'Shop', product.shop.localId));
    return shop;
  }

  @FieldResolver(() => Stock)
  stock(@Root() product: Product): Stock {
    return stockOf(product);
  }

  @Query(() => Product, { nullable: true })
  @Directive('@routeBy(arg: "id")')
  async product(@Arg('id', () => ID) id: string, @Ctx() ctx: ShopsContext): Promise<Product | null> {
    return (await ctx.loaders.product.load(localIdOf(ctx.community, id, 'Product'))) ?? null;
  }

  @Mutation(() => Product, { description: "Adds a product to a shop's shelf (the shop's merchant)." })
  @Directive('@routeBy(arg: "input.shopId")')
  addProduct(@Arg('input') input: AddProductInput, @Ctx() ctx: ShopsContext): Promise<Product> {
    return addProduct(ctx, input);
  }

  @Mutation(() => Product, {
    description: "Changes a product's name, unit, price, pack size, household limit or low-stock threshold (the shop's merchant); fields left out stay as they are. Stock changes go through setStock, adjustStock, updateStock and importStockCsv.",
  })
  @Directive('@routeBy(arg: "input.productId")')
  updateProduct(@Arg('input') input: UpdateProductInput, @Ctx() ctx: ShopsContext): Promise<Product> {
    return updateProduct(ctx, input);
  }
}
