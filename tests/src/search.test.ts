/**
 * Sub-district stock search: every community's shops, available stock only, by price or by distance from a
 * compound, paged with cursors across communities; a community that is down leaves a partial answer saying so.
 */
import { HUB_ASSERTION_HEADER } from '@lilong/kit';
import { TestCluster } from './support/cluster';
import { lookUp, stockedProduct, type CommunityInfo } from './support/sub-district';

let cluster: TestCluster;
let ids: Map<string, CommunityInfo>;

beforeAll(async () => {
  cluster = await TestCluster.start({ background: false });
  ids = await lookUp(cluster);
  // Equal prices in every community: pages must still fit together exactly.
  for (const community of ids.values()) {
    for (const [i, shop] of community.shops.entries()) {
      await stockedProduct(cluster, shop.id, { name: `散装大米 ${community.code}-${i}`, priceFen: 5000, onHand: 10 });
    }
  }
  const sold = await stockedProduct(cluster, ids.get('alpha')!.shops[0]!.id, { name: '售罄大米', priceFen: 100, onHand: 0 });
  expect(sold).toBeTruthy();
});

afterAll(async () => {
  await cluster?.stop();
});

const PRICE = `query($t: String!, $n: Int, $after: String) { searchStock(text: $t, first: $n, after: $after) { product { id name } priceFen available cursor shop { community { code } } } }`;

async function allPages(pageSize: number) {
  const seen: any[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page += 1) {
    const answer = await cluster.query(PRICE, { t: '大米', n: pageSize, after });
    expect(answer.errors).toBeUndefined();
    const hits = answer.data.searchStock as any[];
    seen.push(...hits);
    if (hits.length < pageSize) break;
    after = hits[hits.length - 1].cursor;
  }
  return seen;
}

it('finds available products in every community, cheapest first, and pages fit together exactly', async () => {
  const everything = (await cluster.query(PRICE, { t: '大米', n: 100 })).data.searchStock as any[];
  expect(new Set(everything.map((h) => h.shop.community.code))).toEqual(new Set(['alpha', 'beta', 'gamma']));
  expect(everything.map((h) => h.priceFen)).toEqual([...everything.map((h) => h.priceFen)].sort((a, b) => a - b));
  expect(everything.every((h) => h.available > 0)).toBe(true);
  expect(everything.some((h) => h.product.name === '售罄大米')).toBe(false);
  for (const size of [1, 2, 3]) {
    const paged = await allPages(size);
    expect(paged.map((h) => h.product.id)).toEqual(everything.map((h) => h.product.id));
  }
});

it('sorts by distance from a compound in any community, nearest first, paged', async () => {
  const home = ids.get('beta')!.compounds[0]!;
  const NEAR = `query($id: ID!, $n: Int, $after: String) { compound(id: $id) { stockNearby(text: "大米", first: $n, after: $after, withinMeters: 50000) { product { id } distanceMeters cursor } } }`;
  const all = (await cluster.query(NEAR, { id: home.id, n: 100 })).data.compound.stockNearby as any[];
  expect(all.length).toBeGreaterThan(4);
  expect(all.map((h) => h.distanceMeters)).toEqual([...all.map((h) => h.distanceMeters)].sort((a, b) => a - b));
  const first = (await cluster.query(NEAR, { id: home.id, n: 2 })).data.compound.stockNearby as any[];
  const second = (await cluster.query(NEAR, { id: home.id, n: 2, after: first[1].cursor })).data.compound.stockNearby as any[];
  expect([...first, ...second].map((h) => h.product.id)).toEqual(all.slice(0, 4).map((h) => h.product.id));
});

it('refuses a cursor it did not make, and empty or overlong text', async () => {
  const bad = await cluster.query(PRICE, { t: '大米', n: 5, after: 'not-a-cursor' });
  expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
  const empty = await cluster.query(PRICE, { t: ' ', n: 5 });
  expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});

it('leaves a partial answer naming the community that is down', async () => {
  await cluster.stopNode('beta');
  try {
    const answer = await cluster.query(PRICE, { t: '大米', n: 100 });
    const communities = new Set((answer.data.searchStock as any[]).map((h) => h.shop.community.code));
    expect(communities).toEqual(new Set(['alpha', 'gamma']));
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'COMMUNITY_UNAVAILABLE', community: 'beta' });
  } finally {
    await cluster.restartNode('beta');
  }
});

describe('scoped to named communities (communities: [...])', () => {
  const SCOPED = `query($t: String!, $n: Int, $after: String, $c: [String!]) { searchStock(text: $t, first: $n, after: $after, communities: $c) { product { id } priceFen cursor shop { community { code } } } }`;

  it('asks only the communities named, in any order or repeated, and pages the same way', async () => {
    const everything = (await cluster.query(PRICE, { t: '大米', n: 100 })).data.searchStock as any[];
    cluster.resetCounts();
    const answer = await cluster.query(SCOPED, { t: '大米', n: 100, c: ['gamma', 'alpha', 'gamma'] });
    expect(answer.errors).toBeUndefined();
    expect(cluster.sentCounts()).toEqual({ 'alpha/shops': 1, 'gamma/shops': 1 });
    const hits = answer.data.searchStock as any[];
    const expected = everything.filter((h) => h.shop.community.code !== 'beta');
    expect(hits.map((h) => h.product.id)).toEqual(expected.map((h) => h.product.id));
    const first = (await cluster.query(SCOPED, { t: '大米', n: 2, c: ['alpha', 'gamma'] })).data.searchStock as any[];
    const second = (await cluster.query(SCOPED, { t: '大米', n: 2, c: ['alpha', 'gamma'], after: first[1].cursor })).data.searchStock as any[];
    expect([...first, ...second].map((h) => h.product.id)).toEqual(expected.slice(0, 4).map((h) => h.product.id));
  });

  it('answers an empty scope with an empty list, asking nobody, and null as every community', async () => {
    cluster.resetCounts();
    const none = await cluster.query(SCOPED, { t: '大米', n: 10, c: [] });
    expect(none).toMatchObject({ data: { searchStock: [] } });
    expect(none.errors).toBeUndefined();
    expect(cluster.sentCounts()).toEqual({});
    const all = await cluster.query(SCOPED, { t: '大米', n: 100, c: null });
    expect(new Set((all.data.searchStock as any[]).map((h) => h.shop.community.code))).toEqual(new Set(['alpha', 'beta', 'gamma']));
  });

  it('refuses a community the sub-district does not have, asking nobody', async () => {
    cluster.resetCounts();
    const answer = await cluster.query(SCOPED, { t: '大米', n: 10, c: ['alpha', 'nowhere'] });
    expect(answer.data).toBeNull();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'UNKNOWN_COMMUNITY', community: 'nowhere', argument: 'communities' });
    expect(answer.errors![0]!.extensions!.messageZh).toContain('nowhere');
    expect(cluster.sentCounts()).toEqual({});
  });

  it('is whole while a community outside the scope is down, and partial when one inside is', async () => {
    await cluster.stopNode('beta');
    try {
      const outside = await cluster.query(SCOPED, { t: '大米', n: 100, c: ['alpha', 'gamma'] });
      expect(outside.errors).toBeUndefined();
      expect(new Set((outside.data.searchStock as any[]).map((h) => h.shop.community.code))).toEqual(new Set(['alpha', 'gamma']));
      const inside = await cluster.query(SCOPED, { t: '大米', n: 100, c: ['alpha', 'beta'] });
      expect(new Set((inside.data.searchStock as any[]).map((h) => h.shop.community.code))).toEqual(new Set(['alpha']));
      expect(inside.errors!.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'COMMUNITY_UNAVAILABLE', community: 'beta' })]);
    } finally {
      await cluster.restartNode('beta');
    }
  });

  it('scopes the other sub-district lists too, and a node asked directly answers nothing outside its scope', async () => {
    cluster.resetCounts();
    const pools = await cluster.query(`{ openPools(first: 5, communities: ["beta"]) { id } }`);
    expect(pools.errors).toBeUndefined();
    const volunteers = await cluster.query(`{ availableVolunteers(first: 5, communities: ["beta"]) { id } }`);
    expect(volunteers.errors).toBeUndefined();
    expect(cluster.sentCounts()).toEqual({ 'beta/shops': 1, 'beta/volunteers': 1 });
    const direct = async (c: string[] | null) => {
      const response = await fetch(`${cluster.nodeUrl('alpha')}/shops/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [HUB_ASSERTION_HEADER]: await cluster.assertionFor('alpha', 'shops') },
        body: JSON.stringify({ query: SCOPED, variables: { t: '大米', n: 100, c } }),
      });
      return ((await response.json()) as any).data.searchStock as any[];
    };
    expect(await direct(['beta', 'gamma'])).toEqual([]);
    const own = await direct(['alpha']);
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((h) => h.shop.community.code === 'alpha')).toBe(true);
  });
});
