/**
 * Seeds a demo community's care 求助 once `seedCommunity` has written its records, volunteers and people: the
 * compounds' dispatch zones, the volunteers' shifts, care requests at every step of the workflow, and recurring
 * trips (data in demo-data.ts: `zone` on compounds, `shifts` on volunteers, `care` and `careSeries`).
 *
 * Everything goes through the care services, as the people would have used the API: dispatch puts compounds in
 * zones and enters shifts; a household (or its helper, or dispatch taking a call) asks; dispatch triages and
 * offers; the volunteer accepts, ticks the protective protocol, gets under way and finishes. So every rule is the
 * services' own: windows, needs of skills and seats, holds on volunteers, the protocol's order, the events the
 * household reads. Dispatch's set-up comes first (zones, then shifts, entered at seeding); then the requests' steps,
 * each request's spread evenly from when it was asked to the seeding, all replayed in time order, each with its own
 * time. All in one transaction of the volunteers schema: a refusal (named in the error) leaves the community
 * without care data. People act with the roles the community's records give them at seeding.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { claimsFor, type Claims, type Identity, type PlaceLookup } from '@lilong/kit';
import { groupsSubgraph, rolesFor } from '@lilong/groups';
import { formatGlobalId } from '@lilong/schema';
import {
  addDays,
  addShift,
  CareKind,
  CareOutcome,
  CareRequest,
  CareSeries,
  DEFAULT_PROTOCOLS,
  endOfShanghaiDay,
  finishCareTask,
  offerCareTask,
  relayHooks,
  RelayStep,
  requestCare,
  respondToCareOffer,
  setCompoundZone,
  shanghaiDay,
  Skill,
  startCareSeries,
  startCareTask,
  tickProtocolStep,
  triageCareRequest,
  TriageDecision,
  TripPurpose,
  Urgency,
  Volunteer,
  volunteersSubgraph,
  type VolunteersContext,
} from '@lilong/volunteers';
import { Household } from '@lilong/groups';
import { demoSubject } from '../demo-people';
import type { DemoAsker, DemoCareRequest, DemoCommunity, DemoShift } from './demo-data';
import type { SeedOrms } from './seed';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How long dispatch gives a volunteer to answer an offer the demo goes on to accept. */
export const ACCEPTED_OFFER_MINUTES = 60;

/** The steps a demo request takes through the services, in order; the first is always the asking. */
export type CareStep = 'ask' | 'triage' | 'offer' | 'accept' | 'start' | 'finish' | { tick: number };

export function careSteps(r: DemoCareRequest): CareStep[] {
  const steps: CareStep[] = ['ask'];
  if (r.progress === 'SUBMITTED') return steps;
  steps.push('triage');
  if (r.progress === 'QUEUED') return steps;
  steps.push('offer');
  if (r.progress === 'OFFERED') return steps;
  steps.push('accept');
  if (r.progress === 'ACCEPTED') {
    for (let position = 1; position <= (r.ticked ?? 0); position++) steps.push({ tick: position });
    return steps;
  }
  // DONE: protective gear and pass before setting out, the rest on the way, then done.
  const protocol = DEFAULT_PROTOCOLS[r.kind].length;
  steps.push({ tick: 1 }, { tick: 2 }, 'start');
  for (let position = 3; position <= protocol; position++) steps.push({ tick: position });
  steps.push('finish');
  return steps;
}

/** Minutes before seeding at which the request's `index`-th step is taken: evenly from its asking to the seeding. */
export function stepMinutesAgo(r: DemoCareRequest, index: number): number {
  const steps = careSteps(r).length;
  return r.askedMinutesAgo - (index * r.askedMinutesAgo) / steps;
}

/** A shift's window, for a seeding at `now`. */
export function shiftWindow(s: DemoShift, now: Date): { startsAt: Date; endsAt: Date } {
  if (s === 'now') {
    const startsAt = new Date(Math.floor(now.getTime() / HOUR) * HOUR - HOUR);
    return { startsAt, endsAt: new Date(startsAt.getTime() + 8 * HOUR) };
  }
  const day = addDays(shanghaiDay(now), s.day);
  return { startsAt: new Date(`${day}T${s.from}:00+08:00`), endsAt: new Date(`${day}T${s.to}:00+08:00`) };
}

/** IDs `seedCommunity` made, by the data's names. */
export interface CareSeedIds {
  /** Compound key -> global ID. */
  compounds: Map<string, string>;
  /** `[compound, building, unit, room]` joined by NUL -> global ID. */
  households: Map<string, string>;
  /** Display name -> global ID. */
  volunteers: Map<string, string>;
  /** The household the seed recorded a helper (代办) for, with care requests in its scopes, and the helper's subject. */
  helped: { householdId: string; subject: string } | null;
}

export interface CareSeedSummary {
  zones: number;
  shifts: number;
  /** Care requests in the community at the end, the series' trips included. */
  requests: number;
  series: number;
}

/** One thing a person did, at a time, through a care service. */
interface Event {
  at: Date;
  who: Identity;
  /** Says what it was when a service refuses it. */
  what: string;
  run(ctx: VolunteersContext, at: Date): Promise<void>;
}

const NOTHING: CareSeedSummary = { zones: 0, shifts: 0, requests: 0, series: 0 };
const householdKey = (ref: readonly string[]) => ref.join('\u0000');
const label = (ref: readonly string[]) => `${ref[0]} ${ref.slice(1).filter((p) => p !== '').join('-')}`;

/**
 * Replays the community's zones, shifts, care requests and series through the care services (see the file's
 * notes). `now` is the seeding's time; people are recorded under `issuer`. Does nothing for data without any.
 */
export async function seedCommunityCare(orms: SeedOrms, code: string, data: DemoCommunity, ids: CareSeedIds, issuer: string, now: Date): Promise<CareSeedSummary> {
  const zoned = data.compounds.filter((c) => c.zone !== undefined);
  const shifts = data.volunteers.flatMap((v) => (v.shifts ?? []).map((s) => ({ v, s })));
  const requests = data.care ?? [];
  const series = data.careSeries ?? [];
  if (zoned.length + shifts.length + requests.length + series.length === 0) return NOTHING;

  const person = (subject: string): Identity => ({ issuer, subject });
  const dispatcher = person(demoSubject('dispatcher-of', code));
  const householdId = (ref: readonly string[]) => {
    const id = ids.households.get(householdKey(ref));
    if (!id) throw new Error(`seed: ${code}: no household ${label(ref)}`);
    return id;
  };
  const volunteerId = (name: string | undefined, who: string) => {
    const id = name === undefined ? undefined : ids.volunteers.get(name);
    if (!id) throw new Error(`seed: ${code}: ${who}: no volunteer ${name ?? '(none named)'}`);
    return id;
  };
  const asker = (askedBy: DemoAsker, ref: readonly string[], who: string): Identity => {
    const id = householdId(ref);
    if (askedBy === 'dispatch') return dispatcher;
    if (askedBy === 'household') return person(demoSubject('resident-of', id));
    if (ids.helped?.householdId !== id) {
      throw new Error(`seed: ${code}: ${who}: household ${label(ref)} has no helper (代办); the seed records one only for ${ids.helped?.householdId ?? 'no household'}`);
    }
    return person(ids.helped.subject);
  };
  const ago = (minutes: number) => new Date(now.getTime() - minutes * MINUTE);

  const setUp: Event[] = [];
  for (const c of zoned) {
    const compoundId = ids.compounds.get(c.key)!;
    setUp.push({ at: now, who: dispatcher, what: `zone ${c.zone} for compound ${c.key}`, run: async (ctx) => void (await setCompoundZone(ctx, { compoundId, zone: c.zone! })) });
  }
  for (const { v, s } of shifts) {
    const id = volunteerId(v.displayName, 'shift');
    const window = shiftWindow(s, now);
    // Today's shift once it is over (the demo seeded in the afternoon): nothing to enter.
    if (window.endsAt.getTime() <= now.getTime()) continue;
    setUp.push({ at: now, who: dispatcher, what: `shift ${window.startsAt.toISOString()} of ${v.displayName}`, run: async (ctx, at) => void (await addShift(ctx, { volunteerId: id, ...window }, at)) });
  }

  const timed: Event[] = [];
  requests.forEach((r, n) => {
    const who = `care request ${n + 1} (${r.kind} for ${label(r.household)})`;
    const hid = householdId(r.household);
    const askedAt = ago(r.askedMinutesAgo);
    const steps = careSteps(r);
    const volunteer = steps.includes('offer') ? volunteerId(r.volunteer, who) : null;
    const runner = volunteer ? person(demoSubject('volunteer', volunteer)) : dispatcher;
    const asking = asker(r.askedBy, r.household, who);
    let requestId = '';
    let windowStart: Date | null = null;
    let windowEnd: Date | null = null;
    if (r.window && 'day' in r.window) {
      windowStart = new Date(`${addDays(shanghaiDay(now), r.window.day)}T${r.window.at}:00+08:00`);
      windowEnd = new Date(windowStart.getTime() + r.window.hours * HOUR);
    } else if (r.window) {
      // Today's: from the asking, for its hours, but never past the end of that Shanghai day (late at night, less).
      windowStart = askedAt;
      windowEnd = new Date(Math.min(askedAt.getTime() + r.window.hours * HOUR, endOfShanghaiDay(askedAt).getTime()));
    }
    steps.forEach((step, i) => {
      const at = ago(stepMinutesAgo(r, i));
      const event = (whoDid: Identity, what: string, run: Event['run']): Event => ({ at, who: whoDid, what: `${who}: ${what}`, run });
      if (step === 'ask') {
        timed.push(
          event(asking, 'asking', async (ctx, when) => {
            const request = await requestCare(
              ctx,
              {
                householdId: hid,
                kind: r.kind,
                purpose: r.purpose ?? null,
                destination: r.destination ?? null,
                prescriptions: r.prescriptions ?? null,
                urgency: r.urgency,
                windowStart,
                windowEnd,
                passengers: r.passengers ?? null,
                wheelchair: r.wheelchair ?? null,
                returnTrip: r.returnTrip ?? null,
                contactPhone: r.contactPhone ?? null,
                notes: r.notes ?? null,
              },
              when,
            );
            requestId = formatGlobalId(code, 'CareRequest', request.localId);
          }),
        );
      } else if (step === 'triage') {
        timed.push(event(dispatcher, 'triage', async (ctx, when) => void (await triageCareRequest(ctx, { requestId, decision: TriageDecision.ACCEPT }, when))));
      } else if (step === 'offer') {
        const minutes = r.progress === 'OFFERED' ? (r.respondWithinMinutes ?? null) : ACCEPTED_OFFER_MINUTES;
        timed.push(event(dispatcher, `offer to ${r.volunteer}`, async (ctx, when) => void (await offerCareTask(ctx, { requestId, volunteerId: volunteer!, respondWithinMinutes: minutes }, when))));
      } else if (step === 'accept') {
        timed.push(event(runner, 'accepting', async (ctx, when) => void (await respondToCareOffer(ctx, { requestId, accept: true }, when))));
      } else if (step === 'start') {
        timed.push(event(runner, 'getting under way', async (ctx, when) => void (await startCareTask(ctx, { requestId }, when))));
      } else if (step === 'finish') {
        timed.push(event(runner, 'marking it done', async (ctx, when) => void (await finishCareTask(ctx, { requestId, outcome: CareOutcome.DONE }, when))));
      } else {
        timed.push(event(runner, `ticking protocol step ${step.tick}`, async (ctx, when) => void (await tickProtocolStep(ctx, { requestId, position: step.tick }, when))));
      }
    });
  });
  for (const s of series) {
    const who = `care series (${s.purpose} for ${label(s.household)})`;
    const hid = householdId(s.household);
    const at = ago(s.askedMinutesAgo);
    const firstDay = shanghaiDay(now);
    timed.push({
      at,
      who: asker(s.askedBy, s.household, who),
      what: `${who}: starting it`,
      run: async (ctx, when) =>
        void (await startCareSeries(
          ctx,
          {
            householdId: hid,
            purpose: s.purpose,
            destination: s.destination,
            weekdays: s.weekdays,
            startTime: s.startTime,
            durationMinutes: s.durationMinutes,
            firstDay,
            lastDay: addDays(firstDay, s.weeks * 7 - 1),
            passengers: s.passengers ?? null,
            wheelchair: s.wheelchair ?? null,
            returnTrip: s.returnTrip ?? null,
            contactPhone: s.contactPhone ?? null,
            notes: s.notes ?? null,
          },
          when,
        )),
    });
  }
  // Stable: a request's steps keep their order when two fall on the same instant.
  const events = [...setUp, ...timed.map((e, i) => ({ e, i })).sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i).map(({ e }) => e)];

  // Each person's roles, from the community's records as the node reads them, before the transaction opens (a
  // transaction of one domain's ORM would capture the other's reads).
  const claims = new Map<string, Claims>();
  for (const { who } of events) {
    if (!claims.has(who.subject)) claims.set(who.subject, claimsFor(who, await rolesFor(orms.groups.em.fork() as EntityManager, code, who, now)));
  }
  // Where households and compounds are, from the groups schema, outside the volunteers transaction.
  const places: PlaceLookup = (lookup) => groupsSubgraph.places!(orms.groups.em.fork({ disableContextResolution: true }) as EntityManager, code, lookup);

  return (orms.volunteers.em.fork() as EntityManager).transactional(async (tem) => {
    const em = tem as EntityManager;
    // Each event is a request of its own (fresh identity map and loaders) inside this one transaction.
    const contextFor = (who: Identity): VolunteersContext => {
      const requestEm = em.fork({ keepTransactionContext: true }) as EntityManager;
      return { community: code, em: requestEm, loaders: volunteersSubgraph.createLoaders(requestEm, code), claims: claims.get(who.subject)!, signal: new AbortController().signal, places };
    };
    for (const event of events) {
      try {
        await event.run(contextFor(event.who), event.at);
      } catch (error) {
        const extensions = (error as { extensions?: { messageZh?: string } }).extensions;
        throw new Error(`seed: ${code}: ${event.what} was refused: ${(error as Error).message}${extensions?.messageZh ? ` ${extensions.messageZh}` : ''}; no care data was seeded in ${code}`);
      }
    }
    const counted = em.fork({ keepTransactionContext: true });
    return { zones: zoned.length, shifts: shifts.length, requests: await counted.count(CareRequest, {}), series: await counted.count(CareSeries, {}) };
  });
}

/** The demo's borrowed volunteer: a driver of `lender` takes a chemotherapy trip of `borrower` (its neighbour). */
export const DEMO_BORROWING = { borrower: 'xinhua-2', lender: 'xinhua-1' } as const;

/**
 * One volunteer borrowed across a community line, once every community is seeded: dispatch of the borrower asks
 * for a chemotherapy trip of one of its households tomorrow and offers it to a driver of the lender; the seed then
 * does what the hub's relay does (the lender holds the driver, the borrower settles the step), and the driver
 * accepts. Through the same services and relay hooks as at run time. Skipped when the borrower has relay steps.
 */
export async function seedDemoBorrowing(ormsByCommunity: Map<string, SeedOrms>, issuer: string, now = new Date()): Promise<string[]> {
  const { borrower, lender } = DEMO_BORROWING;
  const a = ormsByCommunity.get(borrower);
  const b = ormsByCommunity.get(lender);
  if (!a || !b) return [];
  if ((await (a.volunteers.em.fork() as EntityManager).count(RelayStep, {})) > 0) return ['demo borrowed volunteer: already present, seeding skipped 已有跨社区借调，跳过初始化'];
  // A driver the lender's own demo gave nothing to do: the last registered one without a task.
  const driver = (await (b.volunteers.em.fork() as EntityManager).find(Volunteer, { skills: { $contains: [Skill.DRIVER] }, vehicleSeats: { $gte: 1 }, activeTasks: 0 }, { orderBy: { localId: 'desc' }, limit: 1 }))[0];
  const household = (await (a.groups.em.fork() as EntityManager).find(Household, {}, { orderBy: { localId: 'asc' }, limit: 1 }))[0];
  if (!driver || !household) return [`demo borrowed volunteer not seeded 未能生成跨社区借调: no driver in ${lender} or no household in ${borrower}`];
  const driverId = formatGlobalId(lender, 'Volunteer', driver.localId);
  const person = (subject: string): Identity => ({ issuer, subject });
  const dispatch = person(demoSubject('dispatcher-of', borrower));
  const volunteerPerson = person(demoSubject('volunteer', driverId));
  // The driver's roles come from the lender's records; the borrower's node gets them as the hub would forward them.
  const claimsOf = async (who: Identity) =>
    claimsFor(who, [...(await rolesFor(a.groups.em.fork() as EntityManager, borrower, who, now)), ...(await rolesFor(b.groups.em.fork() as EntityManager, lender, who, now))]);
  const places: PlaceLookup = (lookup) => groupsSubgraph.places!(a.groups.em.fork({ disableContextResolution: true }) as EntityManager, borrower, lookup);
  const contextFor = (claims: Claims): VolunteersContext => {
    const em = a.volunteers.em.fork() as EntityManager;
    return { community: borrower, em, loaders: volunteersSubgraph.createLoaders(em, borrower), claims, signal: new AbortController().signal, places, relay: { stepsWaiting: false } };
  };
  const dispatchClaims = await claimsOf(dispatch);
  const tomorrow = addDays(shanghaiDay(now), 1);
  const asked = await requestCare(contextFor(dispatchClaims), {
    householdId: formatGlobalId(borrower, 'Household', household.localId),
    kind: CareKind.MEDICAL_TRIP,
    purpose: TripPurpose.CHEMOTHERAPY,
    destination: '复旦大学附属肿瘤医院',
    urgency: Urgency.SCHEDULED,
    windowStart: new Date(`${tomorrow}T09:00:00+08:00`),
    windowEnd: new Date(`${tomorrow}T13:00:00+08:00`),
    passengers: 1,
    notes: '本社区司机明天均已排满，向邻近社区借调',
  }, now);
  const requestId = formatGlobalId(borrower, 'CareRequest', asked.localId);
  await triageCareRequest(contextFor(dispatchClaims), { requestId, decision: TriageDecision.ACCEPT }, now);
  await offerCareTask(contextFor(dispatchClaims), { requestId, volunteerId: driverId, respondWithinMinutes: 240 }, now);
  // The relay's round: the borrower's step to the lender, its outcome back.
  for (const step of await relayHooks.pending(a.volunteers.em.fork() as EntityManager, borrower, 10)) {
    const outcome = await relayHooks.apply(b.volunteers.em.fork() as EntityManager, lender, borrower, step);
    await relayHooks.settle(a.volunteers.em.fork() as EntityManager, borrower, step.id, outcome);
    if (!outcome.ok) return [`demo borrowed volunteer not seeded 未能生成跨社区借调: ${outcome.message}`];
  }
  // After the relay's round, which settled at its own moment.
  await respondToCareOffer(contextFor(await claimsOf(volunteerPerson)), { requestId, accept: true }, new Date());
  return [`demo borrowed volunteer 跨社区借调: ${driver.displayName} (${driverId}) takes ${requestId}, a chemotherapy trip of ${borrower}`];
}
