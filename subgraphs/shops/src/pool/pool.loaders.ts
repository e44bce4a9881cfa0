import DataLoader from 'dataloader';
import { loaderById } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Pool, PoolEntry, PoolStatus } from './pool.entity';
import type { PoolProgressView } from './pool.types';

/** Statuses in which a pool still takes group orders. */
const GATHERING = [PoolStatus.OPEN, PoolStatus.PROPOSED];

export function createPoolLoaders(em: EntityManager) {
  return {
    /** Live progress per pool, memoised for the request (see pool.resolver.ts). */
    poolProgress: new Map<number, Promise<PoolProgressView>>(),
    pool: loaderById(em, Pool),
    /** Each pool's entries in join order, with their change history (for live progress). */
    entriesByPool: new DataLoader<number, PoolEntry[]>(async (poolIds) => {
      const rows = await em.find(PoolEntry, { pool: { localId: { $in: [...poolIds] } } }, { populate: ['changes'], orderBy: { joinedAt: 'asc', localId: 'asc' } });
      return poolIds.map((id) => rows.filter((e) => e.pool.localId === id));
    }),
    /** The pool entry of each group order, if it joined one. */
    entryByOrder: new DataLoader<number, PoolEntry | undefined>(async (orderIds) => {
      const rows = await em.find(PoolEntry, { order: { localId: { $in: [...orderIds] } } });
      return orderIds.map((id) => rows.find((e) => e.order.localId === id));
    }),
    /** Each shop's pools taking orders (open or proposed), by deadline (closed ones are never loaded). */
    openPoolsByShop: new DataLoader<number, Pool[]>(async (shopIds) => {
      const rows = await em.find(Pool, { shop: { localId: { $in: [...shopIds] } }, status: { $in: GATHERING } }, { orderBy: { deadline: 'asc', localId: 'asc' } });
      return shopIds.map((id) => rows.filter((p) => p.shop.localId === id));
    }),
    openPools: new DataLoader<'all', Pool[]>(async (keys) => {
      const rows = await em.find(Pool, { status: { $in: GATHERING } }, { orderBy: { deadline: 'asc', localId: 'asc' } });
      return keys.map(() => rows);
    }),
  };
}

export type PoolLoaders = ReturnType<typeof createPoolLoaders>;
