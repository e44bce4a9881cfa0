/**
 * The hub federating three communities end to end: real PostgreSQL, real HTTP between hub and nodes.
 */
import { haversineMeters } from '@lilong/shops';
import { TestCluster } from './support/cluster';

let cluster: TestCluster;

beforeAll(async () => {
  // No deadline scheduler: its sweeps would add SQL statements to the per-request counts below.
  cluster = await TestCluster.start({ background: false });
});

afterAll(async () => {
  await cluster?.stop();
});

const OVERVIEW = /* GraphQL */ `
  query Overview {
    communities {
      code
      name
      status
      compounds { id name kind householdCount }
      shops { id name compound { id name } products { name priceFen stock { onHand available } } }
      volunteers { id displayName skills vehicleSeats compound { id name } }
    }
  }
`;

describe('one query across communities and subgraphs', () => {
  it('lists every community with its compounds, shops (with products and stock) and volunteers', async () => {
    const answer = await cluster.query(OVERVIEW);
    expect(answer.errors).toBeUndefined();
    const communities = answer.data.communities;
    expect(communities.map((c: any) => c.code)).toEqual(cluster.communities.map((c) => c.code));
    for (const [i, fixture] of cluster.communities.entries()) {
      const got = communities[i];
      expect(got.status).toBe('ACTIVE');
      expect(got.compounds.map((c: any) => c.name).sort()).toEqual(fixture.compounds.map((c) => c.name).sort());
      for (const compound of got.compounds) expect(compound.id).toMatch(new RegExp(`^${fixture.code}:Compound:\\d+$`));
      expect(got.shops.map((s: any) => s.name).sort()).toEqual(fixture.shops.map((s) => s.name).sort());
      for (const shop of got.shops) {
        const expected = fixture.shops.find((s) => s.name === shop.name)!;
        // The shop's compound comes from the groups subgraph, through the hub.
        expect(shop.compound.name).toBe(fixture.compounds.find((c) => c.key === expected.compound)!.name);
        expect(shop.products.map((p: any) => p.name).sort()).toEqual(expected.products.map((p) => p.name).sort());
        for (const product of shop.products) {
          const p = expected.products.find((x) => x.name === product.name)!;
          expect(product.stock).toEqual({ onHand: p.onHand, available: p.onHand });
        }
      }
      expect(got.volunteers.map((v: any) => v.displayName).sort()).toEqual(fixture.volunteers.map((v) => v.displayName).sort());
      for (const volunteer of got.volunteers) expect(volunteer.compound.name).toBeTruthy();
    }
  });

  it('sends one request per community per planner fetch, and each distinct representation once', async () => {
    cluster.resetCounts();
    const answer = await cluster.query(`{ communities { code shops { name compound { name } products { name shop { compound { name kind } } } } } }`);
    expect(answer.errors).toBeUndefined();
    const fetches = cluster.lastPlanFetches;
    // Community.shops in one shops fetch; Shop.compound and Product.shop.compound in groups fetches.
    expect(fetches.shops).toBe(1);
    expect(fetches.groups).toBeGreaterThanOrEqual(1);
    const expected: Record<string, number> = {};
    const reps: Record<string, number> = {};
    for (const c of cluster.communities) {
      expected[`${c.code}/shops`] = fetches.shops!;
      expected[`${c.code}/groups`] = fetches.groups!;
      reps[`${c.code}/shops`] = 1;
      // Every product repeats its shop's compound; each groups fetch carries each compound once.
      reps[`${c.code}/groups`] = fetches.groups! * new Set(c.shops.map((s) => s.compound)).size;
    }
    expect(cluster.sentCounts()).toEqual(expected);
    expect(Object.fromEntries(cluster.hub.links.representationsSent)).toEqual(reps);
  });
});

describe('entity batches mixing communities', () => {
  it('come back in order, with each error at the path of the entity that failed', async () => {
    const [alpha] = cluster.communities;
    const token = await cluster.token([{ role: 'committee', community: alpha!.code }]);
    const answer = await cluster.query(
      `{ searchStock(text: "大米", first: 20) { product { name } shop { name compound { id name households { address } } } } }`,
      {},
      token,
    );
    const products = answer.data.searchStock as any[];
    expect(products.length).toBeGreaterThanOrEqual(3);
    const communitiesSeen = new Set(products.map((p) => p.shop.compound.id.split(':')[0]));
    expect(communitiesSeen.size).toBeGreaterThanOrEqual(2);
    products.forEach((product, i) => {
      const community = product.shop.compound.id.split(':')[0];
      const fixture = cluster.communities.find((c) => c.code === community)!;
      const shop = fixture.shops.find((s) => s.name === product.shop.name)!;
      // Order kept: each entry carries its own shop's compound.
      expect(product.shop.compound.name).toBe(fixture.compounds.find((c) => c.key === shop.compound)!.name);
      const error = answer.errors?.find((e) => e.path?.join('/') === `searchStock/${i}/shop/compound/households`);
      if (community === alpha!.code) {
        expect(error).toBeUndefined();
        expect(product.shop.compound.households.length).toBeGreaterThan(0);
      } else {
        // alpha's committee may not see other communities' households.
        expect(error?.extensions?.code).toBe('FORBIDDEN');
        expect(product.shop.compound.households).toBeNull();
      }
    });
    expect(answer.errors?.length).toBe(products.filter((p) => !p.shop.compound.id.startsWith(`${alpha!.code}:`)).length);
  });
});

describe('fan-out fields', () => {
  it('merge a root field across communities by its sort key and limit', async () => {
    const all = cluster.communities.flatMap((c) => c.shops.flatMap((s) => s.products.filter((p) => p.name.includes('大米') && p.onHand > 0)));
    const cheapest = [...all].sort((a, b) => a.priceFen - b.priceFen).slice(0, 2);
    const answer = await cluster.query(`query($t: String!, $n: Int) { searchStock(text: $t, first: $n) { product { name } priceFen } }`, { t: '大米', n: 2 });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.searchStock).toEqual(cheapest.map((p) => ({ product: { name: p.name }, priceFen: p.priceFen })));
  });

  it('merge an entity field across communities: the shops near a compound, nearest first', async () => {
    const [alpha] = cluster.communities;
    const compounds = await cluster.query(`query($c: String!) { compounds(community: $c) { id name lat lng } }`, { c: alpha!.code });
    const home = compounds.data.compounds[0];
    const answer = await cluster.query(
      `query($id: ID!) { compound(id: $id) { name nearbyShops(first: 4, withinMeters: 50000) { distanceMeters shop { id name } } } }`,
      { id: home.id },
    );
    expect(answer.errors).toBeUndefined();
    const everyShop = cluster.communities.flatMap((c) =>
      c.shops.map((s) => ({ name: s.name, community: c.code, meters: Math.round(haversineMeters(home, s)) })),
    );
    const nearest = everyShop.sort((a, b) => a.meters - b.meters).slice(0, 4);
    const got = answer.data.compound.nearbyShops as any[];
    expect(got.map((n) => n.shop.name)).toEqual(nearest.map((s) => s.name));
    expect(got.map((n) => n.distanceMeters)).toEqual(nearest.map((s) => s.meters));
    expect(new Set(got.map((n) => n.shop.id.split(':')[0])).size).toBeGreaterThanOrEqual(2);
  });
});

describe('mutations', () => {
  it('go to exactly the community named by their routing argument', async () => {
    const beta = cluster.communities[1]!;
    const compounds = await cluster.query(`query($c: String!) { compounds(community: $c) { id householdCount } }`, { c: beta.code });
    const compound = compounds.data.compounds[0];
    cluster.resetCounts();
    const token = await cluster.token([{ role: 'committee', community: beta.code }]);
    const answer = await cluster.query(
      `mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { id address tenure compound { id householdCount } } }`,
      { input: { compoundId: compound.id, building: '99', unit: '1', room: '101', tenure: 'TENANT' } },
      token,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data.registerHousehold).toMatchObject({ address: '99-1-101', tenure: 'TENANT', compound: { id: compound.id, householdCount: compound.householdCount + 1 } });
    expect(answer.data.registerHousehold.id).toMatch(new RegExp(`^${beta.code}:Household:\\d+$`));
    expect(Object.keys(cluster.sentCounts()).every((k) => k.startsWith(`${beta.code}/`))).toBe(true);
  });

  it('are refused by the community when the caller has no right there', async () => {
    const [alpha, beta] = cluster.communities;
    const compounds = await cluster.query(`query($c: String!) { compounds(community: $c) { id } }`, { c: beta!.code });
    const answer = await cluster.query(
      `mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { id } }`,
      { input: { compoundId: compounds.data.compounds[0].id, building: '98', room: '1', tenure: 'OWNER' } },
      await cluster.token([{ role: 'committee', community: alpha!.code }]),
    );
    expect(answer.data).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', community: beta!.code });
  });

  it('are rejected without their routing argument, before any community is called', async () => {
    cluster.resetCounts();
    const answer = await cluster.query(
      `mutation { registerHousehold(input: { building: "1", room: "1", tenure: OWNER }) { id } }`,
      {},
      await cluster.token([{ role: 'committee', community: cluster.communities[0]!.code }]),
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(answer.errors?.[0]?.message).toContain('compoundId');
    expect(cluster.sentCounts()).toEqual({});
  });
});

describe('bad IDs and communities', () => {
  it('an unknown community is a coded error naming it', async () => {
    const answer = await cluster.query(`{ shop(id: "nowhere:Shop:1") { name } compounds(community: "atlantis") { name } }`);
    expect(answer.data).toEqual({ shop: null, compounds: null });
    const codes = answer.errors!.map((e) => [e.path?.[0], e.extensions?.code, e.extensions?.community]);
    expect(codes).toEqual(expect.arrayContaining([
      ['shop', 'UNKNOWN_COMMUNITY', 'nowhere'],
      ['compounds', 'UNKNOWN_COMMUNITY', 'atlantis'],
    ]));
  });

  it('a malformed ID is BAD_USER_INPUT with a message saying what an ID looks like', async () => {
    const answer = await cluster.query(`{ shop(id: "42") { name } }`);
    expect(answer.data).toEqual({ shop: null });
    expect(answer.errors?.[0]).toMatchObject({ path: ['shop'], extensions: { code: 'BAD_USER_INPUT', argument: 'id' } });
    expect(answer.errors?.[0]?.message).toContain('<community>:<Type>:<localId>');
  });

  it('an ID of the wrong type is refused by the node with BAD_USER_INPUT', async () => {
    const alpha = cluster.communities[0]!.code;
    const answer = await cluster.query(`query($id: ID!) { shop(id: $id) { name } }`, { id: `${alpha}:Product:1` });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', community: alpha });
  });
});

describe('trust', () => {
  it('a node refuses any request without the hub assertion', async () => {
    const code = cluster.communities[0]!.code;
    for (const subgraph of ['groups', 'shops', 'volunteers']) {
      const response = await fetch(`${cluster.nodeUrl(code)}/${subgraph}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      expect(response.status).toBe(401);
      const body = (await response.json()) as any;
      expect(body.errors[0].extensions).toMatchObject({ code: 'HUB_ASSERTION_REQUIRED', reason: 'missing' });
    }
  });

  it('a node refuses an assertion not signed by its hub', async () => {
    const code = cluster.communities[0]!.code;
    const { keyIdOf, signAssertion, signingKey } = await import('@lilong/kit');
    const { generateKeyPairSync } = await import('node:crypto');
    const mallory = await signingKey(generateKeyPairSync('ed25519').privateKey);
    const caller = { identity: { issuer: 'lilong-test-idp', subject: 'mallory' }, grants: [{ role: 'subdistrict' as const }] };
    const hubKid = await keyIdOf(cluster['hubKey'].publicKey);
    // Signed with a key the node does not know, and with another key under the hub key's ID.
    for (const [key, reason] of [[mallory, 'unknown-key'], [{ ...mallory, kid: hubKid }, 'bad-signature']] as const) {
      const forged = await signAssertion(caller, code, key, { path: '/groups/graphql' });
      const response = await fetch(`${cluster.nodeUrl(code)}/groups/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-lilong-assertion': forged },
        body: JSON.stringify({ query: '{ compounds(community: "alpha") { name } }' }),
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as any).errors[0].extensions.reason).toBe(reason);
    }
  });

  it('the hub refuses a token it cannot verify, rather than treating the caller as anonymous', async () => {
    const answer = await cluster.query('{ communities { code } }', {}, 'not-a-jwt');
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('SQL per request', () => {
  it('does not grow with the number of rows returned', async () => {
    const query = `{ communities { code compounds { name householdCount groups { name leaderAddress } } shops { name compound { name } products { name stock { available } } } volunteers { displayName compound { name } } } }`;
    cluster.resetCounts();
    expect((await cluster.query(query)).errors).toBeUndefined();
    const before = cluster.sql.length;

    // Many more rows in every community: households, shops' products.
    for (const community of cluster.communities) {
      const committee = await cluster.token([{ role: 'committee', community: community.code }]);
      const { data } = await cluster.query(`query($c: String!) { compounds(community: $c) { id } }`, { c: community.code });
      for (const [n, compound] of (data.compounds as any[]).entries()) {
        for (let room = 1; room <= 5; room += 1) {
          const added = await cluster.query(
            `mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { id } }`,
            { i: { compoundId: compound.id, building: `7${n}`, room: `${room}01`, tenure: 'OWNER' } },
            committee,
          );
          expect(added.errors).toBeUndefined();
        }
      }
      const shops = await cluster.query(`query($c: String!) { community(code: $c) { shops { id } } }`, { c: community.code });
      for (const shop of shops.data.community.shops as any[]) {
        const merchant = await cluster.token([{ role: 'merchant', shop: shop.id }]);
        for (let k = 0; k < 4; k += 1) {
          const added = await cluster.query(
            `mutation($i: AddProductInput!) { addProduct(input: $i) { id } }`,
            { i: { shopId: shop.id, name: `测试商品 ${k}`, unit: '袋', priceFen: 100 + k } },
            merchant,
          );
          expect(added.errors).toBeUndefined();
        }
      }
    }
    cluster.resetCounts();
    expect((await cluster.query(query)).errors).toBeUndefined();
    expect(cluster.sql.length).toBe(before);
  });
});
