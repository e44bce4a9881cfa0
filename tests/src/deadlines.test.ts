/**
 * Deadlines fire by themselves, with nobody online: exactly once, across restarts and replicas, and late rather
 * than lost when the node was down at the time.
 */
import { TestCluster } from './support/cluster';
import { household } from './support/orders';
import { eventually, inSeconds, leaderToken, lookUp, merchantToken, residentToken, stockedProduct, type CommunityInfo, type HouseholdInfo } from './support/sub-district';

let cluster: TestCluster;
let alpha: CommunityInfo;
let gamma: CommunityInfo;

beforeAll(async () => {
  process.env.LILONG_SCHEDULER_MS = '200';
  cluster = await TestCluster.start();
  const ids = await lookUp(cluster);
  alpha = ids.get('alpha')!;
  gamma = ids.get('gamma')!;
});

afterAll(async () => {
  await cluster?.stop();
});

async function openOrder(productId: string, seconds: number, minimum: number) {
  const group = alpha.groups[0]!;
  const answer = await cluster.query(
    `mutation($i: OpenGroupOrderInput!) { openGroupOrder(input: $i) { id deadline } }`,
    { i: { shopId: gamma.shops[0]!.id, groupId: group.id, title: '定时团购', deadline: inSeconds(seconds), minimumKind: 'HOUSEHOLDS', minimum, handOut: 'PICKUP_AT_SHOP', productIds: [productId] } },
    await leaderToken(cluster, group),
  );
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data.openGroupOrder as { id: string; deadline: string };
}

/** A household of the group's compound, registered by the committee, and its resident's token: made before the clock runs. */
async function resident(n: number): Promise<{ household: HouseholdInfo; token: string }> {
  const h = await household(cluster, alpha, alpha.groups[0]!.compoundId, '501', String(n));
  return { household: h, token: await residentToken(cluster, h) };
}

async function signUpOne(orderId: string, productId: string, { household: h, token }: { household: HouseholdInfo; token: string }) {
  const answer = await cluster.query(
    `mutation($i: SignUpInput!) { signUp(input: $i) { id } }`,
    { i: { orderId, householdId: h.id, lines: [{ productId, quantity: 1 }] } },
    token,
  );
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
}

const status = (id: string) => cluster.query(`query($id: ID!) { groupOrder(id: $id) { status closedAt } }`, { id });

it('a deadline that passed while the node was down fires when it comes back: late, not lost', async () => {
  const productId = await stockedProduct(cluster, gamma.shops[0]!.id, { name: '停机期间的团购', onHand: 10 });
  const home = await resident(1);
  const order = await openOrder(productId, 6, 1);
  await signUpOne(order.id, productId, home);
  await cluster.stopNode('gamma');
  await new Promise((r) => setTimeout(r, 7000));
  await cluster.restartNode('gamma');
  const after = await eventually(() => status(order.id), (a) => a.data?.groupOrder?.status === 'FORMED', 10_000);
  expect(after.data.groupOrder.status).toBe('FORMED');
  expect(new Date(after.data.groupOrder.closedAt).getTime()).toBeGreaterThan(new Date(order.deadline).getTime());
});

it('fires exactly once per deadline, even with two replicas of the node racing for it', async () => {
  await cluster.replica('gamma');
  await cluster.replica('gamma');
  const productId = await stockedProduct(cluster, gamma.shops[0]!.id, { name: '双副本团购', onHand: 50 });
  const homes = await Promise.all(Array.from({ length: 8 }, (_, i) => resident(100 + i)));
  const orders = [];
  // Every order's deadline after all eight are open and signed up (a busy machine takes a second or more for each).
  for (let i = 0; i < 8; i += 1) {
    const order = await openOrder(productId, 15, 5);
    await signUpOne(order.id, productId, homes[i]!);
    orders.push(order);
  }
  const reserved = await cluster.query(`query($id: ID!) { product(id: $id) { stock { reserved } } }`, { id: productId });
  expect(reserved.data.product.stock.reserved).toBe(8);
  for (const order of orders) {
    const done = await eventually(() => status(order.id), (a) => a.data?.groupOrder?.status === 'FAILED', 15_000);
    expect(done.data.groupOrder.status).toBe('FAILED');
  }
  const history = await cluster.query(
    `query($id: ID!) { product(id: $id) { stock { onHand reserved } stockHistory(first: 100) { kind actor } } }`,
    { id: productId },
    await merchantToken(cluster, gamma.shops[0]!.id),
  );
  const releases = (history.data.product.stockHistory as { kind: string; actor: string }[]).filter((h) => h.kind === 'RELEASE');
  // One release per failed order: no deadline fired twice.
  expect(releases).toHaveLength(8);
  expect(releases.every((r) => r.actor === 'lilong-scheduler')).toBe(true);
  expect(history.data.product.stock).toEqual({ onHand: 50, reserved: 0 });
});
