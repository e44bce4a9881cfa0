/**
 * Pools 拼单 across compounds, end to end through the hub: the pool and its orders live with the merchant (gamma),
 * groups and households in other communities (alpha, beta). A pool joins with what the orders' households signed up
 * for and follows their sign-ups; every allocated unit is on a hand-out line; a pool a leader proposes waits for the
 * shop's merchant to accept it. Deadlines fire with nobody calling.
 */
import { TestCluster } from './support/cluster';
import { household, groupOf, join, JOIN_POOL, openOrder as openOrderAt, openPool as openPoolAt, signUp as signUpAt, signUpWith, withdraw } from './support/orders';
import {
  eventually, inSeconds, leaderToken, lookUp, merchantToken, residentToken, stockOf as stockOfProduct, stockedProduct,
  type CommunityInfo, type GroupInfo, type HouseholdInfo,
} from './support/sub-district';

let cluster: TestCluster;
let alpha: CommunityInfo;
let beta: CommunityInfo;
let gamma: CommunityInfo;
let shopId: string;

beforeAll(async () => {
  process.env.LILONG_SCHEDULER_MS = '200';
  cluster = await TestCluster.start();
  [alpha, beta, gamma] = [...(await lookUp(cluster)).values()] as [CommunityInfo, CommunityInfo, CommunityInfo];
  shopId = gamma.shops[0]!.id;
});

afterAll(async () => {
  await cluster?.stop();
});

const stockOf = (productId: string) => stockOfProduct(cluster, productId);
const openOrder = (group: GroupInfo, productIds: string[], extra: Record<string, unknown> = {}) => openOrderAt(cluster, shopId, group, productIds, extra);
const openPool = (productId: string, minimumPacks: number, seconds = 8) => openPoolAt(cluster, shopId, productId, minimumPacks, seconds);
const signUp = (h: HouseholdInfo, orderId: string, productId: string, quantity: number) => signUpAt(cluster, h, orderId, productId, quantity);
const homeIn = (community: CommunityInfo, group: GroupInfo, building: string, room: string) => household(cluster, community, group.compoundId, building, room);

const ORDER = `query($id: ID!) { groupOrder(id: $id) { id status statusReason statusReasonZh closedAt progress { households quantity missing reached }
  poolEntry { quantity tolerance allocated explanation { rule message messageZh requested allocated fromTolerance packs packSize } } } }`;

async function orderWhen(id: string, done: (order: any) => boolean) {
  const answer = await eventually(() => cluster.query(ORDER, { id }), (a) => !a.errors && done(a.data.groupOrder));
  expect(answer.errors).toBeUndefined();
  return answer.data.groupOrder;
}

const POOL = `query($id: ID!) { pool(id: $id) { id status statusReason statusReasonZh acceptedAt packs unitsOrdered
  progress { totalQuantity totalTolerance packsIfClosedNow packsMissing wouldForm unitsBelowOwnMinimum } entries { quantity tolerance } } }`;

async function poolOf(id: string) {
  const answer = await cluster.query(POOL, { id });
  expect(answer.errors).toBeUndefined();
  return answer.data.pool;
}

async function handOut(orderId: string, group: GroupInfo) {
  const answer = await cluster.query(
    `query($id: ID!) { groupOrder(id: $id) { handOutList { building households { address lines { quantity } } totals { quantity } } } }`,
    { id: orderId },
    await leaderToken(cluster, group),
  );
  expect(answer.errors).toBeUndefined();
  return answer.data.groupOrder.handOutList as { building: string; households: { address: string; lines: { quantity: number }[] }[]; totals: { quantity: number }[] }[];
}

/** The merchant closes the pool now (the tests that are not about deadlines do not wait for them). */
async function closeNow(poolId: string) {
  const answer = await cluster.query(`mutation($i: PoolActionInput!) { closePool(input: $i) { status } }`, { i: { poolId } }, await merchantToken(cluster, shopId));
  expect(answer.errors).toBeUndefined();
}

const handedOutTotal = (list: Awaited<ReturnType<typeof handOut>>) => list.flatMap((b) => b.totals).reduce((n, t) => n + t.quantity, 0);

describe('a pool joins with what the households signed up for', () => {
  it('an order nobody signed up for joins with 0 units: nothing is reserved for nobody, and it fails as its own progress says', async () => {
    const group = alpha.groups[0]!;
    const rice = await stockedProduct(cluster, shopId, { name: '籼米 5kg', packSize: 5, onHand: 40 });
    const poolId = await openPool(rice, 1);
    const empty = await openOrder(group, [rice], { deadline: inSeconds(8) });
    // The leader can no longer say how many: the quantity is not an argument at all.
    const typed = await cluster.query(JOIN_POOL, { i: { poolId, orderId: empty, quantity: 12, tolerance: 2 } }, await leaderToken(cluster, group));
    expect(typed.errors?.[0]?.message).toContain('quantity');
    expect(await join(cluster, group, poolId, empty, 4)).toMatchObject({ totalQuantity: 0, totalTolerance: 0, packsIfClosedNow: 0, packsMissing: 1 });

    const closed = await orderWhen(empty, (o) => o.status !== 'POOLED');
    expect(closed).toMatchObject({ status: 'FAILED', progress: { households: 0, quantity: 0, reached: false }, poolEntry: { quantity: 0, allocated: 0 } });
    expect(closed.statusReason).toBe(`Only 0 of the 1 households needed signed up by the deadline. It took no part in ${poolId}.`);
    expect(await stockOf(rice)).toEqual({ onHand: 40, reserved: 0, available: 40 });
    expect(await poolOf(poolId)).toMatchObject({ status: 'FAILED', packs: 0, unitsOrdered: 0 });
  });

  it('follows sign-ups, changes and withdrawals while pooled; raised units queue at the time of the change, lowered ones give up the latest', async () => {
    const groupA = alpha.groups[0]!;
    const groupB = beta.groups[0]!;
    const rice = await stockedProduct(cluster, shopId, { name: '粳米 5kg', packSize: 5, onHand: 100 });
    const poolId = await openPool(rice, 1, 600);
    const orderA = await openOrder(groupA, [rice], { deadline: inSeconds(600) });
    const orderB = await openOrder(groupB, [rice], { deadline: inSeconds(600) });
    const [a1, a2, a3] = [await homeIn(alpha, groupA, '51', '5101'), await homeIn(alpha, groupA, '52', '5201'), await homeIn(alpha, groupA, '53', '5301')];
    const b1 = await homeIn(beta, groupB, '54', '5401');
    await signUp(a1, orderA, rice, 2);
    expect(await join(cluster, groupA, poolId, orderA, 0)).toMatchObject({ totalQuantity: 2 });
    await signUp(b1, orderB, rice, 2);
    expect(await join(cluster, groupB, poolId, orderB, 0)).toMatchObject({ totalQuantity: 4 });
    // After B joined: A's new units queue behind B's.
    expect((await signUp(a2, orderA, rice, 3)).errors).toBeUndefined();
    expect((await signUp(a3, orderA, rice, 1)).errors).toBeUndefined();
    expect((await poolOf(poolId)).entries).toEqual([{ quantity: 6, tolerance: 0 }, { quantity: 2, tolerance: 0 }]);
    // a2 lowers from 3 to 2, a3 withdraws: the latest units go (a3's 1, then one of a2's).
    expect((await signUp(a2, orderA, rice, 2)).errors).toBeUndefined();
    expect((await withdraw(cluster, a3, orderA)).errors).toBeUndefined();
    const pool = await poolOf(poolId);
    expect(pool.entries).toEqual([{ quantity: 4, tolerance: 0 }, { quantity: 2, tolerance: 0 }]);
    expect(pool.progress).toMatchObject({ totalQuantity: 6, packsIfClosedNow: 1, wouldForm: true });
    // A pooled order's sign-ups hold nothing on the shelf: the pool reserves whole packs at its close, and decides it.
    expect(await stockOf(rice)).toMatchObject({ reserved: 0 });
    const alone = await cluster.query(`mutation($i: GroupOrderActionInput!) { closeGroupOrder(input: $i) { status } }`, { i: { orderId: orderA } }, await leaderToken(cluster, groupA));
    expect(alone.errors?.[0]?.extensions).toMatchObject({ code: 'ORDER_CLOSED', status: 'POOLED', messageZh: `团购 ${orderA} 已加入拼单：拼单结束时才决定是否成团。` });
    await closeNow(poolId);

    const a = await orderWhen(orderA, (o) => o.status !== 'POOLED');
    const b = await orderWhen(orderB, (o) => o.status !== 'POOLED');
    // One pack of 5, first-come: A's 2 (first), B's 2, then 1 of A's 2 raised after B joined.
    expect(a.poolEntry).toMatchObject({ quantity: 4, allocated: 3, explanation: { rule: 'FIRST_COME_QUANTITY', requested: 4, allocated: 3 } });
    expect(b.poolEntry).toMatchObject({ quantity: 2, allocated: 2, explanation: { rule: 'ALL_QUANTITY_SERVED' } });
    expect([a.status, b.status]).toEqual(['FORMED', 'FORMED']);
    expect(await stockOf(rice)).toEqual({ onHand: 100, reserved: 5, available: 95 });
    expect(await handOut(orderA, groupA)).toEqual([
      { building: '51', households: [{ address: a1.address, lines: [{ quantity: 2 }] }], totals: [{ quantity: 2 }] },
      { building: '52', households: [{ address: a2.address, lines: [{ quantity: 1 }] }], totals: [{ quantity: 1 }] },
    ]);
    const late = await signUp(a3, orderA, rice, 1);
    expect(late.errors?.[0]?.extensions?.code).toBe('ORDER_CLOSED');
  });

  it('an order below its own minimum at the close takes no part and fails; a formed order has always reached its minimum', async () => {
    const groupA = alpha.groups[0]!;
    const groupB = beta.groups[0]!;
    const rice = await stockedProduct(cluster, shopId, { name: '黑米 1kg', packSize: 4, onHand: 40 });
    const poolId = await openPool(rice, 1, 600);
    const small = await openOrder(groupA, [rice], { minimum: 2, deadline: inSeconds(600) });
    const fine = await openOrder(groupB, [rice], { minimum: 1, deadline: inSeconds(600) });
    await signUp(await homeIn(alpha, groupA, '61', '6101'), small, rice, 3);
    await signUp(await homeIn(beta, groupB, '62', '6201'), fine, rice, 4);
    await join(cluster, groupA, poolId, small, 1);
    // Until the small order reaches its own minimum its units are shown apart: closing now leaves them out.
    expect(await join(cluster, groupB, poolId, fine, 0)).toMatchObject({ totalQuantity: 4, packsIfClosedNow: 1, unitsBelowOwnMinimum: 3 });
    await closeNow(poolId);

    const failed = await orderWhen(small, (o) => o.status !== 'POOLED');
    expect(failed).toMatchObject({ status: 'FAILED', progress: { households: 1, reached: false, missing: 1 }, poolEntry: { allocated: 0, explanation: { rule: 'ORDER_BELOW_MINIMUM' } } });
    expect(failed.statusReason).toBe(`Only 1 of the 2 households needed signed up by the deadline. It took no part in ${poolId}.`);
    expect(failed.statusReasonZh).toBe(`截止时仅 1 户报名，未达到 2 户的成团要求。未参加拼单 ${poolId}。`);
    const formed = await orderWhen(fine, (o) => o.status !== 'POOLED');
    expect(formed).toMatchObject({ status: 'FORMED', progress: { reached: true }, poolEntry: { allocated: 4 } });
    // Only the order that formed holds stock.
    expect(await stockOf(rice)).toMatchObject({ reserved: 4 });
  });
});

describe('sign-ups racing the pool’s close', () => {
  it('each sign-up lands before the close (and is allocated) or is refused after it; no unit is lost or invented', async () => {
    const group = alpha.groups[0]!;
    const beans = await stockedProduct(cluster, shopId, { name: '黄豆 1kg', packSize: 4, onHand: 200 });
    const poolId = await openPool(beans, 1, 600);
    const orderId = await openOrder(group, [beans], { deadline: inSeconds(600) });
    await signUp(await homeIn(alpha, group, '101', '10101'), orderId, beans, 1);
    await join(cluster, group, poolId, orderId, 3);
    const households = await Promise.all(Array.from({ length: 16 }, (_, n) => homeIn(alpha, group, '102', `102${String(n).padStart(2, '0')}`)));
    // Every token minted before the race, so that the sign-ups and the close set off together.
    const tokens = await Promise.all(households.map((h) => residentToken(cluster, h)));
    const merchant = await merchantToken(cluster, shopId);
    const signUpAs = (n: number) => signUpWith(cluster, tokens[n]!, households[n]!, orderId, beans, 1);
    const close = () => cluster.query(`mutation($i: PoolActionInput!) { closePool(input: $i) { status } }`, { i: { poolId } }, merchant);
    const answers = await Promise.all([...households.slice(0, 8).map((_, n) => signUpAs(n)), close(), ...households.slice(8).map((_, n) => signUpAs(n + 8))]);
    const codes = answers.map((a) => a.errors?.[0]?.extensions?.code ?? 'OK');
    expect(codes.every((c) => c === 'OK' || c === 'ORDER_CLOSED')).toBe(true);

    const order = await orderWhen(orderId, (o) => o.status !== 'POOLED');
    const signedUp = 1 + codes.filter((c, i) => c === 'OK' && i !== 8).length;
    expect(order.progress.quantity).toBe(signedUp);
    expect(order.poolEntry.quantity).toBe(signedUp);
    const list = await handOut(orderId, group);
    expect(handedOutTotal(list)).toBe(order.poolEntry.allocated);
    expect(await stockOf(beans)).toMatchObject({ reserved: order.poolEntry.allocated });
  });
});

describe('sign-ups racing the merchant’s accept', () => {
  it('units signed up before the accept are released by it, those after hold none: nothing stays reserved for the pool', async () => {
    const group = beta.groups[0]!;
    const millet = await stockedProduct(cluster, shopId, { name: '小米 1kg', packSize: 4, onHand: 100 });
    const proposed = await cluster.query(
      `mutation($i: OpenPoolInput!) { openPool(input: $i) { id } }`,
      { i: { productId: millet, minimumPacks: 1, deadline: inSeconds(600) } },
      await leaderToken(cluster, group),
    );
    const poolId = proposed.data.openPool.id as string;
    const orderId = await openOrder(group, [millet], { deadline: inSeconds(600) });
    await join(cluster, group, poolId, orderId, 0);
    const households = await Promise.all(Array.from({ length: 16 }, (_, n) => homeIn(beta, group, '103', `103${String(n).padStart(2, '0')}`)));
    const tokens = await Promise.all(households.map((h) => residentToken(cluster, h)));
    const merchant = await merchantToken(cluster, shopId);
    const signUpAs = (n: number) => signUpWith(cluster, tokens[n]!, households[n]!, orderId, millet, 2);
    const accept = () => cluster.query(`mutation($i: PoolActionInput!) { acceptPool(input: $i) { status } }`, { i: { poolId } }, merchant);
    const answers = await Promise.all([...households.slice(0, 8).map((_, n) => signUpAs(n)), accept(), ...households.slice(8).map((_, n) => signUpAs(n + 8))]);
    expect(answers.map((a) => a.errors?.[0]?.extensions?.code ?? 'OK')).toEqual(answers.map(() => 'OK'));
    expect(await stockOf(millet)).toMatchObject({ reserved: 0 });
    expect((await poolOf(poolId)).entries).toEqual([{ quantity: 32, tolerance: 0 }]);
  });
});

describe('every allocated unit is on a hand-out line', () => {
  it('an order that gets 7 (4 asked + 3 tolerance) hands out 7: the extra goes one each in sign-up order, explained', async () => {
    const group = alpha.groups[0]!;
    const oil = await stockedProduct(cluster, shopId, { name: '花生油 1L', packSize: 7, onHand: 30 });
    const poolId = await openPool(oil, 1, 600);
    const orderId = await openOrder(group, [oil], { deadline: inSeconds(600) });
    const first = await homeIn(alpha, group, '71', '7101');
    const second = await homeIn(alpha, group, '72', '7201');
    const third = await homeIn(alpha, group, '73', '7301');
    await signUp(first, orderId, oil, 2);
    await signUp(second, orderId, oil, 1);
    await signUp(third, orderId, oil, 1);
    expect(await join(cluster, group, poolId, orderId, 3)).toMatchObject({ totalQuantity: 4, totalTolerance: 3, packsIfClosedNow: 1 });
    await closeNow(poolId);

    const formed = await orderWhen(orderId, (o) => o.status !== 'POOLED');
    expect(formed.poolEntry).toMatchObject({ allocated: 7, explanation: { rule: 'FIRST_COME_TOLERANCE', allocated: 7, fromTolerance: 3 } });
    const list = await handOut(orderId, group);
    expect(list).toEqual([
      { building: '71', households: [{ address: first.address, lines: [{ quantity: 3 }] }], totals: [{ quantity: 3 }] },
      { building: '72', households: [{ address: second.address, lines: [{ quantity: 2 }] }], totals: [{ quantity: 2 }] },
      { building: '73', households: [{ address: third.address, lines: [{ quantity: 2 }] }], totals: [{ quantity: 2 }] },
    ]);
    expect(handedOutTotal(list)).toBe(7);

    const mine = await cluster.query(
      `query($id: ID!) { groupOrder(id: $id) { mySignUp { lines { quantity allocated explanation { rule allocated fromTolerance message messageZh } } } } }`,
      { id: orderId },
      await residentToken(cluster, first),
    );
    expect(mine.data.groupOrder.mySignUp.lines).toEqual([
      {
        quantity: 2,
        allocated: 3,
        explanation: {
          rule: 'SERVED_WITH_EXTRA',
          allocated: 3,
          fromTolerance: 1,
          message: expect.stringContaining('then the 3 extra units (tolerance the leader accepted to complete a pack), one each in sign-up order'),
          messageZh: expect.stringContaining('你要 2 份，全部分到，另多分 1 份'),
        },
      },
    ]);

    // The merchant hands over exactly what the list totals.
    const merchant = await merchantToken(cluster, shopId);
    expect((await cluster.query(`mutation($i: GroupOrderActionInput!) { confirmGroupOrder(input: $i) { status } }`, { i: { orderId } }, merchant)).errors).toBeUndefined();
    expect((await cluster.query(`mutation($i: GroupOrderActionInput!) { markHandedOver(input: $i) { status } }`, { i: { orderId } }, merchant)).errors).toBeUndefined();
    expect(await stockOf(oil)).toEqual({ onHand: 23, reserved: 0, available: 23 });
  });
});

describe("a pool a leader proposes waits for the shop's merchant", () => {
  const PROPOSE = `mutation($i: OpenPoolInput!) { openPool(input: $i) { id status acceptedAt } }`;
  const ACCEPT = `mutation($i: PoolActionInput!) { acceptPool(input: $i) { id status acceptedAt } }`;
  const DECLINE = `mutation($i: DeclinePoolInput!) { declinePool(input: $i) { id status statusReason statusReasonZh } }`;
  const CLOSE = `mutation($i: PoolActionInput!) { closePool(input: $i) { id status } }`;

  async function propose(group: GroupInfo, productId: string, seconds: number) {
    const answer = await cluster.query(PROPOSE, { i: { productId, minimumPacks: 1, deadline: inSeconds(seconds) } }, await leaderToken(cluster, group));
    expect(answer.errors).toBeUndefined();
    expect(answer.data.openPool).toMatchObject({ status: 'PROPOSED', acceptedAt: null });
    return answer.data.openPool.id as string;
  }

  it('takes orders, keeps their stock and cannot close until accepted; only its own merchant accepts; then it forms', async () => {
    const group = alpha.groups[0]!;
    const flour = await stockedProduct(cluster, shopId, { name: '面粉 5kg', packSize: 3, onHand: 20 });
    const poolId = await propose(group, flour, 9);
    const orderId = await openOrder(group, [flour], { deadline: inSeconds(9) });
    await signUp(await homeIn(alpha, group, '81', '8101'), orderId, flour, 3);
    expect(await stockOf(flour)).toMatchObject({ reserved: 3 });
    await join(cluster, group, poolId, orderId, 0);
    // Until the merchant accepts, the order's sign-ups keep holding their units: the proposal may still be declined.
    expect(await stockOf(flour)).toMatchObject({ reserved: 3 });

    const merchant = await merchantToken(cluster, shopId);
    const early = await cluster.query(CLOSE, { i: { poolId } }, merchant);
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'ORDER_CLOSED', status: 'PROPOSED' });
    expect(early.errors?.[0]?.message).toContain('It waits for its merchant to accept it first.');
    expect(early.errors?.[0]?.extensions?.messageZh).toContain('待商户接受');
    for (const [who, token] of [
      ['the leader who proposed it', await leaderToken(cluster, group)],
      ['another shop’s merchant', await merchantToken(cluster, gamma.shops[1]!.id)],
      ['a resident', await residentToken(cluster, alpha.compounds[0]!.households[0]!)],
    ] as const) {
      const refused = await cluster.query(ACCEPT, { i: { poolId } }, token);
      expect({ who, code: refused.errors?.[0]?.extensions?.code }).toEqual({ who, code: 'FORBIDDEN' });
      expect(refused.errors?.[0]?.extensions?.messageZh).toContain(`只有 ${shopId} 的商户本人可以接受或拒绝在本店发起的拼单`);
    }
    expect((await poolOf(poolId)).status).toBe('PROPOSED');

    const accepted = await cluster.query(ACCEPT, { i: { poolId } }, merchant);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data.acceptPool.status).toBe('OPEN');
    expect(accepted.data.acceptPool.acceptedAt).toBeTruthy();
    // From now on the pool decides the order's stock.
    expect(await stockOf(flour)).toMatchObject({ reserved: 0 });
    const again = await cluster.query(ACCEPT, { i: { poolId } }, merchant);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'ORDER_CLOSED', status: 'OPEN' });
    expect(again.errors?.[0]?.extensions?.messageZh).toBe(`只有状态为“待商户接受”的拼单可以接受；拼单 ${poolId} 当前状态为“拼单中”。`);

    const formed = await orderWhen(orderId, (o) => o.status !== 'POOLED');
    expect(formed).toMatchObject({ status: 'FORMED', poolEntry: { allocated: 3 } });
    expect(await stockOf(flour)).toMatchObject({ reserved: 3 });
  });

  it('declined with a reason, its orders run on their own again with their sign-ups and stock, and form by themselves', async () => {
    const group = beta.groups[0]!;
    const noodles = await stockedProduct(cluster, shopId, { name: '挂面 500g', packSize: 10, onHand: 30 });
    const poolId = await propose(group, noodles, 60);
    const orderId = await openOrder(group, [noodles], { deadline: inSeconds(12) });
    await signUp(await homeIn(beta, group, '82', '8201'), orderId, noodles, 2);
    await join(cluster, group, poolId, orderId, 1);

    const merchant = await merchantToken(cluster, shopId);
    const blank = await cluster.query(DECLINE, { i: { poolId, reason: '  ' } }, merchant);
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.reason' });
    expect((await cluster.query(DECLINE, { i: { poolId, reason: '不送' } }, await leaderToken(cluster, group))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const declined = await cluster.query(DECLINE, { i: { poolId, reason: '这周不送货' } }, merchant);
    expect(declined.errors).toBeUndefined();
    expect(declined.data.declinePool).toEqual({
      id: poolId,
      status: 'DECLINED',
      statusReason: 'Not accepted: the merchant declined it: 这周不送货.',
      statusReasonZh: '未被接受：商户拒绝了拼单：这周不送货。',
    });
    const back = await cluster.query(`query($id: ID!) { groupOrder(id: $id) { status statusReasonZh pool { id } } }`, { id: orderId });
    expect(back.data.groupOrder).toEqual({ status: 'OPEN', statusReasonZh: `拼单 ${poolId} 未被接受（商户拒绝了拼单：这周不送货），本团购已退出拼单，恢复单独接龙。`, pool: null });
    expect(await stockOf(noodles)).toMatchObject({ reserved: 2 });
    const twice = await cluster.query(DECLINE, { i: { poolId, reason: '不送' } }, merchant);
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'ORDER_CLOSED', status: 'DECLINED' });
    const rejoin = await cluster.query(JOIN_POOL, { i: { poolId, orderId, tolerance: 0 } }, await leaderToken(cluster, group));
    expect(rejoin.errors?.[0]?.extensions).toMatchObject({ code: 'ORDER_CLOSED', status: 'DECLINED' });
    expect(rejoin.errors?.[0]?.extensions?.messageZh).toBe(`拼单 ${poolId} 已不能再修改：状态为“商户未接受”。`);

    const formed = await orderWhen(orderId, (o) => o.status !== 'OPEN');
    expect(formed.status).toBe('FORMED');
    expect(await stockOf(noodles)).toMatchObject({ reserved: 2 });
  });

  it('not accepted before its deadline, it ends by itself and its orders run on their own', async () => {
    const group = alpha.groups[0]!;
    const salt = await stockedProduct(cluster, shopId, { name: '食盐 400g', packSize: 6, onHand: 12 });
    const poolId = await propose(group, salt, 6);
    const orderId = await openOrder(group, [salt], { deadline: inSeconds(120) });
    await signUp(await homeIn(alpha, group, '83', '8301'), orderId, salt, 1);
    await join(cluster, group, poolId, orderId, 0);
    const ended = await eventually(() => poolOf(poolId), (p) => p.status !== 'PROPOSED');
    expect(ended).toMatchObject({ status: 'DECLINED', statusReason: 'Not accepted: the merchant did not accept it before its deadline.', entries: [] });
    expect((await cluster.query(`query($id: ID!) { groupOrder(id: $id) { status } }`, { id: orderId })).data.groupOrder.status).toBe('OPEN');
    expect(await stockOf(salt)).toMatchObject({ reserved: 1 });
  });

  it("the shop's merchant's own pool is accepted at once; a resident opens none", async () => {
    const flour = gamma.shops[0]!.products[0]!.id;
    const own = await cluster.query(PROPOSE, { i: { productId: flour, minimumPacks: 1, deadline: inSeconds(600) } }, await merchantToken(cluster, shopId));
    expect(own.data.openPool.status).toBe('OPEN');
    expect(own.data.openPool.acceptedAt).toBeTruthy();
    const resident = await cluster.query(PROPOSE, { i: { productId: flour, minimumPacks: 1, deadline: inSeconds(600) } }, await residentToken(cluster, alpha.compounds[0]!.households[0]!));
    expect(resident.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherMerchant = await cluster.query(PROPOSE, { i: { productId: flour, minimumPacks: 1, deadline: inSeconds(600) } }, await merchantToken(cluster, gamma.shops[1]!.id));
    expect(otherMerchant.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('pools across communities', () => {
  it('three compounds in two communities pool at a merchant in a third: whole packs, tolerance completes the last', async () => {
    const groupA = await groupOf(cluster, alpha, 0);
    const groupC = await groupOf(cluster, alpha, 1);
    const groupB = await groupOf(cluster, beta, 1);
    expect(new Set([groupA.compoundId, groupB.compoundId, groupC.compoundId]).size).toBe(3);
    const rice = await stockedProduct(cluster, shopId, { name: '珍珠米 5kg', packSize: 5, onHand: 50 });
    const poolId = await openPool(rice, 2, 600);
    const orders = await Promise.all([groupA, groupB, groupC].map((g) => openOrder(g, [rice], { deadline: inSeconds(600) })));
    await signUp(await homeIn(alpha, groupA, '91', '9101'), orders[0]!, rice, 4);
    await signUp(await household(cluster, beta, groupB.compoundId, '92', '9201'), orders[1]!, rice, 3);
    const c1 = await household(cluster, alpha, groupC.compoundId, '93', '9301');
    await signUp(c1, orders[2]!, rice, 2);
    await join(cluster, groupA, poolId, orders[0]!, 0);
    await join(cluster, groupB, poolId, orders[1]!, 0);
    await join(cluster, groupC, poolId, orders[2]!, 1);
    const open = await cluster.query(`{ openPools(first: 10) { id progress { packsIfClosedNow packsMissing } } }`);
    expect(open.data.openPools).toEqual(expect.arrayContaining([{ id: poolId, progress: { packsIfClosedNow: 2, packsMissing: 0 } }]));
    await closeNow(poolId);

    const results = await Promise.all(orders.map((o) => orderWhen(o, (x) => x.status !== 'POOLED')));
    expect(results.map((r) => r.poolEntry.allocated)).toEqual([4, 3, 3]);
    expect(results.map((r) => r.status)).toEqual(['FORMED', 'FORMED', 'FORMED']);
    expect(results[2].poolEntry.explanation.rule).toBe('FIRST_COME_TOLERANCE');
    expect(await stockOf(rice)).toMatchObject({ reserved: 10, available: 40 });
    // C's tolerance unit is on C's only household's line.
    expect(handedOutTotal(await handOut(orders[2]!, groupC))).toBe(3);
  });
});
