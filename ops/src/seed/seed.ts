/**
 * Seeds one community node's three domain schemas from a `DemoCommunity`.
 *
 * Order: groups (compounds, households, mutual-aid groups, the committee's surveys), then shops (shops, products), then volunteers (each with
 * a base near their compound), then the people with roles, then care (zones, shifts, care requests and series,
 * through the care services: care.ts); each step in one transaction, so a failure leaves nothing half-seeded
 * inside it. Cross-domain references are global IDs made from the groups rows' fresh local IDs. Idempotent: a node
 * whose groups schema already holds a compound is left alone.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { Compound, CompoundKind, DelegationScopeEnum, Group, Household, MembershipKind, recordDelegation, recordMembership, surveyOf, writeCompoundSurvey } from '@lilong/groups';
import { DEMO_ISSUER, demoSubject, type DemoRelation } from '../demo-people';
import { formatGlobalId, isCommunityCode } from '@lilong/schema';
import { haversineMeters, Product, Shop } from '@lilong/shops';
import { DEFAULT_PROTOCOLS, Skill, Urgency, Volunteer } from '@lilong/volunteers';
import { ACCEPTED_OFFER_MINUTES, careSteps, seedCommunityCare, stepMinutesAgo } from './care';
import { seedCommunityNotices } from './notices';
import { seedCommunityQuestions } from './questions';
import type { DocumentSigner } from '@lilong/kit';
import type { DemoCommunity, DemoHouseholdRef, DemoVolunteer } from './demo-data';
import type { SeedSummary } from './summary';

export { seedSummaryLine, type SeedSummary } from './summary';

/**
 * The node's three domain ORMs, connected and migrated. A type alias with `MikroORM<any>` (rather than an interface
 * over the default driver), so that a `Record<string, MikroORM<PostgreSqlDriver>>` built from the node's subgraphs can
 * be cast to it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOrm = MikroORM<any>;
export type SeedOrms = {
  groups: AnyOrm;
  shops: AnyOrm;
  volunteers: AnyOrm;
  info: AnyOrm;
};

/** A fresh EntityManager of a domain's ORM (never its global one), typed. */
const fork = (orm: AnyOrm): EntityManager => orm.em.fork();


// Limits the subgraphs' own mutations enforce (services and volunteer rules), so seeded rows could have been entered
// through the API.
const MAX_VEHICLE_SEATS = 8;
const MAX_PRICE_FEN = 10_000_000;
const MAX_PACK_SIZE = 10_000;
const MAX_ON_HAND = 1_000_000;
/** A shop "stands in" its compound: further than this from the compound gate is a data mistake. */
const MAX_SHOP_TO_COMPOUND_METERS = 500;
/** A volunteer sets out from near home: a base further than this from their compound gate is a data mistake. */
const MAX_BASE_FROM_COMPOUND_METERS = 1000;
const MAX_SHIFT_HOURS = 16;
const MAX_CARE_WINDOW_HOURS = 12;
/** How long before seeding a demo request may have been asked: its steps are spread over this time. */
const MAX_ASKED_MINUTES_AGO = 600;
/** How long before seeding a demo survey may have been made. */
const MAX_SURVEY_DAYS_AGO = 60;

/** Metres per degree of latitude on earthdistance's sphere (radius 6,378,168 m), the one matching measures on. */
const METRES_PER_DEGREE = (6_378_168 * Math.PI) / 180;

/**
 * Where the `index`-th volunteer of a community sets out from, without a `baseOffset` in the data: 150-400 m from
 * their compound gate, each one turned by the golden angle from the one before, so that bases spread around the
 * gates instead of stacking on them. Metres north and east.
 */
export function defaultBaseOffset(index: number): { north: number; east: number } {
  const angle = (index * 137.508 * Math.PI) / 180;
  const metres = 150 + ((index * 97) % 251);
  return { north: Math.round(metres * Math.cos(angle)), east: Math.round(metres * Math.sin(angle)) };
}

/** A volunteer's base 出发点 as the seed stores it: their compound gate moved by their offset (deterministic). */
export function demoVolunteerBase(data: DemoCommunity, volunteer: DemoVolunteer): { lat: number; lng: number } {
  const compound = data.compounds.find((c) => c.key === volunteer.compound);
  if (!compound) throw new Error(`${data.code}: volunteer ${volunteer.displayName}: no compound ${volunteer.compound}`);
  const offset = volunteer.baseOffset ?? defaultBaseOffset(data.volunteers.indexOf(volunteer));
  const round = (degrees: number) => Math.round(degrees * 1e7) / 1e7;
  return {
    lat: round(compound.lat + offset.north / METRES_PER_DEGREE),
    lng: round(compound.lng + offset.east / (METRES_PER_DEGREE * Math.cos((compound.lat * Math.PI) / 180))),
  };
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

const refKey = (compound: string, building: string, unit: string, room: string) => [compound, building, unit, room].join('\u0000');
const refLabel = (ref: DemoHouseholdRef) => `${ref[0]} ${[ref[1], ref[2], ref[3]].filter((p) => p !== '').join('-')}`;

/** Everything wrong with one community's data, as readable sentences; empty when it can be seeded. */
export function demoCommunityProblems(data: DemoCommunity): string[] {
  const problems: string[] = [];
  const p = (message: string) => problems.push(`${data.code}: ${message}`);
  const text = (value: string, what: string, max: number, allowEmpty = false) => {
    if (value !== value.trim()) p(`${what} "${value}" has leading or trailing spaces`);
    if (!allowEmpty && value.trim() === '') p(`${what} is empty`);
    if (value.length > max) p(`${what} "${value}" is longer than ${max} characters`);
  };
  const int = (value: number, what: string, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) p(`${what} is ${value}, not a whole number from ${min} to ${max}`);
  };
  const latLng = (lat: number, lng: number, what: string) => {
    if (!Number.isFinite(lat) || lat < -90 || lat > 90 || !Number.isFinite(lng) || lng < -180 || lng > 180) p(`${what} has bad coordinates`);
  };

  if (!isCommunityCode(data.code)) p('code does not match /^[a-z][a-z0-9-]{1,31}$/');
  text(data.name, 'name', 100);
  text(data.nameEn, 'nameEn', 100);
  for (const n of data.neighbours) {
    if (!isCommunityCode(n)) p(`neighbour "${n}" is not a community code`);
    if (n === data.code) p('lists itself as a neighbour');
  }

  const compounds = new Map(data.compounds.map((c) => [c.key, c]));
  if (compounds.size !== data.compounds.length) p('compound keys are not unique');
  const households = new Set<string>();
  for (const c of data.compounds) {
    text(c.name, `compound ${c.key} name`, 100);
    text(c.address, `compound ${c.key} address`, 200);
    latLng(c.lat, c.lng, `compound ${c.key}`);
    if (!Object.values(CompoundKind).includes(c.kind)) p(`compound ${c.key} has unknown kind ${String(c.kind)}`);
    if (c.households.length === 0) p(`compound ${c.key} has no households`);
    for (const h of c.households) {
      const label = `household ${refLabel([c.key, h.building, h.unit, h.room])}`;
      text(h.building, `${label} building`, 20);
      text(h.unit, `${label} unit`, 20, true);
      text(h.room, `${label} room`, 20);
      const key = refKey(c.key, h.building, h.unit, h.room);
      if (households.has(key)) p(`${label} is listed twice`);
      households.add(key);
    }
  }
  const checkHome = (ref: DemoHouseholdRef, compound: string, who: string) => {
    if (!households.has(refKey(...ref))) p(`${who}: household ${refLabel(ref)} does not exist`);
    else if (ref[0] !== compound) p(`${who}: household ${refLabel(ref)} is not in compound ${compound}`);
  };

  for (const g of data.groups) {
    text(g.name, `group "${g.name}" name`, 60);
    if (!compounds.has(g.compound)) p(`group "${g.name}": no compound ${g.compound}`);
    else checkHome(g.leader, g.compound, `group "${g.name}" leader`);
  }

  for (const s of data.shops) {
    const who = `shop "${s.name}"`;
    text(s.name, `${who} name`, 60);
    text(s.address, `${who} address`, 200);
    latLng(s.lat, s.lng, who);
    const compound = compounds.get(s.compound);
    if (!compound) p(`${who}: no compound ${s.compound}`);
    else if (haversineMeters(s, compound) > MAX_SHOP_TO_COMPOUND_METERS) p(`${who} is more than ${MAX_SHOP_TO_COMPOUND_METERS} m from compound ${s.compound}`);
    for (const pd of s.products) {
      const what = `${who} product "${pd.name}"`;
      text(pd.name, `${what} name`, 60);
      text(pd.unit, `${what} unit`, 10);
      int(pd.priceFen, `${what} priceFen`, 0, MAX_PRICE_FEN);
      int(pd.packSize, `${what} packSize`, 1, MAX_PACK_SIZE);
      int(pd.onHand, `${what} onHand`, 0, MAX_ON_HAND);
    }
  }

  for (const c of data.compounds) if (c.zone !== undefined) text(c.zone, `compound ${c.key} zone`, 20);

  const volunteers = new Map<string, DemoVolunteer>();
  for (const v of data.volunteers) {
    const who = `volunteer ${v.displayName}`;
    if (volunteers.has(v.displayName)) p(`${who} is listed twice (care requests name volunteers by their display name)`);
    volunteers.set(v.displayName, v);
    text(v.displayName, `${who} displayName`, 30);
    text(v.zone, `${who} zone`, 20);
    int(v.vehicleSeats, `${who} vehicleSeats`, 0, MAX_VEHICLE_SEATS);
    if (v.skills.length === 0) p(`${who} has no skills`);
    if (new Set(v.skills).size !== v.skills.length) p(`${who} lists a skill twice`);
    for (const s of v.skills) if (!Object.values(Skill).includes(s)) p(`${who} has unknown skill ${String(s)}`);
    if (v.skills.includes(Skill.DRIVER) && v.vehicleSeats < 1) p(`${who} is a DRIVER without seats`);
    if (!compounds.has(v.compound)) p(`${who}: no compound ${v.compound}`);
    else if (v.home) checkHome(v.home, v.compound, who);
    if (v.baseOffset) {
      const { north, east } = v.baseOffset;
      if (!Number.isFinite(north) || !Number.isFinite(east) || Math.hypot(north, east) > MAX_BASE_FROM_COMPOUND_METERS) {
        p(`${who}: base offset is not within ${MAX_BASE_FROM_COMPOUND_METERS} m of the compound gate`);
      }
    }
    for (const s of v.shifts ?? []) {
      if (s === 'now') continue;
      const what = `${who} shift on day ${s.day}`;
      int(s.day, `${what}: day`, 0, 14);
      if (!TIME.test(s.from) || !TIME.test(s.to)) p(`${what}: times must be "HH:MM"`);
      else if (s.to <= s.from) p(`${what} ends before it starts`);
      else if (minutesOf(s.to) - minutesOf(s.from) > MAX_SHIFT_HOURS * 60) p(`${what} is longer than ${MAX_SHIFT_HOURS} hours`);
    }
  }

  (data.care ?? []).forEach((r, n) => {
    const who = `care request ${n + 1} (${r.kind} for ${refLabel(r.household)})`;
    if (!households.has(refKey(...r.household))) p(`${who}: household ${refLabel(r.household)} does not exist`);
    int(r.askedMinutesAgo, `${who} askedMinutesAgo`, 0, MAX_ASKED_MINUTES_AGO);
    const w = r.window;
    if (r.urgency === Urgency.EMERGENCY && w) p(`${who}: an emergency has no window (now and the next two hours)`);
    if (r.urgency === Urgency.TODAY && (!w || 'day' in w)) p(`${who}: a request for today gives { hours } from its asking`);
    if (r.urgency === Urgency.SCHEDULED) {
      if (!w || !('day' in w)) p(`${who}: a scheduled request gives { day, at, hours }`);
      else {
        int(w.day, `${who} window day`, 1, 29);
        if (!TIME.test(w.at)) p(`${who}: window time "${w.at}" is not "HH:MM"`);
      }
    }
    if (w && !(w.hours > 0 && w.hours <= MAX_CARE_WINDOW_HOURS)) p(`${who}: window of ${w.hours} hours is not 0-${MAX_CARE_WINDOW_HOURS}`);
    const assigned = r.progress === 'OFFERED' || r.progress === 'ACCEPTED' || r.progress === 'DONE';
    if (assigned && !r.volunteer) p(`${who} is ${r.progress} but names no volunteer`);
    if (!assigned && r.volunteer) p(`${who} is ${r.progress} and names a volunteer`);
    if (r.volunteer && !volunteers.has(r.volunteer)) p(`${who}: no volunteer ${r.volunteer}`);
    if (r.ticked !== undefined) {
      if (r.progress !== 'ACCEPTED') p(`${who}: only an ACCEPTED request gives ticked steps (a DONE one has them all)`);
      int(r.ticked, `${who} ticked`, 0, DEFAULT_PROTOCOLS[r.kind].length);
    }
    if (r.respondWithinMinutes !== undefined && r.progress !== 'OFFERED') p(`${who}: only an OFFERED request gives respondWithinMinutes`);
    const steps = careSteps(r);
    const offered = steps.indexOf('offer');
    if (r.progress === 'OFFERED') {
      int(r.respondWithinMinutes ?? 0, `${who} respondWithinMinutes`, 1, 240);
      if (stepMinutesAgo(r, offered) >= (r.respondWithinMinutes ?? 0)) p(`${who}: the offer would have expired before seeding`);
    } else if (offered >= 0 && stepMinutesAgo(r, offered) - stepMinutesAgo(r, offered + 1) >= ACCEPTED_OFFER_MINUTES) {
      p(`${who}: asked too long ago: its steps are over ${ACCEPTED_OFFER_MINUTES} minutes apart, the offer would expire before it is accepted`);
    }
  });
  (data.surveys ?? []).forEach((s, n) => {
    const who = `survey ${n + 1} (${String(s.kind)})`;
    try {
      surveyOf({ kind: s.kind, found: s.found, note: s.note ?? null }, 'seed', new Date());
    } catch (error) {
      p(`${who}: ${(error as Error).message}`);
    }
    int(s.daysAgo, `${who} daysAgo`, 0, MAX_SURVEY_DAYS_AGO);
  });
  (data.careSeries ?? []).forEach((s, n) => {
    const who = `care series ${n + 1} (${s.purpose} for ${refLabel(s.household)})`;
    if (!households.has(refKey(...s.household))) p(`${who}: household ${refLabel(s.household)} does not exist`);
    int(s.askedMinutesAgo, `${who} askedMinutesAgo`, 0, MAX_ASKED_MINUTES_AGO);
    int(s.weeks, `${who} weeks`, 1, 25);
  });
  return problems;
}

/**
 * Problems of a whole sub-district's data: each community's, plus unique codes, known and symmetric neighbours, and
 * every compound kind present (long-term rentals and shopfront dwellings are the ones committees forget).
 */
export function demoSubDistrictProblems(communities: DemoCommunity[]): string[] {
  const problems = communities.flatMap(demoCommunityProblems);
  const byCode = new Map(communities.map((c) => [c.code, c]));
  if (byCode.size !== communities.length) problems.push('community codes are not unique');
  for (const c of communities) {
    for (const n of c.neighbours) {
      const other = byCode.get(n);
      if (!other) problems.push(`${c.code}: neighbour ${n} is not in the sub-district`);
      else if (!other.neighbours.includes(c.code)) problems.push(`${c.code}: neighbour ${n} does not list ${c.code} back`);
    }
  }
  const kinds = new Set(communities.flatMap((c) => c.compounds.map((k) => k.kind)));
  for (const kind of Object.values(CompoundKind)) {
    if (!kinds.has(kind)) problems.push(`no compound of kind ${kind}`);
  }
  return problems;
}

/**
 * Inserts a community's demo data into its node's three (connected, migrated) domain schemas. Global IDs are made
 * with `code`. Does nothing, and says `skipped: true`, if the groups schema already holds any compound.
 */
/**
 * Seeds a community's demo data through the domains' own rules; `signer` is the community's notice key (its
 * notices are signed as its node would sign them; without a key none are seeded).
 */
export async function seedCommunity(orms: SeedOrms, code: string, data: DemoCommunity, issuer = DEMO_ISSUER, signer?: DocumentSigner): Promise<SeedSummary> {
  const summary: SeedSummary = {
    community: code, compounds: 0, households: 0, groups: 0, shops: 0, products: 0, volunteers: 0, shifts: 0, people: 0, delegations: 0, careRequests: 0, careSeries: 0, surveys: 0, notices: 0, questions: 0, digests: 0, skipped: false,
  };
  if (!isCommunityCode(code)) throw new Error(`seed: "${code}" is not a community code`);
  const problems = demoCommunityProblems(data);
  if (problems.length > 0) throw new Error(`seed: the data for ${code} cannot be seeded:\n  ${problems.join('\n  ')}`);

  const groupsEm = fork(orms.groups);
  if ((await groupsEm.count(Compound, {})) > 0) return { ...summary, skipped: true };

  const now = new Date();

  // groups: compounds, households, mutual-aid groups.
  const { compoundRows, householdRows, groupRows } = await groupsEm.transactional(async (em) => {
    const groupRows: Group[] = [];
    const compoundRows = new Map<string, Compound>();
    const householdRows = new Map<string, Household>();
    for (const c of data.compounds) {
      const compound = em.create(Compound, { name: c.name, kind: c.kind, address: c.address, lat: c.lat, lng: c.lng, createdAt: now });
      compoundRows.set(c.key, compound);
      for (const h of c.households) {
        const household = em.create(Household, { compound, building: h.building, unit: h.unit, room: h.room, tenure: h.tenure, createdAt: now });
        householdRows.set(refKey(c.key, h.building, h.unit, h.room), household);
      }
    }
    for (const g of data.groups) {
      groupRows.push(em.create(Group, { name: g.name, compound: compoundRows.get(g.compound)!, leader: householdRows.get(refKey(...g.leader))!, createdAt: now }));
    }
    // The committee's surveys, through the rule recordCompoundSurvey uses.
    for (const survey of data.surveys ?? []) {
      writeCompoundSurvey(em as never, surveyOf({ kind: survey.kind, found: survey.found, note: survey.note ?? null }, 'seed', new Date(now.getTime() - survey.daysAgo * 86_400_000)));
    }
    await em.flush();
    return { compoundRows, householdRows, groupRows };
  });
  summary.compounds = compoundRows.size;
  summary.households = householdRows.size;
  summary.groups = data.groups.length;
  summary.surveys = data.surveys?.length ?? 0;

  const compoundId = (key: string) => formatGlobalId(code, 'Compound', compoundRows.get(key)!.localId);

  // shops: shops and their products, standing in the compounds just made.
  const shopRows = await fork(orms.shops).transactional(async (em) => {
    const shopRows: Shop[] = [];
    for (const s of data.shops) {
      const shop = em.create(Shop, { name: s.name, kind: s.kind, address: s.address, lat: s.lat, lng: s.lng, compoundId: compoundId(s.compound), createdAt: now });
      for (const pd of s.products) {
        em.create(Product, {
          shop,
          name: pd.name,
          unit: pd.unit,
          priceFen: pd.priceFen,
          packSize: pd.packSize,
          onHand: pd.onHand,
          reserved: 0,
          stockVersion: 0,
          stockUpdatedAt: now,
        });
      }
      shopRows.push(shop);
    }
    await em.flush();
    return shopRows;
  });
  summary.shops = data.shops.length;
  summary.products = data.shops.reduce((n, s) => n + s.products.length, 0);

  // volunteers: living in the compounds just made, homes as household global IDs, setting out from near home.
  const volunteerRows = await fork(orms.volunteers).transactional(async (em) => {
    const volunteerRows: Volunteer[] = [];
    for (const v of data.volunteers) {
      const base = demoVolunteerBase(data, v);
      volunteerRows.push(em.create(Volunteer, {
        displayName: v.displayName,
        skills: [...v.skills],
        vehicleSeats: v.vehicleSeats,
        zone: v.zone,
        available: v.available,
        compoundId: compoundId(v.compound),
        homeHouseholdId: v.home ? formatGlobalId(code, 'Household', householdRows.get(refKey(...v.home))!.localId) : null,
        baseLat: base.lat,
        baseLng: base.lng,
        activeTasks: 0,
        updatedAt: now,
        createdAt: now,
      }));
    }
    await em.flush();
    return volunteerRows;
  });
  summary.volunteers = data.volunteers.length;

  // groups again: who is who, through the same rules the API uses (recordMembership, recordDelegation).
  const people = await fork(orms.groups).transactional(async (em) => {
    const subjects = new Set<string>();
    const grant = async (relation: DemoRelation, what: string, kind: MembershipKind, field: Parameters<typeof recordMembership>[4], targetId?: number) => {
      const subject = demoSubject(relation, what);
      subjects.add(subject);
      await recordMembership(em as never, code, { issuer, subject }, kind, field, targetId, 'seed', null, now);
    };
    const id = (type: string, localId: number) => formatGlobalId(code, type, localId);
    for (const household of householdRows.values()) {
      await grant('resident-of', id('Household', household.localId), MembershipKind.RESIDENT, 'householdId', household.localId);
    }
    for (const group of groupRows) {
      const gid = id('Group', group.localId);
      await grant('leader-of', gid, MembershipKind.LEADER, 'groupId', group.localId);
      await grant('leader-of', gid, MembershipKind.RESIDENT, 'householdId', group.leader.localId);
    }
    for (const shop of shopRows) await grant('merchant-of', id('Shop', shop.localId), MembershipKind.MERCHANT, 'shopId', shop.localId);
    for (const volunteer of volunteerRows) await grant('volunteer', id('Volunteer', volunteer.localId), MembershipKind.VOLUNTEER, 'volunteerId', volunteer.localId);
    await grant('committee-of', code, MembershipKind.COMMITTEE, null);
    await grant('dispatcher-of', code, MembershipKind.DISPATCHER, null);
    await grant('info-officer-of', code, MembershipKind.INFO_OFFICER, null);
    // 代办: the first household of a compound with a group that leads none stands for an elderly household offline,
    // so its helper can sign it up for the group's orders.
    const leaders = new Set(groupRows.map((g) => g.leader.localId));
    const served = new Set(groupRows.map((g) => g.compound.localId));
    const households = [...householdRows.values()].filter((h) => !leaders.has(h.localId));
    const offline = households.find((h) => served.has(h.compound.localId)) ?? households[0];
    let delegations = 0;
    let helped: { householdId: string; subject: string } | null = null;
    if (offline) {
      const hid = id('Household', offline.localId);
      const helper = { issuer, subject: demoSubject('helper-for', hid) };
      // Consented to the day before, so that the helper's demo care request (asked before seeding) falls in it.
      const consentedAt = new Date(now.getTime() - 86_400_000);
      await recordDelegation(em as never, code, offline.localId, helper, [DelegationScopeEnum.GROUP_ORDERS, DelegationScopeEnum.CARE_REQUESTS], '演示数据：老人电话同意，由邻居代办 (demo: consent by phone)', consentedAt, new Date(now.getTime() + 30 * 86_400_000), 'seed', consentedAt);
      delegations += 1;
      helped = { householdId: hid, subject: helper.subject };
    }
    await em.flush();
    return { subjects: subjects.size + delegations, delegations, helped };
  });
  summary.people = people.subjects;
  summary.delegations = people.delegations;

  // volunteers again: care, through the care services, as the people just recorded (the demo's data only).
  const care = await seedCommunityCare(
    orms,
    code,
    data,
    {
      compounds: new Map([...compoundRows.keys()].map((key) => [key, compoundId(key)])),
      households: new Map([...householdRows].map(([key, h]) => [key, formatGlobalId(code, 'Household', h.localId)])),
      volunteers: new Map(data.volunteers.map((v, i) => [v.displayName, formatGlobalId(code, 'Volunteer', volunteerRows[i]!.localId)])),
      helped: people.helped,
    },
    issuer,
    now,
  );
  summary.shifts = care.shifts;
  summary.careRequests = care.requests;
  summary.careSeries = care.series;

  // info: the committee's notices, signed with the community's key.
  if (signer) {
    const first = data.compounds[0]!;
    summary.notices = await seedCommunityNotices(orms, code, data.name, compoundId(first.key), first.name, signer, issuer);
    // Then residents' questions, the officer's answers, and the first digest of all of it.
    const asking = [...householdRows.values()].slice(0, 3).map((h) => formatGlobalId(code, 'Household', h.localId));
    Object.assign(summary, await seedCommunityQuestions(orms, code, asking, signer, issuer));
  }

  return summary;
}
