/**
 * The figures the data console reads, through the hub: searches that found nothing in stock (shops), group orders
 * formed and failed per day (shops, where the orders live), and the caller's roles in each community (groups),
 * each with its refusals. A failure to record a search never fails the search.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { unmetSearches, UNMET_SEARCH_LIMITS } from '@lilong/shops';
import { TestCluster } from './support/cluster';
import { groupOf, household, openOrder, signUp } from './support/orders';
import { leaderToken, lookUp, stockedProduct, type CommunityInfo } from './support/sub-district';

let cluster: TestCluster;
let ids: Map<string, CommunityInfo>;
let subdistrict: string;
let committee: string;
let infoOfficer: string;

const code = (answer: { errors?: { extensions?: Record<string, any> }[] }) => answer.errors?.[0]?.extensions?.code;

async function must(answer: Promise<{ data?: any; errors?: unknown[] }>): Promise<any> {
  const a = await answer;
  if (a.errors) throw new Error(JSON.stringify(a.errors));
  return a.data;
}

/** The hub's Shanghai day, "YYYY-MM-DD", `days` before now. */
const shanghaiDay = (days = 0) => new Date(Date.now() + 8 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);

const shopsEm = (community: string) => cluster.nodes.get(community)!.subgraphs.get('shops')!.orm.em as unknown as EntityManager;

beforeAll(async () => {
  cluster = await TestCluster.start({ background: false });
  ids = await lookUp(cluster);
  subdistrict = await cluster.token([{ role: 'subdistrict' }]);
  committee = await cluster.token([{ role: 'committee', community: 'alpha' }]);
  infoOfficer = await cluster.token([{ role: 'info_officer', community: 'alpha' }], 'figures-info-officer');
  await stockedProduct(cluster, ids.get('alpha')!.shops[0]!.id, { name: '只在甲有的酱油', priceFen: 800, onHand: 5 });
});

afterAll(async () => {
  await cluster?.stop();
});

const SEARCH = `query($t: String!, $after: String) { searchStock(text: $t, first: 5, after: $after) { product { id } cursor } }`;
const UNMET = `query($days: Int, $first: Int) { communities { code unmetSearches(days: $days, first: $first) { term count lastSearchedAt } } }`;

describe('searches that found nothing in stock', () => {
  it('counts each term per community with nothing of it, normalised, first pages only, with no searcher', async () => {
    const before = Date.now();
    // Three spellings of one term, none in stock anywhere.
    for (const text of ['无货测试燕麦', '  无货测试燕麦 ', '无货测试燕麦']) {
      const answer = await cluster.query(SEARCH, { t: text });
      expect(answer.errors).toBeUndefined();
      expect(answer.data.searchStock).toEqual([]);
    }
    // Latin letters in two cases and full-width forms are one term.
    await must(cluster.query(SEARCH, { t: 'Oat MILK' }));
    await must(cluster.query(SEARCH, { t: 'ｏａｔ　ｍｉｌｋ' }));
    // In stock in alpha only: the other communities count it, alpha does not.
    expect((await must(cluster.query(SEARCH, { t: '只在甲有的酱油' }))).searchStock).toHaveLength(1);
    // A next page is not a new search; an address is never kept.
    const page = (await must(cluster.query(SEARCH, { t: '只在甲有的酱油' }))).searchStock;
    await must(cluster.query(SEARCH, { t: '只在甲有的酱油', after: page[0].cursor }));
    await must(cluster.query(SEARCH, { t: '12-3-402 药' }));

    const answer = await must(cluster.query(UNMET, { days: 7, first: 50 }, subdistrict));
    const byCode = new Map<string, any[]>(answer.communities.map((c: any) => [c.code, c.unmetSearches]));
    for (const community of cluster.communities) {
      const terms = byCode.get(community.code)!;
      expect(terms.find((t) => t.term === '无货测试燕麦')).toMatchObject({ count: 3 });
      expect(terms.find((t) => t.term === 'oat milk')).toMatchObject({ count: 2 });
      expect(terms.some((t) => /\d+-\d+/.test(t.term))).toBe(false);
      const soy = terms.find((t) => t.term === '只在甲有的酱油');
      if (community.code === 'alpha') expect(soy).toBeUndefined();
      else expect(soy).toMatchObject({ count: 2 });
      for (const t of terms) expect(new Date(t.lastSearchedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
      // Most searched first.
      expect(terms.map((t) => t.count)).toEqual([...terms.map((t) => t.count)].sort((a, b) => b - a));
      // Nothing but the term, the count and the last time is stored.
      const columns: { column_name: string }[] = await shopsEm(community.code)
        .getConnection()
        .execute(`select column_name from information_schema.columns where table_schema = 'shops' and table_name = 'unmet_search' order by ordinal_position`);
      expect(columns.map((c) => c.column_name)).toEqual(['day', 'term', 'count', 'last_searched_at']);
    }
    // `first` cuts the list.
    const one = await must(cluster.query(UNMET, { days: 1, first: 1 }, subdistrict));
    for (const c of one.communities) expect(c.unmetSearches).toHaveLength(1);
  });

  it('answers the search even when recording it fails, and loses only that count', async () => {
    const connection = shopsEm('beta').getConnection();
    await connection.execute('alter table shops.unmet_search rename to unmet_search_away');
    try {
      const answer = await cluster.query(SEARCH, { t: '写不进去的面粉' });
      expect(answer.errors).toBeUndefined();
      expect(answer.data.searchStock).toEqual([]);
      // The batch is written now instead of in a second: the write fails, is logged, and never rejects.
      await expect(unmetSearches(shopsEm('beta')).flush()).resolves.toBeUndefined();
    } finally {
      await connection.execute('alter table shops.unmet_search_away rename to unmet_search');
    }
    const after = await must(cluster.query(`{ community(code: "beta") { unmetSearches(first: 50) { term } } }`, {}, subdistrict));
    expect(after.community.unmetSearches.map((t: any) => t.term)).not.toContain('写不进去的面粉');
    const gamma = await must(cluster.query(`{ community(code: "gamma") { unmetSearches(first: 50) { term count } } }`, {}, subdistrict));
    expect(gamma.community.unmetSearches).toContainEqual({ term: '写不进去的面粉', count: 1 });
  });

  it('keeps at most the day\'s cap of distinct terms, and no day past the retention', async () => {
    const connection = shopsEm('gamma').getConnection();
    const today = `(now() at time zone 'Asia/Shanghai')::date`;
    // Fill today up to the cap with other terms.
    await connection.execute(
      `insert into shops.unmet_search (day, term, count, last_searched_at)
       select ${today}, 'filler ' || g, 1, now() from generate_series(1, ? - (select count(*) from shops.unmet_search where day = ${today})::int) g`,
      [UNMET_SEARCH_LIMITS.termsPerDay],
    );
    await connection.execute(
      `insert into shops.unmet_search (day, term, count, last_searched_at) values
       (${today} - ?::int, 'too old', 7, now() - interval '40 days'), (${today} - (?::int - 1), 'just kept', 7, now() - interval '29 days')`,
      [UNMET_SEARCH_LIMITS.retentionDays, UNMET_SEARCH_LIMITS.retentionDays],
    );
    await must(cluster.query(SEARCH, { t: '满额之后的新词' }));
    await must(cluster.query(SEARCH, { t: '无货测试燕麦' }));
    await unmetSearches(shopsEm('gamma')).flush();
    const rows: { term: string; count: number }[] = await connection.execute(`select term, count from shops.unmet_search where day = ${today}`);
    expect(rows).toHaveLength(UNMET_SEARCH_LIMITS.termsPerDay);
    expect(rows.map((r) => r.term)).not.toContain('满额之后的新词');
    expect(rows.find((r) => r.term === '无货测试燕麦')).toMatchObject({ count: 4 });
    const old: { term: string }[] = await connection.execute(`select term from shops.unmet_search where day < ${today}`);
    expect(old.map((r) => r.term)).toEqual(['just kept']);
    const month = await must(cluster.query(`{ community(code: "gamma") { unmetSearches(days: 30, first: 50) { term count } } }`, {}, subdistrict));
    expect(month.community.unmetSearches).toContainEqual({ term: 'just kept', count: 7 });
  });

  it("is for the community's committee and information officers and sub-district staff; others are refused with a code", async () => {
    const alphaOnly = `{ community(code: "alpha") { unmetSearches { term } } }`;
    expect(code(await cluster.query(alphaOnly, {}, committee))).toBeUndefined();
    expect(code(await cluster.query(alphaOnly, {}, infoOfficer))).toBeUndefined();
    const betaCommittee = await cluster.token([{ role: 'committee', community: 'beta' }]);
    const refused = await cluster.query(alphaOnly, {}, betaCommittee);
    expect(refused.errors?.[0]).toMatchObject({ path: ['community', 'unmetSearches'], extensions: { code: 'FORBIDDEN' } });
    expect(refused.errors?.[0]?.extensions?.messageZh).toMatch(/居委会、信息员和街道工作人员/);
    const merchant = await cluster.token([{ role: 'merchant', shop: ids.get('alpha')!.shops[0]!.id }], 'figures-merchant');
    expect(code(await cluster.query(alphaOnly, {}, merchant))).toBe('FORBIDDEN');
    expect(code(await cluster.query(alphaOnly))).toBe('UNAUTHENTICATED');
    const tooLong = await cluster.query(`{ community(code: "alpha") { unmetSearches(days: 31) { term } } }`, {}, committee);
    expect(tooLong.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(tooLong.errors?.[0]?.extensions?.messageZh).toBeTruthy();
  });
});

describe('group orders formed and failed per day', () => {
  const OUTCOMES = `query($days: Int) { communities { code orderOutcomes(days: $days) { day formed failed } } }`;

  it('lists every day of the period, oldest first, with the orders of each community\'s shops that formed or failed', async () => {
    const before = await must(cluster.query(OUTCOMES, { days: 3 }, subdistrict));
    for (const c of before.communities) expect(c.orderOutcomes.map((d: any) => d.day)).toEqual([shanghaiDay(2), shanghaiDay(1), shanghaiDay(0)]);
    const todayOf = (answer: any, community: string) => answer.communities.find((c: any) => c.code === community).orderOutcomes.at(-1);
    const alphaBefore = todayOf(before, 'alpha');
    const betaBefore = todayOf(before, 'beta');

    // A group of alpha orders at alpha's shop twice (one forms, one fails) and at beta's shop once (fails).
    const alpha = ids.get('alpha')!;
    const beta = ids.get('beta')!;
    const group = await groupOf(cluster, alpha, 0);
    const leader = await leaderToken(cluster, group);
    const later = { deadline: new Date(Date.now() + 3_600_000).toISOString() };
    const close = (orderId: string) => must(cluster.query(`mutation($i: GroupOrderActionInput!) { closeGroupOrder(input: $i) { status } }`, { i: { orderId } }, leader));
    const shop = alpha.shops[0]!;
    const forming = await openOrder(cluster, shop.id, group, [shop.products[0]!.id], later);
    const resident = await household(cluster, alpha, group.compoundId, '7', '701');
    expect(code(await signUp(cluster, resident, forming, shop.products[0]!.id, 1))).toBeUndefined();
    expect((await close(forming)).closeGroupOrder.status).toBe('FORMED');
    const failing = await openOrder(cluster, shop.id, group, [shop.products[0]!.id], { ...later, minimum: 5 });
    expect((await close(failing)).closeGroupOrder.status).toBe('FAILED');
    const elsewhere = await openOrder(cluster, beta.shops[0]!.id, group, [beta.shops[0]!.products[0]!.id], { ...later, minimum: 5 });
    expect((await close(elsewhere)).closeGroupOrder.status).toBe('FAILED');
    // Still open: not counted.
    await openOrder(cluster, shop.id, group, [shop.products[0]!.id], later);

    const after = await must(cluster.query(OUTCOMES, { days: 3 }, subdistrict));
    expect(todayOf(after, 'alpha')).toEqual({ day: shanghaiDay(0), formed: alphaBefore.formed + 1, failed: alphaBefore.failed + 1 });
    expect(todayOf(after, 'beta')).toEqual({ day: shanghaiDay(0), formed: betaBefore.formed, failed: betaBefore.failed + 1 });
    const fortnight = await must(cluster.query(`{ community(code: "alpha") { orderOutcomes { day } } }`, {}, committee));
    expect(fortnight.community.orderOutcomes).toHaveLength(14);
  });

  it('refuses other callers and bad periods with a code', async () => {
    const resident = await cluster.token([{ role: 'resident', household: ids.get('alpha')!.compounds[0]!.households[0]!.id }], 'figures-resident');
    const refused = await cluster.query(`{ community(code: "alpha") { orderOutcomes { day } } }`, {}, resident);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(refused.errors?.[0]?.extensions?.messageZh).toBeTruthy();
    for (const days of [0, 91]) {
      expect(code(await cluster.query(`query($d: Int) { community(code: "alpha") { orderOutcomes(days: $d) { day } } }`, { d: days }, committee))).toBe('BAD_USER_INPUT');
    }
  });
});

describe("the caller's roles in each community", () => {
  const ROLES = `{ communities { code myRoles } }`;
  const rolesOf = async (token?: string) => new Map<string, string[]>((await must(cluster.query(ROLES, {}, token))).communities.map((c: any) => [c.code, c.myRoles]));

  it('come from each community\'s records, and the hub\'s grants hold everywhere', async () => {
    const officer = await rolesOf(infoOfficer);
    expect(officer.get('alpha')).toEqual(['INFO_OFFICER']);
    expect(officer.get('beta')).toEqual([]);
    const staff = await rolesOf(subdistrict);
    for (const { code: c } of cluster.communities) expect(staff.get(c)).toEqual(['SUBDISTRICT']);
    const both = await cluster.token([{ role: 'committee', community: 'beta' }, { role: 'dispatcher', community: 'beta' }], 'figures-two-roles');
    expect((await rolesOf(both)).get('beta')).toEqual(['DISPATCHER', 'COMMITTEE']);
    const nobody = await rolesOf();
    for (const { code: c } of cluster.communities) expect(nobody.get(c)).toEqual([]);
  });
});
