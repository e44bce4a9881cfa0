import type { SubgraphModule } from '@lilong/kit';
import { tryLocalId } from '@lilong/kit';
import { CommunityResolver } from './community/community.resolver';
import { Community } from './community/community.type';
import { CompoundResolver } from './compound/compound.resolver';
import { Compound } from './compound/compound.type';
import { createShopsLoaders, type ShopsLoaders } from './loaders';
import { migrations } from './migrations';
import { Product } from './product/product.entity';
import { ProductResolver } from './product/product.resolver';
import { Shop } from './shop/shop.entity';
import { ShopResolver } from './shop/shop.resolver';

export { Shop, ShopKind } from './shop/shop.entity';
export { Product } from './product/product.entity';
export { haversineMeters } from './distance';

/** The `shops` domain: shops, their products and stock, and shops near a compound. */
export const shopsSubgraph: SubgraphModule<ShopsLoaders> = {
  name: 'shops',
  resolvers: [ShopResolver, ProductResolver, CompoundResolver, CommunityResolver],
  orphanedTypes: [Community, Compound],
  entities: [Shop, Product],
  migrations,
  createLoaders: (em) => createShopsLoaders(em),
  references: {
    Shop: ({ id }, ctx) => load(ctx.loaders.shop, tryLocalId(ctx.community, id, 'Shop')),
    Product: ({ id }, ctx) => load(ctx.loaders.product, tryLocalId(ctx.community, id, 'Product')),
    // Compounds of any community reach this node (Compound.nearbyShops fans out): the representation is enough.
    Compound: (representation) => representation,
    Community: ({ code }) => ({ code }),
  },
};

async function load<T>(loader: { load(id: number): Promise<T | undefined> }, id: number | undefined): Promise<T | null> {
  return id === undefined ? null : ((await loader.load(id)) ?? null);
}
