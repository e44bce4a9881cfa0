/**
 * Identical reads in flight share one fetch to the node (as Hive Gateway does), keyed by everything the node would
 * see: document, variables and the caller signed into the hub assertion. The node is held on a table lock so the
 * requests are truly in flight together.
 */
import { Client } from 'pg';
import { TestCluster } from './support/cluster';
import { lookUp, stockedProduct } from './support/sub-district';

let cluster: TestCluster;
let shopId: string;
let otherShopId: string;

beforeAll(async () => {
  cluster = await TestCluster.start({ background: false });
  const ids = await lookUp(cluster);
  shopId = ids.get('alpha')!.shops[0]!.id;
  otherShopId = ids.get('alpha')!.shops[1]!.id;
  await stockedProduct(cluster, shopId, { name: '合并测试挂面', priceFen: 800, onHand: 12 });
});

afterAll(async () => {
  await cluster?.stop();
});

const STOCK = `query($id: ID!) { shop(id: $id) { id name products { name stock { onHand } } } }`;

/** Runs `work` while alpha's product table is locked, releasing it once `inflight` requests wait at the hub. */
async function whileAlphaHeld<T>(waiting: number, work: () => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: cluster.databaseUrl('alpha') });
  await db.connect();
  try {
    await db.query('begin');
    await db.query('lock table shops.product in access exclusive mode');
    const running = work();
    const links = cluster.hub.links;
    // Wait until the hub has the requests in hand: `waiting` of them either sent or merged into one in flight.
    for (let i = 0; i < 500 && (links.sent.get('alpha/shops') ?? 0) + links.inflight.merged < waiting; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await db.query('rollback');
    return await running;
  } finally {
    await db.end();
  }
}

it('asks the node once for ten identical reads by one caller, and each caller gets a whole answer of its own', async () => {
  const token = await cluster.token([{ role: 'merchant', shop: shopId }]);
  cluster.resetCounts();
  const mergedBefore = cluster.hub.links.inflight.merged;
  const answers = await whileAlphaHeld(10, () => Promise.all(Array.from({ length: 10 }, () => cluster.query(STOCK, { id: shopId }, token))));
  for (const answer of answers) {
    expect(answer.errors).toBeUndefined();
    expect((answer.data.shop.products as Array<{ name: string }>).map((p) => p.name)).toContain('合并测试挂面');
  }
  expect(new Set(answers.map((a) => JSON.stringify(a.data))).size).toBe(1);
  expect(cluster.sentCounts()['alpha/shops']).toBe(1);
  expect(cluster.hub.links.inflight.merged - mergedBefore).toBe(9);
});

it('never shares a fetch between two callers, nor between different variables', async () => {
  const merchant = await cluster.token([{ role: 'merchant', shop: shopId }]);
  const stranger = await cluster.token([], 'test:stranger');
  cluster.resetCounts();
  const mergedBefore = cluster.hub.links.inflight.merged;
  const [a, b, c] = await whileAlphaHeld(3, () =>
    Promise.all([cluster.query(STOCK, { id: shopId }, merchant), cluster.query(STOCK, { id: shopId }, stranger), cluster.query(STOCK, { id: otherShopId }, merchant)]),
  );
  expect([a!.data.shop.id, b!.data.shop.id, c!.data.shop.id]).toEqual([shopId, shopId, otherShopId]);
  expect(cluster.sentCounts()['alpha/shops']).toBe(3);
  expect(cluster.hub.links.inflight.merged - mergedBefore).toBe(0);
});

it('never merges mutations', async () => {
  const merchant = await cluster.token([{ role: 'merchant', shop: shopId }]);
  cluster.resetCounts();
  const mergedBefore = cluster.hub.links.inflight.merged;
  const ADD = `mutation($i: AddProductInput!) { addProduct(input: $i) { id } }`;
  const input = { shopId, name: '重复提交', unit: '袋', priceFen: 100, packSize: 1 };
  const answers = await whileAlphaHeld(2, () => Promise.all([cluster.query(ADD, { i: input }, merchant), cluster.query(ADD, { i: input }, merchant)]));
  const ids = answers.map((x) => x.data?.addProduct?.id);
  expect(ids.every(Boolean)).toBe(true);
  expect(new Set(ids).size).toBe(2);
  expect(cluster.hub.links.inflight.merged - mergedBefore).toBe(0);
});
