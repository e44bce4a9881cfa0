/**
 * Never oversell: however many households sign up at once for one product, the reserved units never exceed what
 * is on the shelf. Row-level locks in PostgreSQL, through the hub, repeated.
 */
import { TestCluster } from './support/cluster';
import { household } from './support/orders';
import { inSeconds, leaderToken, lookUp, merchantToken, residentToken, stockedProduct, stockOf as stockOfProduct, type CommunityInfo, type HouseholdInfo } from './support/sub-district';

let cluster: TestCluster;
let alpha: CommunityInfo;
let gamma: CommunityInfo;
/** SIGN_UPS households of the group's compound, registered by the committee, each with a resident's token. */
let residents: { household: HouseholdInfo; token: string }[];

beforeAll(async () => {
  // The outcome is what this test checks, not the time: a slow CI machine may take longer than the hub's 15 s.
  cluster = await TestCluster.start({ mutationTimeoutMs: 60_000 });
  const ids = await lookUp(cluster);
  alpha = ids.get('alpha')!;
  gamma = ids.get('gamma')!;
  // Residents are who the community's records say: every household is registered, every resident recorded, and
  // every token minted here, before any race starts.
  const compoundId = alpha.groups[0]!.compoundId;
  residents = [];
  for (let start = 0; start < SIGN_UPS; start += 25) {
    const batch = Array.from({ length: Math.min(25, SIGN_UPS - start) }, (_, i) => start + i);
    residents.push(
      ...(await Promise.all(
        batch.map(async (n) => {
          const h = await household(cluster, alpha, compoundId, String(201 + (n % 30)), String(100 + n));
          return { household: h, token: await residentToken(cluster, h) };
        }),
      )),
    );
  }
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

const SIGN_UPS = 300;
const UNITS = 100;

async function hotOrder(name: string, onHand: number) {
  const shopId = gamma.shops[0]!.id;
  const productId = await stockedProduct(cluster, shopId, { name, onHand });
  const group = alpha.groups[0]!;
  const opened = await cluster.query(
    `mutation($i: OpenGroupOrderInput!) { openGroupOrder(input: $i) { id } }`,
    { i: { shopId, groupId: group.id, title: name, deadline: inSeconds(600), minimumKind: 'HOUSEHOLDS', minimum: 1, handOut: 'PICKUP_AT_SHOP', productIds: [productId] } },
    await leaderToken(cluster, group),
  );
  return { shopId, productId, orderId: opened.data.openGroupOrder.id as string, compoundId: group.compoundId };
}

/** Household n signs up for one unit (each round is another order, so the same households sign up again). */
function signUpAs(n: number, order: { orderId: string; productId: string }) {
  const { household, token } = residents[n]!;
  return cluster.query(
    `mutation($i: SignUpInput!) { signUp(input: $i) { id } }`,
    { i: { orderId: order.orderId, householdId: household.id, lines: [{ productId: order.productId, quantity: 1 }] } },
    token,
  );
}

const stockOf = (productId: string) => stockOfProduct(cluster, productId);

it.each([1, 2, 3])(`round %i: ${SIGN_UPS} concurrent sign-ups against ${UNITS} units reserve exactly ${UNITS}`, async (round) => {
  const order = await hotOrder(`抢购大米 ${round}`, UNITS);
  const answers = await Promise.all(Array.from({ length: SIGN_UPS }, (_, n) => signUpAs(n, order)));
  const succeeded = answers.filter((a) => !a.errors).length;
  const refused = answers.filter((a) => a.errors?.[0]?.extensions?.code === 'INSUFFICIENT_STOCK');
  // Any other answer is a fault of its own: name it, so a failure says what went wrong.
  expect(answers.filter((a) => a.errors && a.errors[0]?.extensions?.code !== 'INSUFFICIENT_STOCK').map((a) => a.errors)).toEqual([]);
  expect(succeeded).toBe(UNITS);
  expect(refused).toHaveLength(SIGN_UPS - UNITS);
  expect(refused[0]!.errors![0]!.message).toMatch(/Only 0 of/);
  expect(await stockOf(order.productId)).toEqual({ onHand: UNITS, reserved: UNITS, available: 0 });
  const progress = await cluster.query(`query($id: ID!) { groupOrder(id: $id) { progress { households quantity } } }`, { id: order.orderId });
  expect(progress.data.groupOrder.progress).toEqual({ households: UNITS, quantity: UNITS });
});

it('sign-ups racing the merchant’s stock changes never reserve more than is on hand', async () => {
  const order = await hotOrder('抢购鸡蛋', UNITS);
  const merchant = await merchantToken(cluster, order.shopId);
  const adjust = (delta: number) =>
    cluster.query(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id } }`, { i: { productId: order.productId, delta, reason: '盘点' } }, merchant);
  const work = [
    ...Array.from({ length: SIGN_UPS }, (_, n) => signUpAs(n, order)),
    ...Array.from({ length: 40 }, (_, n) => adjust(n % 2 === 0 ? -3 : 2)),
  ];
  const answers = await Promise.all(work);
  const signedUp = answers.slice(0, SIGN_UPS).filter((a) => !a.errors).length;
  const stock = await stockOf(order.productId);
  expect(stock.reserved).toBe(signedUp);
  expect(stock.reserved).toBeLessThanOrEqual(stock.onHand);
  for (const a of answers.slice(SIGN_UPS)) if (a.errors) expect(a.errors[0]!.extensions!.code).toBe('BAD_USER_INPUT');
});
