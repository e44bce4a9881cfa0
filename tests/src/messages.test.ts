/**
 * What refusals and audit entries say, through the hub, in the three domains: every ID in `extensions` and in stock
 * audit reasons is a global ID (`<community>:<Type>:<localId>`), and Chinese messages carry no English words (status
 * values, type names, skills and field names are said in Chinese; IDs and argument paths stay as they are typed).
 */
import { TestCluster } from './support/cluster';
import { household, join, openOrder, openPool, signUp } from './support/orders';
import { eventually, inSeconds, leaderToken, lookUp, merchantToken, stockedProduct, type CommunityInfo } from './support/sub-district';

let cluster: TestCluster;
let alpha: CommunityInfo;
let gamma: CommunityInfo;
let shopId: string;

beforeAll(async () => {
  process.env.LILONG_SCHEDULER_MS = '200';
  cluster = await TestCluster.start();
  const ids = await lookUp(cluster);
  alpha = ids.get('alpha')!;
  gamma = ids.get('gamma')!;
  shopId = gamma.shops[0]!.id;
});

afterAll(async () => {
  await cluster?.stop();
});

/**
 * English words left in a Chinese message once what is typed, not said, is taken out: global IDs, argument paths
 * (`input.lines[0].quantity`), and the names given (products, reasons), which are the users' own words.
 */
function englishIn(zh: string, names: string[] = []): string[] {
  let said = zh.replace(/[a-z][a-z0-9-]*:[A-Z][A-Za-z]*:\d+/g, ' ').replace(/\binput(\.[A-Za-z]+|\[\d+\])+/g, ' ');
  for (const name of names) said = said.split(name).join(' ');
  return said.match(/[A-Za-z]{2,}/g) ?? [];
}

const zhOf = (answer: { errors?: { extensions?: Record<string, any> }[] }): string => answer.errors?.[0]?.extensions?.messageZh ?? '(no error)';

const HISTORY = `query($id: ID!) { product(id: $id) { stockHistory(first: 20) { kind reason } } }`;

describe('global IDs in extensions and audit reasons', () => {
  it('INSUFFICIENT_STOCK names the product by its global ID, and says so in Chinese', async () => {
    const group = alpha.groups[0]!;
    const rice = await stockedProduct(cluster, shopId, { name: '东北大米 10kg', onHand: 2 });
    const orderId = await openOrder(cluster, shopId, group, [rice], { deadline: inSeconds(600) });
    const h = await household(cluster, alpha, group.compoundId, '11', '1101');
    const answer = await signUp(cluster, h, orderId, rice, 3);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'INSUFFICIENT_STOCK', productId: rice, available: 2, requested: 3 });
    expect(rice).toMatch(/^gamma:Product:\d+$/);
    expect(zhOf(answer)).toBe('东北大米 10kg 仅剩 2袋（需要 3）。');
    expect(englishIn(zhOf(answer), ['东北大米 10kg'])).toEqual([]);
  });

  it('audit reasons name orders and pools by their global IDs: sign-up, failure, pool, hand-over', async () => {
    const group = alpha.groups[0]!;
    const merchant = await merchantToken(cluster, shopId);
    const oil = await stockedProduct(cluster, shopId, { name: '菜籽油 5L', onHand: 10 });
    const failing = await openOrder(cluster, shopId, group, [oil], { minimum: 3 });
    const h = await household(cluster, alpha, group.compoundId, '12', '1201');
    expect((await signUp(cluster, h, failing, oil, 2)).errors).toBeUndefined();
    await eventually(
      () => cluster.query(`query($id: ID!) { groupOrder(id: $id) { status } }`, { id: failing }),
      (a) => a.data.groupOrder.status === 'FAILED',
    );

    const rice = await stockedProduct(cluster, shopId, { name: '五常大米 5kg', packSize: 2, onHand: 10 });
    const pooled = await openOrder(cluster, shopId, group, [rice], { deadline: inSeconds(600) });
    expect((await signUp(cluster, h, pooled, rice, 2)).errors).toBeUndefined();
    const poolId = await openPool(cluster, shopId, rice, 1, 6);
    await join(cluster, group, poolId, pooled, 0);
    await eventually(
      () => cluster.query(`query($id: ID!) { groupOrder(id: $id) { status } }`, { id: pooled }),
      (a) => a.data.groupOrder.status === 'FORMED',
    );
    for (const step of ['confirmGroupOrder', 'markHandedOver']) {
      expect((await cluster.query(`mutation($i: GroupOrderActionInput!) { ${step}(input: $i) { status } }`, { i: { orderId: pooled } }, merchant)).errors).toBeUndefined();
    }

    const reasons = async (productId: string) =>
      ((await cluster.query(HISTORY, { id: productId }, merchant)).data.product.stockHistory as { kind: string; reason: string }[]).map((h) => `${h.kind} ${h.reason}`).reverse();
    expect((await reasons(oil)).slice(-2)).toEqual([`RESERVE sign-up ${h.id} in ${failing}`, `RELEASE ${failing} failed`]);
    expect((await reasons(rice)).slice(-4)).toEqual([
      `RESERVE sign-up ${h.id} in ${pooled}`,
      `RELEASE ${pooled} is in ${poolId}, which reserves whole packs at its close`,
      `RESERVE ${poolId} formed: 1 pack of 2`,
      `HAND_OVER ${pooled} handed over`,
    ]);
  });
});

describe('Chinese messages without English words', () => {
  it('says an order’s and a pool’s status in Chinese', async () => {
    const group = alpha.groups[0]!;
    const merchant = await merchantToken(cluster, shopId);
    const eggs = await stockedProduct(cluster, shopId, { name: '鸡蛋 30枚', onHand: 10 });
    const orderId = await openOrder(cluster, shopId, group, [eggs], { deadline: inSeconds(600) });
    const early = await cluster.query(`mutation($i: GroupOrderActionInput!) { confirmGroupOrder(input: $i) { status } }`, { i: { orderId } }, merchant);
    expect(zhOf(early)).toBe('只有状态为“已成团”的订单可以确认；当前状态为“接龙中”。');
    const h = await household(cluster, alpha, group.compoundId, '13', '1301');
    await signUp(cluster, h, orderId, eggs, 1);
    await cluster.query(`mutation($i: GroupOrderActionInput!) { closeGroupOrder(input: $i) { status } }`, { i: { orderId } }, await leaderToken(cluster, group));
    const late = await signUp(cluster, h, orderId, eggs, 2);
    expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'ORDER_CLOSED', status: 'FORMED' });
    expect(zhOf(late)).toBe(`团购 ${orderId} 已停止接龙：状态为“已成团”。`);

    const pastOrder = await openOrder(cluster, shopId, group, [eggs], { deadline: inSeconds(600) });
    const poolId = await openPool(cluster, shopId, eggs, 1, 600);
    const closed = await cluster.query(`mutation($i: PoolActionInput!) { closePool(input: $i) { status } }`, { i: { poolId } }, merchant);
    expect(closed.errors).toBeUndefined();
    const joinClosed = await cluster.query(`mutation($i: JoinPoolInput!) { joinPool(input: $i) { id } }`, { i: { poolId, orderId: pastOrder, tolerance: 0 } }, await leaderToken(cluster, group));
    expect(zhOf(joinClosed)).toBe(`拼单 ${poolId} 已不能再修改：状态为“未成团”。`);
    for (const answer of [early, late, joinClosed]) expect(englishIn(zhOf(answer))).toEqual([]);
  });

  it('says a deadline in Chinese time, a type by its Chinese name, and a volunteer’s skill in Chinese', async () => {
    const group = alpha.groups[0]!;
    const eggs = gamma.shops[0]!.products[0]!.id;
    const past = await cluster.query(
      `mutation($i: OpenGroupOrderInput!) { openGroupOrder(input: $i) { id } }`,
      { i: { shopId, groupId: group.id, title: 't', deadline: '2026-01-01T01:00:00Z', minimumKind: 'QUANTITY', minimum: 1, handOut: 'PICKUP_AT_SHOP', productIds: [eggs] } },
      await leaderToken(cluster, group),
    );
    expect(zhOf(past)).toBe('input.deadline：2026年1月1日 09:00:00 已过去或距现在不足 5 秒。');
    const missing = await cluster.query(`mutation { acceptPool(input: { poolId: "gamma:Pool:999999" }) { id } }`, {}, await merchantToken(cluster, shopId));
    expect(zhOf(missing)).toBe('找不到编号为 "gamma:Pool:999999" 的拼单。');

    const dispatch = await cluster.token([{ role: 'dispatcher', community: 'alpha' }], 'dispatcher-alpha');
    const REGISTER = `mutation($i: RegisterVolunteerInput!) { registerVolunteer(input: $i) { id } }`;
    const twice = await cluster.query(REGISTER, { i: { compoundId: alpha.compounds[0]!.id, displayName: '小乙', skills: ['ESCORT', 'ESCORT'], zone: 'A片' } }, dispatch);
    expect(zhOf(twice)).toBe('input.skills：“陪同就医”重复填写。');
    const noCar = await cluster.query(REGISTER, { i: { compoundId: alpha.compounds[0]!.id, displayName: '小乙', skills: ['DRIVER'], zone: 'A片' } }, dispatch);
    expect(zhOf(noCar)).toBe('input.skills：司机须有车：座位数至少为 1。');
    for (const answer of [past, missing, twice, noCar]) expect(englishIn(zhOf(answer))).toEqual([]);
  });
});
