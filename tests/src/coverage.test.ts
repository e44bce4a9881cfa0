/**
 * The coverage report 不漏一户, through the hub: committee staff register a long-term rental apartment and a row of
 * shopfront dwellings with their households (owners and tenants); the report lists them as compounds without a
 * group and their households as not reached; starting a group takes the compound off, a sign-up at a shop of the
 * community or of another community takes the household off (a withdrawn sign-up, or one in a failed order, does
 * not). Surveys decide which kinds were never surveyed. Then who may see it, bad input, the sub-district's view of
 * every community at once (SQL statements per node), and a community that is down.
 */
import { TestCluster } from './support/cluster';
import { openOrder, signUp, withdraw } from './support/orders';
import { leaderToken, lookUp, type CommunityInfo, type GroupInfo, type HouseholdInfo } from './support/sub-district';
import { must, codeOf } from './support/answers';

let cluster: TestCluster;
let alpha: CommunityInfo;
let beta: CommunityInfo;
let committee: string;
let rental: { id: string; households: HouseholdInfo[] };
let shopfront: { id: string; households: HouseholdInfo[] };

const REPORT = `query($c: String!, $days: Int) { community(code: $c) { coverage(days: $days) {
  takenAt days reachedSince
  compoundsWithoutGroup { compound { id name kind } householdCount householdsNotReached }
  householdsNotReached { householdId address building tenure lastReachedAt compound { id name kind } }
  counts { households reached notReached byTenure { tenure households reached notReached } }
  kindsNeverSurveyed
  kinds { kind compounds compoundsWithoutGroup households surveyed lastSurvey { found surveyedBy } }
  surveys { id kind found note surveyedBy surveyedAt }
  reachCountedFrom { code name } } } }`;

async function report(token = committee, days?: number, code = 'alpha') {
  return (await must(cluster.query(REPORT, { c: code, ...(days === undefined ? {} : { days }) }, token))).community.coverage;
}

async function addCompound(name: string, kind: string, households: [string, string, string][]) {
  const data = await must(
    cluster.query(
      `mutation($i: AddCompoundInput!) { addCompound(input: $i) { id } }`,
      { i: { community: 'alpha', name, kind, address: `甲路 ${name}`, lat: 31.2003, lng: 121.4204 } },
      committee,
    ),
  );
  const id = data.addCompound.id as string;
  const registered: HouseholdInfo[] = [];
  for (const [building, room, tenure] of households) {
    const h = await must(
      cluster.query(`mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { id address building } }`, { i: { compoundId: id, building, room, tenure } }, committee),
    );
    registered.push({ ...h.registerHousehold, compoundId: id });
  }
  return { id, households: registered };
}

async function startGroup(compound: { id: string; households: HouseholdInfo[] }, name: string): Promise<GroupInfo> {
  const leader = compound.households[0]!;
  const data = await must(
    cluster.query(`mutation($i: CreateGroupInput!) { createGroup(input: $i) { id } }`, { i: { compoundId: compound.id, name, leaderHouseholdId: leader.id } }, committee),
  );
  return { id: data.createGroup.id, compoundId: compound.id, leaderHouseholdId: leader.id };
}

beforeAll(async () => {
  cluster = await TestCluster.start({ background: false });
  const all = await lookUp(cluster);
  alpha = all.get('alpha')!;
  beta = all.get('beta')!;
  committee = await cluster.token([{ role: 'committee', community: 'alpha' }], 'coverage-committee-alpha');
  // The two kinds of home committees forget: registered now, with owners and tenants, and no group.
  rental = await addCompound('甲长租公寓', 'LONG_TERM_RENTAL', [
    ['A', '0201', 'TENANT'],
    ['A', '0202', 'TENANT'],
    ['A', '0305', 'TENANT'],
    ['A', '0406', 'OWNER'],
  ]);
  shopfront = await addCompound('甲路沿街商铺住户', 'SHOPFRONT_DWELLINGS', [
    ['105', '店后间', 'TENANT'],
    ['107', '阁楼', 'OWNER'],
  ]);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('the coverage report of a community', () => {
  it('finds the rental apartment and the shopfronts without a group, and every household no group order reached', async () => {
    const r = await report();
    expect(r.days).toBe(7);
    expect(new Date(r.takenAt).getTime() - new Date(r.reachedSince).getTime()).toBe(7 * 86_400_000);
    const withoutGroup = r.compoundsWithoutGroup.map((c: any) => [c.compound.name, c.compound.kind, c.householdCount, c.householdsNotReached]);
    expect(withoutGroup).toEqual(
      expect.arrayContaining([
        ['甲长租公寓', 'LONG_TERM_RENTAL', 4, 4],
        ['甲路沿街商铺住户', 'SHOPFRONT_DWELLINGS', 2, 2],
      ]),
    );
    // 甲里 has its group; 甲苑 (commodity housing) has none either.
    expect(withoutGroup.map((c: any[]) => c[0]).sort()).toEqual(['甲苑', '甲路沿街商铺住户', '甲长租公寓'].sort());
    // Nobody has signed up anywhere yet: every household of alpha is on the list, by address and compound, never a name.
    const households = alpha.compounds.flatMap((c) => c.households).length + 6;
    expect(r.counts).toMatchObject({ households, reached: 0, notReached: households });
    expect(r.householdsNotReached).toHaveLength(households);
    expect(r.householdsNotReached).toEqual(
      expect.arrayContaining([
        { householdId: shopfront.households[0]!.id, address: '105-店后间', building: '105', tenure: 'TENANT', lastReachedAt: null, compound: { id: shopfront.id, name: '甲路沿街商铺住户', kind: 'SHOPFRONT_DWELLINGS' } },
        expect.objectContaining({ householdId: rental.households[3]!.id, address: 'A-0406', tenure: 'OWNER' }),
      ]),
    );
    const tenants = r.counts.byTenure.find((t: any) => t.tenure === 'TENANT');
    expect(r.counts.byTenure.map((t: any) => t.tenure)).toEqual(['OWNER', 'TENANT', 'OTHER']);
    expect(tenants.households).toBeGreaterThanOrEqual(4);
    // Nothing surveyed yet: every kind but OTHER.
    expect(r.kindsNeverSurveyed).toEqual(['LANE_HOUSES', 'OLD_PUBLIC_HOUSING', 'COMMODITY_HOUSING', 'LONG_TERM_RENTAL', 'SHOPFRONT_DWELLINGS']);
    expect(r.kinds.find((k: any) => k.kind === 'LONG_TERM_RENTAL')).toMatchObject({ compounds: 1, compoundsWithoutGroup: 1, households: 4, surveyed: false, lastSurvey: null });
    // Every community's shops answered.
    expect(r.reachCountedFrom).toEqual([
      { code: 'alpha', name: '甲社区' },
      { code: 'beta', name: '乙社区' },
      { code: 'gamma', name: '丙社区' },
    ]);
  });

  it('takes a compound off the list once it has a group', async () => {
    await startGroup(rental, '甲长租公寓租客群');
    const r = await report();
    const names = r.compoundsWithoutGroup.map((c: any) => c.compound.name);
    expect(names).not.toContain('甲长租公寓');
    expect(names).toContain('甲路沿街商铺住户');
    expect(r.kinds.find((k: any) => k.kind === 'LONG_TERM_RENTAL')).toMatchObject({ compounds: 1, compoundsWithoutGroup: 0 });
  });

  it('takes a household off once it signs up, at a shop of its own community or of another', async () => {
    const group = (await lookUp(cluster)).get('alpha')!.groups.find((g) => g.compoundId === rental.id)!;
    const [leader, second, third, fourth] = rental.households as [HouseholdInfo, HouseholdInfo, HouseholdInfo, HouseholdInfo];
    // At alpha's grocery.
    const here = await openOrder(cluster, alpha.shops[0]!.id, group, [alpha.shops[0]!.products[0]!.id], { deadline: new Date(Date.now() + 3_600_000).toISOString() });
    expect(codeOf(await signUp(cluster, leader, here, alpha.shops[0]!.products[0]!.id, 1))).toBeUndefined();
    // At beta's supermarket: the sign-up lives in beta's node, the household in alpha's.
    const there = await openOrder(cluster, beta.shops[0]!.id, group, [beta.shops[0]!.products[0]!.id], { deadline: new Date(Date.now() + 3_600_000).toISOString() });
    expect(there.startsWith('beta:GroupOrder:')).toBe(true);
    expect(codeOf(await signUp(cluster, second, there, beta.shops[0]!.products[0]!.id, 1))).toBeUndefined();
    // A withdrawn sign-up reached nobody.
    expect(codeOf(await signUp(cluster, third, there, beta.shops[0]!.products[0]!.id, 1))).toBeUndefined();
    expect(codeOf(await withdraw(cluster, third, there))).toBeUndefined();
    // Nor does one in an order that failed: five households needed, one signed up, the leader closes it.
    const failing = await openOrder(cluster, beta.shops[0]!.id, group, [beta.shops[0]!.products[1]!.id], { minimum: 5, deadline: new Date(Date.now() + 3_600_000).toISOString() });
    expect(codeOf(await signUp(cluster, fourth, failing, beta.shops[0]!.products[1]!.id, 1))).toBeUndefined();
    const closed = await must(cluster.query(`mutation($i: GroupOrderActionInput!) { closeGroupOrder(input: $i) { status } }`, { i: { orderId: failing } }, await leaderToken(cluster, group)));
    expect(closed.closeGroupOrder.status).toBe('FAILED');

    const r = await report();
    const missing = new Set(r.householdsNotReached.map((h: any) => h.householdId));
    expect(missing.has(leader.id)).toBe(false);
    expect(missing.has(second.id)).toBe(false);
    expect(missing.has(third.id)).toBe(true);
    expect(missing.has(fourth.id)).toBe(true);
    expect(r.counts.reached).toBe(2);
    expect(r.counts.notReached).toBe(r.counts.households - 2);
    expect(r.counts.byTenure.find((t: any) => t.tenure === 'TENANT')).toMatchObject({ reached: 2 });
    // The shopfronts are still without a group, all their households unreached.
    expect(r.compoundsWithoutGroup.find((c: any) => c.compound.name === '甲路沿街商铺住户')).toMatchObject({ householdCount: 2, householdsNotReached: 2 });
  });

  it('counts a sign-up within `days` only: an older one shows when the household was last reached', async () => {
    const second = rental.households[1]!;
    // The sign-up at beta's shop, as if made ten days ago.
    const em = cluster.nodes.get('beta')!.subgraphs.get('shops')!.orm.em.fork();
    await em.getConnection().execute(`update sign_up set created_at = now() - interval '10 days' where household_id = ?`, [second.id]);
    const week = await report(committee, 7);
    const entry = week.householdsNotReached.find((h: any) => h.householdId === second.id);
    expect(entry).toBeDefined();
    expect(Date.now() - new Date(entry.lastReachedAt).getTime()).toBeGreaterThan(9.9 * 86_400_000);
    const month = await report(committee, 30);
    expect(month.householdsNotReached.map((h: any) => h.householdId)).not.toContain(second.id);
    expect(month.counts.reached).toBe(2);
  });
});

describe('surveys', () => {
  const RECORD = `mutation($i: RecordCompoundSurveyInput!) { recordCompoundSurvey(input: $i) { id kind found note surveyedBy surveyedAt } }`;

  it('records who surveyed for which kind, and the report stops listing that kind as never surveyed', async () => {
    const input = { community: 'alpha', kind: 'LONG_TERM_RENTAL', found: 2, note: '问了两家中介：另有一栋待登记', idempotencyKey: 'coverage-survey-rental-1' };
    const first = (await must(cluster.query(RECORD, { i: input }, committee))).recordCompoundSurvey;
    expect(first).toMatchObject({ kind: 'LONG_TERM_RENTAL', found: 2, note: input.note, surveyedBy: 'lilong-test-idp#coverage-committee-alpha' });
    expect(first.id).toMatch(/^alpha:CompoundSurvey:\d+$/);
    // A retry records nothing new.
    expect((await must(cluster.query(RECORD, { i: input }, committee))).recordCompoundSurvey).toEqual(first);
    // Looked for shopfront dwellings and found none registered beyond those already on the list: 0 is a survey too.
    await must(cluster.query(RECORD, { i: { community: 'alpha', kind: 'SHOPFRONT_DWELLINGS', found: 0 } }, committee));

    const r = await report();
    expect(r.kindsNeverSurveyed).toEqual(['LANE_HOUSES', 'OLD_PUBLIC_HOUSING', 'COMMODITY_HOUSING']);
    expect(r.surveys.map((s: any) => s.kind)).toEqual(['SHOPFRONT_DWELLINGS', 'LONG_TERM_RENTAL']);
    // Two rental buildings found, one registered: the committee sees one is missing from its records.
    expect(r.kinds.find((k: any) => k.kind === 'LONG_TERM_RENTAL')).toMatchObject({ compounds: 1, surveyed: true, lastSurvey: { found: 2 } });
  });

  it('refuses bad input in English and Chinese', async () => {
    for (const found of [-1, 1001]) {
      const answer = await cluster.query(RECORD, { i: { community: 'alpha', kind: 'OTHER', found } }, committee);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.found', messageZh: expect.stringContaining('input.found') });
      expect(answer.errors![0]!.message).toContain('input.found');
    }
    const long = await cluster.query(RECORD, { i: { community: 'alpha', kind: 'OTHER', found: 1, note: '很'.repeat(501) } }, committee);
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.note' });
  });

  it('is recorded by committee staff of the community only', async () => {
    const callers = [
      await cluster.token([{ role: 'resident', household: rental.households[2]!.id }], 'coverage-resident'),
      await cluster.token([{ role: 'info_officer', community: 'alpha' }], 'coverage-info-alpha'),
      await cluster.token([{ role: 'committee', community: 'beta' }], 'coverage-committee-beta'),
      await cluster.token([{ role: 'subdistrict' }]),
    ];
    for (const token of callers) {
      const answer = await cluster.query(RECORD, { i: { community: 'alpha', kind: 'LANE_HOUSES', found: 1 } }, token);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', messageZh: expect.stringMatching(/^无权操作/) });
    }
    expect(codeOf(await cluster.query(RECORD, { i: { community: 'alpha', kind: 'LANE_HOUSES', found: 1 } }))).toBe('UNAUTHENTICATED');
  });
});

describe('who sees the report', () => {
  it('its committee staff and information officers, and sub-district staff', async () => {
    const info = await cluster.token([{ role: 'info_officer', community: 'alpha' }], 'coverage-info-alpha');
    const subdistrict = await cluster.token([{ role: 'subdistrict' }]);
    for (const token of [info, subdistrict]) {
      const r = await report(token);
      expect(r.counts.households).toBeGreaterThan(0);
      expect(r.reachCountedFrom).toHaveLength(3);
    }
  });

  it('refuses anyone else with one coded error, in English and Chinese', async () => {
    const callers = {
      resident: await cluster.token([{ role: 'resident', household: rental.households[2]!.id }], 'coverage-resident'),
      leader: await leaderToken(cluster, alpha.groups[0]!),
      'committee of another community': await cluster.token([{ role: 'committee', community: 'beta' }], 'coverage-committee-beta'),
      dispatcher: await cluster.token([{ role: 'dispatcher', community: 'alpha' }], 'coverage-dispatcher-alpha'),
      'partner app': await cluster.token([{ role: 'partner' }]),
    };
    for (const [who, token] of Object.entries(callers)) {
      cluster.resetCounts();
      const answer = await cluster.query(REPORT, { c: 'alpha' }, token);
      // Nor did any community's shops read which households their orders reached, for this caller.
      expect([who, cluster.sql.filter((s) => /from sign_up/.test(s.sql))]).toEqual([who, []]);
      expect([who, answer.data?.community?.coverage ?? null]).toEqual([who, null]);
      expect([who, answer.errors?.map((e) => e.extensions?.code)]).toEqual([who, ['FORBIDDEN']]);
      expect(answer.errors![0]!.extensions).toMatchObject({ community: 'alpha', messageZh: expect.stringContaining('社区覆盖情况仅本社区居委会工作人员、信息员和街道工作人员可见') });
      expect(answer.errors![0]!.message).toMatch(/^Not allowed: a community's coverage report/);
    }
    expect(codeOf(await cluster.query(REPORT, { c: 'alpha' }))).toBe('UNAUTHENTICATED');
  });

  it('keeps what the shops answer to the hub from clients: the reach itself is no field of the API', async () => {
    const subdistrict = await cluster.token([{ role: 'subdistrict' }]);
    const answer = await cluster.query(`{ community(code: "alpha") { orderReach { community households { householdId } } } }`, {}, subdistrict);
    expect(codeOf(answer)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a period outside 1-90 days as bad input', async () => {
    for (const days of [0, -3, 91]) {
      const answer = await cluster.query(REPORT, { c: 'alpha', days }, committee);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'days', messageZh: expect.stringContaining('1 到 90') });
    }
  });
});

describe('the sub-district view', () => {
  const ALL = `{ communities { code status coverage(days: 7) { counts { households notReached } compoundsWithoutGroup { compound { name kind } }
    kindsNeverSurveyed reachCountedFrom { code } } } }`;

  it("lists every community's report, asking each node once per subgraph, one SQL statement for the report and one for the reach", async () => {
    const subdistrict = await cluster.token([{ role: 'subdistrict' }]);
    await must(cluster.query(ALL, {}, subdistrict));
    cluster.resetCounts();
    const data = await must(cluster.query(ALL, {}, subdistrict));
    const byCode = new Map((data.communities as any[]).map((c) => [c.code, c.coverage]));
    expect([...byCode.keys()]).toEqual(['alpha', 'beta', 'gamma']);
    for (const coverage of byCode.values()) expect(coverage.reachCountedFrom.map((c: any) => c.code)).toEqual(['alpha', 'beta', 'gamma']);
    // gamma: the shopfront dwellings without a group; beta: the factory dorm (OTHER).
    expect(byCode.get('gamma').compoundsWithoutGroup).toEqual([{ compound: { name: '丙路沿街商铺住户', kind: 'SHOPFRONT_DWELLINGS' } }]);
    expect(byCode.get('beta').compoundsWithoutGroup).toEqual([{ compound: { name: '乙厂宿舍', kind: 'OTHER' } }]);
    expect(byCode.get('alpha').kindsNeverSurveyed).not.toContain('LONG_TERM_RENTAL');
    expect(byCode.get('gamma').kindsNeverSurveyed).toContain('LONG_TERM_RENTAL');
    expect(cluster.sentCounts()).toEqual({ 'alpha/groups': 1, 'beta/groups': 1, 'gamma/groups': 1, 'alpha/shops': 1, 'beta/shops': 1, 'gamma/shops': 1 });
    for (const code of ['alpha', 'beta', 'gamma']) {
      const statements = (subgraph: string) => cluster.sql.filter((s) => s.community === code && s.subgraph === subgraph && !/^\s*(begin|commit|rollback|set )/i.test(s.sql));
      expect([code, statements('shops').filter((s) => /from sign_up/.test(s.sql)).length]).toEqual([code, 1]);
      expect([code, statements('groups').filter((s) => /compound_survey/.test(s.sql)).length]).toEqual([code, 1]);
    }
  });

  it('answers for the rest when a community is down, naming it once', async () => {
    const subdistrict = await cluster.token([{ role: 'subdistrict' }]);
    await cluster.stopNode('gamma');
    try {
      const answer = await cluster.query(ALL, {}, subdistrict);
      const byCode = new Map((answer.data.communities as any[]).map((c) => [c.code, c.coverage]));
      expect(byCode.get('gamma')).toBeNull();
      expect(byCode.get('alpha').counts.households).toBeGreaterThan(0);
      // Alpha's report says whose orders it counted: gamma's are missing.
      expect(byCode.get('alpha').reachCountedFrom.map((c: any) => c.code)).toEqual(['alpha', 'beta']);
      const unavailable = answer.errors!.filter((e) => e.extensions?.code === 'COMMUNITY_UNAVAILABLE');
      expect(unavailable).toHaveLength(1);
      expect(unavailable[0]!.extensions).toMatchObject({ community: 'gamma', messageZh: expect.any(String) });
      expect(answer.errors!.every((e) => e.extensions?.code === 'COMMUNITY_UNAVAILABLE')).toBe(true);
    } finally {
      await cluster.restartNode('gamma');
    }
  });
});
