/**
 * Group orders across compounds, end to end through the hub: orders live with the merchant (gamma), groups and
 * households in other communities (alpha, beta); deadlines fire with nobody calling. Pools: pools.test.ts.
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
    await cluster.token([{ role: 'committee', community: community.code }]),
  );
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return { ...answer.data.registerHousehold, compoundId };
}

async function openOrder(group: GroupInfo, productIds: string[], extra: Record<string, unknown> = {}) {
  const answer = await cluster.query(
    `mutation($i: OpenGroupOrderInput!) { openGroupOrder(input: $i) { id status deadline community { code } } }`,
    { i: { shopId, groupId: group.id, title: '大米团购', deadline: inSeconds(7), minimumKind: 'HOUSEHOLDS', minimum: 1, handOut: 'DELIVERY_TO_GATE', productIds, ...extra } },
    await leaderToken(cluster, group),
  );
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data.openGroupOrder.id as string;
}

async function signUp(h: HouseholdInfo, orderId: string, productId: string, quantity: number, idempotencyKey?: string) {
  return cluster.query(
    `mutation($i: SignUpInput!) { signUp(input: $i) { id position lines { quantity } } }`,
    { i: { orderId, householdId: h.id, lines: [{ productId, quantity }], ...(idempotencyKey ? { idempotencyKey } : {}) } },
    await residentToken(cluster, h),
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

    const list = await cluster.query(`query($id: ID!) { groupOrder(id: $id) { handOutList { building households { address lines { product quantity } } totals { quantity } } } }`, { id: orderId }, await leaderToken(cluster, group));
    expect(list.errors).toBeUndefined();
    expect(list.data.groupOrder.handOutList).toEqual([
      { building: '21', households: [{ address: h1.address, lines: [{ product: '东北大米 10kg', quantity: 3 }] }], totals: [{ quantity: 3 }] },
      { building: '22', households: [{ address: h2.address, lines: [{ product: '东北大米 10kg', quantity: 1 }] }], totals: [{ quantity: 1 }] },
    ]);
    // The merchant sees counts, not addresses.
    const merchant = await merchantToken(cluster, shopId);
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
    const fromHousehold = await cluster.query(`query($id: ID!) { household(id: $id) { address signUps { order { id } lines { quantity } } } }`, { id: h1.id }, await residentToken(cluster, h1));
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
      await residentToken(cluster, first),
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
    expect((await close(await leaderToken(cluster, beta.groups[0]!))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await close(await residentToken(cluster, h))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const closed = await close(await leaderToken(cluster, group));
    expect(closed.data.closeGroupOrder.status).toBe('FORMED');
    expect((await close(await leaderToken(cluster, group))).errors?.[0]?.extensions?.code).toBe('ORDER_CLOSED');
    expect(await stockOf(productId)).toMatchObject({ reserved: 2 });
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
    const leader = await leaderToken(cluster, alpha.groups[0]!);
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
    const notLeader = await open({}, await leaderToken(cluster, beta.groups[0]!));
    expect(notLeader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherMerchant = await cluster.query(`mutation($i: GroupOrderActionInput!) { confirmGroupOrder(input: $i) { id } }`, { i: { orderId } }, await merchantToken(cluster, gamma.shops[1]!.id));
    expect(otherMerchant.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a household signs up only for itself, and only in its own compound', async () => {
    const other = { ...resident, id: `${alpha.code}:Household:999999` };
    const forOther = await cluster.query(`mutation($i: SignUpInput!) { signUp(input: $i) { id } }`, { i: { orderId, householdId: other.id, lines: [{ productId, quantity: 1 }] } }, await residentToken(cluster, resident));
    expect(forOther.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // A household the committee registered in another compound of the community: not the group's.
    const otherCompound = alpha.compounds.find((c) => c.id !== resident.compoundId)!.id;
    const elsewhere = await household(alpha, otherCompound, '7', '702');
    const wrongCompound = await signUp(elsewhere, orderId, productId, 1);
    expect(wrongCompound.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await stockOf(productId)).toMatchObject({ reserved: 0 });
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
      await merchantToken(cluster, shopId),
    );
    const poolId = pool.data.openPool.id;

    const staff = await cluster.token([{ role: 'subdistrict' }], 'staff');
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
