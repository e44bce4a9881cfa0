/**
 * The subscription scenarios, run once per way the hub follows the communities' events (tests/src/subscriptions*.test.ts):
 * subscribers over GraphQL over SSE and over WebSocket follow a pool's progress as households of two communities
 * sign up and a group order joins, each change once and in commit order, with the pool's current figures fetched
 * through the federated API; the same authorization as queries (a resident cannot follow another household's care
 * request); a subscriber that reconnects with its last event ID after a hub restart misses nothing and gets nothing
 * twice; a node killed right after a commit tells its event once it is back, and meanwhile the stream says the
 * community is unavailable instead of closing.
 */
import { TEST_COMMUNITIES } from '../../../ops/src/seed';
import { codeOf, must } from './answers';
import { TestCluster, type ClusterOptions } from './cluster';
import { headOf, LiveClient, type Subscription } from './live';
import { groupOf, household, join, openOrder, openPool, signUp } from './orders';
import { eventually, inSeconds, lookUp, residentToken, stockedProduct, type CommunityInfo, type GroupInfo, type HouseholdInfo } from './sub-district';

/** Declares the scenarios over a cluster started with `options`; returns the cluster for assertions of the caller's own. */
export function subscriptionScenarios(options: Pick<ClusterOptions, 'eventBroker'> = {}): { cluster: () => TestCluster } {
  let cluster: TestCluster;
  let alpha: CommunityInfo;
  let beta: CommunityInfo;
  const clients: LiveClient[] = [];

  const client = (transport: 'sse' | 'ws', token?: string) => {
    const c = new LiveClient(cluster, transport, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    cluster = await TestCluster.start({ communities: TEST_COMMUNITIES.filter((c) => c.code === 'alpha' || c.code === 'beta'), ...options });
    const found = await lookUp(cluster);
    alpha = found.get('alpha')!;
    beta = found.get('beta')!;
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await cluster?.stop();
  });

  const POOL_PROGRESS = `subscription($pool: ID!, $after: ID) {
    poolProgress(poolId: $pool, after: $after) { id sequence type at figures { name value } community { code }
      pool { id status progress { totalQuantity } } } }`;

  interface PoolSetup {
    poolId: string;
    rice: string;
    orders: { group: GroupInfo; orderId: string; homes: HouseholdInfo[] }[];
  }

  /** A pool at an alpha shop, with an order of an alpha group (joined) and one of a beta group (not yet joined). */
  async function poolAcrossCommunities(name: string): Promise<PoolSetup> {
    const shopId = alpha.shops[0]!.id;
    const rice = await stockedProduct(cluster, shopId, { name, onHand: 100 });
    const poolId = await openPool(cluster, shopId, rice, 20, 600);
    const groupA = await groupOf(cluster, alpha, 0);
    const groupB = await groupOf(cluster, beta, 0);
    const orders = [];
    for (const [group, community, building] of [
      [groupA, alpha, '71'],
      [groupB, beta, '72'],
    ] as const) {
      const orderId = await openOrder(cluster, shopId, group, [rice], { title: `${name}团购`, deadline: inSeconds(600) });
      const homes = [];
      for (let i = 1; i <= 3; i += 1) homes.push(await household(cluster, community, group.compoundId, building, `${building}${(rooms += 1)}`));
      orders.push({ group, orderId, homes });
    }
    await join(cluster, groupA, poolId, orders[0]!.orderId, 0);
    return { poolId, rice, orders };
  }

  let rooms = 100;
  const sequencesOf = (events: any[]) => events.map((e) => e.sequence);

  describe('a pool followed over SSE and over WebSocket', () => {
    it('gets each sign-up and the join of two communities, once, in commit order, with the pool as it is now', async () => {
      const setup = await poolAcrossCommunities('直播大米');
      const after = `alpha:${await headOf(cluster, 'alpha')}`;
      const subs: Record<string, Subscription> = {
        sse: client('sse').subscribe(POOL_PROGRESS, { pool: setup.poolId, after }),
        ws: client('ws').subscribe(POOL_PROGRESS, { pool: setup.poolId, after }),
      };
      const [a, b] = setup.orders as [PoolSetup['orders'][number], PoolSetup['orders'][number]];
      const done: { what: string; at: number }[] = [];
      for (const [i, home] of a.homes.entries()) {
        expect((await signUp(cluster, home, a.orderId, setup.rice, i + 1)).errors).toBeUndefined();
        done.push({ what: `sign-up ${i + 1} in alpha`, at: Date.now() });
      }
      await join(cluster, b.group, setup.poolId, b.orderId, 0);
      done.push({ what: 'beta joins', at: Date.now() });
      for (const [i, home] of b.homes.slice(0, 2).entries()) {
        expect((await signUp(cluster, home, b.orderId, setup.rice, 2)).errors).toBeUndefined();
        done.push({ what: `sign-up ${i + 1} in beta`, at: Date.now() });
      }
      // 1+2+3 in alpha's order, then 2+2 in beta's: 10 units.
      const now = (await must(cluster.query(`query($id: ID!) { pool(id: $id) { progress { totalQuantity } } }`, { id: setup.poolId }))).pool.progress.totalQuantity;
      expect(now).toBe(10);
      for (const [transport, sub] of Object.entries(subs)) {
        await sub.until((r) => r.filter((x) => x.result.data).length >= done.length);
        const events = sub.events('poolProgress');
        expect([transport, events.length]).toEqual([transport, done.length]);
        // In commit order, each once, all of the pool's community (the merchant's), each a POOL_PROGRESS.
        const sequences = sequencesOf(events);
        expect(sequences).toEqual([...sequences].sort((x, y) => x - y));
        expect(new Set(sequences).size).toBe(sequences.length);
        expect(events.every((e) => e.type === 'POOL_PROGRESS' && e.community.code === 'alpha' && e.id === `alpha:${e.sequence}` && e.pool.id === setup.poolId)).toBe(true);
        // The last one shows the pool as it is now, through the shops subgraph.
        expect(events[events.length - 1].pool.progress.totalQuantity).toBe(10);
        // Each change arrived after it was made, and before the change two steps later was.
        for (const [i, received] of sub.received.filter((x) => x.result.data).entries()) {
          if (i + 2 < done.length) expect(received.at).toBeLessThanOrEqual(done[i + 2]!.at);
        }
        expect(sub.errors()).toEqual([]);
      }
      // The two transports saw the same events.
      expect(subs.sse!.events('poolProgress').map((e) => e.id)).toEqual(subs.ws!.events('poolProgress').map((e) => e.id));
    });
  });

  describe('a subscription is checked like a query of the same record', () => {
    const REQUEST = `subscription($id: ID!) { careRequestStatus(requestId: $id) { id type figures { name value } careRequest { id status } } }`;
    let requestId: string;
    let own: HouseholdInfo;
    let other: HouseholdInfo;

    beforeAll(async () => {
      [own, other] = alpha.compounds[0]!.households as [HouseholdInfo, HouseholdInfo];
      const asked = await must(
        cluster.query(
          `mutation($i: RequestCareInput!) { requestCare(input: $i) { id } }`,
          { i: { householdId: own.id, kind: 'MEDICINE_PICKUP', urgency: 'TODAY', destination: '社区卫生服务中心药房', prescriptions: ['氨氯地平片 5mg ×28'] } },
          await residentToken(cluster, own),
        ),
      );
      requestId = asked.requestCare.id;
    });

    it.each(['sse', 'ws'] as const)("refuses a resident following another household's care request (%s): FORBIDDEN, and the stream ends", async (transport) => {
      const sub = client(transport, await residentToken(cluster, other)).subscribe(REQUEST, { id: requestId });
      await sub.until(() => false, 5000).catch(() => undefined);
      expect(sub.ended).toBe(true);
      expect(sub.events('careRequestStatus')).toEqual([]);
      expect(sub.errors().map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(sub.errors()[0].extensions.messageZh).toBeTruthy();
    });

    it("lets the household follow its own request's status as dispatch moves it", async () => {
      const after = `alpha:${await headOf(cluster, 'alpha')}`;
      const sub = client('ws', await residentToken(cluster, own)).subscribe(`subscription($id: ID!, $after: ID) { careRequestStatus(requestId: $id, after: $after) { id type careRequest { id status } } }`, { id: requestId, after });
      const dispatcher = await cluster.token([{ role: 'dispatcher', community: 'alpha' }], 'live-dispatcher');
      await must(cluster.query(`mutation($i: CancelCareRequestInput!) { cancelCareRequest(input: $i) { id status } }`, { i: { requestId, reason: '已自行解决' } }, dispatcher));
      const [received] = await sub.until((r) => r.length >= 1);
      expect(received!.result.data.careRequestStatus).toMatchObject({ type: 'CARE_REQUEST_STATUS', careRequest: { id: requestId, status: 'CANCELLED' } });
    });
  });

  describe('bad subscriptions get coded errors', () => {
    it.each(['sse', 'ws'] as const)('over %s: a malformed ID, an unknown pool, an after of another community, a query', async (transport) => {
      const c = client(transport);
      const cases: [string, Record<string, unknown>, string][] = [
        [POOL_PROGRESS, { pool: 'not an id' }, 'BAD_USER_INPUT'],
        [POOL_PROGRESS, { pool: 'alpha:Pool:999999' }, 'NOT_FOUND'],
        [POOL_PROGRESS, { pool: 'nowhere:Pool:1' }, 'UNKNOWN_COMMUNITY'],
        [POOL_PROGRESS, { pool: 'alpha:Pool:1', after: 'beta:3' }, 'BAD_USER_INPUT'],
        ['{ communities { code } }', {}, 'OPERATION_NOT_SUPPORTED'],
        ['subscription { poolProgress(poolId: "alpha:Pool:1") { nothingHere } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
      ];
      for (const [query, variables, code] of cases) {
        const sub = c.subscribe(query, variables);
        await sub.until(() => false, 5000).catch(() => undefined);
        const codes = sub.errors().map((e) => e.extensions?.code);
        if (process.env.LIVE_DEBUG) console.log(query, JSON.stringify(sub.received), String(sub.failure), JSON.stringify(sub.failure));
        const thrown = (sub.failure as { message?: string; extensions?: { code?: string } }[] | undefined) ?? [];
        expect([query, variables, codes.length > 0 ? codes[0] : Array.isArray(thrown) ? thrown[0]?.extensions?.code : undefined]).toEqual([query, variables, code]);
      }
    });

    it('a subscription sent as a plain POST /graphql is OPERATION_NOT_SUPPORTED', async () => {
      const answer = await cluster.query(`subscription { communityNotices(community: "alpha") { id } }`);
      expect(codeOf(answer)).toBe('OPERATION_NOT_SUPPORTED');
    });

    it('a bad token is refused: 401 over SSE, the connection closed over WebSocket', async () => {
      const response = await fetch(cluster.url.replace(/\/graphql$/, '/graphql/stream'), {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: 'Bearer nonsense' },
        body: JSON.stringify({ query: 'subscription { communityNotices(community: "alpha") { id } }' }),
      });
      expect(response.status).toBe(401);
      expect((await response.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const ws = client('ws', 'nonsense');
      const sub = ws.subscribe('subscription { communityNotices(community: "alpha") { id } }');
      await sub.until(() => false, 5000).catch(() => undefined);
      expect(sub.ended).toBe(true);
      expect(ws.wsClosed[0]?.code).toBe(4403);
    });
  });

  describe("several communities' notices on one stream", () => {
    const NOTICES = `subscription($c: [String!], $after: [ID!]) { notices(communities: $c, after: $after) { id sequence type community { code } notice { title } } }`;
    const publish = async (community: string, title: string) => {
      const committee = await cluster.token([{ role: 'committee', community }], `live-committee-${community}`);
      await must(cluster.query(`mutation($i: PublishNoticeInput!) { publishNotice(input: $i) { id } }`, { i: { community, category: 'SUPPLIES', title, body: '按楼发放。' } }, committee));
    };

    it.each(['sse', 'ws'] as const)('over %s: each community in its own order, and a resume with the last ID of each misses nothing and repeats nothing', async (transport) => {
      const after = [`alpha:${await headOf(cluster, 'alpha')}`, `beta:${await headOf(cluster, 'beta')}`];
      const sub = client(transport).subscribe(NOTICES, { c: ['alpha', 'beta'], after });
      await publish('alpha', `${transport} 甲一`);
      await publish('beta', `${transport} 乙一`);
      await publish('alpha', `${transport} 甲二`);
      await sub.until((r) => r.length >= 3);
      const told = sub.events('notices');
      const of = (code: string) => told.filter((e) => e.community.code === code);
      expect(of('alpha').map((e) => e.notice.title)).toEqual([`${transport} 甲一`, `${transport} 甲二`]);
      expect(of('beta').map((e) => e.notice.title)).toEqual([`${transport} 乙一`]);
      expect(told.every((e) => e.type === 'NOTICE_PUBLISHED' && e.id === `${e.community.code}:${e.sequence}`)).toBe(true);
      expect(of('alpha')[0].sequence).toBeLessThan(of('alpha')[1].sequence);
      sub.close();
      // Back with the last ID of each community: only what came since.
      const again = client(transport).subscribe(NOTICES, { c: ['beta', 'alpha'], after: [of('alpha')[1].id, of('beta')[0].id] });
      await publish('beta', `${transport} 乙二`);
      await again.until((r) => r.length >= 1);
      await again.until(() => false, 1000).catch(() => undefined);
      expect(again.events('notices').map((e) => [e.community.code, e.notice.title])).toEqual([['beta', `${transport} 乙二`]]);
    });

    it('without communities, follows every community of the directory', async () => {
      const sub = client('sse').subscribe(`subscription { notices { community { code } notice { title } } }`);
      await sub.until(() => false, 1000).catch(() => undefined);
      await publish('beta', '全部社区 乙');
      await sub.until((r) => r.length >= 1);
      expect(sub.events('notices')).toEqual([{ community: { code: 'beta' }, notice: { title: '全部社区 乙' } }]);
    });

    it('refuses with coded errors: no community, an unknown one, two after IDs of one community, an after of a community not followed', async () => {
      const c = client('sse');
      const cases: [Record<string, unknown>, string, string][] = [
        [{ c: [] }, 'BAD_USER_INPUT', 'communities'],
        [{ c: ['alpha', 'nowhere'] }, 'UNKNOWN_COMMUNITY', 'communities'],
        [{ c: ['alpha'], after: ['alpha:1', 'alpha:2'] }, 'BAD_USER_INPUT', 'after'],
        [{ c: ['alpha'], after: ['beta:1'] }, 'BAD_USER_INPUT', 'after'],
        [{ c: ['alpha'], after: ['not an id'] }, 'BAD_USER_INPUT', 'after'],
      ];
      for (const [variables, code, argument] of cases) {
        const sub = c.subscribe(NOTICES, variables);
        await sub.until((r) => r.length > 0, 5000).catch(() => undefined);
        const error = sub.errors()[0];
        expect([variables, error?.extensions?.code, error?.extensions?.argument]).toEqual([variables, code, argument]);
        expect(typeof error?.extensions?.messageZh).toBe('string');
      }
    });
  });

  describe('resuming', () => {
    it('after a hub restart, a subscriber that comes back with its last event ID misses nothing and gets nothing twice', async () => {
      const setup = await poolAcrossCommunities('续传大米');
      const [a] = setup.orders as [PoolSetup['orders'][number]];
      const first = client('ws').subscribe(POOL_PROGRESS, { pool: setup.poolId, after: `alpha:${await headOf(cluster, 'alpha')}` });
      await signUp(cluster, a.homes[0]!, a.orderId, setup.rice, 1);
      await first.until((r) => r.length >= 1);
      const last = first.events('poolProgress')[0].id;
      await cluster.restartHub();
      // While the hub was away (and right after), two more changes.
      await signUp(cluster, a.homes[1]!, a.orderId, setup.rice, 2);
      await signUp(cluster, a.homes[2]!, a.orderId, setup.rice, 3);
      await first.until(() => false, 1000).catch(() => undefined);
      const again = client('sse').subscribe(POOL_PROGRESS, { pool: setup.poolId, after: last });
      const events = (await again.until((r) => r.length >= 2)).map((r) => r.result.data.poolProgress);
      const lastSequence = Number(last.split(':')[1]);
      expect(events.map((e) => e.sequence)).toEqual([...events.map((e) => e.sequence)].sort((x, y) => x - y));
      expect(events.every((e) => e.sequence > lastSequence)).toBe(true);
      expect(events[events.length - 1].pool.progress.totalQuantity).toBe(6);
      await again.until(() => false, 1000).catch(() => undefined);
      expect(again.events('poolProgress')).toHaveLength(2);
    });

    it('a node killed right after a commit: the stream says the community is unavailable, then tells the event once the node is back', async () => {
      await eventually(() => cluster.query(`{ communities { code status } }`), (a) => a.data?.communities?.every((c: any) => c.status === 'ACTIVE'), 20_000);
      const shopId = alpha.shops[0]!.id;
      const oil = await stockedProduct(cluster, shopId, { name: '崩溃菜籽油', onHand: 40 });
      const after = `alpha:${await headOf(cluster, 'alpha')}`;
      const sub = client('sse').subscribe(`subscription($p: ID!, $after: ID) { productStock(productId: $p, after: $after) { id sequence type product { id stock { onHand } } } }`, { p: oil, after });
      const merchant = await cluster.token([{ role: 'merchant', shop: shopId }], 'live-merchant');
      await sub.until(() => false, 1000).catch(() => undefined);
      const node = await cluster.runAsProcess('alpha', { LILONG_FAILPOINT: 'outbox:after-commit' });
      // The hub may still hold alpha's circuit open from the switch to the process: send the change until it reaches
      // the node, which dies right after committing it (any commit with events kills it, so at most one commits).
      let how: string | undefined;
      for (let tries = 0; how === undefined && tries < 20; tries += 1) {
        const answer = await cluster.query(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id } }`, { i: { productId: oil, delta: 15, reason: '到货' } }, merchant);
        expect(codeOf(answer)).toBe('COMMUNITY_UNAVAILABLE');
        how = await Promise.race([node.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1000))]);
      }
      expect(how).toBe('SIGKILL');
      // Through a broker the hub knows the node is gone when its heartbeat stops (6 s): wait longer than that.
      await sub.until((r) => r.some((x) => x.result.errors?.some((e) => e.extensions?.code === 'COMMUNITY_UNAVAILABLE')), 20_000);
      expect(sub.ended).toBe(false);
      await cluster.restartNode('alpha');
      const [event] = await sub.until((r) => r.some((x) => x.result.data));
      await sub.until(() => false, 2000).catch(() => undefined);
      const told = sub.events('productStock');
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({ type: 'STOCK_CHANGED', product: { id: oil, stock: { onHand: 55 } } });
      expect(event).toBeDefined();
    });
  });

  return { cluster: () => cluster };
}
