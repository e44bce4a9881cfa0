/**
 * `npm start`'s demo data, seeded into the demo sub-district and read back through the hub as dispatch and the
 * committee would see it: the volunteer fleet (a few dozen, each with a base near home, some on shift now and in
 * the next days), care requests at every step (waiting, queued, one offered, one accepted, one done, exactly one
 * emergency open) and a dialysis series with its trips; then the demo orders and pools, seeded through the shops
 * services: two pools across communities, one at its minimum and one a pack short, each accepted by its merchant,
 * their quantities the orders' sign-ups; and the coverage report over it all: the rental apartment and shopfront
 * compounds without a group, the households no group order reached, the kinds never surveyed.
 */
import { CareKind, Skill, TripPurpose } from '@lilong/volunteers';
import { SURVEYED_KINDS } from '@lilong/groups';
import { DEMO_BORROWING, DEMO_COMMUNITIES, DEMO_POOLS, DEMO_STANDALONE_ORDERS, demoVolunteerBase, seedCommunity, seedDemoBorrowing, seedDemoOrders, type SeedOrms } from '../../ops/src/seed';
import { TEST_ISSUER, TestCluster } from './support/cluster';
import { must } from './support/answers';

let cluster: TestCluster;
let lines: string[];
let borrowing: string[];
/** Dispatcher and committee staff of every demo community. */
let staff: string;
/** When seeding began: the series created its trips ahead of this moment (a trip may have started since). */
let seededAt: number;

const ormsOf = (code: string) => Object.fromEntries([...cluster.nodes.get(code)!.subgraphs].map(([name, s]) => [name, s.orm])) as unknown as SeedOrms;
const CODES = DEMO_COMMUNITIES.map((c) => c.code);

beforeAll(async () => {
  seededAt = Date.now();
  cluster = await TestCluster.start({ communities: DEMO_COMMUNITIES, background: false });
  lines = await seedDemoOrders(new Map(DEMO_COMMUNITIES.map((c) => [c.code, ormsOf(c.code)])), new Date(), undefined, TEST_ISSUER);
  borrowing = await seedDemoBorrowing(new Map(DEMO_COMMUNITIES.map((c) => [c.code, ormsOf(c.code)])), TEST_ISSUER);
  staff = await cluster.token(
    CODES.flatMap((community) => [
      { role: 'dispatcher' as const, community },
      { role: 'committee' as const, community },
    ]),
    'demo-dispatch-everywhere',
  );
});

afterAll(async () => {
  await cluster?.stop();
});

/** The answer's data; its errors, if any, fail the test. */

/** Great-circle metres on earthdistance's sphere (what matching measures with). */
function metres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 2 * 6378168 * Math.asin(Math.min(1, Math.sqrt(h)));
}

const OPEN = ['SUBMITTED', 'QUEUED', 'OFFERED', 'ACCEPTED', 'UNDER_WAY'];

const FLEET = `{ communities { code volunteers { id displayName skills vehicleSeats zone available baseLat baseLng activeTasks
  compound { lat lng } shifts { startsAt endsAt } } } }`;

const REQUESTS = `{ communities { code compounds { households { careRequests { id kind purpose urgency status destination prescriptions zone
  windowStart askedByHelper volunteer { displayName } protocol { required doneAt } events { to by } series { id } } } } } }`;

interface Request {
  id: string;
  community: string;
  kind: string;
  purpose: string | null;
  urgency: string;
  status: string;
  destination: string | null;
  prescriptions: string[];
  zone: string | null;
  askedByHelper: boolean;
  volunteer: { displayName: string } | null;
  protocol: { required: boolean; doneAt: string | null }[];
  events: { to: string; by: string }[];
  series: { id: string } | null;
}

async function allRequests(): Promise<Request[]> {
  const data = await must(cluster.query(REQUESTS, {}, staff));
  return (data.communities as any[]).flatMap((c) =>
    (c.compounds as any[]).flatMap((k) => (k.households as any[]).flatMap((h) => (h.careRequests as any[]).map((r) => ({ ...r, community: c.code })))),
  );
}

describe('the demo volunteer fleet', () => {
  it('is a few dozen volunteers over the four communities, each setting out from a base of their own near home', async () => {
    const data = await must(cluster.query(FLEET, {}, staff));
    const communities = (data.communities as any[]).filter((c) => CODES.includes(c.code));
    const fleet = communities.flatMap((c) => (c.volunteers as any[]).map((v) => ({ ...v, community: c.code })));
    expect(fleet.length).toBeGreaterThanOrEqual(36);
    expect(fleet.length).toBe(DEMO_COMMUNITIES.reduce((n, c) => n + c.volunteers.length, 0));
    for (const c of communities) expect(c.volunteers.length).toBeGreaterThanOrEqual(8);

    // Every base is set, a few hundred metres from the volunteer's compound gate, where the data put it; no two alike.
    for (const v of fleet) {
      expect(v.baseLat).not.toBeNull();
      expect(v.baseLng).not.toBeNull();
      const away = metres(v.compound, { lat: v.baseLat, lng: v.baseLng });
      expect(away).toBeGreaterThan(50);
      expect(away).toBeLessThan(1000);
      const data = DEMO_COMMUNITIES.find((c) => c.code === v.community)!;
      const base = demoVolunteerBase(data, data.volunteers.find((d) => d.displayName === v.displayName)!);
      expect(v.baseLat).toBeCloseTo(base.lat, 6);
      expect(v.baseLng).toBeCloseTo(base.lng, 6);
    }
    expect(new Set(fleet.map((v) => `${v.baseLat},${v.baseLng}`)).size).toBe(fleet.length);
    expect(new Set(fleet.map((v) => `${v.community}:${v.displayName}`)).size).toBe(fleet.length);

    // Drivers with seats, medicine runners, escorts, a few who can carry a wheelchair (all of them drivers).
    const having = (skill: Skill) => fleet.filter((v) => v.skills.includes(skill));
    for (const d of having(Skill.DRIVER)) expect(d.vehicleSeats).toBeGreaterThanOrEqual(1);
    expect(having(Skill.DRIVER).length).toBeGreaterThanOrEqual(12);
    expect(having(Skill.MEDICINE_PICKUP).length).toBeGreaterThanOrEqual(12);
    expect(having(Skill.ESCORT).length).toBeGreaterThanOrEqual(6);
    expect(having(Skill.WHEELCHAIR).length).toBeGreaterThanOrEqual(3);
    for (const w of having(Skill.WHEELCHAIR)) expect(w.skills).toContain(Skill.DRIVER);

    // In every community some are on duty now, some on shift now, and some have shifts in the coming days.
    const now = Date.now();
    for (const c of communities) {
      const vs = c.volunteers as any[];
      expect(vs.some((v) => v.available)).toBe(true);
      expect(vs.some((v) => !v.available)).toBe(true);
      expect(vs.some((v) => v.shifts.some((s: any) => new Date(s.startsAt).getTime() <= now && new Date(s.endsAt).getTime() > now))).toBe(true);
      expect(vs.some((v) => v.shifts.some((s: any) => new Date(s.startsAt).getTime() > now + 3_600_000))).toBe(true);
      for (const v of vs) for (const s of v.shifts) expect(new Date(s.endsAt).getTime() - new Date(s.startsAt).getTime()).toBeLessThanOrEqual(16 * 3_600_000);
    }
  });
});

describe('the demo care requests', () => {
  it('are of every kind and purpose, at every step: waiting, queued, one offered, one accepted, one done, one emergency open', async () => {
    const requests = await allRequests();
    const single = requests.filter((r) => !r.series);
    expect(new Set(requests.map((r) => r.kind))).toEqual(new Set(Object.values(CareKind)));
    const purposes = new Set(requests.filter((r) => OPEN.includes(r.status) && r.kind === CareKind.MEDICAL_TRIP).map((r) => r.purpose));
    for (const p of [TripPurpose.CHEMOTHERAPY, TripPurpose.DIALYSIS, TripPurpose.PRENATAL_CHECK, TripPurpose.MENTAL_HEALTH]) expect(purposes).toContain(p);
    const open = requests.filter((r) => OPEN.includes(r.status));
    for (const kind of Object.values(CareKind)) expect(open.some((r) => r.kind === kind)).toBe(true);

    const withStatus = (status: string) => requests.filter((r) => r.status === status);
    expect(withStatus('SUBMITTED').length).toBeGreaterThanOrEqual(3);
    expect(single.filter((r) => r.status === 'QUEUED').length).toBeGreaterThanOrEqual(3);
    expect(withStatus('OFFERED')).toHaveLength(1);
    // Besides the trip a borrowed driver of another community accepted (its volunteer is theirs: see below).
    expect(withStatus('ACCEPTED').filter((r) => r.volunteer !== null)).toHaveLength(1);
    expect(withStatus('ACCEPTED')).toHaveLength(2);
    expect(withStatus('DONE')).toHaveLength(1);
    expect(withStatus('UNDER_WAY')).toHaveLength(0);
    // Every community has something waiting for its dispatch.
    for (const code of CODES) expect(open.filter((r) => r.community === code).length).toBeGreaterThanOrEqual(3);

    // Exactly one emergency is open: urgent help, not yet triaged.
    const emergencies = open.filter((r) => r.urgency === 'EMERGENCY');
    expect(emergencies).toHaveLength(1);
    expect(emergencies[0]).toMatchObject({ kind: CareKind.URGENT_HELP, status: 'SUBMITTED' });

    // Pick-ups name a pharmacy and list what to collect; trips name the hospital; all fall in a zone.
    for (const r of requests.filter((r) => r.kind === CareKind.MEDICINE_PICKUP)) {
      expect(r.destination).toBeTruthy();
      expect(r.prescriptions.length).toBeGreaterThan(0);
    }
    for (const r of requests.filter((r) => r.kind === CareKind.MEDICAL_TRIP)) expect(r.destination).toBeTruthy();
    for (const r of requests) expect(['A片', 'B片']).toContain(r.zone);
    expect(requests.some((r) => r.askedByHelper)).toBe(true);

    // The offered and accepted ones are held by their volunteers; the accepted one has some protocol steps ticked.
    const [offered] = withStatus('OFFERED');
    const [accepted] = withStatus('ACCEPTED').filter((r) => r.volunteer !== null);
    expect(offered!.volunteer).not.toBeNull();
    expect(offered!.protocol).toEqual([]);
    const ticked = accepted!.protocol.filter((s) => s.doneAt).length;
    expect(ticked).toBeGreaterThan(0);
    expect(ticked).toBeLessThan(accepted!.protocol.length);
    const fleet = (await must(cluster.query(FLEET, {}, staff))).communities.flatMap((c: any) => c.volunteers) as any[];
    for (const r of [offered!, accepted!]) expect(fleet.find((v) => v.displayName === r.volunteer!.displayName && v.id.startsWith(`${r.community}:`)).activeTasks).toBe(1);

    // The done one went all the way, each step by whom it belongs to, every protocol step ticked; its volunteer is free again.
    const [done] = withStatus('DONE');
    expect(done!.events.map((e) => e.to)).toEqual(['SUBMITTED', 'QUEUED', 'OFFERED', 'ACCEPTED', 'UNDER_WAY', 'DONE']);
    expect(done!.events.map((e) => e.by)).toEqual(['household', 'dispatch', 'dispatch', 'volunteer', 'volunteer', 'volunteer']);
    expect(done!.protocol.every((s) => s.doneAt)).toBe(true);
    expect(fleet.find((v) => v.displayName === done!.volunteer!.displayName && v.id.startsWith(`${done!.community}:`)).activeTasks).toBe(0);
  });

  it('puts the emergency first in its community\'s queue, with volunteers nearby to send, nearest first', async () => {
    const emergency = (await allRequests()).find((r) => r.urgency === 'EMERGENCY' && OPEN.includes(r.status))!;
    // Dispatch of its zone sees it at the top of the queue.
    const queue = await must(cluster.query(`query($c: String!, $z: String) { community(code: $c) { careQueue(zone: $z) { id urgency } } }`, { c: emergency.community, z: emergency.zone }, staff));
    expect(queue.community.careQueue[0]).toEqual({ id: emergency.id, urgency: 'EMERGENCY' });
    const ranked = await must(cluster.query(`query($id: ID!) { careRequest(id: $id) { candidates(first: 10) { volunteer { skills } distanceMetres score } } }`, { id: emergency.id }, staff));
    const candidates = ranked.careRequest.candidates as any[];
    expect(candidates.length).toBeGreaterThanOrEqual(2);
    for (const c of candidates) expect(c.volunteer.skills).toContain(Skill.DRIVER);
    expect(candidates[0].distanceMetres).toBeLessThan(1500);
    expect(candidates.map((c) => c.score)).toEqual([...candidates.map((c) => c.score)].sort((a, b) => a - b));
  });

  it('gives dispatch someone to send for every request waiting for a volunteer, on duty or on a shift covering it', async () => {
    const waiting = (await allRequests()).filter((r) => r.status === 'SUBMITTED' || r.status === 'QUEUED');
    expect(waiting.length).toBeGreaterThanOrEqual(10);
    for (const r of waiting) {
      const ranked = await must(cluster.query(`query($id: ID!) { careRequest(id: $id) { candidates(first: 5) { distanceMetres reasons { factor } } } }`, { id: r.id }, staff));
      const candidates = ranked.careRequest.candidates as any[];
      if (candidates.length === 0) throw new Error(`nobody to send for ${r.id} (${r.kind} ${r.purpose ?? ''} ${r.urgency})`);
      expect(candidates[0].distanceMetres).toBeLessThan(1500);
    }
  });

  it('has a dialysis series, Monday, Wednesday and Friday 07:30 for four hours, its trips in the queue', async () => {
    const trips = (await allRequests()).filter((r) => r.series);
    const seriesIds = new Set(trips.map((r) => r.series!.id));
    expect(seriesIds.size).toBe(1);
    const answer = await must(
      cluster.query(
        `query($id: ID!) { careRequest(id: $id) { series { id purpose weekdays startTime durationMinutes wheelchair trips { windowStart windowEnd status kind purpose } } } }`,
        { id: trips[0]!.id },
        staff,
      ),
    );
    const series = answer.careRequest.series;
    expect(series.trips.map((t: any) => t.windowStart).sort()).toEqual(series.trips.map((t: any) => t.windowStart));
    expect(series.trips).toHaveLength(trips.length);
    expect(series).toMatchObject({ purpose: TripPurpose.DIALYSIS, weekdays: [1, 3, 5], startTime: '07:30', durationMinutes: 240, wheelchair: true });
    // A week ahead: three or four trips, each a Monday, Wednesday or Friday at 07:30 Shanghai, four hours long.
    expect(series.trips.length).toBeGreaterThanOrEqual(3);
    expect(series.trips.length).toBeLessThanOrEqual(4);
    for (const t of series.trips) {
      expect(t).toMatchObject({ status: 'QUEUED', kind: CareKind.MEDICAL_TRIP, purpose: TripPurpose.DIALYSIS });
      const shanghai = new Date(new Date(t.windowStart).getTime() + 8 * 3_600_000);
      expect([1, 3, 5]).toContain(shanghai.getUTCDay());
      expect(shanghai.toISOString().slice(11, 16)).toBe('07:30');
      expect(new Date(t.windowEnd).getTime() - new Date(t.windowStart).getTime()).toBe(240 * 60_000);
      expect(new Date(t.windowStart).getTime()).toBeGreaterThan(seededAt);
      expect(new Date(t.windowStart).getTime()).toBeLessThan(seededAt + 8 * 86_400_000);
    }
  });

  it('shows in the figures: the open requests of each community, and volunteers available now in its zones', async () => {
    const requests = await allRequests();
    for (const code of CODES) {
      const figures = await must(cluster.query(`query($c: String!) { community(code: $c) { careFigures { zones { zone open { count } volunteersAvailableNow } } } }`, { c: code }, staff));
      const zones = figures.community.careFigures.zones as any[];
      const counted = zones.reduce((n, z) => n + z.open.reduce((m: number, o: any) => m + o.count, 0), 0);
      expect(counted).toBe(requests.filter((r) => r.community === code && OPEN.includes(r.status)).length);
      expect(zones.reduce((n, z) => n + z.volunteersAvailableNow, 0)).toBeGreaterThanOrEqual(4);
    }
  });
});

describe('seeding the demo again', () => {
  it('leaves every community as it is', async () => {
    for (const data of DEMO_COMMUNITIES) {
      expect(await seedCommunity(ormsOf(data.code), data.code, data, TEST_ISSUER)).toMatchObject({ community: data.code, skipped: true, volunteers: 0, careRequests: 0 });
    }
  });
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

describe('the demo borrowed volunteer', () => {
  it("a driver of one community has accepted a trip of its neighbour: the trip is the borrower's, the hold the lender's", async () => {
    const { borrower, lender } = DEMO_BORROWING;
    expect(borrowing).toHaveLength(1);
    expect(borrowing[0]).toMatch(/^demo borrowed volunteer 跨社区借调: /);
    const requestId = borrowing[0]!.match(/takes (\S+),/)![1]!;
    const trip = (await must(cluster.query(`query($id: ID!) { careRequest(id: $id) { status kind purpose volunteerId volunteerName holdPending } }`, { id: requestId }, staff))).careRequest;
    expect(trip).toMatchObject({ status: 'ACCEPTED', kind: 'MEDICAL_TRIP', purpose: 'CHEMOTHERAPY', holdPending: false });
    expect(trip.volunteerId.startsWith(`${lender}:Volunteer:`)).toBe(true);
    const driver = (await must(cluster.query(`query($id: ID!) { volunteer(id: $id) { displayName activeTasks holds { taskId } } }`, { id: trip.volunteerId }, staff))).volunteer;
    expect(driver.holds.map((h: { taskId: string }) => h.taskId)).toContain(requestId);
    expect(driver.displayName).toBe(trip.volunteerName);
    const zones = async (code: string) => (await must(cluster.query(`query($c: String!) { community(code: $c) { careFigures { zones { borrowedIn lentOut } } } }`, { c: code }, staff))).community.careFigures.zones;
    expect((await zones(borrower)).reduce((n: number, z: { borrowedIn: number }) => n + z.borrowedIn, 0)).toBe(1);
    expect((await zones(lender)).reduce((n: number, z: { lentOut: number }) => n + z.lentOut, 0)).toBe(1);
    expect(await seedDemoBorrowing(new Map(DEMO_COMMUNITIES.map((c) => [c.code, ormsOf(c.code)])), TEST_ISSUER)).toEqual(['demo borrowed volunteer: already present, seeding skipped 已有跨社区借调，跳过初始化']);
  });
});

const COVERAGE = `{ communities { code coverage(days: 7) {
  compoundsWithoutGroup { compound { id name kind households { id } } householdCount householdsNotReached }
  householdsNotReached { householdId address tenure compound { name kind } }
  counts { households reached notReached byTenure { tenure households reached } }
  kindsNeverSurveyed surveys { kind found surveyedBy } reachCountedFrom { code } } } }`;

describe('the demo coverage report', () => {
  const coverage = async () => new Map(((await must(cluster.query(COVERAGE, {}, staff))).communities as any[]).map((c) => [c.code, c.coverage]));

  it('finds the rental apartment and the shopfronts without a group, their owners and tenants unreached, and the kinds never surveyed', async () => {
    const reports = await coverage();
    expect([...reports.keys()]).toEqual(CODES);
    const without = [...reports].flatMap(([code, r]) => r.compoundsWithoutGroup.map((c: any) => [code, c.compound.kind, c.compound.name, c.householdCount, c.householdsNotReached]));
    expect(without).toEqual(
      expect.arrayContaining([
        ['fahua', 'LONG_TERM_RENTAL', '幸福路青年公寓', 8, 8],
        ['xinhua-1', 'SHOPFRONT_DWELLINGS', '新华路沿街商铺住户（400-436 号）', 5, 5],
        ['panyu', 'SHOPFRONT_DWELLINGS', '番禺路沿街商铺住户（300-338 号）', 4, 4],
      ]),
    );
    // Their households are on the list by address, owners and tenants alike.
    const shopfronts = [...reports.values()].flatMap((r) => r.householdsNotReached.filter((h: any) => h.compound.kind === 'SHOPFRONT_DWELLINGS'));
    expect(new Set(shopfronts.map((h: any) => h.tenure))).toEqual(new Set(['OWNER', 'TENANT', 'OTHER']));
    expect(shopfronts.map((h: any) => h.address)).toEqual(expect.arrayContaining(['402-店后间', '418-二楼']));

    // Reached: every household that signed up in the demo's group orders, counted in its own community wherever the
    // shop was (新华苑's households signed up at a fahua supermarket, 329 弄's at a xinhua-2 café).
    const signedUp = new Map<string, Set<string>>();
    const orders = [...DEMO_POOLS.flatMap((p) => p.orders.map((o) => ({ group: o.group, homes: o.signUps.map((s) => s.home) }))), ...DEMO_STANDALONE_ORDERS.map((o) => ({ group: o.group, homes: o.signUps.map((s) => s.home) }))];
    for (const { group, homes } of orders) {
      const set = signedUp.get(group.community) ?? new Set<string>();
      for (const home of homes) set.add(`${group.name}/${home.join('-')}`);
      signedUp.set(group.community, set);
    }
    for (const data of DEMO_COMMUNITIES) {
      const r = reports.get(data.code);
      const households = data.compounds.reduce((n, c) => n + c.households.length, 0);
      expect([data.code, r.counts.households, r.counts.reached]).toEqual([data.code, households, signedUp.get(data.code)?.size ?? 0]);
      expect(r.counts.notReached).toBe(households - r.counts.reached);
      expect(r.householdsNotReached).toHaveLength(r.counts.notReached);
      expect(r.reachCountedFrom.map((c: any) => c.code)).toEqual([...CODES].sort());
      // The kinds never surveyed are those the demo's committee left out (OTHER is never asked for).
      const surveyed = new Set((data.surveys ?? []).map((s) => s.kind));
      expect([data.code, r.kindsNeverSurveyed]).toEqual([data.code, SURVEYED_KINDS.filter((k) => !surveyed.has(k))]);
      expect(r.surveys).toHaveLength(data.surveys?.length ?? 0);
      for (const s of r.surveys) expect(s.surveyedBy).toBe('seed');
    }
    expect(reports.get('xinhua-1').kindsNeverSurveyed).toEqual(['LONG_TERM_RENTAL', 'SHOPFRONT_DWELLINGS']);
    expect(reports.get('panyu').kindsNeverSurveyed).toEqual(['LONG_TERM_RENTAL']);
    expect(reports.get('xinhua-1').householdsNotReached.map((h: any) => h.address)).not.toContain('2-1-1502');
  });

  it('drops a compound from the report once a group is started for it', async () => {
    const before = await coverage();
    const find = (code: string, name: string) => before.get(code).compoundsWithoutGroup.find((c: any) => c.compound.name === name).compound;
    for (const compound of [find('fahua', '幸福路青年公寓'), find('xinhua-1', '新华路沿街商铺住户（400-436 号）')]) {
      await must(
        cluster.query(
          `mutation($i: CreateGroupInput!) { createGroup(input: $i) { id } }`,
          { i: { compoundId: compound.id, name: `${compound.name}互助群`, leaderHouseholdId: compound.households[0].id } },
          staff,
        ),
      );
    }
    const after = await coverage();
    expect(after.get('fahua').compoundsWithoutGroup.map((c: any) => c.compound.name)).not.toContain('幸福路青年公寓');
    expect(after.get('xinhua-1').compoundsWithoutGroup.map((c: any) => c.compound.name)).not.toContain('新华路沿街商铺住户（400-436 号）');
    expect(after.get('panyu').compoundsWithoutGroup.map((c: any) => c.compound.name)).toContain('番禺路沿街商铺住户（300-338 号）');
    // A group alone reaches nobody yet: its households stay on the list until they sign up.
    expect(after.get('fahua').counts).toEqual(before.get('fahua').counts);
  });
});

describe('the demo notices', () => {
  it('are signed by each community, genuine through the hub, the corrected one superseded by its correction', async () => {
    for (const code of CODES) {
      const data = await must(
        cluster.query(`query($c: String!) { community(code: $c) { name notices(current: false) { id title category supersedes { id } supersededBy { id } scope { wholeCommunity } verification { genuine inForce reason messageZh } } } }`, { c: code }),
      );
      const notices = data.community.notices as any[];
      expect([code, notices.length]).toEqual([code, 4]);
      for (const n of notices) expect([code, n.title, n.verification.genuine]).toEqual([code, n.title, true]);
      const corrected = notices.find((n) => n.supersededBy !== null);
      const correction = notices.find((n) => n.supersedes !== null);
      expect(corrected.verification).toMatchObject({ inForce: false, reason: 'SUPERSEDED' });
      expect(correction).toMatchObject({ supersedes: { id: corrected.id }, verification: { inForce: true, reason: 'GENUINE' } });
      expect(correction.verification.messageZh).toContain(data.community.name);
      expect(notices.some((n) => !n.scope.wholeCommunity)).toBe(true);
    }
  });
});

describe('the demo Q&A and digest', () => {
  it('has open and answered questions by address, a merged duplicate, and a first digest that tells the answers, genuine through the hub', async () => {
    for (const code of CODES) {
      const data = await must(
        cluster.query(
          `query($c: String!) { community(code: $c) {
            open: questions(status: OPEN) { id text askedFrom address waitedMinutes }
            answered: questions(status: ANSWERED) { id text answer answeredBy askedCount }
            merged: questions(status: MERGED) { mergedInto { id } }
            digests { id publishedBy items { kind ref } verified verification { reason } }
          } }`,
          { c: code },
        ),
      );
      const { open, answered, merged, digests } = data.community;
      expect([code, open.length, answered.length, merged.length]).toEqual([code, 1, 2, 1]);
      // Shown by where it was asked from; the household's door is not shown to an anonymous reader.
      expect(open[0].askedFrom).not.toBe('');
      expect(open[0].address).toBeNull();
      const withDuplicate = answered.find((q: any) => q.askedCount === 2);
      expect(merged[0].mergedInto).toEqual({ id: withDuplicate.id });
      expect(answered.every((q: any) => q.answeredBy === '信息员 Information officer')).toBe(true);
      expect([code, digests.length]).toEqual([code, 1]);
      const [digest] = digests;
      expect(digest).toMatchObject({ verified: true, verification: { reason: 'GENUINE' } });
      const told = digest.items.filter((i: any) => i.kind === 'QUESTION_ANSWERED').map((i: any) => i.ref);
      expect(told.sort()).toEqual(answered.map((q: any) => q.id).sort());
      expect(digest.items.filter((i: any) => i.kind === 'NOTICE_PUBLISHED')).toHaveLength(4);
    }
  });
});
