import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { globalIdOf, type NewsItem, type NewsPeriod } from '@lilong/kit';
import { GroupOrder } from './order/order.entity';
import { GroupOrderStatus } from './order/order.enums';
import { Pool, PoolEntry, PoolStatus } from './pool/pool.entity';
import { Product } from './product/product.entity';

/**
 * What the shops domain tells an information officer's digest about a period:
 * - GROUP_ORDER_FORMED / GROUP_ORDER_FAILED: group orders at this community's shops decided (`closedAt`) in the
 *   period, by how they were decided (an order formed and already confirmed or handed over still counts as formed);
 * - POOL_NEAR_MINIMUM: accepted pools still open whose signed-up units, in whole packs, are short of the minimum by
 *   one pack or less, or have reached 80% of it (tolerances and orders below their own minimum left aside: a hint,
 *   not the pool's verdict);
 * - LOW_STOCK: products with LOW_STOCK_NEWS_UNITS or fewer units available (or at or below the merchant's own
 *   low-stock threshold), fewest first, at most NEWS_LIMIT.
 * States (pools, stock) are as seen at the end of the period. Texts are short Chinese lines; no household appears.
 */
export const LOW_STOCK_NEWS_UNITS = 5;
/** Share of a pool's minimum (in packs) from which it is "close". */
export const POOL_NEAR_SHARE = 0.8;
/** At most this many items of each kind. */
export const NEWS_LIMIT = 20;

const FORMED = new Set([GroupOrderStatus.FORMED, GroupOrderStatus.CONFIRMED, GroupOrderStatus.HANDED_OVER]);

export async function shopsNews(em: EntityManager, community: string, period: NewsPeriod): Promise<NewsItem[]> {
  const [orders, pools, products] = await Promise.all([
    em.fork().find(
      GroupOrder,
      { closedAt: { $gt: period.from, $lte: period.to }, status: { $nin: [GroupOrderStatus.OPEN, GroupOrderStatus.POOLED] } },
      { populate: ['shop'], orderBy: { closedAt: 'asc', localId: 'asc' }, limit: NEWS_LIMIT * 2 },
    ),
    em.fork().find(Pool, { status: PoolStatus.OPEN }, { populate: ['shop', 'product'], orderBy: { deadline: 'asc' }, limit: 200 }),
    em
      .fork()
      .createQueryBuilder(Product, 'p')
      .select('*')
      .where(`p.on_hand - p.reserved <= greatest(?, p.low_stock_threshold)`, [LOW_STOCK_NEWS_UNITS])
      .orderBy({ [raw('p.on_hand - p.reserved')]: 'asc', localId: 'asc' })
      .limit(NEWS_LIMIT)
      .getResultList(),
  ]);
  const items: NewsItem[] = [];
  for (const order of orders) {
    const formed = FORMED.has(order.status);
    items.push({
      kind: formed ? 'GROUP_ORDER_FORMED' : 'GROUP_ORDER_FAILED',
      at: order.closedAt!,
      text: `团购「${order.title}」（${order.shop.name}）${formed ? '已成团' : '未成团'}`,
      ref: globalIdOf(community, 'GroupOrder', order.localId),
    });
  }
  const units = await unitsByPool(em, pools.map((p) => p.localId));
  for (const pool of pools) {
    const packs = Math.floor((units.get(pool.localId) ?? 0) / pool.packSize);
    const missing = pool.minimumPacks - packs;
    if (missing <= 0 || !(missing <= 1 || packs >= POOL_NEAR_SHARE * pool.minimumPacks)) continue;
    items.push({
      kind: 'POOL_NEAR_MINIMUM',
      at: period.to,
      text: `${pool.shop.name}「${pool.product.name}」拼单还差 ${missing} 包成团`,
      ref: globalIdOf(community, 'Pool', pool.localId),
    });
  }
  if (products.length > 0) await em.populate(products, ['shop']);
  for (const product of products) {
    const left = product.available;
    items.push({
      kind: 'LOW_STOCK',
      at: period.to,
      text: left === 0 ? `${product.shop.name}「${product.name}」已售罄` : `${product.shop.name}「${product.name}」库存紧张，仅剩 ${left}${product.unit}`,
      ref: globalIdOf(community, 'Product', product.localId),
    });
  }
  return items;
}

/** Units signed up in each pool, all its entries together, in one statement. */
async function unitsByPool(em: EntityManager, poolIds: number[]): Promise<Map<number, number>> {
  if (poolIds.length === 0) return new Map();
  const rows = (await em
    .createQueryBuilder(PoolEntry, 'e')
    .select(['e.pool_id', raw('sum(e.quantity) as units')])
    .where({ pool: { $in: poolIds } })
    .groupBy('e.pool_id')
    .execute('all', false)) as unknown as { pool_id: number; units: string | number }[];
  return new Map(rows.map((r) => [Number(r.pool_id), Number(r.units)]));
}
