/**
 * Care end to end, through the hub: a household asks for a medicine pick-up; dispatch triages it, ranks the
 * community's volunteers by distance (checked against distances computed here), offers it to the nearest free
 * one, who accepts, gets under way, ticks the protective protocol in order and marks it done. The household sees
 * every status; the exact address and phone reach the volunteer only while the task is theirs. Then the refusals,
 * two dispatchers racing for one volunteer, an offer nobody answers, a dialysis series, and the figures.
 */
import { TestCluster } from './support/cluster';
import { lookUp, type CommunityInfo, type HouseholdInfo } from './support/sub-district';
import { runDue } from '@lilong/kit';
import { careOfferTimeouts } from '@lilong/volunteers';

let cluster: TestCluster;
let alpha: CommunityInfo;
let household: HouseholdInfo;
let other: HouseholdInfo;
let dispatcher: string;
let resident: string;
let neighbour: string;
let betaDispatcher: string;
let gate: { lat: number; lng: number };

/** earthdistance's sphere: `earth()` is 6378168 m. */
const EARTH_RADIUS_M = 6378168;
function greatCircleMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A point `metres` north and `eastMetres` east of `from`. */
const offset = (from: { lat: number; lng: number }, metres: number, eastMetres = 0) => ({
  lat: from.lat + metres / 111_195,
  lng: from.lng + eastMetres / (111_195 * Math.cos((from.lat * Math.PI) / 180)),
});

async function must(answer: Promise<{ data?: any; errors?: unknown[] }>): Promise<any> {
  const a = await answer;
  if (a.errors) throw new Error(JSON.stringify(a.errors));
  return a.data;
}

let seq = 0;
async function volunteer(name: string, base: { lat: number; lng: number }, spec: { skills?: string[]; seats?: number; available?: boolean } = {}) {
  const data = await must(
    cluster.query(
      `mutation($i: RegisterVolunteerInput!) { registerVolunteer(input: $i) { id baseLat baseLng } }`,
      { i: { compoundId: household.compoundId, displayName: name, skills: spec.skills ?? ['MEDICINE_PICKUP'], vehicleSeats: spec.seats ?? 0, zone: 'A片', baseLat: base.lat, baseLng: base.lng } },
      dispatcher,
    ),
  );
  const id = data.registerVolunteer.id as string;
  if (spec.available !== false) {
    await must(cluster.query(`mutation($i: SetAvailabilityInput!) { setAvailability(input: $i) { id } }`, { i: { volunteerId: id, available: true } }, dispatcher));
  }
  const token = await cluster.token([{ role: 'volunteer', volunteer: id }], `volunteer-${id}-${++seq}`);
  return { id, base, token };
}

const REQUEST = `mutation($i: RequestCareInput!) { requestCare(input: $i) { id status area address contactPhone } }`;
const VIEW = `query($id: ID!) { careRequest(id: $id) { id status statusReason area address contactPhone volunteerId
  events { from to by note } protocol { position label required doneAt } } }`;

function pickup(h: HouseholdInfo, extra: Record<string, unknown> = {}) {
  return { householdId: h.id, kind: 'MEDICINE_PICKUP', urgency: 'TODAY', destination: '瑞金医院门诊药房', prescriptions: ['氨氯地平片 5mg ×28', '二甲双胍缓释片 0.5g ×60'], contactPhone: '139 1234 5678', ...extra };
}

async function ask(h: HouseholdInfo, token: string, extra: Record<string, unknown> = {}): Promise<string> {
  return (await must(cluster.query(REQUEST, { i: pickup(h, extra) }, token))).requestCare.id;
}

const triage = (id: string, token: string, decision = 'ACCEPT', more: Record<string, unknown> = {}) =>
  cluster.query(`mutation($i: TriageCareInput!) { triageCareRequest(input: $i) { id status statusReason zone } }`, { i: { requestId: id, decision, ...more } }, token);
const offer = (id: string, volunteerId: string, token = dispatcher, more: Record<string, unknown> = {}) =>
  cluster.query(`mutation($i: OfferCareTaskInput!) { offerCareTask(input: $i) { id status volunteerId offerExpiresAt } }`, { i: { requestId: id, volunteerId, ...more } }, token);
const respond = (id: string, accept: boolean, token: string) =>
  cluster.query(`mutation($i: RespondToCareOfferInput!) { respondToCareOffer(input: $i) { id status } }`, { i: { requestId: id, accept } }, token);
const tick = (id: string, position: number, token: string) =>
  cluster.query(`mutation($i: TickProtocolStepInput!) { tickProtocolStep(input: $i) { id protocol { position doneAt } } }`, { i: { requestId: id, position } }, token);
const start = (id: string, token: string) => cluster.query(`mutation($i: CareTaskInput!) { startCareTask(input: $i) { id status } }`, { i: { requestId: id } }, token);
const finish = (id: string, token: string, outcome = 'DONE', reason?: string) =>
  cluster.query(`mutation($i: FinishCareTaskInput!) { finishCareTask(input: $i) { id status statusReason } }`, { i: { requestId: id, outcome, reason } }, token);
const view = (id: string, token: string) => cluster.query(VIEW, { id }, token);
const code = (answer: { errors?: { extensions?: Record<string, any> }[] }) => answer.errors?.[0]?.extensions?.code;

beforeAll(async () => {
  cluster = await TestCluster.start();
  alpha = (await lookUp(cluster)).get('alpha')!;
  household = alpha.compounds[0]!.households[0]!;
  other = alpha.compounds[0]!.households[1]!;
  dispatcher = await cluster.token([{ role: 'dispatcher', community: 'alpha' }], 'dispatcher-alpha');
  betaDispatcher = await cluster.token([{ role: 'dispatcher', community: 'beta' }], 'dispatcher-beta');
  resident = await cluster.token([{ role: 'resident', household: household.id }], `resident-${household.id}`);
  neighbour = await cluster.token([{ role: 'resident', household: other.id }], `resident-${other.id}`);
  const compound = await must(cluster.query(`query($id: ID!) { compound(id: $id) { lat lng } }`, { id: household.compoundId }, dispatcher));
  gate = compound.compound;
  await must(cluster.query(`mutation($i: SetCompoundZoneInput!) { setCompoundZone(input: $i) }`, { i: { compoundId: household.compoundId, zone: 'A片' } }, dispatcher));
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('a medicine pick-up, end to end through the hub', () => {
  it('goes from the household to the nearest free volunteer and back, the household seeing each step', async () => {
    // The fleet: three medicine runners at known distances, one busy, one without the skill, one off duty.
    const far = await volunteer('远的老周', offset(gate, 2400, 300));
    const near = await volunteer('近的小陈', offset(gate, 350, -120));
    const middle = await volunteer('中间的刘阿姨', offset(gate, -900, 600));
    const busy = await volunteer('忙的老吴', offset(gate, 100, 50));
    await volunteer('司机老赵', offset(gate, 50), { skills: ['DRIVER'], seats: 4 });
    await volunteer('休息的小孙', offset(gate, 80), { available: false });
    // 老吴 already holds a task overlapping the day: he is not offered another.
    const earlier = await ask(other, neighbour, { windowStart: new Date(Date.now() + 60_000).toISOString() });
    expect(code(await offer(earlier, busy.id))).toBeUndefined();

    const asked = await must(cluster.query(REQUEST, { i: pickup(household) }, resident));
    const id = asked.requestCare.id as string;
    expect(asked.requestCare).toMatchObject({ status: 'SUBMITTED', contactPhone: '139 1234 5678' });
    expect(asked.requestCare.area).toMatch(/号楼$/);
    expect(asked.requestCare.address).toContain(household.address);

    // Dispatch sees it in her zone, waiting.
    const queue = await must(cluster.query(`query { community(code: "alpha") { careQueue(zone: "A片") { id status urgency waitedMinutes } } }`, {}, dispatcher));
    expect(queue.community.careQueue.map((r: any) => r.id)).toContain(id);
    expect((await must(triage(id, dispatcher))).triageCareRequest).toMatchObject({ status: 'QUEUED', zone: 'A片' });

    // Matching: the free runners with the skill, nearest first, as the distances computed here say.
    const ranked = await must(
      cluster.query(`query($id: ID!) { careRequest(id: $id) { candidates(first: 10) { volunteer { id displayName } distanceMetres tasksInHand score reasons { factor metres detail detailZh } } } }`, { id }, dispatcher),
    );
    const candidates = ranked.careRequest.candidates as any[];
    const expected = [near, middle, far].map((v) => ({ id: v.id, metres: greatCircleMetres(gate, v.base) })).sort((a, b) => a.metres - b.metres);
    expect(candidates.map((c) => c.volunteer.id)).toEqual(expected.map((e) => e.id));
    candidates.forEach((c, i) => {
      expect(Math.abs(c.distanceMetres - expected[i]!.metres)).toBeLessThan(2);
      expect(c.score).toBe(c.distanceMetres);
      expect(c.reasons.map((r: any) => r.factor)).toEqual(['DISTANCE', 'WORKLOAD', 'AVAILABILITY', 'SKILLS']);
      expect(c.reasons[0].detailZh).toMatch(/公里/);
    });

    // Before the offer the nearest volunteer cannot read the request at all; after it, only the area.
    expect(code(await view(id, near.token))).toBe('FORBIDDEN');
    const offered = await must(offer(id, candidates[0].volunteer.id));
    expect(offered.offerCareTask).toMatchObject({ status: 'OFFERED', volunteerId: near.id });
    const asOffered = (await must(view(id, near.token))).careRequest;
    expect(asOffered).toMatchObject({ status: 'OFFERED', address: null, contactPhone: null });
    expect(asOffered.area).toBe(asked.requestCare.area);
    expect(code(await view(id, middle.token))).toBe('FORBIDDEN');
    expect((await must(cluster.query(`query { myCareTasks { id status } }`, {}, near.token))).myCareTasks).toEqual([{ id, status: 'OFFERED' }]);

    // Accepted: now the address and phone are theirs to see, until the task ends.
    expect((await must(respond(id, true, near.token))).respondToCareOffer.status).toBe('ACCEPTED');
    const assigned = (await must(view(id, near.token))).careRequest;
    expect(assigned.address).toBe(asked.requestCare.address);
    expect(assigned.contactPhone).toBe('139 1234 5678');
    const steps = assigned.protocol as { position: number; required: boolean }[];
    expect(steps.length).toBeGreaterThanOrEqual(4);

    // The protocol, in order; done only under way and with every required step ticked.
    expect(code(await tick(id, 2, near.token))).toBe('PROTOCOL_INCOMPLETE');
    expect(code(await tick(id, 1, middle.token))).toBe('FORBIDDEN');
    expect(code(await finish(id, near.token))).toBe('INVALID_TRANSITION');
    expect((await must(start(id, near.token))).startCareTask.status).toBe('UNDER_WAY');
    const required = steps.filter((s) => s.required).map((s) => s.position);
    for (const p of required.slice(0, -1)) expect(code(await tick(id, p, near.token))).toBeUndefined();
    const refused = await finish(id, near.token);
    expect(code(refused)).toBe('PROTOCOL_INCOMPLETE');
    expect(refused.errors![0]!.extensions!.missing).toEqual([required[required.length - 1]]);
    expect(refused.errors![0]!.extensions!.messageZh).toMatch(/防护步骤/);
    expect(code(await tick(id, required[required.length - 1]!, near.token))).toBeUndefined();
    expect((await must(finish(id, near.token))).finishCareTask.status).toBe('DONE');

    // Done: the address is gone from the volunteer's view; the household saw every step.
    expect((await must(view(id, near.token))).careRequest).toMatchObject({ status: 'DONE', address: null, contactPhone: null });
    const seen = (await must(view(id, resident))).careRequest;
    expect(seen.events.map((e: any) => e.to)).toEqual(['SUBMITTED', 'QUEUED', 'OFFERED', 'ACCEPTED', 'UNDER_WAY', 'DONE']);
    expect(seen.events.map((e: any) => e.by)).toEqual(['household', 'dispatch', 'dispatch', 'volunteer', 'volunteer', 'volunteer']);
    expect(seen.address).toBe(asked.requestCare.address);
    // Their workload is back to nothing.
    const holds = await must(cluster.query(`query($id: ID!) { volunteer(id: $id) { activeTasks holds { taskId } } }`, { id: near.id }, near.token));
    expect(holds.volunteer).toEqual({ activeTasks: 0, holds: [] });
  });
});

describe('refusals', () => {
  it('a resident reading another household\'s request, a dispatcher of another community triaging, anonymous callers', async () => {
    const id = await ask(household, resident);
    expect(code(await view(id, neighbour))).toBe('FORBIDDEN');
    expect(code(await view(id, ''))).toBe('UNAUTHENTICATED');
    expect(code(await triage(id, betaDispatcher))).toBe('FORBIDDEN');
    expect(code(await triage(id, resident))).toBe('FORBIDDEN');
    expect(code(await cluster.query(REQUEST, { i: pickup(household) }, neighbour))).toBe('FORBIDDEN');
    expect(code(await cluster.query(`query($id: ID!) { household(id: $id) { careRequests { id } } }`, { id: household.id }, neighbour))).toBe('FORBIDDEN');
    const own = await must(cluster.query(`query($id: ID!) { household(id: $id) { careRequests { id status } } }`, { id: household.id }, resident));
    expect(own.household.careRequests.map((r: any) => r.id)).toContain(id);
    // The refusal reads in both languages.
    const answer = await view(id, neighbour);
    expect(answer.errors![0]!.message).toMatch(/household/);
    expect(answer.errors![0]!.extensions!.messageZh).toMatch(/求助/);
  });

  it('bad input is named: a pick-up without prescriptions, a trip without its purpose, a window in the past', async () => {
    const bad = async (extra: Record<string, unknown>) => (await cluster.query(REQUEST, { i: pickup(household, extra) }, resident)).errors?.[0]?.extensions;
    expect(await bad({ prescriptions: [] })).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.prescriptions' });
    expect(await bad({ kind: 'MEDICAL_TRIP', prescriptions: null })).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.purpose' });
    expect(await bad({ urgency: 'SCHEDULED', windowStart: new Date(Date.now() - 3_600_000).toISOString() })).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.windowStart' });
    expect(await bad({ contactPhone: 'call me' })).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.contactPhone' });
  });

  it('a declined request tells the household why; a request cannot be triaged twice', async () => {
    const id = await ask(household, resident);
    expect(code(await triage(id, dispatcher, 'DECLINE'))).toBe('BAD_USER_INPUT');
    expect((await must(triage(id, dispatcher, 'DECLINE', { note: '已由家属自行配药' }))).triageCareRequest).toMatchObject({ status: 'DECLINED', statusReason: '已由家属自行配药' });
    const again = await triage(id, dispatcher);
    expect(code(again)).toBe('INVALID_TRANSITION');
    expect(again.errors![0]!.extensions!.status).toBe('DECLINED');
    expect((await must(view(id, resident))).careRequest).toMatchObject({ status: 'DECLINED', statusReason: '已由家属自行配药' });
  });
});

describe('dispatch races and time-outs', () => {
  it('two dispatchers offering one volunteer two overlapping tasks at once: one wins, the other is told VOLUNTEER_BUSY', async () => {
    const runner = await volunteer('抢手的小马', offset(gate, 200));
    const second = await cluster.token([{ role: 'committee', community: 'alpha' }], 'committee-alpha-race');
    const [a, b] = [await ask(household, resident), await ask(other, neighbour)];
    const answers = await Promise.all([offer(a, runner.id, dispatcher), offer(b, runner.id, second)]);
    const codes = answers.map(code).sort();
    expect(codes).toEqual([undefined, 'VOLUNTEER_BUSY'].sort());
    const loser = answers.find((x) => code(x) === 'VOLUNTEER_BUSY')!;
    expect(loser.errors![0]!.extensions!.volunteerId).toBe(runner.id);
    const state = await must(cluster.query(`query($id: ID!) { volunteer(id: $id) { activeTasks holds { taskId } } }`, { id: runner.id }, dispatcher));
    expect(state.volunteer.activeTasks).toBe(1);
    expect(state.volunteer.holds).toHaveLength(1);
  });

  it('an offer not answered in time goes back to the queue by itself and frees the volunteer', async () => {
    const slow = await volunteer('没回音的老钱', offset(gate, 300));
    const id = await ask(household, resident);
    expect((await must(offer(id, slow.id, dispatcher, { respondWithinMinutes: 1 }))).offerCareTask.status).toBe('OFFERED');
    // The node's offer time-out jobs, as its runner finds and runs them every second, two minutes later.
    const orm = cluster.nodes.get('alpha')!.subgraphs.get('volunteers')!.orm;
    expect(await runDue(careOfferTimeouts({ community: 'alpha', orm }), new Date(Date.now() + 120_000))).toBeGreaterThanOrEqual(1);
    const seen = (await must(view(id, resident))).careRequest;
    expect(seen.status).toBe('QUEUED');
    expect(seen.events.at(-1)).toMatchObject({ from: 'OFFERED', to: 'QUEUED', by: 'scheduler' });
    expect(code(await respond(id, true, slow.token))).toBe('FORBIDDEN');
    const state = await must(cluster.query(`query($id: ID!) { volunteer(id: $id) { activeTasks holds { taskId } } }`, { id: slow.id }, dispatcher));
    expect(state.volunteer).toEqual({ activeTasks: 0, holds: [] });
  });
});

describe('shifts', () => {
  it('a volunteer off duty but on a shift covering the window is a candidate, the shift named as the reason', async () => {
    const scheduled = { urgency: 'SCHEDULED', windowStart: new Date(Date.now() + 26 * 3600_000).toISOString(), windowEnd: new Date(Date.now() + 27 * 3600_000).toISOString() };
    const id = await ask(household, resident, scheduled);
    const onShift = await volunteer('值班的老林', offset(gate, 150), { available: false });
    const without = await must(cluster.query(`query($id: ID!) { careRequest(id: $id) { candidates(first: 50) { volunteer { id } } } }`, { id }, dispatcher));
    expect(without.careRequest.candidates.map((c: any) => c.volunteer.id)).not.toContain(onShift.id);
    const shift = await must(
      cluster.query(`mutation($i: AddShiftInput!) { addShift(input: $i) { id startsAt endsAt } }`, { i: { volunteerId: onShift.id, startsAt: new Date(Date.now() + 25 * 3600_000).toISOString(), endsAt: new Date(Date.now() + 29 * 3600_000).toISOString() } }, onShift.token),
    );
    const withShift = await must(cluster.query(`query($id: ID!) { careRequest(id: $id) { candidates(first: 50) { volunteer { id } reasons { factor detail } } } }`, { id }, dispatcher));
    const found = withShift.careRequest.candidates.find((c: any) => c.volunteer.id === onShift.id);
    expect(found.reasons.find((r: any) => r.factor === 'AVAILABILITY').detail).toMatch(/^on shift .* covering the window$/);
    // Another volunteer may not change their shifts.
    const stranger = await volunteer('别人', offset(gate, 900), { available: false });
    expect(code(await cluster.query(`mutation($i: RemoveShiftInput!) { removeShift(input: $i) }`, { i: { volunteerId: onShift.id, shiftId: shift.addShift.id } }, stranger.token))).toBe('FORBIDDEN');
    expect((await must(cluster.query(`mutation($i: RemoveShiftInput!) { removeShift(input: $i) }`, { i: { volunteerId: onShift.id, shiftId: shift.addShift.id } }, onShift.token))).removeShift).toBe(true);
  });
});

describe('a dialysis series', () => {
  it('creates each trip a week ahead, in the queue, and stopping it cancels the trips to come', async () => {
    const now = new Date();
    const answer = await must(
      cluster.query(
        `mutation($i: StartCareSeriesInput!) { startCareSeries(input: $i) { id weekdays trips { id status urgency windowStart kind purpose } } }`,
        { i: { householdId: household.id, purpose: 'DIALYSIS', destination: '瑞金医院血透室', weekdays: [1, 3, 5], startTime: '07:30', durationMinutes: 240, firstDay: shanghaiDay(now, 0), lastDay: shanghaiDay(now, 60), wheelchair: true } },
        resident,
      ),
    );
    const trips = answer.startCareSeries.trips as any[];
    // Counted here: every Monday, Wednesday and Friday 07:30 Shanghai from now through seven days ahead.
    const expected: string[] = [];
    for (let d = 0; d <= 7; d++) {
      const day = shanghaiDay(now, d);
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      const at = new Date(`${day}T07:30:00+08:00`);
      if ([1, 3, 5].includes(weekday) && at.getTime() > now.getTime()) expected.push(at.toISOString());
    }
    expect(trips.map((t) => new Date(t.windowStart).toISOString())).toEqual(expected);
    for (const t of trips) expect(t).toMatchObject({ status: 'QUEUED', urgency: 'SCHEDULED', kind: 'MEDICAL_TRIP', purpose: 'DIALYSIS' });
    const stopped = await must(
      cluster.query(`mutation($i: StopCareSeriesInput!) { stopCareSeries(input: $i) { stoppedAt trips { status } } }`, { i: { seriesId: answer.startCareSeries.id } }, resident),
    );
    expect(stopped.stopCareSeries.stoppedAt).not.toBeNull();
    expect(stopped.stopCareSeries.trips.every((t: any) => t.status === 'CANCELLED')).toBe(true);
  });
});

describe('figures for the console', () => {
  it('counts open requests by zone, kind and urgency, and the volunteers available now', async () => {
    const figures = await must(
      cluster.query(`query { community(code: "alpha") { careFigures { takenAt days medianMinutesToAccept medianMinutesToDone zones { zone open { kind urgency count } volunteersAvailableNow medianMinutesToAccept medianMinutesToDone borrowedIn lentOut } } } }`, {}, dispatcher),
    );
    const zone = figures.community.careFigures.zones.find((z: any) => z.zone === 'A片');
    const queue = await must(cluster.query(`query { community(code: "alpha") { careQueue(first: 200) { zone kind urgency status } } }`, {}, dispatcher));
    const pickupsToday = zone.open.find((o: any) => o.kind === 'MEDICINE_PICKUP' && o.urgency === 'TODAY')?.count ?? 0;
    // careQueue holds the unassigned ones; the figures also count those accepted and under way.
    expect(pickupsToday).toBeGreaterThanOrEqual(queue.community.careQueue.filter((r: any) => r.zone === 'A片' && r.kind === 'MEDICINE_PICKUP' && r.urgency === 'TODAY').length);
    expect(pickupsToday).toBeGreaterThan(0);
    expect(zone.volunteersAvailableNow).toBeGreaterThanOrEqual(5);
    expect(zone.medianMinutesToAccept).not.toBeNull();
    expect(zone).toMatchObject({ borrowedIn: 0, lentOut: 0 });
    // The community's own medians, over every zone's requests: with acceptances and completions in one zone only,
    // they are that zone's.
    const figuresOf = figures.community.careFigures;
    const withTimes = figuresOf.zones.filter((z: any) => z.medianMinutesToAccept !== null);
    expect(withTimes.map((z: any) => z.zone)).toEqual(['A片']);
    expect(figuresOf.medianMinutesToAccept).toBe(zone.medianMinutesToAccept);
    expect(figuresOf.medianMinutesToDone).toBe(zone.medianMinutesToDone);
    expect(figuresOf.medianMinutesToDone).not.toBeNull();
    expect(code(await cluster.query(`query { community(code: "alpha") { careFigures { days } } }`, {}, resident))).toBe('FORBIDDEN');
  });
});

/** The Shanghai day `days` after `at`, "YYYY-MM-DD". */
function shanghaiDay(at: Date, days: number): string {
  return new Date(at.getTime() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

