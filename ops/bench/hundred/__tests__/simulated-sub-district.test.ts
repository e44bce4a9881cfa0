/**
 * The bench's two operations against a real sub-district of simulated communities (sim-001 to sim-004, one row of
 * the grid: each borders the ones left and right of it), seeded through `seedCommunity` as the bench seeds them:
 * the sub-district search reaches every community, and a dispatcher's request for borrowable volunteers goes to
 * the community's neighbours only, which is what the bench's figures rely on.
 */
import { TestCluster } from '../../../src/cluster';
import { simulatedSubDistrict } from '../communities';
import { borrowRequest, checkBorrow, checkSearch, searchRequest, type BorrowOrigin } from '../queries';

let cluster: TestCluster;
const communities = simulatedSubDistrict(4);

beforeAll(async () => {
  cluster = await TestCluster.start({ communities, background: false });
}, 180_000);
afterAll(() => cluster?.stop());

const ask = (request: { query: string; variables?: Record<string, unknown>; token?: string }) => cluster.query(request.query, request.variables, request.token);

it('finds the searched staple in every community, asking each community once', async () => {
  cluster.resetCounts();
  const answer = await ask(searchRequest(0));
  expect(answer.errors).toBeUndefined();
  expect(checkSearch(answer.data)).toBeUndefined();
  const hits = answer.data.searchStock as { priceFen: number; product: { name: string }; shop: { community: { name: string } } }[];
  expect(hits.every((h) => h.product.name.includes('大米'))).toBe(true);
  expect(new Set(hits.map((h) => h.shop.community.name))).toEqual(new Set(communities.map((c) => c.name)));
  expect(hits.map((h) => h.priceFen)).toEqual([...hits.map((h) => h.priceFen)].sort((a, b) => a - b));
  expect(cluster.sentCounts()).toEqual({ 'sim-001/shops': 1, 'sim-002/shops': 1, 'sim-003/shops': 1, 'sim-004/shops': 1 });
});

it("offers a dispatcher of sim-002 volunteers of sim-001 and sim-003 only, asking no other community's volunteers", async () => {
  const home = communities[1]!;
  const origin: BorrowOrigin = {
    code: home.code,
    lat: home.compounds[0]!.lat,
    lng: home.compounds[0]!.lng,
    neighbours: new Set(home.neighbours),
    token: await cluster.token([{ role: 'dispatcher', community: home.code }]),
  };
  expect(home.neighbours).toEqual(['sim-001', 'sim-003']);
  cluster.resetCounts();
  const answer = await ask(borrowRequest(origin, 0));
  expect(answer.errors).toBeUndefined();
  expect(checkBorrow(origin, answer.data)).toBeUndefined();
  const offered = answer.data.borrowableVolunteers as { community: string; volunteer: { displayName: string } }[];
  expect(new Set(offered.map((v) => v.community))).toEqual(new Set(['sim-001', 'sim-003']));
  expect(Object.keys(cluster.sentCounts()).filter((k) => k.endsWith('/volunteers')).sort()).toEqual(['sim-001/volunteers', 'sim-003/volunteers']);
  // The check the bench applies would notice a volunteer from elsewhere.
  expect(checkBorrow({ ...origin, neighbours: new Set(['sim-001']) }, answer.data)).toBe('a volunteer of sim-003, not a neighbour of sim-002');
});
