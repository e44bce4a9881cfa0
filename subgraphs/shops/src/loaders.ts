import DataLoader from 'dataloader';
import { loaderById, loaderByKey, loaderByParent, type SubgraphContext } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Product } from './product/product.entity';
import { Shop } from './shop/shop.entity';
import { StockChange } from './stock/stock-change.entity';
import { createOrderLoaders } from './order/order.loaders';
import { createPoolLoaders } from './pool/pool.loaders';
import { createReachLoader } from './reach/reach.service';

const BY_NAME = { name: 'asc', localId: 'asc' } as const;

export interface HistoryKey {
  productId: number;
  /** How many entries, newest first. */
  first: number;
}

export function createShopsLoaders(em: EntityManager) {
  const shop = loaderById(em, Shop);
  const product = loaderById(em, Product);
  return {
    ...createOrderLoaders(em),
    ...createPoolLoaders(em),
    shop,
    product,
    /** Households of each asked community that this node's group orders reached (Community.orderReach). */
    reachByCommunity: createReachLoader(em),
    productsByShop: loaderByParent(em, Product, 'shop', BY_NAME),
    /** Keyed by the compound's global ID (a text column, not a relation). */
    shopsByCompound: loaderByKey(em, Shop, 'compoundId', { orderBy: BY_NAME }),
    /**
     * Every shop of the community, by name, in one statement per request: for `Community.shops` and for the
     * distances of `Compound.nearbyShops`, which are computed in JS (a community has tens of shops, not thousands).
     */
    allShops: new DataLoader<'all', Shop[]>(async (keys) => {
      const rows = await em.find(Shop, {}, { orderBy: BY_NAME });
      for (const row of rows) shop.prime(row.localId, row);
      return keys.map(() => rows);
    }),
    /** The community's products whose available units are at or below their low-stock threshold, by shop then name. */
    lowStock: new DataLoader<'all', Product[]>(async (keys) => {
      const rows = await em
        .createQueryBuilder(Product, 'p')
        .select('p.*')
        .join('p.shop', 's')
        // reserved <= on_hand is a check constraint, so on_hand - reserved is `available` without the clamp at 0.
        .where('p.on_hand - p.reserved <= p.low_stock_threshold')
        .orderBy({ 's.name': 'asc', 's.id': 'asc', name: 'asc', localId: 'asc' })
        .getResultList();
      for (const row of rows) product.prime(row.localId, row);
      return keys.map(() => rows);
    }),
    /**
     * The newest `first` stock changes of each product: one statement per distinct `first` (in practice one per
     * request), each product reading only its own newest rows through the (product_id, at, id) index.
     */
    stockHistory: new DataLoader<HistoryKey, StockChange[], string>(
      async (keys) => {
        const byFirst = new Map<number, number[]>();
        for (const { productId, first } of keys) byFirst.set(first, [...(byFirst.get(first) ?? []), productId]);
        const found = new Map<string, StockChange[]>();
        for (const [first, productIds] of byFirst) {
          const ids = [...new Set(productIds)];
          const rows = await em.getConnection().execute<Record<string, unknown>[]>(
            `select sc.* from unnest(array[${ids.map(() => '?').join(', ')}]::int[]) with ordinality as wanted(id, ord)
             cross join lateral (
               select * from stock_change where product_id = wanted.id order by at desc, id desc limit ?
             ) sc
             order by wanted.ord, sc.at desc, sc.id desc`,
            [...ids, first],
          );
          for (const id of ids) found.set(historyKey({ productId: id, first }), []);
          for (const row of rows) found.get(historyKey({ productId: Number(row.product_id), first }))!.push(em.map(StockChange, row));
        }
        return keys.map((key) => found.get(historyKey(key)) ?? []);
      },
      { cacheKeyFn: historyKey },
    ),
  };
}

function historyKey({ productId, first }: HistoryKey): string {
  return `${productId}:${first}`;
}

export type ShopsLoaders = ReturnType<typeof createShopsLoaders>;
export type ShopsContext = SubgraphContext<ShopsLoaders>;
