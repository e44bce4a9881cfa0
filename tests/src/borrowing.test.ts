/**
 * Borrowing a volunteer across a community line: an emergency in alpha that no alpha volunteer can take goes to a
 * driver of beta (alpha's neighbour), found through the hub's fan-out to alpha's neighbours only. The task stays
 * in alpha; the driver's hold is recorded in beta; the two writes are a saga carried by the hub's relay. Killing
 * either node at each step between the writes (SIGKILL, from a failpoint, with the node in its own process), then
 * restarting it, ends with both sides agreeing, exactly once.
 */
import { TestCluster } from './support/cluster';
import { eventually, lookUp, type HouseholdInfo } from './support/sub-district';

let cluster: TestCluster;
let household: HouseholdInfo;
let alphaDispatch: string;
let betaDispatch: string;
let resident: string;
let gate: { lat: number; lng: number };
let betaCompound: string;

async function must(answer: Promise<{ data?: any; errors?: unknown[] }>): Promise<any> {
  const a = await answer;
  if (a.errors) throw new Error(JSON.stringify(a.errors));
  return a.data;
}
const code = (answer: { errors?: { extensions?: Record<string, any> }[] }) => answer.errors?.[0]?.extensions?.code;

let seq = 0;
/** A driver of beta who can carry a wheelchair (alpha has none), based 800 m from the household. */
async function betaDriver() {
  const n = ++seq;
  const data = await must(
    cluster.query(
      `mutation($i: RegisterVolunteerInput!) { registerVolunteer(input: $i) { id } }`,
      { i: { compoundId: betaCompound, displayName: `借调司机${n}`, skills: ['DRIVER', 'WHEELCHAIR'], vehicleSeats: 4, zone: 'B片', baseLat: gate.lat + 0.0072, baseLng: gate.lng } },
      betaDispatch,
    ),
  );
  const id = data.registerVolunteer.id as string;
  await must(cluster.query(`mutation($i: SetAvailabilityInput!) { setAvailability(input: $i) { id } }`, { i: { volunteerId: id, available: true } }, betaDispatch));
  return { id, token: await cluster.token([{ role: 'volunteer', volunteer: id }], `borrowed-${id}`) };
}

/** An emergency of the household: a fall, a wheelchair to the hospital. */
async function emergency(): Promise<string> {
  const data = await must(
    cluster.query(
      `mutation($i: RequestCareInput!) { requestCare(input: $i) { id } }`,
      { i: { householdId: household.id, kind: 'URGENT_HELP', urgency: 'EMERGENCY', passengers: 1, wheelchair: true, notes: '老人跌倒，需轮椅送医' } },
      resident,
    ),
  );
  return data.requestCare.id;
}

const offer = (requestId: string, volunteerId: string) =>
  cluster.query(`mutation($i: OfferCareTaskInput!) { offerCareTask(input: $i) { id status holdPending volunteerId } }`, { i: { requestId, volunteerId } }, alphaDispatch);

/** Both sides of the saga, as each community answers. */
async function sides(requestId: string, volunteerId: string) {
  const request = (await must(cluster.query(`query($id: ID!) { careRequest(id: $id) { status holdPending volunteerId volunteerName statusReason } }`, { id: requestId }, alphaDispatch))).careRequest;
  const volunteer = (await must(cluster.query(`query($id: ID!) { volunteer(id: $id) { activeTasks holds { taskId state } } }`, { id: volunteerId }, betaDispatch))).volunteer;
  return { request, holds: (volunteer.holds as { taskId: string }[]).filter((h) => h.taskId === requestId).length, activeTasks: volunteer.activeTasks as number };
}

/** Waits until the hub serves the community again (its circuit closes once a probe of the restarted node succeeds). */
async function reachable(community: string): Promise<void> {
  const token = community === 'alpha' ? alphaDispatch : betaDispatch;
  const probe = () => cluster.query(`query($c: String!) { community(code: $c) { volunteers { id } } }`, { c: community }, token);
  const answer = await eventually(probe, (a) => !a.errors);
  if (answer.errors) throw new Error(`${community} is not served again: ${JSON.stringify(answer.errors)}`);
}

beforeAll(async () => {
  cluster = await TestCluster.start({ relayIntervalMs: 200 });
  const ids = await lookUp(cluster);
  household = ids.get('alpha')!.compounds[0]!.households[0]!;
  betaCompound = ids.get('beta')!.compounds[0]!.id;
  alphaDispatch = await cluster.token([{ role: 'dispatcher', community: 'alpha' }], 'dispatch-alpha');
  betaDispatch = await cluster.token([{ role: 'dispatcher', community: 'beta' }], 'dispatch-beta');
  resident = await cluster.token([{ role: 'resident', household: household.id }], `resident-${household.id}`);
  gate = (await must(cluster.query(`query($id: ID!) { compound(id: $id) { lat lng } }`, { id: household.compoundId }, alphaDispatch))).compound;
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

it('an emergency nobody in alpha can take goes to a driver of a neighbouring community, held there, done in alpha', async () => {
  const driver = await betaDriver();
  const id = await emergency();
  const task = (await must(cluster.query(`query($id: ID!) { careRequest(id: $id) { id lat lng windowStart windowEnd kind passengers wheelchair candidates { volunteer { id } } } }`, { id }, alphaDispatch))).careRequest;
  expect(task.candidates).toEqual([]);
  // Asked of alpha's neighbours only: beta answers, gamma (not alpha's neighbour) is not asked.
  cluster.resetCounts();
  const { candidates, id: _id, ...shape } = task;
  const borrowable = (await must(cluster.query(`query($t: BorrowableTaskInput!) { borrowableVolunteers(task: $t) { community volunteer { id displayName } distanceMetres score } }`, { t: { ...shape, requestId: id } }, alphaDispatch))).borrowableVolunteers;
  expect(cluster.sentCounts()).toEqual({ 'beta/volunteers': 1 });
  expect(borrowable[0]).toMatchObject({ community: 'beta', volunteer: { id: driver.id } });
  expect(Math.abs(borrowable[0].distanceMetres - 801)).toBeLessThan(5);
  // A dispatcher of beta may not borrow for alpha's task.
  expect(code(await cluster.query(`query($t: BorrowableTaskInput!) { borrowableVolunteers(task: $t) { score } }`, { t: { ...shape, requestId: id } }, betaDispatch))).toBe('FORBIDDEN');

  const offered = (await must(offer(id, driver.id))).offerCareTask;
  expect(offered).toMatchObject({ status: 'OFFERED', volunteerId: driver.id });
  // The hub carried the hold to beta before it answered; both sides agree.
  expect(await sides(id, driver.id)).toMatchObject({ request: { status: 'OFFERED', holdPending: false, volunteerName: '借调司机1' }, holds: 1, activeTasks: 1 });

  // The borrowed driver takes it through the hub: the task is alpha's, their role is beta's.
  const queue = (await must(cluster.query(`query { myCareTasks { id status } }`, {}, driver.token))).myCareTasks;
  expect(queue).toEqual([{ id, status: 'OFFERED' }]);
  expect((await must(cluster.query(`mutation($i: RespondToCareOfferInput!) { respondToCareOffer(input: $i) { status } }`, { i: { requestId: id, accept: true } }, driver.token))).respondToCareOffer.status).toBe('ACCEPTED');
  const assigned = (await must(cluster.query(`query($id: ID!) { careRequest(id: $id) { address protocol { position required } } }`, { id }, driver.token))).careRequest;
  expect(assigned.address).toContain(household.address);
  await must(cluster.query(`mutation($i: CareTaskInput!) { startCareTask(input: $i) { status } }`, { i: { requestId: id } }, driver.token));
  for (const step of assigned.protocol.filter((s: any) => s.required)) {
    await must(cluster.query(`mutation($i: TickProtocolStepInput!) { tickProtocolStep(input: $i) { id } }`, { i: { requestId: id, position: step.position } }, driver.token));
  }
  expect((await must(cluster.query(`mutation($i: FinishCareTaskInput!) { finishCareTask(input: $i) { status } }`, { i: { requestId: id, outcome: 'DONE' } }, driver.token))).finishCareTask.status).toBe('DONE');
  expect(await sides(id, driver.id)).toMatchObject({ request: { status: 'DONE' }, holds: 0, activeTasks: 0 });

  // Figures: borrowed in by alpha, lent out by beta.
  const figures = async (community: string, token: string) =>
    (await must(cluster.query(`query($c: String!) { community(code: $c) { careFigures { zones { zone borrowedIn lentOut } } } }`, { c: community }, token))).community.careFigures.zones;
  expect((await figures('alpha', alphaDispatch)).reduce((n: number, z: any) => n + z.borrowedIn, 0)).toBeGreaterThanOrEqual(1);
  expect((await figures('beta', betaDispatch)).find((z: any) => z.zone === 'B片').lentOut).toBeGreaterThanOrEqual(1);
});

it("a borrowed driver who is busy in their own community: beta refuses, alpha's offer goes back to the queue saying why", async () => {
  const driver = await betaDriver();
  // Beta gives its driver a task of its own first, overlapping the emergency's window.
  const own = await must(
    cluster.query(
      `mutation($i: RequestCareInput!) { requestCare(input: $i) { id } }`,
      { i: { householdId: (await lookUp(cluster)).get('beta')!.compounds[0]!.households[0]!.id, kind: 'URGENT_HELP', urgency: 'EMERGENCY', passengers: 1 } },
      betaDispatch,
    ),
  );
  await must(cluster.query(`mutation($i: OfferCareTaskInput!) { offerCareTask(input: $i) { id } }`, { i: { requestId: own.requestCare.id, volunteerId: driver.id } }, betaDispatch));
  const id = await emergency();
  expect((await must(offer(id, driver.id))).offerCareTask.status).toBe('OFFERED');
  const after = await sides(id, driver.id);
  expect(after).toMatchObject({ request: { status: 'QUEUED', holdPending: false, volunteerId: null }, holds: 0, activeTasks: 1 });
  expect(after.request.statusReason).toMatch(/已有任务/);
  const events = (await must(cluster.query(`query($id: ID!) { careRequest(id: $id) { events { from to note } } }`, { id }, resident))).careRequest.events;
  expect(events.at(-1)).toMatchObject({ from: 'OFFERED', to: 'QUEUED' });
  expect(events.at(-1).note).toMatch(/^VOLUNTEER_BUSY/);
});

describe('a node killed between the two writes of the saga, then restarted: both sides agree, exactly once', () => {
  const cases: [string, 'alpha' | 'beta', string, 'hold' | 'release'][] = [
    ['beta dies applying the hold, before its commit', 'beta', 'relay-apply:before-commit', 'hold'],
    ['beta dies after committing the hold, before answering', 'beta', 'relay-apply:after-commit', 'hold'],
    ['alpha dies settling the hold, before its commit', 'alpha', 'relay-settle:before-commit', 'hold'],
    ['alpha dies after settling the hold, before answering', 'alpha', 'relay-settle:after-commit', 'hold'],
    ['alpha dies after committing the offer, before answering', 'alpha', 'offer:after-commit', 'hold'],
    ['beta dies after committing the release, before answering', 'beta', 'relay-apply:after-commit', 'release'],
  ];

  it.each(cases)('%s', async (_name, victim, point, phase) => {
    const driver = await betaDriver();
    const id = await emergency();
    if (phase === 'release') {
      await must(offer(id, driver.id));
      expect(await sides(id, driver.id)).toMatchObject({ request: { holdPending: false }, holds: 1, activeTasks: 1 });
    }
    const node = await cluster.runAsProcess(victim, { LILONG_FAILPOINT: point });
    await reachable(victim);
    // The step that kills the node: the offer (hold), or the household cancelling (release).
    const answer =
      phase === 'hold'
        ? await offer(id, driver.id)
        : await cluster.query(`mutation($i: CancelCareRequestInput!) { cancelCareRequest(input: $i) { status } }`, { i: { requestId: id, reason: '家属已送医' } }, resident);
    expect(await Promise.race([node.exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))])).toBe('SIGKILL');
    if (point === 'offer:after-commit') expect(code(answer)).toBe('COMMUNITY_UNAVAILABLE');
    // Restarted (as before, in the test's process); the hub's relay carries what was left.
    await cluster.restartNode(victim);
    await reachable(victim);
    const expected = phase === 'hold' ? { request: { status: 'OFFERED', holdPending: false, volunteerId: driver.id }, holds: 1, activeTasks: 1 } : { request: { status: 'CANCELLED' }, holds: 0, activeTasks: 0 };
    const agreed = await eventually(
      () => sides(id, driver.id).catch(() => undefined),
      (s) => s !== undefined && s.holds === expected.holds && s.activeTasks === expected.activeTasks && s.request.status === expected.request.status && !s.request.holdPending,
    );
    expect(agreed).toMatchObject(expected);
    if (phase === 'hold') {
      // And the saga goes on as if nothing happened: the household cancels, the hold is released on both sides.
      await must(cluster.query(`mutation($i: CancelCareRequestInput!) { cancelCareRequest(input: $i) { status } }`, { i: { requestId: id } }, resident));
      expect(await sides(id, driver.id)).toMatchObject({ request: { status: 'CANCELLED' }, holds: 0, activeTasks: 0 });
    }
  }, 90_000);
});
