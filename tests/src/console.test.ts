/// <reference lib="dom" />
/**
 * The sub-district data console in a real browser (Debian's Chromium), against a test sub-district of four
 * communities: what each panel shows is checked against the same data asked of the API here. Skipped only where
 * Chromium is not installed and this is not CI (CI installs it and requires it). The console must be built
 * (`npm install` does it; the jest global setup builds it when missing).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TestCluster } from './support/cluster';
import { groupOf, openOrder } from './support/orders';
import { describeInBrowser, launchChromium } from './support/browser';
import { leaderToken, lookUp } from './support/sub-district';


/** The API's answer the page is checked against, asked independently of the console's own document. */
const FIGURES = /* GraphQL */ `
  query Figures {
    communities {
      code name nameEn status
      compounds { id name householdCount }
      lowStock { id name stock { available } }
      careQueue(first: 50) { id }
      careFigures { medianMinutesToAccept medianMinutesToDone zones { open { count } volunteersAvailableNow } }
      orderOutcomes(days: 14) { day formed failed }
      unmetSearches(days: 7, first: 10) { term count lastSearchedAt }
      coverage(days: 7) { counts { households reached notReached } compoundsWithoutGroup { compound { id } } }
      notices(current: true, first: 5) { id title verified }
      questions(first: 20, status: OPEN) { id waitedMinutes }
    }
    openPools(first: 30) { id progress { packsMissing } }
  }
`;

type Page = import('playwright-core').Page;

describeInBrowser('console')('the sub-district data console', () => {
  let cluster: TestCluster;
  let browser: import('playwright-core').Browser;
  let origin: string;
  let subdistrict: string;
  let committee: string;
  let infoOfficer: string;

  beforeAll(async () => {
    cluster = await TestCluster.start();
    origin = cluster.url.replace('/graphql', '');
    subdistrict = await cluster.token([{ role: 'subdistrict' }], undefined, 3600);
    committee = await cluster.token([{ role: 'committee', community: 'alpha' }], undefined, 3600);
    infoOfficer = await cluster.token([{ role: 'info_officer', community: 'alpha' }], 'console-info-officer', 3600);
    // Searches with nothing in stock (counted by every community), and group orders that failed today.
    for (const text of ['无货测试燕麦', '无货测试燕麦', '无货测试燕麦', '无货测试奶粉']) await cluster.query(`query($t: String!) { searchStock(text: $t) { cursor } }`, { t: text });
    const alpha = (await lookUp(cluster)).get('alpha')!;
    const group = await groupOf(cluster, alpha, 0);
    const shop = alpha.shops[0]!;
    for (let i = 0; i < 2; i++) {
      const order = await openOrder(cluster, shop.id, group, [shop.products[0]!.id], { minimum: 5, deadline: new Date(Date.now() + 3_600_000).toISOString() });
      const closed = await cluster.query(`mutation($i: GroupOrderActionInput!) { closeGroupOrder(input: $i) { status } }`, { i: { orderId: order } }, await leaderToken(cluster, group));
      expect(closed.data?.closeGroupOrder.status).toBe('FAILED');
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  /** A page watched for console errors and for any request leaving the hub's origin. */
  async function open(token: string): Promise<{ page: Page; problems: string[]; foreign: string[]; requests: string[] }> {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    // Every request in the order the page made them: queries by operation name, files by path.
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
      const path = new URL(r.url()).pathname;
      requests.push(path === '/graphql' ? `query ${/query (\w+)/.exec(r.postData() ?? '')?.[1] ?? '?'}` : path);
    });
    await page.goto(`${origin}/console/#token=${encodeURIComponent(token)}`);
    await page.waitForSelector('[data-testid=table-communities]', { timeout: 20_000 });
    return { page, problems, foreign, requests };
  }

  const rowsOf = (page: Page, testId: string) =>
    page.$$eval(`[data-testid=${testId}] tbody tr`, (trs) => trs.map((tr) => ({ key: tr.getAttribute('data-row')!, cells: Array.from(tr.querySelectorAll('td'), (td) => td.textContent!.trim()) })));
  const num = (text: string) => Number(text.replace(/[^\d.-]/g, ''));

  it('shows sub-district staff every community, each panel agreeing with the API, and nothing from elsewhere', async () => {
    const { page, problems, foreign, requests } = await open(subdistrict);
    const api = (await cluster.query(FIGURES, {}, subdistrict)).data!;
    const codes = cluster.communities.map((c) => c.code);
    expect(await page.textContent('[data-testid=role]')).toContain('街道工作人员');
    expect(await page.textContent('h1')).toBe('街道数据看板');

    // Communities: every node, active, and nothing missing from any panel.
    const communities = await rowsOf(page, 'table-communities');
    expect(communities.map((r) => r.key)).toEqual(codes);
    for (const code of codes) expect(await page.getAttribute(`[data-testid=status-${code}]`, 'data-status')).toBe('ACTIVE');
    for (const id of ['pools', 'orders', 'low-stock', 'searched', 'care-open', 'care-queue', 'care-medians', 'coverage', 'map', 'notices', 'questions']) {
      expect(await page.textContent(`[data-testid=missing-${id}]`)).toContain('全部社区均已返回');
      expect(await page.textContent(`[data-testid=taken-${id}]`)).toMatch(/数据时间 \d{2}:\d{2}:\d{2}/);
    }

    // Supplies: the same pools (with what each lacks), the same low-stock products with their counts.
    const pools = await rowsOf(page, 'table-pools');
    expect(pools.map((r) => r.key).sort()).toEqual(api.openPools.map((p: any) => p.id).sort());
    for (const pool of api.openPools) expect(num(pools.find((r) => r.key === pool.id)!.cells[4]!)).toBe(pool.progress.packsMissing);
    const lowStock = await rowsOf(page, 'table-low-stock');
    const apiLow = api.communities.flatMap((c: any) => c.lowStock);
    expect(lowStock.map((r) => r.key).sort()).toEqual(apiLow.map((p: any) => p.id).sort());
    for (const p of apiLow) expect(num(lowStock.find((r) => r.key === p.id)!.cells[3]!)).toBe(p.stock.available);

    // Group orders per day: the communities' days added up (each order lives in one community only).
    const orders = await rowsOf(page, 'table-orders');
    expect(orders.map((r) => r.key)).toEqual(api.communities[0].orderOutcomes.map((d: any) => d.day));
    for (const [i, row] of orders.entries()) {
      const sum = (k: 'formed' | 'failed') => api.communities.reduce((a: number, c: any) => a + c.orderOutcomes[i][k], 0);
      expect(row.cells.slice(1).map(num)).toEqual([sum('formed'), sum('failed')]);
    }
    expect(num((await page.textContent('[data-testid=orders-failed]'))!)).toBeGreaterThanOrEqual(2);

    // Searched with nothing in stock: per term the highest count of any community, and the communities without it.
    const searched = await rowsOf(page, 'table-searched');
    const terms = new Map<string, { count: number; communities: string[] }>();
    for (const c of api.communities) {
      for (const s of c.unmetSearches) {
        const entry = terms.get(s.term) ?? { count: 0, communities: [] };
        terms.set(s.term, { count: Math.max(entry.count, s.count), communities: [...entry.communities, c.name] });
      }
    }
    expect(searched.map((r) => r.key).sort()).toEqual([...terms.keys()].sort());
    expect(searched[0]).toMatchObject({ key: '无货测试燕麦' });
    for (const row of searched) {
      expect(num(row.cells[1]!)).toBe(terms.get(row.key)!.count);
      expect(row.cells[2]!.split('、').sort()).toEqual([...terms.get(row.key)!.communities].sort());
    }
    expect(terms.get('无货测试燕麦')).toEqual({ count: 3, communities: api.communities.map((c: any) => c.name) });

    // Care: open requests per community, the queue, volunteers available per zone.
    const careOpen = await rowsOf(page, 'table-care-open');
    for (const c of api.communities) {
      const total = c.careFigures.zones.flatMap((z: any) => z.open).reduce((a: number, o: any) => a + o.count, 0);
      expect(num(careOpen.find((r) => r.key === c.code)!.cells.at(-1)!)).toBe(total);
    }
    expect((await rowsOf(page, 'table-care-queue')).length).toBe(api.communities.reduce((a: number, c: any) => a + c.careQueue.length, 0));
    const medians = await rowsOf(page, 'table-care-medians');
    for (const c of api.communities) {
      const shown = medians.find((r) => r.key === c.code)!.cells.slice(1);
      const expected = [c.careFigures.medianMinutesToAccept, c.careFigures.medianMinutesToDone];
      expect(shown.map((v) => (v === '—' ? null : num(v)))).toEqual(expected);
    }
    const zones = await rowsOf(page, 'table-care-times');
    expect(zones.reduce((a, r) => a + num(r.cells[4]!), 0)).toBe(
      api.communities.reduce((a: number, c: any) => a + c.careFigures.zones.reduce((b: number, z: any) => b + z.volunteersAvailableNow, 0), 0),
    );

    // Coverage: households, reached and not, and compounds without a group, per community; every compound mapped.
    const coverage = await rowsOf(page, 'table-coverage');
    for (const c of api.communities) {
      const row = coverage.find((r) => r.key === c.code)!;
      expect(row.cells.slice(1, 5).map(num)).toEqual([c.coverage.counts.households, c.coverage.counts.reached, c.coverage.counts.notReached, c.coverage.compoundsWithoutGroup.length]);
    }
    expect((await rowsOf(page, 'table-compounds')).length).toBe(api.communities.reduce((a: number, c: any) => a + c.compounds.length, 0));
    expect(await page.$('[data-testid=compound-map] canvas')).not.toBeNull();

    // Information: every notice in force with its verified mark, every open question.
    const notices = await rowsOf(page, 'table-notices');
    const apiNotices = api.communities.flatMap((c: any) => c.notices);
    expect(notices.map((r) => r.key).sort()).toEqual(apiNotices.map((n: any) => n.id).sort().slice(0, 20).sort());
    for (const n of apiNotices) expect(notices.find((r) => r.key === n.id)!.cells[4]).toBe(n.verified ? '✓ 已核验 · 真实有效' : '✗ 未通过核验');
    const questions = await rowsOf(page, 'table-questions');
    expect(questions.map((r) => r.key).sort()).toEqual(api.communities.flatMap((c: any) => c.questions.map((q: any) => q.id)).sort());

    // Export: the compounds table as CSV, UTF-8 with a BOM, the same rows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=csv-map]')]);
    expect(download.suggestedFilename()).toMatch(/^compounds-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('社区,小区,类型,住户,无团购群');
    const apiCompounds = api.communities.flatMap((c: any) => c.compounds.map((k: any) => ({ ...k, community: c.name })));
    expect(apiCompounds.length).toBeGreaterThan(0);
    expect(lines.length - 1).toBe(apiCompounds.length);
    for (const k of apiCompounds) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${k.community},"?${k.name.replace(/[()（）]/g, '.')}"?,[^,]+,${k.householdCount},(是|否)$`)));
    }

    // One request at sign-in, one per refresh: never one per community. One stream for every community's notices.
    const counts = await page.evaluate(() => (window as unknown as { __lilongConsole: { queries: number; subscriptions: number } }).__lilongConsole);
    expect(counts.queries).toBeLessThanOrEqual(3);
    expect(counts.subscriptions).toBe(1);
    // The chart code is a chunk of its own, asked for only once the dashboard's first query has been sent.
    const chartChunk = requests.findIndex((r) => /\/console\/assets\/echarts-[\w-]+\.js$/.test(r));
    expect(chartChunk).toBeGreaterThan(requests.indexOf('query ConsoleSubDistrict'));
    expect(requests.indexOf('query ConsoleSubDistrict')).toBeGreaterThan(requests.indexOf('query ConsoleWho'));
    expect(requests.indexOf('query ConsoleWho')).toBeGreaterThan(-1);
    // And the sign-in query leaves before the app's own code (React and the panels) is even asked for.
    expect(requests.findIndex((r) => /\/console\/assets\/main-[\w-]+\.js$/.test(r))).toBeGreaterThan(requests.indexOf('query ConsoleWho'));
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it('switches to English from the keyboard, remembers it, and formats for that language', async () => {
    const { page, problems } = await open(subdistrict);
    // The first Tab reaches the skip link, the next ones the header's controls: the language switch first.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('跳到内容');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('lang');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Sub-district data console');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('[data-testid=missing-low-stock]')).toContain('Every community answered');
    expect(await page.textContent('[data-testid=panel-searched] h2')).toContain('Most searched products with no stock');
    const first = cluster.communities[0]!;
    expect((await rowsOf(page, 'table-communities'))[0]!.cells[0]).toBe(first.nameEn ?? first.name);
    // Export buttons and print are reachable by Tab, and a CSV button works from the keyboard.
    await page.focus('[data-testid=csv-pools]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(readFileSync((await download.path())!, 'utf8').slice(1).split('\r\n')[0]).toBe('Product,Shop,Community,Status,Packs missing,Units to next pack,Ordered,Deadline,Time left,Would form if closed now');
    // Reloaded (the token kept for the session), it stays in English.
    await page.reload();
    await page.waitForSelector('[data-testid=table-communities]');
    expect(await page.textContent('h1')).toBe('Sub-district data console');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("shows committee staff their own community only, with drill-down to a compound's households", async () => {
    const { page, problems, foreign } = await open(committee);
    const alpha = cluster.communities.find((c) => c.code === 'alpha')!;
    expect(await page.textContent('[data-testid=role]')).toContain(alpha.name);
    expect((await rowsOf(page, 'table-communities')).map((r) => r.key)).toEqual(['alpha']);
    const api = (
      await cluster.query(
        `{ community(code: "alpha") { compounds { id name } lowStock { id } coverage(days: 7) { counts { notReached } householdsNotReached { address compound { id } } } } }`,
        {},
        committee,
      )
    ).data!.community;
    expect((await rowsOf(page, 'table-low-stock')).map((r) => r.key).sort()).toEqual(api.lowStock.map((p: any) => p.id).sort());
    expect((await rowsOf(page, 'table-coverage')).map((r) => num(r.cells[3]!))).toEqual([api.coverage.counts.notReached]);
    expect((await rowsOf(page, 'table-compounds')).map((r) => r.key).sort()).toEqual(api.compounds.map((c: any) => c.id).sort());

    // The compound with the most households not reached, opened from the keyboard.
    const counts = new Map<string, string[]>();
    for (const h of api.coverage.householdsNotReached) counts.set(h.compound.id, [...(counts.get(h.compound.id) ?? []), h.address]);
    const [compoundId, addresses] = [...counts.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? [api.compounds[0].id, []];
    await page.focus(`[data-testid="open-${compoundId}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=panel-compound]');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('compound-back');
    expect(num((await page.textContent('[data-testid=compound-not-reached]'))!)).toBe(addresses.length);
    if (addresses.length > 0) expect((await rowsOf(page, 'table-compound-households')).map((r) => r.cells[0]).sort()).toEqual([...addresses].sort());
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=panel-compound]', { state: 'detached' });
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it("shows an information officer their community's information panels, found from the community's records", async () => {
    const { page, problems, foreign } = await open(infoOfficer);
    const alpha = cluster.communities.find((c) => c.code === 'alpha')!;
    expect(await page.getAttribute('[data-testid=role]', 'data-view')).toBe('information');
    expect(await page.textContent('[data-testid=role]')).toBe(`信息员 · ${alpha.name}`);
    expect((await rowsOf(page, 'table-communities')).map((r) => r.key)).toEqual(['alpha']);
    const api = (await cluster.query(`{ community(code: "alpha") { notices(current: true, first: 20) { id } questions(first: 50, status: OPEN) { id } } }`, {}, infoOfficer)).data!.community;
    expect((await rowsOf(page, 'table-notices')).map((r) => r.key).sort()).toEqual(api.notices.map((n: any) => n.id).sort());
    expect((await rowsOf(page, 'table-questions')).map((r) => r.key).sort()).toEqual(api.questions.map((q: any) => q.id).sort());
    expect(api.questions.length).toBeGreaterThan(0);
    // Only the information view: no supplies or care panels, and no chart code fetched for it.
    for (const id of ['pools', 'care-open', 'coverage']) expect(await page.$(`[data-testid=panel-${id}]`)).toBeNull();
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it('says within 10 s that a stopped node is down, while every other community stays live', async () => {
    const { page } = await open(subdistrict);
    const beta = cluster.communities.find((c) => c.code === 'beta')!;
    const before = await page.getAttribute('[data-testid=refreshed-at]', 'datetime');
    const stoppedAt = Date.now();
    await cluster.stopNode('beta');
    await page.waitForFunction(() => document.querySelector('[data-testid=status-beta]')?.getAttribute('data-status') !== 'ACTIVE', undefined, { timeout: 10_000 });
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(await page.textContent('[data-testid=communities-summary]')).toContain(beta.name);
    // The panels say which community they lack; the other communities' figures keep coming.
    await page.waitForFunction((name) => document.querySelector('[data-testid=missing-low-stock]')?.textContent?.includes(name), beta.name, { timeout: 15_000 });
    for (const code of cluster.communities.map((c) => c.code).filter((c) => c !== 'beta')) {
      expect(await page.getAttribute(`[data-testid=status-${code}]`, 'data-status')).toBe('ACTIVE');
    }
    await page.waitForFunction((b) => document.querySelector('[data-testid=refreshed-at]')?.getAttribute('datetime') !== b, before, { timeout: 15_000 });
    const compounds = await rowsOf(page, 'table-compounds');
    expect(compounds.length).toBeGreaterThan(0);
    expect(compounds.every((r) => r.cells[0] !== beta.name)).toBe(true);
    expect(compounds.some((r) => r.cells[0] === cluster.communities[0]!.name)).toBe(true);
    await page.context().close();
  });

  it('serves only the files of the build, with a strict policy', async () => {
    const page = await fetch(`${origin}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const etag = page.headers.get('etag')!;
    expect((await fetch(`${origin}/console`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${origin}/console/some/view`)).status).toBe(200);
    expect((await fetch(`${origin}/console/..%2f..%2fpackage.json`)).status).toBe(400);
    expect((await fetch(`${origin}/console/assets/none.js`)).status).toBe(404);
    expect((await fetch(`${origin}/console/`, { method: 'POST' })).status).toBe(405);
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(await page.text())![1]!;
    const asset = await fetch(`${origin}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(path.extname(script)).toBe('.js');
    // The lazily loaded chunks (the app, named by the entry; the charts, named by the app) are as long-lived; the
    // page itself revalidates.
    const app = /main-[\w-]+\.js/.exec(await asset.text())?.[0];
    expect(app).toBeDefined();
    const appAnswer = await fetch(`${origin}/console/assets/${app}`);
    expect(appAnswer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const charts = /echarts-[\w-]+\.js/.exec(await appAnswer.text())?.[0];
    expect(charts).toBeDefined();
    const chartsAnswer = await fetch(`${origin}/console/assets/${charts}`);
    expect(chartsAnswer.status).toBe(200);
    expect(chartsAnswer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    // No demo sign-in on a hub the launcher did not set up for the demo.
    expect(await (await fetch(`${origin}/console/demo/people`)).json()).toEqual({ demo: false, people: [] });
    expect((await fetch(`${origin}/console/demo/token`, { method: 'POST', body: '{"person":"subdistrict"}' })).status).toBe(404);
  });
});
