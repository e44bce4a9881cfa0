/**
 * The world the authorization matrix runs in: one community (alpha) whose household, group, shop and volunteer
 * every cell is about, one caller per kind of person (each holding exactly the one role that names them), and
 * builders for the fresh state a cell needs (an open order, a formed one, a proposed pool...), made through the hub
 * as the people who would make them.
 */
import { TEST_COMMUNITIES } from '../../../ops/src/seed';
import { TEST_ISSUER } from '../../../ops/src/cluster';
import type { GraphQLAnswer, TestCluster } from '../support/cluster';
import { groupOf, household } from '../support/orders';
import { inSeconds, lookUp, type CommunityInfo, type GroupInfo, type HouseholdInfo, type ShopInfo } from '../support/sub-district';

/** The communities the matrix runs: alpha, where everything happens, and beta, for "of another community". */
export const MATRIX_COMMUNITIES = TEST_COMMUNITIES.filter((c) => c.code === 'alpha' || c.code === 'beta');

/**
 * Every kind of caller, in the matrix's column order. "The" household, group, shop and volunteer are the ones in
 * `World`; "other" means another one of the same community.
 */
export const CALLERS = [
  'anonymous',
  'resident', // RESIDENT of the household
  'resident2', // RESIDENT of another household of the same compound
  'leader', // LEADER of the group (of the household's compound)
  'leader2', // LEADER of another group of the community
  'merchant', // MERCHANT of the shop
  'merchant2', // MERCHANT of another shop of the community
  'volunteer', // VOLUNTEER: the volunteer record
  'dispatcher', // DISPATCHER of the community
  'infoOfficer', // INFO_OFFICER of the community
  'committee', // COMMITTEE staff of the community
  'committee2', // COMMITTEE staff of another community (beta)
  'subdistrict', // sub-district staff (hub grant)
  'partner', // partner app (hub grant)
  'helper', // helper with a delegation (代办) for the household: GROUP_ORDERS and CARE_REQUESTS
  'helper0', // helper whose delegation for the household was revoked
] as const;
export type CallerKind = (typeof CALLERS)[number];

export interface World {
  cluster: TestCluster;
  alpha: CommunityInfo;
  beta: CommunityInfo;
  /** The household's compound (alpha-lane), whose group is `group`. */
  compoundId: string;
  /** Another compound of alpha (alpha-court), where fresh households that nobody else uses are registered. */
  otherCompoundId: string;
  household: HouseholdInfo;
  household2: HouseholdInfo;
  group: GroupInfo;
  group2: GroupInfo;
  shop: ShopInfo;
  shop2: ShopInfo;
  volunteerId: string;
  /** A product of the shop with plenty on the shelf, pack size 1: every order and pool of the matrix sells it. */
  productId: string;
  /** A product of the shop for stock changes by delta (adjustStock, updateStock). */
  stockProductId: string;
  /** A token per caller kind (undefined: anonymous). */
  tokens: Record<CallerKind, string | undefined>;
  /** The helpers' identities, as grantDelegation names them. */
  helperIdentity: { issuer: string; subject: string };
}

let counter = 0;
/** A number unique in this test run, for addresses, names and subjects. */
export const seq = () => ++counter;

export async function must<T = any>(answer: Promise<GraphQLAnswer<T>> | GraphQLAnswer<T>): Promise<T> {
  const a = await answer;
  if (a.errors) throw new Error(`setup step failed: ${JSON.stringify(a.errors)}`);
  return a.data!;
}

export async function buildWorld(cluster: TestCluster): Promise<World> {
  const ids = await lookUp(cluster);
  const alpha = ids.get('alpha')!;
  const beta = ids.get('beta')!;
  const lane = alpha.compounds.find((c) => c.name === '甲里')!;
  const court = alpha.compounds.find((c) => c.name === '甲苑')!;
  const group = alpha.groups.find((g) => g.compoundId === lane.id)!;
  const home = lane.households.find((h) => h.id !== group.leaderHouseholdId)!;
  const home2 = await household(cluster, alpha, lane.id, '1', '301');
  const group2 = await groupOf(cluster, alpha, alpha.compounds.indexOf(court));
  const [shop, shop2] = [alpha.shops[0]!, alpha.shops[1]!];
  const volunteers = await must(cluster.query(`{ community(code: "alpha") { volunteers { id displayName } } }`));
  const volunteerId = volunteers.community.volunteers.find((v: { displayName: string }) => v.displayName === '甲师傅').id as string;

  const issuer = TEST_ISSUER;
  const committee = await cluster.token([{ role: 'committee', community: 'alpha' }], 'matrix:committee');
  const merchant = await cluster.token([{ role: 'merchant', shop: shop.id }], 'matrix:merchant');
  const tokens: Record<CallerKind, string | undefined> = {
    anonymous: undefined,
    resident: await cluster.token([{ role: 'resident', household: home.id }], 'matrix:resident'),
    resident2: await cluster.token([{ role: 'resident', household: home2.id }], 'matrix:resident2'),
    leader: await cluster.token([{ role: 'leader', group: group.id }], 'matrix:leader'),
    leader2: await cluster.token([{ role: 'leader', group: group2.id }], 'matrix:leader2'),
    merchant,
    merchant2: await cluster.token([{ role: 'merchant', shop: shop2.id }], 'matrix:merchant2'),
    volunteer: await cluster.token([{ role: 'volunteer', volunteer: volunteerId }], 'matrix:volunteer'),
    dispatcher: await cluster.token([{ role: 'dispatcher', community: 'alpha' }], 'matrix:dispatcher'),
    infoOfficer: await cluster.token([{ role: 'info_officer', community: 'alpha' }], 'matrix:info-officer'),
    committee,
    committee2: await cluster.token([{ role: 'committee', community: 'beta' }], 'matrix:committee-beta'),
    subdistrict: await cluster.token([{ role: 'subdistrict' }]),
    partner: await cluster.token([{ role: 'partner' }], 'matrix:partner'),
    helper: await cluster.token([], 'matrix:helper'),
    helper0: await cluster.token([], 'matrix:helper-revoked'),
  };
  const helperIdentity = { issuer, subject: 'matrix:helper' };
  // The committee records both helpers' delegations for the household; the second is revoked at once.
  await delegate(cluster, committee, home.id, helperIdentity);
  const revoked = await delegate(cluster, committee, home.id, { issuer, subject: 'matrix:helper-revoked' });
  await must(cluster.query(`mutation($i: RevokeDelegationInput!) { revokeDelegation(input: $i) { active } }`, { i: { delegationId: revoked } }, committee));

  const productId = await product(cluster, merchant, shop.id, '矩阵大米 5kg', 100_000);
  const stockProductId = await product(cluster, merchant, shop.id, '矩阵挂面', 1_000);
  return {
    cluster, alpha, beta, compoundId: lane.id, otherCompoundId: court.id, household: home, household2: home2, group, group2,
    shop, shop2, volunteerId, productId, stockProductId, tokens, helperIdentity,
  };
}

/** The committee records that `helper` may act for the household (both scopes, a day); returns the delegation's ID. */
export async function delegate(cluster: TestCluster, committee: string | undefined, householdId: string, helper: { issuer: string; subject: string }): Promise<string> {
  const data = await must(
    cluster.query(
      `mutation($i: GrantDelegationInput!) { grantDelegation(input: $i) { id } }`,
      { i: { householdId, helper, scopes: ['GROUP_ORDERS', 'CARE_REQUESTS'], consent: '本人电话同意', validUntil: inSeconds(86_400) } },
      committee,
    ),
  );
  return data.grantDelegation.id;
}

/** The merchant adds a product and puts `onHand` on the shelf; returns its ID. */
export async function product(cluster: TestCluster, merchant: string | undefined, shopId: string, name: string, onHand: number): Promise<string> {
  const added = await must(
    cluster.query(`mutation($i: AddProductInput!) { addProduct(input: $i) { id stock { version } } }`, { i: { shopId, name, unit: '袋', priceFen: 3000 } }, merchant),
  );
  const id = added.addProduct.id as string;
  await must(
    cluster.query(`mutation($i: SetStockInput!) { setStock(input: $i) { id } }`, { i: { productId: id, onHand, expectedVersion: added.addProduct.stock.version } }, merchant),
  );
  return id;
}

/** A fresh product of the shop, nothing on the shelf: its ID and stock version. */
export async function freshProduct(w: World): Promise<{ id: string; version: number }> {
  const added = await must(
    w.cluster.query(`mutation($i: AddProductInput!) { addProduct(input: $i) { id stock { version } } }`, { i: { shopId: w.shop.id, name: `矩阵商品 ${seq()}`, unit: '件', priceFen: 100 } }, w.tokens.merchant),
  );
  return { id: added.addProduct.id, version: added.addProduct.stock.version };
}

/** A fresh group order of the group with the shop, open for ten minutes, selling the matrix product. */
export async function openOrder(w: World): Promise<string> {
  const data = await must(
    w.cluster.query(
      `mutation($i: OpenGroupOrderInput!) { openGroupOrder(input: $i) { id } }`,
      { i: { shopId: w.shop.id, groupId: w.group.id, title: '矩阵团购', deadline: inSeconds(600), minimumKind: 'HOUSEHOLDS', minimum: 1, handOut: 'DELIVERY_TO_GATE', productIds: [w.productId] } },
      w.tokens.leader,
    ),
  );
  return data.openGroupOrder.id;
}

/** The household signs up for the order, one unit. */
export async function signedUp(w: World, orderId: string): Promise<void> {
  await must(
    w.cluster.query(
      `mutation($i: SignUpInput!) { signUp(input: $i) { id } }`,
      { i: { orderId, householdId: w.household.id, lines: [{ productId: w.productId, quantity: 1 }] } },
      w.tokens.resident,
    ),
  );
}

/** A fresh order the household signed up for and the leader closed: FORMED. */
export async function formedOrder(w: World): Promise<string> {
  const orderId = await openOrder(w);
  await signedUp(w, orderId);
  const data = await must(w.cluster.query(`mutation($i: GroupOrderActionInput!) { closeGroupOrder(input: $i) { status } }`, { i: { orderId } }, w.tokens.leader));
  if (data.closeGroupOrder.status !== 'FORMED') throw new Error(`setup: order ${orderId} is ${data.closeGroupOrder.status}, not FORMED`);
  return orderId;
}

/** A fresh order the merchant confirmed: CONFIRMED. */
export async function confirmedOrder(w: World): Promise<string> {
  const orderId = await formedOrder(w);
  await must(w.cluster.query(`mutation($i: GroupOrderActionInput!) { confirmGroupOrder(input: $i) { status } }`, { i: { orderId } }, w.tokens.merchant));
  return orderId;
}

/** A fresh pool for the matrix product: opened by the merchant (OPEN), or proposed by the group's leader (PROPOSED). */
export async function pool(w: World, by: 'merchant' | 'leader'): Promise<string> {
  const data = await must(
    w.cluster.query(`mutation($i: OpenPoolInput!) { openPool(input: $i) { id status } }`, { i: { productId: w.productId, minimumPacks: 1, deadline: inSeconds(600) } }, w.tokens[by]),
  );
  const expected = by === 'merchant' ? 'OPEN' : 'PROPOSED';
  if (data.openPool.status !== expected) throw new Error(`setup: pool ${data.openPool.id} is ${data.openPool.status}, not ${expected}`);
  return data.openPool.id;
}

/** A fresh household in the other compound, registered by the committee; nobody lives there yet. */
export async function freshHousehold(w: World): Promise<string> {
  const data = await must(
    w.cluster.query(
      `mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { id } }`,
      { i: { compoundId: w.otherCompoundId, building: 'M', room: `${seq()}`, tenure: 'TENANT' } },
      w.tokens.committee,
    ),
  );
  return data.registerHousehold.id;
}

/** A person nobody knows yet, as grant inputs name them. */
export const stranger = (w: World) => ({ issuer: w.helperIdentity.issuer, subject: `matrix:stranger-${seq()}` });

// ---- care: requests, offers, series, shifts ----------------------------------------------------------------------

const MINUTE = 60_000;
let windowsFrom: number | undefined;
let windowsTaken = 0;

/**
 * A window of its own for a care task: 30 minutes, each 40 minutes after the one before, from an hour after the
 * first was asked for. Offering a task holds the volunteer for its window (a second overlapping offer is refused
 * with VOLUNTEER_BUSY), and every respondToCareOffer, startCareTask, tickProtocolStep and finishCareTask cell
 * offers a fresh task to "the" volunteer: no two of them may overlap.
 */
export function careWindow(): { windowStart: string; windowEnd: string } {
  windowsFrom ??= Date.now() + 60 * MINUTE;
  const start = windowsFrom + windowsTaken++ * 40 * MINUTE;
  return { windowStart: new Date(start).toISOString(), windowEnd: new Date(start + 30 * MINUTE).toISOString() };
}

/**
 * What the household asks for: a dialysis trip for one, in a window of its own. A medical trip needs a DRIVER with
 * a seat, which "the" volunteer (甲师傅: DRIVER, ESCORT, 4 seats) is; a medicine pick-up would need MEDICINE_PICKUP.
 */
export function careAsk(w: World): Record<string, unknown> {
  return {
    householdId: w.household.id, kind: 'MEDICAL_TRIP', purpose: 'DIALYSIS', destination: '瑞金医院血透室', urgency: 'SCHEDULED',
    ...careWindow(), passengers: 1, contactPhone: '021-5555 0101',
  };
}

/** A fresh care request of the household, taken by dispatch on the phone: SUBMITTED. */
export async function careRequest(w: World): Promise<string> {
  const data = await must(w.cluster.query(`mutation($i: RequestCareInput!) { requestCare(input: $i) { id status } }`, { i: careAsk(w) }, w.tokens.dispatcher));
  if (data.requestCare.status !== 'SUBMITTED') throw new Error(`setup: care request ${data.requestCare.id} is ${data.requestCare.status}, not SUBMITTED`);
  return data.requestCare.id;
}

/** A fresh care request dispatch offered to "the" volunteer (four hours to answer): OFFERED. */
export async function offeredCare(w: World): Promise<string> {
  const requestId = await careRequest(w);
  const data = await must(
    w.cluster.query(
      `mutation($i: OfferCareTaskInput!) { offerCareTask(input: $i) { status } }`,
      { i: { requestId, volunteerId: w.volunteerId, respondWithinMinutes: 240 } },
      w.tokens.dispatcher,
    ),
  );
  if (data.offerCareTask.status !== 'OFFERED') throw new Error(`setup: care request ${requestId} is ${data.offerCareTask.status}, not OFFERED`);
  return requestId;
}

/** A fresh care request "the" volunteer accepted: ACCEPTED, with the standard protocol of a medical trip to tick. */
export async function acceptedCare(w: World): Promise<string> {
  const requestId = await offeredCare(w);
  const data = await must(
    w.cluster.query(`mutation($i: RespondToCareOfferInput!) { respondToCareOffer(input: $i) { status } }`, { i: { requestId, accept: true } }, w.tokens.volunteer),
  );
  if (data.respondToCareOffer.status !== 'ACCEPTED') throw new Error(`setup: care request ${requestId} is ${data.respondToCareOffer.status}, not ACCEPTED`);
  return requestId;
}

/** A fresh volunteer of the household's compound, registered by dispatch: a driver with four seats, holding nothing. */
export async function freshVolunteer(w: World): Promise<string> {
  const data = await must(
    w.cluster.query(
      `mutation($i: RegisterVolunteerInput!) { registerVolunteer(input: $i) { id } }`,
      { i: { compoundId: w.compoundId, displayName: `矩阵司机${seq()}`, skills: ['DRIVER'], vehicleSeats: 4, zone: 'A片' } },
      w.tokens.dispatcher,
    ),
  );
  return data.registerVolunteer.id;
}

/** A Shanghai day ("YYYY-MM-DD") `days` from today. */
const shanghaiDay = (days: number) => new Date(Date.now() + 8 * 60 * MINUTE + days * 1440 * MINUTE).toISOString().slice(0, 10);

/** A recurring dialysis trip for the household, Monday, Wednesday and Friday for four weeks from tomorrow. */
export function seriesAsk(w: World): Record<string, unknown> {
  return {
    householdId: w.household.id, purpose: 'DIALYSIS', destination: '瑞金医院血透室', weekdays: [1, 3, 5], startTime: '07:30', durationMinutes: 240,
    firstDay: shanghaiDay(1), lastDay: shanghaiDay(28), contactPhone: '021-5555 0101',
  };
}

/** A fresh series of trips for the household, started by dispatch on the phone; returns its ID. */
export async function careSeries(w: World): Promise<string> {
  const data = await must(w.cluster.query(`mutation($i: StartCareSeriesInput!) { startCareSeries(input: $i) { id } }`, { i: seriesAsk(w) }, w.tokens.dispatcher));
  return data.startCareSeries.id;
}

/** A fresh shift of "the" volunteer (an hour, starting in a day), added by dispatch; returns its ID. */
export async function shift(w: World): Promise<string> {
  const startsAt = Date.now() + 1440 * MINUTE;
  const data = await must(
    w.cluster.query(
      `mutation($i: AddShiftInput!) { addShift(input: $i) { id } }`,
      { i: { volunteerId: w.volunteerId, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 60 * MINUTE).toISOString() } },
      w.tokens.dispatcher,
    ),
  );
  return data.addShift.id;
}

/** A fresh compound of alpha, added by the committee: nobody's requests fall in its zone yet. */
export async function freshCompound(w: World): Promise<string> {
  const data = await must(
    w.cluster.query(
      `mutation($i: AddCompoundInput!) { addCompound(input: $i) { id } }`,
      { i: { community: 'alpha', name: `矩阵新村 ${seq()}`, kind: 'COMMODITY_HOUSING', address: '甲路 300 弄', lat: 31.2011, lng: 121.4219 } },
      w.tokens.committee,
    ),
  );
  return data.addCompound.id;
}
