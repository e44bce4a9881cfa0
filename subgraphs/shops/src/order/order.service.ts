import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { actingFor, badInput, executePrepared, firstRunRecord, forbidden, idempotent, localIdOf, noteFirstAnswer, notFound, requireSignedIn, requireText, rolesOf, type Claims } from '@lilong/kit';
import { HelperAction, HelperActionKind } from '../helper/helper-action.entity';
import { formatGlobalId, lilongError, parseGlobalId, type BilingualMessage } from '@lilong/schema';
import { requireMerchantOf } from '../access';
import { orderStatusEvent, orderSubjects, productSubjects, signUpsChanged, signUpsChangedData } from '../events';
import type { ShopsContext } from '../loaders';
import { Product } from '../product/product.entity';
import { Shop } from '../shop/shop.entity';
import { PoolEntry, PoolStatus } from '../pool/pool.entity';
import { entryOf, followSignUps, poolClosed, poolTakesChanges, tellPoolProgress } from '../pool/pool-entry';
import { GroupOrder, GroupOrderItem, SignUp, SignUpLine } from './order.entity';
import { GROUP_ORDER_STATUS_ZH, GroupOrderStatus, takesSignUpsAt } from './order.enums';
import type { GroupOrderActionInput, OpenGroupOrderInput, SignUpInput, WithdrawSignUpInput } from './order.inputs';
import { checkDeadline, checkMinimum, checkQuantity, verdictOf, zhTime } from './order.rules';
import { handOver, insufficientStock, lockProducts, release, reserveAtOnce, type StockActor } from './reservation';
import { signUpTogether } from './sign-up-batch';

export const orderLabel = (community: string, order: Pick<GroupOrder, 'localId'>) => formatGlobalId(community, 'GroupOrder', order.localId);

/** The status as a Chinese message names it, in quotes: “已成团”. */
export const statusZh = (status: GroupOrderStatus) => `“${GROUP_ORDER_STATUS_ZH[status]}”`;

export function orderClosed(order: GroupOrder, community: string) {
  const id = orderLabel(community, order);
  const why =
    order.status === GroupOrderStatus.OPEN || order.status === GroupOrderStatus.POOLED
      ? { en: `its deadline ${order.deadline.toISOString()} has passed`, zh: `已过截止时间 ${zhTime(order.deadline)}` }
      : { en: `it is ${order.status}`, zh: `状态为${statusZh(order.status)}` };
  return lilongError('ORDER_CLOSED', { en: `Group order ${id} takes no more sign-ups: ${why.en}.`, zh: `团购 ${id} 已停止接龙：${why.zh}。` }, { status: order.status });
}

/**
 * The order's row, locked for the rest of the transaction. Sign-ups take a shared lock (they run side by side and
 * queue only on the product rows they reserve from); closing takes an exclusive one, so it waits for sign-ups in
 * flight and no sign-up slips in after the order formed or failed.
 */
export async function lockOrder(
  em: EntityManager,
  community: string,
  orderId: string,
  argument = 'input.orderId',
  mode: 'share' | 'exclusive' = 'exclusive',
): Promise<GroupOrder> {
  const localId = localIdOf(community, orderId, 'GroupOrder', argument);
  const lockMode = mode === 'share' ? LockMode.PESSIMISTIC_READ : LockMode.PESSIMISTIC_WRITE;
  const order = await em.findOne(GroupOrder, { localId }, { lockMode, refresh: true });
  if (!order) throw notFound('GroupOrder', orderId);
  return order;
}

/**
 * Gives the order a new status (and, when given, why), telling the outbox that status's event if it has one
 * (GROUP_ORDER_OPENED, FORMED, FAILED, HANDED_OVER; events.ts). Every status change of an order goes through here.
 */
export function setOrderStatus(em: EntityManager, community: string, order: GroupOrder, status: GroupOrderStatus, reason?: BilingualMessage | null): void {
  const previous = order.status;
  order.status = status;
  if (reason !== undefined) order.statusReason = reason;
  orderStatusEvent(em, community, order, previous);
}

/** The caller's leader role for a group, or FORBIDDEN. */
function leaderRole(claims: Claims, groupId: string) {
  requireSignedIn(claims);
  const role = rolesOf(claims, 'leader').find((r) => r.group === groupId);
  if (!role) throw forbidden(`only the leader of ${groupId} runs its group orders`, `只有 ${groupId} 的团长可以管理其团购`);
  return role;
}

/** `now` is the time of the request; the demo seed passes earlier times to replay a morning of sign-ups. */
export async function openGroupOrder(ctx: ShopsContext, input: OpenGroupOrderInput, now = new Date()): Promise<GroupOrder> {
  const shopLocalId = localIdOf(ctx.community, input.shopId, 'Shop', 'input.shopId');
  parseGlobalId(input.groupId, 'Group', 'input.groupId');
  const leader = leaderRole(ctx.claims, input.groupId);
  const title = requireText(input.title, 'input.title', 60);
  checkDeadline(input.deadline, now.getTime());
  checkMinimum(input.minimumKind, input.minimum);
  if (input.productIds.length === 0 || input.productIds.length > 20) {
    throw badInput('input.productIds', 'must name 1 to 20 products.', '须包含 1 到 20 个商品。');
  }
  const productIds = input.productIds.map((id, i) => localIdOf(ctx.community, id, 'Product', `input.productIds[${i}]`));
  if (new Set(productIds).size !== productIds.length) throw badInput('input.productIds', 'names a product twice.', '有重复的商品。');
  return idempotent(ctx, input.idempotencyKey, 'openGroupOrder', input, GroupOrder, async (em) => {
    const shop = await em.findOne(Shop, { localId: shopLocalId });
    if (!shop) throw notFound('Shop', input.shopId);
    const products = await em.find(Product, { localId: { $in: productIds } }, { populate: ['shop'] });
    productIds.forEach((id, i) => {
      const product = products.find((p) => p.localId === id);
      if (!product) throw notFound('Product', input.productIds[i]!);
      if (product.shop.localId !== shop.localId) {
        throw badInput(`input.productIds[${i}]`, `${product.name} is not sold by ${shop.name}.`, `${shop.name} 不出售 ${product.name}。`);
      }
    });
    const order = em.create(GroupOrder, {
      shop,
      groupId: input.groupId,
      compoundId: leader.compound,
      leaderHouseholdId: leader.household,
      title,
      deadline: input.deadline,
      minimumKind: input.minimumKind,
      minimum: input.minimum,
      handOut: input.handOut,
      openedBy: ctx.claims.actor,
      createdAt: now,
    });
    for (const product of products) em.create(GroupOrderItem, { order, product });
    // Its ID is known once written.
    await em.flush();
    orderStatusEvent(em, ctx.community, order, null);
    return order;
  });
}

/**
 * Through which role the caller acts for a household: its own residency, or a helper's delegation for group orders
 * (代办), both from the household community's records. The household must live in the order's compound.
 */
export function residentRole(claims: Claims, householdId: string, order: Pick<GroupOrder, 'compoundId'>) {
  requireSignedIn(claims);
  const role = actingFor(claims, householdId, 'group_orders');
  if (!role) {
    throw forbidden(
      `a household signs up only for itself, or through a helper the committee recorded for it (${householdId})`,
      `住户只能为本户报名，或由居委会登记的代办人代为报名（${householdId}）`,
    );
  }
  if (role.compound !== order.compoundId) {
    throw forbidden('only households of the group’s compound sign up for its orders', '只有本小区住户可以参加该团购');
  }
  return role;
}

/**
 * Signs a household up, or changes its quantities, keeping its place in the list. For an order on its own (or in a
 * pool its merchant has not accepted yet), the units are reserved at once, first come first served: a sign-up that
 * would take more than is available is refused with INSUFFICIENT_STOCK. An order in an accepted pool reserves when
 * the pool closes. Either way a pooled order's entry follows the change (see pool-entry.ts).
 */
export async function signUp(ctx: ShopsContext, input: SignUpInput, now = new Date()): Promise<SignUp> {
  parseGlobalId(input.householdId, 'Household', 'input.householdId');
  if (input.lines.length === 0 || input.lines.length > 20) throw badInput('input.lines', 'must have 1 to 20 lines.', '须有 1 到 20 行。');
  const lineIds = input.lines.map((l, i) => localIdOf(ctx.community, l.productId, 'Product', `input.lines[${i}].productId`));
  if (new Set(lineIds).size !== lineIds.length) throw badInput('input.lines', 'names a product twice.', '有重复的商品。');
  if (input.lines.every((l) => l.quantity === 0)) {
    throw badInput('input.lines', 'asks for nothing; to leave the list, withdraw the sign-up.', '没有任何数量；如需退出接龙，请取消报名。');
  }
  const atOnce = await signUpAtOnce(ctx, input, lineIds[0]!, now);
  if (atOnce) return atOnce;
  return idempotent(ctx, input.idempotencyKey, 'signUp', input, SignUp, async (em) => {
    const order = await lockOrder(em, ctx.community, input.orderId, 'input.orderId', 'share');
    const role = residentRole(ctx.claims, input.householdId, order);
    if (!order.takesSignUps(now)) throw orderClosed(order, ctx.community);
    const existed = await em.findOne(SignUp, { order, householdId: input.householdId, withdrawnAt: null });
    const entry = await pooledEntry(em, order, ctx.community, now);
    const items = await em.find(GroupOrderItem, { order }, { populate: ['product'] });
    input.lines.forEach((line, i) => {
      const item = items.find((it) => it.product.localId === lineIds[i]);
      if (!item) throw badInput(`input.lines[${i}].productId`, 'is not offered in this group order.', '不在本团购的商品中。');
      checkQuantity(line.quantity, item.product.householdLimit, item.product.name, i);
    });
    let signUp: SignUp | null = await em.findOne(SignUp, { order, householdId: input.householdId }, { populate: ['lines'] });
    if (!signUp) {
      signUp = em.create(SignUp, { order, householdId: input.householdId, building: role.building, address: role.address, signedUpBy: ctx.claims.actor, createdAt: now, updatedAt: now });
    } else if (signUp.withdrawnAt) {
      // Coming back after withdrawing: a new place at the end of the list.
      signUp.withdrawnAt = null;
      signUp.createdAt = now;
    }
    signUp.updatedAt = now;
    const current: SignUp = signUp;
    const reserving = holdsOwnStock(order, entry);
    const changes: { productId: number; units: number }[] = [];
    const quantitiesBefore = new Map(existed ? current.lines.getItems().map((l) => [l, l.quantity] as const) : []);
    const lines = input.lines.map((lineInput, i) => {
      const productId = lineIds[i]!;
      let line = current.lines.getItems().find((l) => l.product.localId === productId);
      if (!line) line = em.create(SignUpLine, { signUp: current, product: items.find((it) => it.product.localId === productId)!.product, quantity: 0 });
      line.quantity = lineInput.quantity;
      if (reserving) {
        changes.push({ productId, units: line.quantity - line.reserved });
        line.reserved = line.quantity;
      }
      return line;
    });
    const changed = !existed || lines.some((line) => line.quantity !== (quantitiesBefore.get(line) ?? 0));
    for (const line of lines) if (line.quantity === 0) em.remove(line);
    // Write the sign-up first; the hot product rows are then locked only by the reservation itself and the commit.
    await em.flush();
    if (reserving) await reserveAtOnce(em, changes, stockActor(ctx, now), `sign-up ${input.householdId} in ${orderLabel(ctx.community, order)}`);
    const moved = entry ? await followSignUps(em, entry, now) : false;
    if (role.delegation) recordHelperAction(em, ctx, role, order, existed ? HelperActionKind.CHANGED : HelperActionKind.SIGNED_UP, now);
    if (changed) signUpsChanged(em, ctx.community, order, existed ? 'CHANGED' : 'SIGNED_UP', unitsOf(current, lines));
    // Last: it holds the pool's progress lock to the commit.
    if (entry && moved) await tellPoolProgress(em, ctx.community, entry.pool, order);
    return current;
  });
}

/**
 * The hot path of a sign-up 抢购: a household's first sign-up for one product of an open order, by the household
 * itself. It is what a flash sale is made of, and it is the same sign-up as the general path below makes (the same
 * checks, rows, audit entry, events and idempotency record), in two statements instead of about twelve, with no
 * entity loaded and no transaction of its own to hold open:
 * - one read of the order, the product as the order offers it and whether the household ever signed up; the checks
 *   are the general path's own (`residentRole`, `takesSignUpsAt`, `checkQuantity`). A product that has too little
 *   left for it by that read is refused there (INSUFFICIENT_STOCK, with what is left), writing nothing;
 * - one write, which commits on its own, shared with the other households' sign-ups for the same product that
 *   arrive while the one before runs (sign-up-batch.ts, `signUpTogether`): it takes the order's share lock only if
 *   its row is still the one read (its `xmin`), reserves first come first served (`batchReservationCtes`,
 *   reservation.ts), and for each household that got its units inserts the sign-up, its line, the idempotency record
 *   (`firstRunRecord`) and the outbox's events. The hot product row is locked for that one statement and its commit.
 *
 * Anything else returns undefined before writing and takes the general path, which gives the same answer or error
 * it always did: an order that is missing, pooled or closed; a household that signed up before (or withdrew); a
 * helper acting for it; more than one line; a product the order does not offer. So does a write that loses a race
 * (the order changed since the read, the household's own concurrent sign-up or a use of the same key landed first):
 * it wrote nothing.
 */
async function signUpAtOnce(ctx: ShopsContext, input: SignUpInput, productId: number, now: Date): Promise<SignUp | undefined> {
  if (input.lines.length !== 1) return undefined;
  const quantity = input.lines[0]!.quantity;
  const orderId = localIdOf(ctx.community, input.orderId, 'GroupOrder', 'input.orderId');
  const [read] = await executePrepared<{
    status: GroupOrderStatus;
    deadline: Date;
    compound_id: string;
    shop_id: number;
    version: string;
    product_id: number | null;
    name: string;
    unit: string;
    household_limit: number | null;
    available: number;
    signed_up: boolean;
  }>(
    ctx.em,
    'lilong_sign_up_read',
    `select o.status, o.deadline, o.compound_id, o.shop_id, o.xmin::text as version, p.id as product_id, p.name, p.unit, p.household_limit,
            greatest(0, p.on_hand - p.reserved) as available,
            exists (select 1 from sign_up s where s.order_id = o.id and s.household_id = ?) as signed_up
     from group_order o
     left join group_order_item i on i.order_id = o.id and i.product_id = ?
     left join product p on p.id = i.product_id
     where o.id = ?`,
    [input.householdId, productId, orderId],
  );
  if (!read || read.status !== GroupOrderStatus.OPEN || read.signed_up || read.product_id === null) return undefined;
  const role = residentRole(ctx.claims, input.householdId, { compoundId: read.compound_id });
  if (role.delegation || !takesSignUpsAt(read.status, new Date(read.deadline), now)) return undefined;
  checkQuantity(quantity, read.household_limit, read.name, 0);
  if (quantity === 0) return undefined;
  const by = stockActor(ctx, now);
  // Sold out (or too little left) as of the read: refused as the write would refuse it, with nothing written.
  if (quantity > read.available) throw insufficientStock(by, productId, read.name, read.unit, read.available, quantity);
  const record = firstRunRecord(ctx, input.idempotencyKey, 'signUp', input);
  const order = { localId: orderId, shop: { localId: Number(read.shop_id) } };
  const outcome = await signUpTogether({
    em: ctx.em,
    community: ctx.community,
    orderId,
    version: read.version,
    productId,
    householdId: input.householdId,
    building: role.building,
    address: role.address,
    actor: ctx.claims.actor,
    units: quantity,
    at: now,
    reason: `sign-up ${input.householdId} in ${orderLabel(ctx.community, order)}`,
    ...(record ? { record } : {}),
    productSubjects: productSubjects(ctx.community, productId, order.shop.localId),
    orderSubjects: orderSubjects(ctx.community, order),
    signUpsData: signUpsChangedData('SIGNED_UP', quantity),
  });
  if (outcome.kind === 'general') return undefined;
  if (outcome.kind === 'insufficient') throw insufficientStock(by, productId, read.name, read.unit, outcome.available, quantity);
  if (record) noteFirstAnswer(ctx, record);
  return ctx.em.map(SignUp, outcome.row as never);
}

export async function withdrawSignUp(ctx: ShopsContext, input: WithdrawSignUpInput, now = new Date()): Promise<SignUp> {
  parseGlobalId(input.householdId, 'Household', 'input.householdId');
  return idempotent(ctx, input.idempotencyKey, 'withdrawSignUp', input, SignUp, async (em) => {
    const order = await lockOrder(em, ctx.community, input.orderId, 'input.orderId', 'share');
    const role = residentRole(ctx.claims, input.householdId, order);
    if (!order.takesSignUps(now)) throw orderClosed(order, ctx.community);
    const entry = await pooledEntry(em, order, ctx.community, now);
    const signUp = await em.findOne(SignUp, { order, householdId: input.householdId, withdrawnAt: null }, { populate: ['lines'] });
    if (!signUp) {
      throw lilongError(
        'NOT_FOUND',
        { en: `${input.householdId} has no sign-up in ${input.orderId}.`, zh: `${input.householdId} 未在 ${input.orderId} 中报名。` },
        { id: input.householdId },
      );
    }
    const products = await lockProducts(em, signUp.lines.getItems().map((l) => l.product.localId));
    for (const line of signUp.lines) {
      release(em, products.get(line.product.localId)!, line.reserved, stockActor(ctx, now), `withdrawal of ${input.householdId} from ${orderLabel(ctx.community, order)}`);
      line.reserved = 0;
    }
    signUp.withdrawnAt = now;
    signUp.updatedAt = now;
    if (role.delegation) recordHelperAction(em, ctx, role, order, HelperActionKind.WITHDREW, now);
    await em.flush();
    signUpsChanged(em, ctx.community, order, 'WITHDRAWN', 0);
    // Last: it holds the pool's progress lock to the commit.
    if (entry && (await followSignUps(em, entry, now))) await tellPoolProgress(em, ctx.community, entry.pool, order);
    return signUp;
  });
}

/** Notes what a helper did for a household (代办), in the sign-up's own transaction. */
function recordHelperAction(em: EntityManager, ctx: ShopsContext, role: { household: string; address: string; delegation?: string }, order: GroupOrder, kind: HelperActionKind, at: Date): void {
  em.create(HelperAction, { delegationId: role.delegation!, householdId: role.household, address: role.address, order, kind, by: ctx.claims.actor, at });
}

/** Units a sign-up asks for over all its lines, counting `lines` just created (its collection may not hold them yet). */
const unitsOf = (signUp: SignUp, lines: SignUpLine[] = signUp.lines.getItems()): number => {
  const all = new Set([...signUp.lines.getItems(), ...lines]);
  return [...all].reduce((n, l) => n + l.quantity, 0);
};

/** The caller as the stock audit names them. */
export const stockActor = (ctx: ShopsContext, at: Date): StockActor => ({ community: ctx.community, actor: ctx.claims.actor, at });

/**
 * A pooled order's entry, once its pool is known to take changes; null for an order on its own. The caller holds the
 * order's lock; the pool's status cannot change under it, since every pool step locks the pool's orders.
 */
async function pooledEntry(em: EntityManager, order: GroupOrder, community: string, now: Date) {
  if (order.status !== GroupOrderStatus.POOLED) return null;
  const entry = await entryOf(em, order);
  if (entry && !poolTakesChanges(entry.pool, now)) throw poolClosed(entry.pool, community);
  return entry;
}

/**
 * Whether the order's sign-ups hold their own units on the shelf: on its own, or in a pool the merchant has not
 * accepted yet (the pool may still be declined, and the order then runs on its own). In an accepted pool, the pool
 * reserves whole packs at its close.
 */
export const holdsOwnStock = (order: GroupOrder, entry: { pool: { status: PoolStatus } } | null): boolean =>
  order.status === GroupOrderStatus.OPEN || (order.status === GroupOrderStatus.POOLED && entry?.pool.status === PoolStatus.PROPOSED);

/**
 * Closes an open order now: it forms if it reached its minimum (its reservations stand), else it fails and gives
 * every reserved unit back, saying why. Used by the leader's early close and by the deadline scheduler; the
 * caller holds the order's row lock, so this happens exactly once.
 */
export async function decideOrder(em: EntityManager, community: string, order: GroupOrder, actor: string, now = new Date()): Promise<void> {
  if (order.status !== GroupOrderStatus.OPEN) return;
  const signUps = await em.find(SignUp, { order, withdrawnAt: null }, { populate: ['lines'] });
  const verdict = verdictOf(order, signUps);
  order.closedAt = now;
  if (verdict.reached) {
    setOrderStatus(em, community, order, GroupOrderStatus.FORMED, null);
    return;
  }
  setOrderStatus(em, community, order, GroupOrderStatus.FAILED, verdict.reason);
  const lines = signUps.flatMap((s) => s.lines.getItems());
  const products = await lockProducts(em, lines.map((l) => l.product.localId));
  for (const line of lines) {
    release(em, products.get(line.product.localId)!, line.reserved, { community, actor, at: now }, `${orderLabel(community, order)} failed`);
    line.reserved = 0;
  }
}

export async function closeGroupOrder(ctx: ShopsContext, input: GroupOrderActionInput): Promise<GroupOrder> {
  return idempotent(ctx, input.idempotencyKey, 'closeGroupOrder', input, GroupOrder, async (em) => {
    const order = await lockOrder(em, ctx.community, input.orderId);
    leaderRole(ctx.claims, order.groupId);
    if (order.status === GroupOrderStatus.POOLED) {
      const id = orderLabel(ctx.community, order);
      throw lilongError(
        'ORDER_CLOSED',
        { en: `Group order ${id} is in a pool: it forms or fails when the pool closes.`, zh: `团购 ${id} 已加入拼单：拼单结束时才决定是否成团。` },
        { status: order.status },
      );
    }
    if (order.status !== GroupOrderStatus.OPEN) throw orderClosed(order, ctx.community);
    await decideOrder(em, ctx.community, order, ctx.claims.actor);
    return order;
  });
}

/** A merchant's step on an order is only for orders at the step before it. */
function requireStatus(order: GroupOrder, expected: GroupOrderStatus, step: { en: string; zh: string }): void {
  if (order.status === expected) return;
  throw lilongError(
    'ORDER_CLOSED',
    { en: `Only a ${expected.toLowerCase()} order can be ${step.en}; this one is ${order.status}.`, zh: `只有状态为${statusZh(expected)}的订单可以${step.zh}；当前状态为${statusZh(order.status)}。` },
    { status: order.status },
  );
}

/** The merchant accepts a formed order. */
export async function confirmGroupOrder(ctx: ShopsContext, input: GroupOrderActionInput): Promise<GroupOrder> {
  return idempotent(ctx, input.idempotencyKey, 'confirmGroupOrder', input, GroupOrder, async (em) => {
    const order = await lockOrder(em, ctx.community, input.orderId);
    requireMerchantOf(ctx, order.shop.localId);
    requireStatus(order, GroupOrderStatus.FORMED, { en: 'confirmed', zh: '确认' });
    setOrderStatus(em, ctx.community, order, GroupOrderStatus.CONFIRMED);
    return order;
  });
}

/** The goods left the shop: the reserved units come off the shelf. */
export async function markHandedOver(ctx: ShopsContext, input: GroupOrderActionInput): Promise<GroupOrder> {
  return idempotent(ctx, input.idempotencyKey, 'markHandedOver', input, GroupOrder, async (em) => {
    const order = await lockOrder(em, ctx.community, input.orderId);
    requireMerchantOf(ctx, order.shop.localId);
    requireStatus(order, GroupOrderStatus.CONFIRMED, { en: 'handed over', zh: '交付' });
    const reason = `${orderLabel(ctx.community, order)} handed over`;
    const by = stockActor(ctx, new Date());
    const entry = await em.findOne(PoolEntry, { order }, { populate: ['pool'] });
    if (entry) {
      // A pooled order's whole packs were reserved for it at the pool's close.
      const products = await lockProducts(em, [entry.pool.product.localId]);
      handOver(em, products.get(entry.pool.product.localId)!, entry.allocated ?? 0, by, reason);
    } else {
      const lines = (await em.find(SignUp, { order, withdrawnAt: null }, { populate: ['lines'] })).flatMap((s) => s.lines.getItems());
      const products = await lockProducts(em, lines.map((l) => l.product.localId));
      for (const line of lines) {
        handOver(em, products.get(line.product.localId)!, line.reserved, by, reason);
        line.reserved = 0;
      }
    }
    setOrderStatus(em, ctx.community, order, GroupOrderStatus.HANDED_OVER);
    return order;
  });
}
