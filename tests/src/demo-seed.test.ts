/**
 * `npm start`'s demo orders and pools, seeded through the shops services into the demo sub-district and read back
 * through the hub: two pools across communities, one at its minimum and one a pack short, each accepted by its
 * merchant, their quantities the orders' sign-ups.
 */
import { DEMO_COMMUNITIES, seedDemoOrders, type SeedOrms } from '../../ops/src/seed';
import { TEST_ISSUER, TestCluster } from './support/cluster';

let cluster: TestCluster;
let lines: string[];

const ormsOf = (code: string) => Object.fromEntries([...cluster.nodes.get(code)!.subgraphs].map(([name, s]) => [name, s.orm])) as unknown as SeedOrms;

beforeAll(async () => {
  cluster = await TestCluster.start({ communities: DEMO_COMMUNITIES, background: false });
  lines = await seedDemoOrders(new Map(DEMO_COMMUNITIES.map((c) => [c.code, ormsOf(c.code)])), new Date(), undefined, TEST_ISSUER);
});

afterAll(async () => {
  await cluster?.stop();
});

const POOLS = `{ openPools(first: 10) { id status acceptedAt minimumPacks packSize shop { name } product { name stock { reserved } }
  progress { totalQuantity totalTolerance packsIfClosedNow packsMissing unitsToNextPack unitsBelowOwnMinimum }
  entries { quantity tolerance order { title status progress { quantity reached } } } } }`;

describe('the demo pools', () => {
  it('shows two accepted pools, one at its minimum and one a pack short, whose quantities are the orders’ sign-ups', async () => {
    const answer = await cluster.query(POOLS);
    expect(answer.errors).toBeUndefined();
    const pools = answer.data.openPools as any[];
    expect(pools.map((p) => [p.shop.name, p.product.name, p.status, p.progress.packsMissing])).toEqual([
      ['法华生活超市', '矿泉水 550ml', 'OPEN', 0],
      ['拐角咖啡', '纯牛奶 1L', 'OPEN', 1],
    ]);
    for (const pool of pools) {
      expect(pool.acceptedAt).toBeTruthy();
      expect(pool.progress.unitsBelowOwnMinimum).toBe(0);
      // Each entry is its order's sign-ups; pooled sign-ups hold nothing on the shelf until the pool closes.
      for (const entry of pool.entries) expect(entry).toMatchObject({ quantity: entry.order.progress.quantity, order: { status: 'POOLED', progress: { reached: true } } });
      expect(pool.product.stock.reserved).toBe(0);
    }
    expect(pools[0]).toMatchObject({ minimumPacks: 3, progress: { totalQuantity: 76, totalTolerance: 10, packsIfClosedNow: 3 } });
    expect(pools[1]).toMatchObject({ minimumPacks: 3, progress: { totalQuantity: 30, totalTolerance: 4, packsIfClosedNow: 2, unitsToNextPack: 6 } });
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^fahua:Pool:1 pool 拼单 法华生活超市 矿泉水 550ml \(opened by the merchant 商户发起\).*at its minimum 已达成团线$/),
        expect.stringMatching(/^xinhua-2:Pool:1 pool 拼单 拐角咖啡 纯牛奶 1L \(proposed by a leader, accepted by the merchant 团长发起、商户已接受\).*1 pack short 还差 1 箱/),
        expect.stringMatching(/^panyu:GroupOrder:1 group order 团购 .*reserved 已预留 蔬菜包（6样） 5, 冬瓜 5$/),
      ]),
    );
  });

  it('queues a sign-up made after its order joined behind every unit asked for before it, at its own time', async () => {
    // The 329 弄 order joined with 7 units 205 minutes before seeding; its third household signed up 2 more 50 minutes before.
    const answer = await cluster.query(`{ openPools(first: 10) { shop { name } entries { quantity joinedAt order { title } } } }`);
    const milk = (answer.data.openPools as any[]).find((p) => p.shop.name === '拐角咖啡');
    expect(milk.entries.map((e: any) => [e.order.title, e.quantity])).toEqual([
      ['329 弄 纯牛奶拼箱', 9],
      ['云海苑 牛奶团', 13],
      ['寓见公寓 牛奶拼单', 8],
    ]);
    const joinedAt = new Date(milk.entries[0].joinedAt).getTime();
    const changes = (await ormsOf('xinhua-2')
      .shops.em.fork()
      .getConnection()
      .execute(
        `select c.at, c.quantity from pool_entry_change c join pool_entry e on e.id = c.entry_id join group_order o on o.id = e.order_id
         where o.title = '329 弄 纯牛奶拼箱' order by c.at`,
      )) as { at: Date; quantity: number }[];
    expect(changes.map((c) => c.quantity)).toEqual([7, 9]);
    expect(new Date(changes[0]!.at).getTime()).toBe(joinedAt);
    expect((new Date(changes[1]!.at).getTime() - joinedAt) / 60_000).toBeCloseTo(155, 3);
  });

  it('seeds once', async () => {
    expect(await seedDemoOrders(new Map(DEMO_COMMUNITIES.map((c) => [c.code, ormsOf(c.code)])), new Date(), undefined, TEST_ISSUER)).toEqual([
      'demo group orders and pools: already present, seeding skipped 已有团购与拼单，跳过初始化',
    ]);
  });
});
