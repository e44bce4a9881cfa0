/**
 * The contract: committed SDL and supergraph match the code, and the hub refuses what it could not route.
 */
import { readFileSync } from 'node:fs';
import { committedSchema, readRoutingRules, RoutingRuleError } from '@lilong/gateway';
import { SUPERGRAPH_PATH } from '@lilong/schema';
import { driftedArtefacts, generateArtefacts } from '../../ops/src/generate';
import { TestCluster } from './support/cluster';

it('the committed subgraph SDL and supergraph are what the code generates', async () => {
  const artefacts = await generateArtefacts();
  expect(artefacts.map((a) => a.path.split('/schema/')[1])).toEqual([
    'sdl/groups.graphql',
    'sdl/shops.graphql',
    'sdl/volunteers.graphql',
    'sdl/info.graphql',
    'sdl/webhooks.graphql',
    'sdl/hub.graphql',
    'supergraph.graphql',
  ]);
  expect(driftedArtefacts(artefacts)).toEqual([]);
});

describe('routing rules from the supergraph', () => {
  const supergraph = readFileSync(SUPERGRAPH_PATH, 'utf8');

  it('cover every root field of the sharded subgraphs', () => {
    const rules = readRoutingRules(supergraph);
    expect(rules.get('shops')!.root.get('Query.shop')).toMatchObject({ kind: 'routeBy', arg: 'id' });
    expect(rules.get('shops')!.root.get('Query.searchStock')).toMatchObject({ kind: 'fanout', sortBy: 'priceFen', order: 'ASC', limitArg: 'first', limitDefault: 20 });
    expect(rules.get('groups')!.root.get('Mutation.registerHousehold')).toMatchObject({ kind: 'routeBy', arg: 'input.compoundId' });
    expect(rules.get('shops')!.fanoutEntityFields.get('Compound.nearbyShops')).toMatchObject({ kind: 'fanout', sortBy: 'distanceMeters' });
  });

  it('refuse a supergraph with a root field that has no rule', () => {
    const stripped = supergraph.replace(/(\n  shop\(id: ID!\): Shop[^\n]*?) @routeBy\(arg: "id"\)/, '$1');
    expect(stripped).not.toBe(supergraph);
    expect(() => readRoutingRules(stripped)).toThrow(RoutingRuleError);
    expect(() => readRoutingRules(stripped)).toThrow(/Query\.shop \(subgraph shops\) has no routing rule/);
  });

  it('refuse a mutation that would fan out', () => {
    const fanned = supergraph.replace(/(\n  registerHousehold\(input: RegisterHouseholdInput!\): Household![^\n]*?) @routeBy\(arg: "input.compoundId"\)/, '$1 @fanout');
    expect(fanned).not.toBe(supergraph);
    expect(() => readRoutingRules(fanned)).toThrow(/Mutation\.registerHousehold .* must name its one community/);
  });

  it('read a fan-out scoped by an argument, and refuse a scope argument that is missing, not a list of codes, or beside neighboursOf', () => {
    expect(readRoutingRules(supergraph).get('shops')!.root.get('Query.searchStock')).toMatchObject({ communitiesArg: 'communities' });
    const scoped = (directive: string) =>
      supergraph.replace(/(\n  searchStock\([\s\S]*?\): \[ProductHit!\]! @join__field\(graph: SHOPS\)) @fanout\([^)]*\)/, `$1 @fanout(${directive})`);
    expect(scoped('sortBy: "priceFen"')).not.toBe(supergraph);
    expect(() => readRoutingRules(scoped('communitiesArg: "places"'))).toThrow(/Query\.searchStock: @fanout\(communitiesArg: "places"\) names no argument/);
    expect(() => readRoutingRules(scoped('communitiesArg: "text"'))).toThrow(/must name a \[String!\] argument/);
    expect(() => readRoutingRules(scoped('communitiesArg: "communities", neighboursOf: "text"'))).toThrow(/neighboursOf or communitiesArg, not both/);
  });
});

describe('a community serving another schema', () => {
  let cluster: TestCluster;
  afterAll(() => cluster?.stop());

  it('is refused and reported, not half-served', async () => {
    const { expectedSdl } = committedSchema();
    const tampered = new Map(expectedSdl);
    tampered.set('shops', `${expectedSdl.get('shops')}\ntype Extra { x: Int }\n`);
    cluster = await TestCluster.start({ communities: undefined, expectedSdl: tampered });
    const answer = await cluster.query(`{ communities { code status shops { name } } }`);
    expect(answer.data.communities.every((c: any) => c.shops === null)).toBe(true);
    for (const c of cluster.communities) {
      const error = answer.errors!.find((e) => e.extensions?.community === c.code);
      expect(error?.extensions).toMatchObject({ code: 'COMMUNITY_UNAVAILABLE', reason: 'SCHEMA_MISMATCH' });
    }
    const status = await cluster.query(`{ communities { status statusDetail } }`);
    // Only shops is refused (per subgraph, see upgrades.test.ts): the communities are DEGRADED, not REFUSED.
    expect(status.data.communities.every((c: any) => c.status === 'DEGRADED' && /shops/.test(c.statusDetail))).toBe(true);
  });
});
