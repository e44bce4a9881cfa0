/**
 * Rolling upgrades (docs/upgrades.md): communities upgrade one at a time, so the hub serves nodes a release behind
 * or ahead of its supergraph. Each subgraph of each node is judged on its own: a compatible one is used, an
 * incompatible one is refused for that community alone (its fields null, one coded error naming it), and the
 * community's other subgraphs and every other community answer as usual.
 *
 * Two releases differ here by `Shop.address` and the shop kind `CAFE`: the committed schema is the newer release,
 * `BEFORE` (composed without them) the older. Real nodes serve the newer one; a node on another release is a real
 * node behind a `ReleaseProxy` serving that release's SDL.
 */
import type { CommunityEntry } from '@lilong/gateway';
import { TestCluster, type ClusterOptions } from './support/cluster';
import { release, ReleaseProxy, withFieldType, withKey, withoutEnumValue, withoutField, type ReleaseEdits } from './support/releases';
import { eventually } from './support/sub-district';

const OPEN_MS = 300;
const options: ClusterOptions = { breakerOpenMs: OPEN_MS, reverifyMs: 1000 };
let cluster: TestCluster;
let entries: CommunityEntry[];
const proxies: ReleaseProxy[] = [];

/** What the release before this one served for shops: no `Shop.address`, no `CAFE` kind yet. */
const BEFORE_SHOPS = (sdl: string) => withoutEnumValue('ShopKind', 'CAFE')(withoutField('Shop', 'address')(sdl));
const BEFORE: ReleaseEdits = { shops: BEFORE_SHOPS };

const OVERVIEW = `{ communities { code status statusDetail compounds { name } shops { name address } volunteers { displayName } } }`;

beforeAll(async () => {
  cluster = await TestCluster.start(options);
  entries = [...cluster.hub.directory.list()];
});

afterAll(async () => {
  await cluster?.stop();
  await Promise.all(proxies.map((p) => p.stop()));
});

/** Puts the community's node behind a proxy serving another release's SDL (the directory change re-verifies it). */
async function onRelease(code: string, edits: ReleaseEdits): Promise<ReleaseProxy> {
  const proxy = new ReleaseProxy(() => cluster.nodeUrl(code));
  proxies.push(proxy);
  proxy.edits = edits;
  const url = await proxy.start();
  cluster.hub.directory.replace(entries.map((e) => (e.code === code ? { ...e, url } : e)));
  return proxy;
}

function restoreDirectory(): void {
  cluster.hub.directory.replace(entries);
}

const byCode = (answer: { data?: any }) => new Map<string, any>((answer.data?.communities ?? []).map((c: any) => [c.code, c]));

async function staffHealth(): Promise<any> {
  const base = cluster.url.replace(/\/graphql$/, '');
  const token = await cluster.token([{ role: 'subdistrict' }]);
  return (await fetch(`${base}/healthz`, { headers: { authorization: `Bearer ${token}` } })).json();
}

describe('an old node behind a new hub', () => {
  afterEach(restoreDirectory);

  it('degrades only the old subgraph of that community; its other subgraphs and other communities answer', async () => {
    const full = await cluster.query(OVERVIEW);
    expect(full.errors).toBeUndefined();
    const proxy = await onRelease('beta', BEFORE);

    const answer = await cluster.query(OVERVIEW);
    expect(answer.status).toBe(200);
    const communities = byCode(answer);
    const before = byCode(full);
    // The other communities, on the hub's release, answer in full (Shop.address included).
    for (const code of ['alpha', 'gamma']) expect(communities.get(code)).toEqual(before.get(code));
    expect(communities.get('alpha').shops[0].address).toEqual(expect.any(String));
    // Beta's groups and volunteers answer; its shops are missing, and one error says why, naming the subgraph.
    const beta = communities.get('beta');
    expect(beta.compounds).toEqual(before.get('beta').compounds);
    expect(beta.volunteers).toEqual(before.get('beta').volunteers);
    expect(beta.shops).toBeNull();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'COMMUNITY_UNAVAILABLE', community: 'beta', subgraph: 'shops', reason: 'SCHEMA_MISMATCH' });
    expect(answer.errors![0]!.extensions!.detail).toMatch(/Shop\.address was removed/);
    expect(answer.errors![0]!.message).toMatch(/beta .*shops schema incompatible/);
    expect(answer.errors![0]!.extensions!.messageZh).toContain('商户与库存接口版本与枢纽不兼容');
    // Its status says so, and what is refused.
    expect(beta.status).toBe('DEGRADED');
    expect(beta.statusDetail).toMatch(/^shops refused: .*Shop\.address was removed\..*CAFE was removed from enum type ShopKind/);
    expect(communities.get('alpha')).toMatchObject({ status: 'ACTIVE', statusDetail: null });

    // A refused subgraph fails fast: its requests are not sent to the node.
    cluster.resetCounts();
    await cluster.query(`{ community(code: "beta") { shops { name } } }`);
    expect(cluster.sentCounts()['beta/shops']).toBeUndefined();
    void proxy;
  });

  it('staff see each subgraph verdict at /healthz; everyone sees DEGRADED', async () => {
    await onRelease('beta', BEFORE);
    await cluster.hub.links.verifyAll();
    const health = await staffHealth();
    expect(health.communities).toEqual({ alpha: 'ACTIVE', beta: 'DEGRADED', gamma: 'ACTIVE' });
    expect(health.details.beta.subgraphs.shops).toEqual({
      status: 'REFUSED',
      problems: ['Shop.address was removed.', 'CAFE was removed from enum type ShopKind.'],
      warnings: [],
    });
    expect(health.details.beta.subgraphs.groups).toEqual({ status: 'ACCEPTED', problems: [], warnings: [] });
    expect(health.details.alpha.subgraphs.shops.status).toBe('ACCEPTED');
  });

  it('a node without a subgraph its release did not have yet is refused for that subgraph only', async () => {
    const proxy = await onRelease('gamma', {});
    proxy.missing.add('info');
    await cluster.hub.links.verifyAll();
    expect(cluster.hub.links.status('gamma')).toBe('DEGRADED');
    expect(cluster.hub.links.lastError('gamma')).toBe('info refused: The node serves no info subgraph (an older release?).');
    const answer = await cluster.query(`{ community(code: "gamma") { compounds { name } shops { name } } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.community.shops.length).toBeGreaterThan(0);
  });

  it('once the node is upgraded, the subgraph is judged again after openMs and served', async () => {
    const proxy = await onRelease('beta', BEFORE);
    expect((await cluster.query(OVERVIEW)).errors?.[0]?.extensions).toMatchObject({ community: 'beta', reason: 'SCHEMA_MISMATCH' });
    proxy.edits = {};
    const upgraded = await eventually(
      () => cluster.query(OVERVIEW),
      (a) => a.errors === undefined,
      10_000,
    );
    expect(upgraded.errors).toBeUndefined();
    expect(byCode(upgraded).get('beta')).toMatchObject({ status: 'ACTIVE', statusDetail: null, shops: expect.arrayContaining([expect.objectContaining({ address: expect.any(String) })]) });
  });
});

describe('directory changes', () => {
  afterEach(restoreDirectory);

  it("re-verify only the communities whose node moved: an edit of one entry never makes the others wait", async () => {
    await cluster.hub.links.verifyAll();
    expect(['alpha', 'beta', 'gamma'].map((c) => cluster.hub.links.status(c))).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    // Alpha's name and neighbours change (as a ConfigMap edit would): nobody's node moved.
    cluster.hub.directory.replace(entries.map((e) => (e.code === 'alpha' ? { ...e, name: `${e.name}（改名）`, neighbours: [] } : e)));
    expect(['alpha', 'beta', 'gamma'].map((c) => cluster.hub.links.status(c))).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    // Beta's node moves (behind a proxy): beta alone is checked again before it is trusted, and is then served.
    const proxy = await onRelease('beta', {});
    expect(['alpha', 'beta', 'gamma'].map((c) => cluster.hub.links.status(c))).toEqual(['ACTIVE', 'UNVERIFIED', 'ACTIVE']);
    const answer = await cluster.query(`{ community(code: "beta") { shops { name } } }`);
    expect(answer.errors).toBeUndefined();
    expect(proxy.sdlAsked.get('shops')).toBeGreaterThanOrEqual(1);
    expect(cluster.hub.links.status('beta')).toBe('ACTIVE');
  });
});

describe('an incompatible change on one node', () => {
  afterEach(restoreDirectory);

  it.each([
    ['a field type changed', { shops: withFieldType('Shop', 'name', 'Int') }, /Shop\.name changed type from String! to Int/],
    ['an @key changed', { shops: withKey('Shop', 'id', 'id name') }, /Shop no longer has @key\(fields: "id"\)/],
    ['a field removed', { shops: withoutField('Shop', 'products') }, /Shop\.products was removed/],
  ])('%s: refused for that subgraph only, served again once the node is fixed', async (_, edits, problem) => {
    const proxy = await onRelease('gamma', edits as ReleaseEdits);
    const QUERY = `{ communities { code compounds { name } shops { name } } }`;
    const answer = await cluster.query(QUERY);
    const gamma = byCode(answer).get('gamma');
    expect(gamma.shops).toBeNull();
    expect(gamma.compounds.length).toBeGreaterThan(0);
    expect(byCode(answer).get('alpha').shops.length).toBeGreaterThan(0);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'COMMUNITY_UNAVAILABLE', community: 'gamma', subgraph: 'shops', reason: 'SCHEMA_MISMATCH', detail: expect.stringMatching(problem) });
    expect(cluster.hub.links.status('gamma')).toBe('DEGRADED');

    // Still refused while the node serves it (each re-check after openMs finds the same SDL).
    await new Promise((r) => setTimeout(r, OPEN_MS + 50));
    expect(byCode(await cluster.query(QUERY)).get('gamma').shops).toBeNull();

    proxy.edits = {};
    const fixed = await eventually(
      () => cluster.query(QUERY),
      (a) => a.errors === undefined,
      10_000,
    );
    expect(byCode(fixed).get('gamma').shops.length).toBeGreaterThan(0);
    expect(cluster.hub.links.status('gamma')).toBe('ACTIVE');
  });

  it('a node changed in place, with no outage, is judged again within reverifyMs', async () => {
    const proxy = await onRelease('alpha', {});
    await cluster.hub.links.verifyAll();
    expect(cluster.hub.links.status('alpha')).toBe('ACTIVE');
    proxy.edits = { volunteers: (sdl) => withoutField('Volunteer', 'displayName')(sdl) };
    const refused = await eventually(
      () => cluster.query(`{ community(code: "alpha") { volunteers { displayName } compounds { name } } }`),
      (a) => a.data?.community?.volunteers === null,
      10_000,
    );
    expect(refused.data.community.volunteers).toBeNull();
    expect(refused.data.community.compounds.length).toBeGreaterThan(0);
    expect(refused.errors![0]!.extensions).toMatchObject({ community: 'alpha', subgraph: 'volunteers', reason: 'SCHEMA_MISMATCH' });
  });

  it('an unchanged SDL is judged once per release, not once per community or per re-check', async () => {
    const computed = cluster.hub.links.checker.computed;
    await onRelease('gamma', BEFORE);
    await cluster.hub.links.verifyAll();
    const once = cluster.hub.links.checker.computed;
    await new Promise((r) => setTimeout(r, OPEN_MS + 50));
    await cluster.query(`{ community(code: "gamma") { shops { name } } }`);
    await cluster.hub.links.verifyAll();
    // The old release's shops SDL was judged at most once (an earlier test may have judged it already), never again.
    expect(once - computed).toBeLessThanOrEqual(1);
    expect(cluster.hub.links.checker.computed).toBe(once);
  });
});

describe('a new node behind an old hub', () => {
  beforeAll(async () => {
    // The hub of the release before: composed without Shop.address and CAFE. Every node is a release ahead.
    const before = release(BEFORE);
    options.supergraphSdl = before.supergraphSdl;
    options.expectedSdl = before.expectedSdl;
    await cluster.restartHub();
  });

  afterAll(async () => {
    delete options.supergraphSdl;
    delete options.expectedSdl;
    await cluster.restartHub();
  });

  it('accepts every node and answers everything the old hub knows', async () => {
    const answer = await cluster.query(`{ communities { code status compounds { name } shops { name products { name } } volunteers { displayName } } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.communities.map((c: any) => c.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    expect(answer.data.communities.every((c: any) => c.shops.length > 0 && c.compounds.length > 0)).toBe(true);
    // What only the newer release has is not part of the old hub's API.
    const newer = await cluster.query(`{ communities { shops { address } } }`);
    expect(newer.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('reports the enum value it does not know as a warning, and answers it as a field error, never a failed request', async () => {
    const health = await staffHealth();
    expect(health.details.gamma.subgraphs.shops).toEqual({ status: 'ACCEPTED', problems: [], warnings: ['CAFE was added to enum type ShopKind.'] });
    // Gamma has a café: its kind is a value this hub cannot return. That list is null with an error at its path;
    // every other community's shops answer, and the request is a 200.
    const answer = await cluster.query(`{ communities { code shops { name kind } } }`);
    expect(answer.status).toBe(200);
    const communities = byCode(answer);
    expect(communities.get('alpha').shops.length).toBeGreaterThan(0);
    expect(communities.get('beta').shops.length).toBeGreaterThan(0);
    expect(communities.get('gamma').shops).toBeNull();
    const gammaIndex = answer.data.communities.findIndex((c: any) => c.code === 'gamma');
    // The gateway itself files such an error under extensions.valueCompletion (a null with no error); the hub
    // makes it an error at its path, coded and naming the community.
    expect((answer as { extensions?: Record<string, unknown> }).extensions?.valueCompletion).toBeUndefined();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]).toMatchObject({
      message: expect.stringMatching(/^Invalid value found for field Shop\.kind from community gamma: .*newer release/),
      path: ['communities', gammaIndex, 'shops', expect.any(Number), 'kind'],
      extensions: { code: 'UNKNOWN_VALUE', community: 'gamma', messageZh: expect.stringContaining('社区 gamma 的节点版本较新') },
    });
    // Without the unknown value, gamma's shops answer in full.
    const withoutKind = await cluster.query(`{ community(code: "gamma") { shops { name } } }`);
    expect(withoutKind.errors).toBeUndefined();
    expect(withoutKind.data.community.shops.length).toBe(2);
  });
});
