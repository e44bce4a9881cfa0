/**
 * Group orders and pools across compounds, end to end through the hub: orders live with the merchant (gamma),
 * groups and households in other communities (alpha, beta); deadlines fire with nobody calling.
 */
import { TestCluster } from './support/cluster';
import {
  eventually, inSeconds, leaderToken, lookUp, merchantToken, residentToken, stockedProduct, stockOf as stockOfProduct,
  type CommunityInfo, type GroupInfo, type HouseholdInfo,
} from './support/sub-district';

let cluster: TestCluster;
let ids: Map<string, CommunityInfo>;
let alpha: CommunityInfo;
let beta: CommunityInfo;
let gamma: CommunityInfo;
let shopId: string;

beforeAll(async () => {
  process.env.LILONG_SCHEDULER_MS = '200';
  cluster = await TestCluster.start();
  ids = await lookUp(cluster);
  [alpha, beta, gamma] = [...ids.values()] as [CommunityInfo, CommunityInfo, CommunityInfo];
  shopId = gamma.shops[0]!.id;
});

afterAll(async () => {
  await cluster?.stop();
});

/** Registers a household in a compound, as its committee would. */
async function household(community: CommunityInfo, compoundId: string, building: string, room: string): Promise<HouseholdInfo> {
  const answer = await cluster.query(
    `mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { id address building } }`,
    { i: { compoundId, building, room, tenure: 'TENANT' } },
    cluster.token([{ role: 'committee', community: community.code }]),
  );
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return { ...answer.data.registerHousehold, compoundId };
}

async function openOrder(group: GroupInfo, productIds: string[], extra: Record<string, unknown> = {}) {
  const answer = await cluster.query(
    `mutation($i: OpenGroupOrderInput!) { openGroupOrder(input: $i) { id status deadline community { code } } }`,
    { i: { shopId, groupId: group.id, title: '大米团购', deadline: inSeconds(7), minimumKind: 'HOUSEHOLDS', minimum: 1, handOut: 'DELIVERY_TO_GATE', productIds, ...extra } },
    leaderToken(cluster, group),
  );
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data.openGroupOrder.id as string;
}

async function signUp(h: HouseholdInfo, orderId: string, productId: string, quantity: number, idempotencyKey?: string) {
  return cluster.query(
    `mutation($i: SignUpInput!) { signUp(input: $i) { id position lines { quantity } } }`,
    { i: { orderId, householdId: h.id, lines: [{ productId, quantity }], ...(idempotencyKey ? { idempotencyKey } : {}) } },
    residentToken(cluster, h),
  );
}

const stockOf = (productId: string) => stockOfProduct(cluster, productId);

const ORDER = `query($id: ID!) { groupOrder(id: $id) { id status statusReason statusReasonZh closedAt progress { households quantity missing reached }
  poolEntry { quantity tolerance allocated explanation { rule message messageZh requested allocated packs packSize } } } }`;

async function orderWhen(id: string, done: (order: any) => boolean) {
  const answer = await eventually(() => cluster.query(ORDER, { id }), (a) => !a.errors && done(a.data.groupOrder));
  expect(answer.errors).toBeUndefined();
  return answer.data.groupOrder;
}

describe('a group order 接龙 on its own', () => {
  it('reserves at sign-up, forms at its deadline by itself, and hands out by building', async () => {
    const group = alpha.groups[0]!;
    const productId = await stockedProduct(cluster, shopId, { name: '东北大米 10kg', householdLimit: 3, onHand: 20 });
    const h1 = await household(alpha, group.compoundId, '21', '2101');
    const h2 = await household(alpha, group.compoundId, '22', '2201');
    const orderId = await openOrder(group, [productId], { minimum: 2 });
    expect(orderId.startsWith(`${gamma.code}:GroupOrder:`)).toBe(true);

    expect((await signUp(h1, orderId, productId, 2)).data.signUp).toMatchObject({ position: 1 });
    expect((await signUp(h2, orderId, productId, 1)).data.signUp).toMatchObject({ position: 2 });
    expect(await stockOf(productId)).toEqual({ onHand: 20, reserved: 3, available: 17 });
    // Changing the quantity keeps the household's place.
    expect((await signUp(h1, orderId, productId, 3)).data.signUp).toMatchObject({ position: 1, lines: [{ quantity: 3 }] });
    expect(await stockOf(productId)).toMatchObject({ reserved: 4 });
    // Over the per-household limit.
    const tooMany = await signUp(h2, orderId, productId, 4);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.lines[0].quantity' });
    expect(tooMany.errors?.[0]?.message).toContain('3');

    const formed = await orderWhen(orderId, (o) => o.status !== 'OPEN');
    expect(formed).toMatchObject({ status: 'FORMED', progress: { households: 2, quantity: 4, reached: true } });
    expect(await stockOf(productId)).toEqual({ onHand: 20, reserved: 4, available: 16 });

    const late = await signUp(h2, orderId, productId, 2);
    expect(late.errors?.[0]?.extensions?.code).toBe('ORDER_CLOSED');

    const list = await cluster.query(`query($id: ID!) { groupOrder(id: $id) { handOutList { building households { address lines { product quantity } } totals { quantity } } } }`, { id: orderId }, leaderToken(cluster, group));
    expect(list.errors).toBeUndefined();
    expect(list.data.groupOrder.handOutList).toEqual([
      { building: '21', households: [{ address: h1.address, lines: [{ product: '东北大米 10kg', quantity: 3 }] }], totals: [{ quantity: 3 }] },
      { building: '22', households: [{ address: h2.address, lines: [{ product: '东北大米 10kg', quantity: 1 }] }], totals: [{ quantity: 1 }] },
    ]);
    // The merchant sees counts, not addresses.
    const merchant = merchantToken(cluster, shopId);
    const hidden = await cluster.query(`query($id: ID!) { groupOrder(id: $id) { signUps { address } } }`, { id: orderId }, merchant);
    expect(hidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const confirmed = await cluster.query(`mutation($i: GroupOrderActionInput!) { confirmGroupOrder(input: $i) { status } }`, { i: { orderId } }, merchant);
    expect(confirmed.data.confirmGroupOrder.status).toBe('CONFIRMED');
    const handed = await cluster.query(`mutation($i: GroupOrderActionInput!) { markHandedOver(input: $i) { status } }`, { i: { orderId } }, merchant);
    expect(handed.data.markHandedOver.status).toBe('HANDED_OVER');
    expect(await stockOf(productId)).toEqual({ onHand: 16, reserved: 0, available: 16 });

    // Read across the federation: the group's orders (held by a merchant in another community) and a household's sign-ups.
    const fromGroup = await cluster.query(`query($id: ID!) { group(id: $id) { groupOrders { id status } } }`, { id: group.id });
    expect(fromGroup.data.group.groupOrders).toEqual(expect.arrayContaining([{ id: orderId, status: 'HANDED_OVER' }]));
    const fromHousehold = await cluster.query(`query($id: ID!) { household(id: $id) { address signUps { order { id } lines { quantity } } } }`, { id: h1.id }, residentToken(cluster, h1));
    expect(fromHousehold.errors).toBeUndefined();
    expect(fromHousehold.data.household.signUps).toEqual([{ order: { id: orderId }, lines: [{ quantity: 3 }] }]);
  });

  it('fails at its deadline below its minimum, releases every reserved unit and says why', async () => {
    const group = beta.groups[0]!;
    const productId = await stockedProduct(cluster, shopId, { name: '菜籽油 5L', onHand: 10 });
    const h = await household(beta, group.compoundId, '8', '801');
    const orderId = await openOrder(group, [productId], { minimum: 5 });
    expect((await signUp(h, orderId, productId, 2)).errors).toBeUndefined();
    expect(await stockOf(productId)).toMatchObject({ reserved: 2 });
    const failed = await orderWhen(orderId, (o) => o.status !== 'OPEN');
    expect(failed.status).toBe('FAILED');
    expect(failed.statusReason).toBe('Only 1 of the 5 households needed signed up by the deadline.');
    expect(failed.statusReasonZh).toContain('5 户');
    expect(await stockOf(productId)).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });
});

describe('changing one’s mind, and closing early', () => {
  it('a household withdraws before the deadline and gets its units back; coming back puts it at the end', async () => {
    const group = alpha.groups[0]!;
    const productId = await stockedProduct(cluster, shopId, { name: '鸡蛋 30枚', onHand: 10 });
    const orderId = await openOrder(group, [productId], { deadline: inSeconds(600) });
    const first = await household(alpha, group.compoundId, '41', '4101');
    const second = await household(alpha, group.compoundId, '42', '4201');
    await signUp(first, orderId, productId, 3);
    await signUp(second, orderId, productId, 2);
    expect(await stockOf(productId)).toMatchObject({ reserved: 5 });
    const withdrawn = await cluster.query(
      `mutation($i: WithdrawSignUpInput!) { withdrawSignUp(input: $i) { position withdrawnAt } }`,
      { i: { orderId, householdId: first.id } },
      residentToken(cluster, first),
    );
    expect(withdrawn.data.withdrawSignUp.position).toBeNull();
    expect(withdrawn.data.withdrawSignUp.withdrawnAt).toBeTruthy();
    expect(await stockOf(productId)).toMatchObject({ reserved: 2 });
    expect((await signUp(second, orderId, productId, 2)).data.signUp.position).toBe(1);
    expect((await signUp(first, orderId, productId, 1)).data.signUp.position).toBe(2);
    expect(await stockOf(productId)).toMatchObject({ reserved: 3 });
  });

  it('the leader closes early: the order forms now; nobody else may close it', async () => {
    const group = alpha.groups[0]!;
    const productId = await stockedProduct(cluster, shopId, { name: '土豆 5斤', onHand: 10 });
    const orderId = await openOrder(group, [productId], { deadline: inSeconds(600) });
    const h = await household(alpha, group.compoundId, '43', '4301');
    await signUp(h, orderId, productId, 2);
    const close = (token: string) =>
      cluster.query(`mutation($i: GroupOrderActionInput!) { closeGroupOrder(input: $i) { status closedAt } }`, { i: { orderId } }, token);
    expect((await close(leaderToken(cluster, beta.groups[0]!))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await close(residentToken(cluster, h))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const closed = await close(leaderToken(cluster, group));
    expect(closed.data.closeGroupOrder.status).toBe('FORMED');
    expect((await close(leaderToken(cluster, group))).errors?.[0]?.extensions?.code).toBe('ORDER_CLOSED');
    expect(await stockOf(productId)).toMatchObject({ reserved: 2 });
  });
});

describe('pools across compounds', () => {
  async function leaderFor(community: CommunityInfo, compoundIndex: number): Promise<GroupInfo> {
    const compound = community.compounds[compoundIndex]!;
    const existing = community.groups.find((g) => g.compoundId === compound.id);
    if (existing) return existing;
    const leaderHousehold = await household(community, compound.id, '9', `9${compoundIndex}1`);
    const created = await cluster.query(
      `mutation($i: CreateGroupInput!) { createGroup(input: $i) { id } }`,
      { i: { compoundId: compound.id, name: `${compound.name}互助群`, leaderHouseholdId: leaderHousehold.id } },
      cluster.token([{ role: 'committee', community: community.code }]),
    );
    if (created.errors) throw new Error(JSON.stringify(created.errors));
    return { id: created.data.createGroup.id, compoundId: compound.id, leaderHouseholdId: leaderHousehold.id };
  }

  async function openPool(productId: string, minimumPacks: number, seconds = 8) {
    const answer = await cluster.query(
      `mutation($i: OpenPoolInput!) { openPool(input: $i) { id packSize status } }`,
      { i: { productId, minimumPacks, deadline: inSeconds(seconds) } },
      merchantToken(cluster, shopId),
    );
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    return answer.data.openPool.id as string;
  }

  async function join(group: GroupInfo, poolId: string, orderId: string, quantity: number, tolerance: number) {
    const answer = await cluster.query(
      `mutation($i: JoinPoolInput!) { joinPool(input: $i) { id progress { totalQuantity totalTolerance unitsToNextPack packsMissing } } }`,
      { i: { poolId, orderId, quantity, tolerance } },
      leaderToken(cluster, group),
    );
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    return answer.data.joinPool.progress;
  }

  it('reproduces the worked example: pack 5, A 2+3 then B 2+0 then A 4+1 gives A 3 and B 2, explained', async () => {
    const groupA = alpha.groups[0]!;
    const groupB = beta.groups[0]!;
    const rice = await stockedProduct(cluster, shopId, { name: '五常大米 5kg', packSize: 5, onHand: 100 });
    const poolId = await openPool(rice, 1);
    const orderA = await openOrder(groupA, [rice], { deadline: inSeconds(8) });
    const orderB = await openOrder(groupB, [rice], { deadline: inSeconds(8) });
    const a1 = await household(alpha, groupA.compoundId, '3', '301');
    const a2 = await household(alpha, groupA.compoundId, '4', '401');
    const b1 = await household(beta, groupB.compoundId, '5', '501');
    await signUp(a1, orderA, rice, 2);
    await signUp(a2, orderA, rice, 2);
    await signUp(b1, orderB, rice, 2);

    await join(groupA, poolId, orderA, 2, 3);
    await join(groupB, poolId, orderB, 2, 0);
    const progress = await join(groupA, poolId, orderA, 4, 1);
    expect(progress).toEqual({ totalQuantity: 6, totalTolerance: 1, unitsToNextPack: 4, packsMissing: 0 });
    // A pooled order's sign-ups hold nothing on the shelf until the pool closes.
    expect(await stockOf(rice)).toMatchObject({ reserved: 0 });

    const a = await orderWhen(orderA, (o) => o.status !== 'POOLED');
    const b = await orderWhen(orderB, (o) => o.status !== 'POOLED');
    expect(a.poolEntry).toMatchObject({ quantity: 4, tolerance: 1, allocated: 3, explanation: { rule: 'FIRST_COME_QUANTITY', requested: 4, allocated: 3, packs: 1, packSize: 5 } });
    expect(b.poolEntry).toMatchObject({ allocated: 2, explanation: { rule: 'ALL_QUANTITY_SERVED' } });
    expect(a.poolEntry.explanation.message).toContain('1 pack of 5');
    expect(a.status).toBe('FORMED');
    expect(await stockOf(rice)).toEqual({ onHand: 100, reserved: 5, available: 95 });

    const pool = await cluster.query(`query($id: ID!) { pool(id: $id) { status packs unitsOrdered } }`, { id: poolId });
    expect(pool.data.pool).toEqual({ status: 'FORMED', packs: 1, unitsOrdered: 5 });

    // A's 3 units go to its households in sign-up order: a1 all 2, a2 1 of 2, and a2 can ask why.
    const mine = await cluster.query(`query($id: ID!) { groupOrder(id: $id) { mySignUp { position lines { quantity allocated explanation { rule message requested allocated } } } } }`, { id: orderA }, residentToken(cluster, a2));
    expect(mine.data.groupOrder.mySignUp).toMatchObject({ position: 2, lines: [{ quantity: 2, allocated: 1, explanation: { rule: 'PARTLY_SERVED', requested: 2, allocated: 1 } }] });
    const list = await cluster.query(`query($id: ID!) { groupOrder(id: $id) { handOutList { building households { address lines { quantity } } } } }`, { id: orderA }, leaderToken(cluster, groupA));
    expect(list.data.groupOrder.handOutList).toEqual([
      { building: '3', households: [{ address: a1.address, lines: [{ quantity: 2 }] }] },
      { building: '4', households: [{ address: a2.address, lines: [{ quantity: 1 }] }] },
    ]);
  });

  it('three compounds in two communities pool at a merchant in a third: whole packs, tolerance completes the last', async () => {
    const groupA = await leaderFor(alpha, 0);
    const groupC = await leaderFor(alpha, 1);
    const groupB = await leaderFor(beta, 1);
    expect(new Set([groupA.compoundId, groupB.compoundId, groupC.compoundId]).size).toBe(3);
    const rice = await stockedProduct(cluster, shopId, { name: '珍珠米 5kg', packSize: 5, onHand: 50 });
    const poolId = await openPool(rice, 2);
    const orders = await Promise.all([groupA, groupB, groupC].map((g) => openOrder(g, [rice], { deadline: inSeconds(8) })));
    await join(groupA, poolId, orders[0]!, 4, 0);
    await join(groupB, poolId, orders[1]!, 3, 0);
    await join(groupC, poolId, orders[2]!, 2, 1);
    const open = await cluster.query(`{ openPools(first: 10) { id progress { packsIfClosedNow packsMissing } } }`);
    expect(open.data.openPools).toEqual(expect.arrayContaining([{ id: poolId, progress: { packsIfClosedNow: 2, packsMissing: 0 } }]));

    const results = await Promise.all(orders.map((o) => orderWhen(o, (x) => x.status !== 'POOLED')));
    expect(results.map((r) => r.poolEntry.allocated)).toEqual([4, 3, 3]);
    expect(results.map((r) => r.status)).toEqual(['FORMED', 'FORMED', 'FORMED']);
    expect(results[2].poolEntry.explanation.rule).toBe('FIRST_COME_TOLERANCE');
    expect(await stockOf(rice)).toMatchObject({ reserved: 10, available: 40 });
  });

  it('a pool below its minimum fails and fails its group orders, reserving nothing', async () => {
    const groupA = alpha.groups[0]!;
    const rice = await stockedProduct(cluster, shopId, { name: '糯米 5kg', packSize: 5, onHand: 50 });
    const poolId = await openPool(rice, 3);
    const orderA = await openOrder(groupA, [rice], { deadline: inSeconds(8) });
    const h = await household(alpha, groupA.compoundId, '6', '601');
    await signUp(h, orderA, rice, 2);
    await join(groupA, poolId, orderA, 6, 0);
    const failed = await orderWhen(orderA, (o) => o.status !== 'POOLED');
    expect(failed.status).toBe('FAILED');
    expect(failed.statusReason).toContain('minimum 3');
    expect(await stockOf(rice)).toMatchObject({ reserved: 0, available: 50 });
  });
});

describe('bad input changes nothing', () => {
  let productId: string;
  let orderId: string;
  let resident: HouseholdInfo;

  beforeAll(async () => {
    productId = await stockedProduct(cluster, shopId, { name: '挂面 1kg', householdLimit: 5, onHand: 30 });
    orderId = await openOrder(alpha.groups[0]!, [productId], { deadline: inSeconds(600) });
    resident = await household(alpha, alpha.groups[0]!.compoundId, '7', '701');
  });

  it.each([
    [0, 'BAD_USER_INPUT'],
    [-1, 'BAD_USER_INPUT'],
    [6, 'BAD_USER_INPUT'],
    [100000, 'BAD_USER_INPUT'],
  ])('a quantity of %p is refused with %s', async (quantity, code) => {
    const answer = await signUp(resident, orderId, productId, quantity);
    if (quantity === 0) expect(answer.errors?.[0]?.message).toContain('asks for nothing');
    expect(answer.errors?.[0]?.extensions?.code).toBe(code);
    expect(await stockOf(productId)).toMatchObject({ reserved: 0 });
  });

  it('fractional and out-of-range numbers are refused before reaching any node', async () => {
    for (const quantity of [1.5, 2 ** 40]) {
      const answer = await signUp(resident, orderId, productId, quantity);
      expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await stockOf(productId)).toMatchObject({ reserved: 0 });
  });

  it('a deadline in the past, a product of another shop or community, and another merchant’s shop are refused', async () => {
    const leader = leaderToken(cluster, alpha.groups[0]!);
    const open = (i: Record<string, unknown>, token = leader) =>
      cluster.query(`mutation($i: OpenGroupOrderInput!) { openGroupOrder(input: $i) { id } }`, {
        i: { shopId, groupId: alpha.groups[0]!.id, title: 't', deadline: inSeconds(60), minimumKind: 'QUANTITY', minimum: 1, handOut: 'PICKUP_AT_SHOP', productIds: [productId], ...i },
      }, token);
    const past = await open({ deadline: new Date(Date.now() - 60_000).toISOString() });
    expect(past.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'input.deadline' } });
    expect(past.errors?.[0]?.message).toContain('in the past');
    const otherShop = await open({ productIds: [gamma.shops[1]!.products[0]!.id] });
    expect(otherShop.errors?.[0]?.message).toContain('is not sold by');
    const foreign = await open({ productIds: [alpha.shops[0]!.products[0]!.id] });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const notLeader = await open({}, leaderToken(cluster, beta.groups[0]!));
    expect(notLeader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherMerchant = await cluster.query(`mutation($i: GroupOrderActionInput!) { confirmGroupOrder(input: $i) { id } }`, { i: { orderId } }, merchantToken(cluster, gamma.shops[1]!.id));
    expect(otherMerchant.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a household signs up only for itself, and only in its own compound', async () => {
    const other = { ...resident, id: `${alpha.code}:Household:999999` };
    const forOther = await cluster.query(`mutation($i: SignUpInput!) { signUp(input: $i) { id } }`, { i: { orderId, householdId: other.id, lines: [{ productId, quantity: 1 }] } }, residentToken(cluster, resident));
    expect(forOther.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const elsewhere = { ...resident, compoundId: alpha.compounds.find((c) => c.id !== resident.compoundId)!.id };
    const wrongCompound = await signUp(elsewhere, orderId, productId, 1);
    expect(wrongCompound.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a replayed sign-up with the same idempotency key returns the first answer and changes nothing', async () => {
    const key = `signup-${Date.now()}`;
    const first = await signUp(resident, orderId, productId, 2, key);
    const again = await signUp(resident, orderId, productId, 2, key);
    expect(again.data.signUp.id).toBe(first.data.signUp.id);
    expect(await stockOf(productId)).toMatchObject({ reserved: 2 });
    const reused = await signUp(resident, orderId, productId, 3, key);
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', idempotencyKey: key });
    expect(await stockOf(productId)).toMatchObject({ reserved: 2 });
  });
});

describe('who sees what', () => {
  it('sub-district staff see counts, not households; a shop lists its open orders and pools', async () => {
    const group = alpha.groups[0]!;
    const productId = await stockedProduct(cluster, shopId, { name: '苹果 5斤', packSize: 6, onHand: 60 });
    const orderId = await openOrder(group, [productId], { deadline: inSeconds(600) });
    const h = await household(alpha, group.compoundId, '31', '3101');
    expect((await signUp(h, orderId, productId, 2)).errors).toBeUndefined();
    const pool = await cluster.query(
      `mutation($i: OpenPoolInput!) { openPool(input: $i) { id } }`,
      { i: { productId, minimumPacks: 2, deadline: inSeconds(600) } },
      merchantToken(cluster, shopId),
    );
    const poolId = pool.data.openPool.id;

    const staff = cluster.token([{ role: 'subdistrict' }], 'staff');
    const seen = await cluster.query(`query($id: ID!) { groupOrder(id: $id) { progress { households quantity } signUps { address } } }`, { id: orderId }, staff);
    expect(seen.data.groupOrder.progress).toEqual({ households: 1, quantity: 2 });
    expect(seen.data.groupOrder.signUps).toBeNull();
    expect(seen.errors?.[0]).toMatchObject({ path: ['groupOrder', 'signUps'], extensions: { code: 'FORBIDDEN' } });
    expect(seen.errors?.[0]?.message).toContain('sub-district staff see counts');

    const shop = await cluster.query(`query($id: ID!) { shop(id: $id) { openOrders { id } pools { id product { name } } } }`, { id: shopId });
    expect(shop.data.shop.openOrders.map((o: { id: string }) => o.id)).toContain(orderId);
    expect(shop.data.shop.pools).toEqual(expect.arrayContaining([{ id: poolId, product: { name: '苹果 5斤' } }]));
  });
});
