import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, forbidden, idempotent, localIdOf, notFound, requireInt, requireSignedIn, rolesOf, type Claims } from '@lilong/kit';
import { lilongError } from '@lilong/schema';
import type { ShopsContext } from '../loaders';
import { GroupOrder, GroupOrderItem, SignUp } from '../order/order.entity';
import { GroupOrderStatus } from '../order/order.enums';
import { checkDeadline } from '../order/order.rules';
import { lockOrder } from '../order/order.service';
import { lockProducts, release, reserve } from '../order/reservation';
import { Product } from '../product/product.entity';
import { allocatePool, shareAmongHouseholds, type PoolEntryInput } from './allocation';
import { Pool, PoolEntry, PoolEntryChange, PoolStatus } from './pool.entity';
import type { JoinPoolInput, OpenPoolInput, PoolActionInput } from './pool.inputs';

const poolLabel = (community: string, pool: Pool) => `${community}:Pool:${pool.localId}`;

function poolClosed(pool: Pool, community: string) {
  const why = pool.status === PoolStatus.OPEN ? `its deadline ${pool.deadline.toISOString()} has passed` : `it is ${pool.status}`;
  return lilongError(
    'ORDER_CLOSED',
    { en: `Pool ${poolLabel(community, pool)} takes no more changes: ${why}.`, zh: `拼单 ${poolLabel(community, pool)} 已不能再修改（${pool.status === PoolStatus.OPEN ? '已过截止时间' : `状态为 ${pool.status}`}）。` },
    { status: pool.status },
  );
}

async function lockPool(em: EntityManager, community: string, poolId: string): Promise<Pool> {
  const localId = localIdOf(community, poolId, 'Pool', 'input.poolId');
  const pool = await em.findOne(Pool, { localId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!pool) throw notFound('Pool', poolId);
  return pool;
}

/** A merchant opens a pool for their product; so may any group leader who wants to gather other compounds. */
export async function openPool(ctx: ShopsContext, input: OpenPoolInput): Promise<Pool> {
  requireSignedIn(ctx.claims);
  const productId = localIdOf(ctx.community, input.productId, 'Product', 'input.productId');
  requireInt(input.minimumPacks, 'input.minimumPacks', 1, 10_000);
  checkDeadline(input.deadline);
  return idempotent(ctx.em, ctx.claims, input.idempotencyKey, 'openPool', input, Pool, async (em) => {
    const product = await em.findOne(Product, { localId: productId }, { populate: ['shop'] });
    if (!product) throw notFound('Product', input.productId);
    const shopId = `${ctx.community}:Shop:${product.shop.localId}`;
    const isMerchant = rolesOf(ctx.claims, 'merchant').some((r) => r.shop === shopId);
    if (!isMerchant && rolesOf(ctx.claims, 'leader').length === 0) {
      throw forbidden('a pool is opened by the shop’s merchant or by a group leader', '拼单须由本店商户或团长发起');
    }
    return em.create(Pool, {
      shop: product.shop,
      product,
      packSize: product.packSize,
      minimumPacks: input.minimumPacks,
      deadline: input.deadline,
      openedBy: ctx.claims.sub,
    });
  });
}

function leaderOf(claims: Claims, order: GroupOrder): void {
  requireSignedIn(claims);
  if (!rolesOf(claims, 'leader').some((r) => r.group === order.groupId)) {
    throw forbidden(`only the leader of ${order.groupId} joins pools for its orders`, '只有本团团长可以为团购拼单');
  }
}

/**
 * A leader puts a group order into a pool, or changes its quantity or tolerance. Every change is kept with its
 * time: raised units queue at the time of the change, a lowered quantity gives up its latest units first.
 * The order's own reservations are released: the pool reserves whole packs when it closes.
 */
export async function joinPool(ctx: ShopsContext, input: JoinPoolInput): Promise<Pool> {
  requireInt(input.quantity, 'input.quantity', 0, 100_000);
  return idempotent(ctx.em, ctx.claims, input.idempotencyKey, 'joinPool', input, Pool, async (em) => {
    const pool = await lockPool(em, ctx.community, input.poolId);
    if (pool.status !== PoolStatus.OPEN || pool.deadline.getTime() <= Date.now()) throw poolClosed(pool, ctx.community);
    const order = await lockOrder(em, ctx.community, input.orderId);
    leaderOf(ctx.claims, order);
    requireInt(input.tolerance, 'input.tolerance', 0, pool.packSize - 1);
    if (order.shop.localId !== pool.shop.localId) {
      throw badInput('input.orderId', 'is a group order with another shop than the pool’s.', '该团购不在本拼单的商户。');
    }
    const items = await em.find(GroupOrderItem, { order });
    if (items.length !== 1 || items[0]!.product.localId !== pool.product.localId) {
      throw badInput('input.orderId', 'must offer exactly the pooled product, and nothing else.', '须只包含本拼单的商品。');
    }
    let entry = await em.findOne(PoolEntry, { pool, order });
    if (!entry) {
      if (order.status !== GroupOrderStatus.OPEN) {
        throw lilongError('ORDER_CLOSED', { en: `The group order is ${order.status}; only an open order joins a pool.`, zh: `该团购状态为 ${order.status}，只有接龙中的团购可以拼单。` });
      }
      const elsewhere = await em.findOne(PoolEntry, { order });
      if (elsewhere) throw badInput('input.orderId', 'is already in another pool.', '已在另一个拼单中。');
      entry = em.create(PoolEntry, { pool, order, quantity: input.quantity, tolerance: input.tolerance, joinedAt: new Date() });
      // From now on the pool decides: release what the order's sign-ups held on the shelf.
      order.status = GroupOrderStatus.POOLED;
      const signUps = await em.find(SignUp, { order, withdrawnAt: null }, { populate: ['lines'] });
      const lines = signUps.flatMap((s) => s.lines.getItems()).filter((l) => l.reserved > 0);
      const products = await lockProducts(em, lines.map((l) => l.product.localId));
      for (const line of lines) {
        release(em, products.get(line.product.localId)!, line.reserved, ctx.claims.sub, `group order ${order.localId} joined ${poolLabel(ctx.community, pool)}`);
        line.reserved = 0;
      }
    } else {
      entry.quantity = input.quantity;
      entry.tolerance = input.tolerance;
    }
    em.create(PoolEntryChange, { entry, at: new Date(), quantity: input.quantity, tolerance: input.tolerance });
    return pool;
  });
}

/** An entry as the allocation sees it: its change history in time order (its changes must be loaded). */
export function toEntryInput(entry: PoolEntry, label = String(entry.localId)): PoolEntryInput {
  return {
    id: String(entry.localId),
    label,
    changes: entry.changes
      .getItems()
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.localId - b.localId)
      .map((c) => ({ at: c.at, quantity: c.quantity, tolerance: c.tolerance })),
  };
}

/** The allocation input: each entry with its change history, in join order. */
export async function allocationInput(em: EntityManager, pool: Pool): Promise<{ entries: PoolEntry[]; inputs: PoolEntryInput[] }> {
  const entries = await em.find(PoolEntry, { pool }, { populate: ['changes', 'order'], orderBy: { joinedAt: 'asc', localId: 'asc' } });
  return { entries, inputs: entries.map((entry) => toEntryInput(entry, entry.order.title)) };
}

/**
 * Closes a pool: rounds to whole packs within the stock on hand, allocates first-come (quantities before
 * tolerances), reserves the packs, shares each group order's units among its households in sign-up order, and
 * forms or fails every order in it. The caller holds the pool's row lock, so this happens exactly once.
 */
export async function decidePool(em: EntityManager, community: string, pool: Pool, actor: string, now = new Date()): Promise<void> {
  if (pool.status !== PoolStatus.OPEN) return;
  const [product] = [...(await lockProducts(em, [pool.product.localId])).values()];
  const { entries, inputs } = await allocationInput(em, pool);
  const allocation = allocatePool({ packSize: pool.packSize, minimumPacks: pool.minimumPacks, maxUnits: product!.available }, inputs);
  pool.closedAt = now;
  pool.packs = allocation.packs;
  pool.unitsOrdered = allocation.unitsOrdered;
  pool.status = allocation.formed ? PoolStatus.FORMED : PoolStatus.FAILED;
  pool.statusReason = allocation.formed ? null : (allocation.reason ?? null);
  if (allocation.formed) reserve(em, product!, allocation.unitsOrdered, actor, `${poolLabel(community, pool)} formed: ${allocation.packs} packs`);
  for (const [i, entry] of entries.entries()) {
    const result = allocation.entries[i]!;
    entry.allocated = result.allocated;
    entry.explanation = result.explanation;
    const order = entry.order;
    const signUps = await em.find(SignUp, { order, withdrawnAt: null }, { populate: ['lines'], orderBy: { createdAt: 'asc', localId: 'asc' } });
    const lines = signUps.map((s) => s.lines.getItems().find((l) => l.product.localId === pool.product.localId)).filter((l) => l !== undefined);
    const shares = shareAmongHouseholds(
      result.allocated,
      lines.map((line) => ({ id: String(line.localId), quantity: line.quantity, signedUpAt: line.signUp.createdAt })),
    );
    lines.forEach((line, j) => {
      line.allocated = shares[j]!.allocated;
      line.explanation = shares[j]!.explanation;
    });
    order.closedAt = now;
    if (result.allocated > 0) {
      order.status = GroupOrderStatus.FORMED;
      order.statusReason = null;
    } else {
      order.status = GroupOrderStatus.FAILED;
      order.statusReason = allocation.formed ? result.explanation.message : (allocation.reason ?? result.explanation.message);
    }
  }
}

export async function closePool(ctx: ShopsContext, input: PoolActionInput): Promise<Pool> {
  return idempotent(ctx.em, ctx.claims, input.idempotencyKey, 'closePool', input, Pool, async (em) => {
    const pool = await lockPool(em, ctx.community, input.poolId);
    requireSignedIn(ctx.claims);
    const shopId = `${ctx.community}:Shop:${pool.shop.localId}`;
    if (!rolesOf(ctx.claims, 'merchant').some((r) => r.shop === shopId)) {
      throw forbidden('only the shop’s merchant closes a pool early', '只有本店商户可以提前结束拼单');
    }
    if (pool.status !== PoolStatus.OPEN) throw poolClosed(pool, ctx.community);
    await decidePool(em, ctx.community, pool, ctx.claims.sub);
    return pool;
  });
}

/** Closes every open pool whose deadline passed, exactly once each (see `closeDueGroupOrders`). */
export function closeDuePools(community: string) {
  return async function closeDuePools(em: EntityManager, now: Date): Promise<number> {
    let closed = 0;
    for (;;) {
      const batch = await em.fork().transactional(async (tem) => {
        const due = await tem.find(
          Pool,
          { status: PoolStatus.OPEN, deadline: { $lte: now } },
          { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, orderBy: { deadline: 'asc', localId: 'asc' }, limit: 10 },
        );
        for (const pool of due) await decidePool(tem as EntityManager, community, pool, 'lilong-scheduler', now);
        return due.length;
      });
      closed += batch;
      if (batch < 10) return closed;
    }
  };
}
