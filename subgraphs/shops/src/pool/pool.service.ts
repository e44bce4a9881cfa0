import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, forbidden, globalIdOf, idempotent, localIdOf, notFound, requireInt, requireSignedIn, requireText, rolesOf, type Claims, SCHEDULER_ACTOR } from '@lilong/kit';
import { lilongError, type BilingualMessage } from '@lilong/schema';
import { requireMerchantOf } from '../access';
import type { ShopsContext } from '../loaders';
import { GroupOrder, GroupOrderItem, SignUp } from '../order/order.entity';
import { GroupOrderStatus } from '../order/order.enums';
import { checkDeadline } from '../order/order.rules';
import { poolClosedEvent } from '../events';
import { lockOrder, orderLabel, setOrderStatus, statusZh } from '../order/order.service';
import { lockProducts, release, reserve, type StockActor } from '../order/reservation';
import { Product } from '../product/product.entity';
import { allocatePool, poolProgress, shareAmongHouseholds, type PoolProgress } from './allocation';
import { poolClosed, poolLabel, poolSpec, poolTakesChanges, recordEntryChange, signedUpUnits, tellPoolProgress, toEntryInput } from './pool-entry';
import { Pool, PoolEntry, PoolEntryChange, POOL_STATUS_ZH, PoolStatus } from './pool.entity';
import type { DeclinePoolInput, JoinPoolInput, OpenPoolInput, PoolActionInput } from './pool.inputs';

async function lockPool(em: EntityManager, community: string, poolId: string): Promise<Pool> {
  const localId = localIdOf(community, poolId, 'Pool', 'input.poolId');
  const pool = await em.findOne(Pool, { localId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!pool) throw notFound('Pool', poolId);
  return pool;
}

/** ORDER_CLOSED unless the pool is at the step before the one asked for. */
function requirePoolStatus(pool: Pool, community: string, expected: PoolStatus, step: BilingualMessage): void {
  if (pool.status === expected) return;
  const id = poolLabel(community, pool);
  const waiting =
    pool.status === PoolStatus.PROPOSED
      ? { en: ' It waits for its merchant to accept it first.', zh: '它须先由商户接受。' }
      : { en: '', zh: '' };
  throw lilongError(
    'ORDER_CLOSED',
    {
      en: `Only a pool that is ${expected} can be ${step.en}; ${id} is ${pool.status}.${waiting.en}`,
      zh: `只有状态为“${POOL_STATUS_ZH[expected]}”的拼单可以${step.zh}；拼单 ${id} 当前状态为“${POOL_STATUS_ZH[pool.status]}”。${waiting.zh}`,
    },
    { status: pool.status },
  );
}

/** The pool steps' actor in the stock audit. */
const by = (community: string, actor: string, at: Date): StockActor => ({ community, actor, at });

/**
 * The shop's merchant opens a pool for their product: it is accepted at once. A group leader of any community may
 * propose one at any shop, to gather other compounds: it takes orders, but no allocation and no close until the
 * shop's merchant accepts it (`acceptPool`).
 */
export async function openPool(ctx: ShopsContext, input: OpenPoolInput, now = new Date()): Promise<Pool> {
  requireSignedIn(ctx.claims);
  const productId = localIdOf(ctx.community, input.productId, 'Product', 'input.productId');
  requireInt(input.minimumPacks, 'input.minimumPacks', 1, 10_000);
  checkDeadline(input.deadline, now.getTime());
  return idempotent(ctx, input.idempotencyKey, 'openPool', input, Pool, async (em) => {
    const product = await em.findOne(Product, { localId: productId }, { populate: ['shop'] });
    if (!product) throw notFound('Product', input.productId);
    const shopId = globalIdOf(ctx.community, 'Shop', product.shop.localId);
    const isMerchant = rolesOf(ctx.claims, 'merchant').some((r) => r.shop === shopId);
    if (!isMerchant && rolesOf(ctx.claims, 'leader').length === 0) {
      throw forbidden(`a pool is opened by the merchant of ${shopId}, or proposed to them by a group leader`, `拼单须由 ${shopId} 的商户发起，或由团长向该商户提议`);
    }
    return em.create(Pool, {
      shop: product.shop,
      product,
      packSize: product.packSize,
      minimumPacks: input.minimumPacks,
      deadline: input.deadline,
      openedBy: ctx.claims.actor,
      createdAt: now,
      ...(isMerchant ? { status: PoolStatus.OPEN, acceptedAt: now, acceptedBy: ctx.claims.actor } : { status: PoolStatus.PROPOSED }),
    });
  });
}

function leaderOf(claims: Claims, order: GroupOrder): void {
  requireSignedIn(claims);
  if (!rolesOf(claims, 'leader').some((r) => r.group === order.groupId)) {
    throw forbidden(`only the leader of ${order.groupId} joins pools for its orders`, `只有 ${order.groupId} 的团长可以为其团购拼单`);
  }
}

/**
 * Gives the pool the say over an order's stock: what its sign-ups held on the shelf is released, since the pool
 * reserves whole packs at its close. Only once the pool is accepted: a proposal may still be declined.
 */
async function handToPool(em: EntityManager, community: string, pool: Pool, order: GroupOrder, actor: string, now: Date): Promise<void> {
  const signUps = await em.find(SignUp, { order, withdrawnAt: null }, { populate: ['lines'], refresh: true });
  const lines = signUps.flatMap((s) => s.lines.getItems()).filter((l) => l.reserved > 0);
  const products = await lockProducts(em, lines.map((l) => l.product.localId));
  const reason = `${orderLabel(community, order)} is in ${poolLabel(community, pool)}, which reserves whole packs at its close`;
  for (const line of lines) {
    release(em, products.get(line.product.localId)!, line.reserved, by(community, actor, now), reason);
    line.reserved = 0;
  }
}

/** ORDER_CLOSED for an order that no longer takes sign-ups (decided, or past its deadline): it cannot join a pool. */
function notJoinable(order: GroupOrder, community: string) {
  const id = orderLabel(community, order);
  const late = order.status === GroupOrderStatus.OPEN;
  return lilongError(
    'ORDER_CLOSED',
    {
      en: `Group order ${id} is ${order.status}${late ? ' and past its deadline' : ''}; only an order still taking sign-ups joins a pool.`,
      zh: `团购 ${id} ${late ? '已过截止时间' : `状态为${statusZh(order.status)}`}，只有仍在接龙的团购可以拼单。`,
    },
    { status: order.status },
  );
}

/**
 * A leader puts a group order into a pool with a tolerance, or changes its tolerance. The order joins with the units
 * its households signed up for, and from then on its entry follows their sign-ups (pool-entry.ts); every change is
 * kept with its time for the first-come allocation.
 */
export async function joinPool(ctx: ShopsContext, input: JoinPoolInput, now = new Date()): Promise<Pool> {
  return idempotent(ctx, input.idempotencyKey, 'joinPool', input, Pool, async (em) => {
    const pool = await lockPool(em, ctx.community, input.poolId);
    if (!poolTakesChanges(pool, now)) throw poolClosed(pool, ctx.community);
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
    const entry = await em.findOne(PoolEntry, { pool, order });
    if (entry) {
      if (entry.tolerance !== input.tolerance) {
        entry.tolerance = input.tolerance;
        await recordEntryChange(em, entry, now, entry.quantity, input.tolerance);
        await tellPoolProgress(em, ctx.community, pool, order);
      }
      return pool;
    }
    if (order.status !== GroupOrderStatus.OPEN || !order.takesSignUps(now)) throw notJoinable(order, ctx.community);
    if (await em.findOne(PoolEntry, { order })) throw badInput('input.orderId', 'is already in another pool.', '已在另一个拼单中。');
    const quantity = await signedUpUnits(em, order, pool.product.localId);
    const joined = em.create(PoolEntry, { pool, order, quantity, tolerance: input.tolerance, joinedAt: now });
    em.create(PoolEntryChange, { entry: joined, at: now, quantity, tolerance: input.tolerance });
    setOrderStatus(em, ctx.community, order, GroupOrderStatus.POOLED, null);
    if (pool.status === PoolStatus.OPEN) await handToPool(em, ctx.community, pool, order, ctx.claims.actor, now);
    // Last: it holds the pool's progress lock to the commit.
    await tellPoolProgress(em, ctx.community, pool, order);
    return pool;
  });
}

/** The pool's group orders, locked for update in ID order (pool first, then orders, then entries: no deadlock). */
async function lockOrdersOf(em: EntityManager, pool: Pool): Promise<GroupOrder[]> {
  const ids = (await em.find(PoolEntry, { pool }, { refresh: true })).map((e) => e.order.localId);
  if (ids.length === 0) return [];
  return em.find(GroupOrder, { localId: { $in: ids } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { localId: 'asc' }, refresh: true });
}

const DECIDES_PROPOSALS: BilingualMessage = { en: 'accepts or declines pools proposed at the shop', zh: '接受或拒绝在本店发起的拼单' };

/** The shop's merchant accepts a leader's proposed pool: it now closes at its deadline, and its orders' stock is its own. */
export async function acceptPool(ctx: ShopsContext, input: PoolActionInput, now = new Date()): Promise<Pool> {
  return idempotent(ctx, input.idempotencyKey, 'acceptPool', input, Pool, async (em) => {
    const pool = await lockPool(em, ctx.community, input.poolId);
    requireMerchantOf(ctx, pool.shop.localId, DECIDES_PROPOSALS);
    requirePoolStatus(pool, ctx.community, PoolStatus.PROPOSED, { en: 'accepted', zh: '接受' });
    if (!poolTakesChanges(pool, now)) throw poolClosed(pool, ctx.community);
    pool.status = PoolStatus.OPEN;
    pool.acceptedAt = now;
    pool.acceptedBy = ctx.claims.actor;
    for (const order of await lockOrdersOf(em, pool)) await handToPool(em, ctx.community, pool, order, ctx.claims.actor, now);
    return pool;
  });
}

/** The shop's merchant declines a proposed pool, saying why: its orders leave it and run on their own again. */
export async function declinePool(ctx: ShopsContext, input: DeclinePoolInput, now = new Date()): Promise<Pool> {
  const reason = requireText(input.reason, 'input.reason', 200);
  return idempotent(ctx, input.idempotencyKey, 'declinePool', input, Pool, async (em) => {
    const pool = await lockPool(em, ctx.community, input.poolId);
    requireMerchantOf(ctx, pool.shop.localId, DECIDES_PROPOSALS);
    requirePoolStatus(pool, ctx.community, PoolStatus.PROPOSED, { en: 'declined', zh: '拒绝' });
    await releasePool(em, ctx.community, pool, { en: `the merchant declined it: ${reason}`, zh: `商户拒绝了拼单：${reason}` }, now);
    return pool;
  });
}

/**
 * Ends a proposed pool without an allocation (declined, or not accepted before its deadline): each group order in it
 * leaves it and is OPEN again with its sign-ups and the stock they hold (a proposal never took their stock), saying
 * why; one past its own deadline is then decided on its own by the scheduler. The caller holds the pool's lock.
 */
async function releasePool(em: EntityManager, community: string, pool: Pool, why: BilingualMessage, now: Date): Promise<void> {
  const id = poolLabel(community, pool);
  pool.status = PoolStatus.DECLINED;
  pool.statusReason = { en: `Not accepted: ${why.en}.`, zh: `未被接受：${why.zh}。` };
  pool.closedAt = now;
  poolClosedEvent(em, community, pool);
  for (const order of await lockOrdersOf(em, pool)) {
    setOrderStatus(em, community, order, GroupOrderStatus.OPEN, {
      en: `Left ${id}, which was not accepted (${why.en}); the order runs on its own again.`,
      zh: `拼单 ${id} 未被接受（${why.zh}），本团购已退出拼单，恢复单独接龙。`,
    });
  }
  await em.nativeDelete(PoolEntry, { pool });
}

/** A value a loader's `loadMany` found; its errors (a failed query) are thrown as they are. */
function loaded<T>(value: T | Error | undefined): T {
  if (value instanceof Error) throw value;
  if (value === undefined) throw new Error('a pool entry points at no group order');
  return value;
}

/** What the pool would do if it closed now, through the request's loaders (batched across pools). */
export async function poolProgressOf(ctx: ShopsContext, pool: Pool): Promise<PoolProgress> {
  const [entries, product] = await Promise.all([ctx.loaders.entriesByPool.load(pool.localId), ctx.loaders.product.load(pool.product.localId)]);
  const orderIds = entries.map((e) => e.order.localId);
  const [orders, signUps] = await Promise.all([ctx.loaders.groupOrder.loadMany(orderIds), ctx.loaders.activeSignUpsByOrder.loadMany(orderIds)]);
  const inputs = entries.map((entry, i) => toEntryInput(entry, loaded(orders[i]), loaded(signUps[i])));
  return poolProgress(poolSpec(pool, product), inputs);
}

/**
 * Closes an accepted pool: leaves out orders below their own minimum, rounds to whole packs within the stock on hand,
 * allocates first-come (quantities before tolerances), reserves the packs, shares each order's units among its
 * households (tolerance units as extra), and forms or fails every order in it. The caller holds the pool's row lock,
 * so this happens exactly once.
 */
export async function decidePool(em: EntityManager, community: string, pool: Pool, actor: string, now = new Date()): Promise<void> {
  if (pool.status !== PoolStatus.OPEN) return;
  const orders = await lockOrdersOf(em, pool);
  const [product] = [...(await lockProducts(em, [pool.product.localId])).values()];
  const entries = await em.find(PoolEntry, { pool }, { populate: ['changes'], orderBy: { joinedAt: 'asc', localId: 'asc' }, refresh: true });
  const signUps = await em.find(
    SignUp,
    { order: { $in: orders }, withdrawnAt: null },
    { populate: ['lines'], orderBy: { createdAt: 'asc', localId: 'asc' }, refresh: true },
  );
  const signUpsOf = (order: GroupOrder) => signUps.filter((s) => s.order.localId === order.localId);
  const orderOf = (entry: PoolEntry) => orders.find((o) => o.localId === entry.order.localId)!;
  // Sign-ups keep entries in step; this only catches rows written before they did, so nobody is sent units for nobody.
  for (const entry of entries) {
    const units = signUpsOf(orderOf(entry))
      .flatMap((s) => s.lines.getItems())
      .filter((l) => l.product.localId === pool.product.localId)
      .reduce((n, l) => n + l.quantity, 0);
    if (units !== entry.quantity) {
      entry.quantity = units;
      entry.changes.add(em.create(PoolEntryChange, { entry, at: now, quantity: units, tolerance: entry.tolerance }));
    }
  }

  const inputs = entries.map((entry) => toEntryInput(entry, orderOf(entry), signUpsOf(orderOf(entry))));
  const allocation = allocatePool(poolSpec(pool, product), inputs);
  const id = poolLabel(community, pool);
  pool.closedAt = now;
  pool.packs = allocation.packs;
  pool.unitsOrdered = allocation.unitsOrdered;
  pool.status = allocation.formed ? PoolStatus.FORMED : PoolStatus.FAILED;
  pool.statusReason = allocation.formed ? null : (allocation.reason ?? null);
  poolClosedEvent(em, community, pool);
  if (allocation.formed) {
    const packs = `${allocation.packs} ${allocation.packs === 1 ? 'pack' : 'packs'} of ${pool.packSize}`;
    reserve(em, product!, allocation.unitsOrdered, by(community, actor, now), `${id} formed: ${packs}`);
  }
  for (const [i, entry] of entries.entries()) {
    const result = allocation.entries[i]!;
    entry.allocated = result.allocated;
    entry.explanation = result.explanation;
    const order = orderOf(entry);
    const lines = signUpsOf(order)
      .map((s) => s.lines.getItems().find((l) => l.product.localId === pool.product.localId))
      .filter((l) => l !== undefined);
    const shares = shareAmongHouseholds(
      result.allocated,
      lines.map((line) => ({ id: String(line.localId), quantity: line.quantity, signedUpAt: line.signUp.createdAt })),
    );
    lines.forEach((line, j) => {
      line.allocated = shares[j]!.allocated;
      line.explanation = shares[j]!.explanation;
    });
    order.closedAt = now;
    const below = inputs[i]!.belowOwnMinimum;
    if (below) {
      setOrderStatus(em, community, order, GroupOrderStatus.FAILED, { en: `${below.en} It took no part in ${id}.`, zh: `${below.zh}未参加拼单 ${id}。` });
    } else if (result.allocated > 0) {
      setOrderStatus(em, community, order, GroupOrderStatus.FORMED, null);
    } else {
      setOrderStatus(em, community, order, GroupOrderStatus.FAILED, allocation.formed ? result.explanation.message : (allocation.reason ?? result.explanation.message));
    }
  }
}

export async function closePool(ctx: ShopsContext, input: PoolActionInput): Promise<Pool> {
  return idempotent(ctx, input.idempotencyKey, 'closePool', input, Pool, async (em) => {
    const pool = await lockPool(em, ctx.community, input.poolId);
    requireSignedIn(ctx.claims);
    const shopId = globalIdOf(ctx.community, 'Shop', pool.shop.localId);
    if (!rolesOf(ctx.claims, 'merchant').some((r) => r.shop === shopId)) {
      throw forbidden(`only the merchant of ${shopId} closes a pool early`, `只有 ${shopId} 的商户可以提前结束拼单`);
    }
    if (pool.status === PoolStatus.PROPOSED) requirePoolStatus(pool, ctx.community, PoolStatus.OPEN, { en: 'closed', zh: '提前结束' });
    if (pool.status !== PoolStatus.OPEN) throw poolClosed(pool, ctx.community);
    await decidePool(em, ctx.community, pool, ctx.claims.actor);
    return pool;
  });
}

const NOT_ACCEPTED_IN_TIME: BilingualMessage = { en: 'the merchant did not accept it before its deadline', zh: '商户未在截止时间前接受' };

/**
 * At its deadline: closes an accepted pool, or ends a proposal its merchant never accepted. The caller holds the
 * pool's row lock; a pool already decided, or not yet due, is left as it is (resolves to false), so a deadline job
 * run twice has one effect (see `poolDeadlines`).
 */
export async function closePoolAtDeadline(em: EntityManager, community: string, pool: Pool, now: Date): Promise<boolean> {
  if (pool.deadline.getTime() > now.getTime()) return false;
  if (pool.status === PoolStatus.PROPOSED) await releasePool(em, community, pool, NOT_ACCEPTED_IN_TIME, now);
  else if (pool.status === PoolStatus.OPEN) await decidePool(em, community, pool, SCHEDULER_ACTOR, now);
  else return false;
  return true;
}
