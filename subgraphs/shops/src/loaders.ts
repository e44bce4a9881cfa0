import DataLoader from 'dataloader';
import { loaderById, loaderByParent, type SubgraphContext } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Product } from './product/product.entity';
import { Shop } from './shop/shop.entity';

const BY_NAME = { name: 'asc', localId: 'asc' } as const;

export function createShopsLoaders(em: EntityManager) {
  const shop = loaderById(em, Shop);
  return {
    shop,
    product: loaderById(em, Product),
    productsByShop: loaderByParent(em, Product, 'shop', BY_NAME),
    /** Keyed by the compound's global ID (a text column, not a relation). */
    shopsByCompound: new DataLoader<string, Shop[]>(async (compoundIds) => {
      const rows = await em.find(Shop, { compoundId: { $in: [...compoundIds] } }, { orderBy: BY_NAME });
      return compoundIds.map((id) => rows.filter((row) => row.compoundId === id));
    }),
    /**
     * Every shop of the community, by name, in one statement per request: for `Community.shops` and for the
     * distances of `Compound.nearbyShops`, which are computed in JS (a community has tens of shops, not thousands).
     */
    allShops: new DataLoader<'all', Shop[]>(async (keys) => {
      const rows = await em.find(Shop, {}, { orderBy: BY_NAME });
      for (const row of rows) shop.prime(row.localId, row);
      return keys.map(() => rows);
    }),
  };
}

export type ShopsLoaders = ReturnType<typeof createShopsLoaders>;
export type ShopsContext = SubgraphContext<ShopsLoaders>;
