/**
 * How to call each mutation of the supergraph in a matrix cell: its document, and the input it gets, built against
 * fresh state for every cell (a new order to close, a new pool to accept...) so that one caller's success never
 * decides another caller's outcome. What "the" household, group, shop and volunteer are: see fixtures.ts.
 */
import { inSeconds } from '../support/sub-district';
import {
  acceptedCare, careAsk, careRequest, careSeries, confirmedOrder, delegate, formedOrder, freshCompound, freshHousehold, freshProduct, freshVolunteer, must,
  offeredCare, openOrder, pool, seq, seriesAsk, shift, signedUp, stranger, type World,
} from './fixtures';

export interface MutationCase {
  /** What the cell asks for, in words, for the report. */
  target: string;
  /** The input type of the mutation's only argument, `input`. */
  inputType: string;
  /** The selection on the mutation's answer. */
  select?: string;
  /** The input for one cell, against fresh state where the mutation changes it. */
  input: (w: World) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /**
   * Run after every other mutation's cells: a success gives the caller a role (claimHousehold makes them a resident
   * of a household, createGroup the leader of the group they start), which no other cell should see.
   */
  last?: boolean;
  /**
   * Its cells run one at a time (after the other cells of their phase): two successful calls at once would race
   * each other in the database, and the matrix is about who may call, not about that race.
   */
  serial?: boolean;
}

export const CASES: Record<string, MutationCase> = {
  // groups: the community's directory and its records of who is who
  addCompound: {
    target: 'a compound of alpha',
    inputType: 'AddCompoundInput',
    input: () => ({ community: 'alpha', name: `矩阵小区 ${seq()}`, kind: 'COMMODITY_HOUSING', address: '甲路 200 弄', lat: 31.2005, lng: 121.4207 }),
  },
  createGroup: {
    target: "a group of the household's compound, led by the household",
    inputType: 'CreateGroupInput',
    // A resident who starts a group becomes its LEADER: no other cell may see that role.
    last: true,
    input: (w) => ({ compoundId: w.compoundId, name: `矩阵互助群 ${seq()}`, leaderHouseholdId: w.household.id }),
  },
  registerHousehold: {
    target: "a new household of the household's compound",
    inputType: 'RegisterHouseholdInput',
    input: (w) => ({ compoundId: w.compoundId, building: 'R', room: `${seq()}`, tenure: 'OWNER' }),
  },
  publishNotice: {
    target: 'a notice of alpha to the whole community',
    inputType: 'PublishNoticeInput',
    select: '{ id verified }',
    input: () => ({ community: 'alpha', category: 'OTHER', title: `矩阵通知 ${seq()}`, body: '核验用通知。' }),
  },
  recordCompoundSurvey: {
    target: 'a survey of alpha for long-term rental apartments',
    inputType: 'RecordCompoundSurveyInput',
    input: () => ({ community: 'alpha', kind: 'LONG_TERM_RENTAL', found: seq() % 5, note: '矩阵摸排' }),
  },
  grantMembership: {
    target: 'DEPUTY of the group, for a new person',
    inputType: 'GrantMembershipInput',
    input: (w) => ({ community: 'alpha', person: stranger(w), kind: 'DEPUTY', groupId: w.group.id, note: '楼组推选' }),
  },
  revokeMembership: {
    target: "a deputy's membership of the group (granted by the committee just before)",
    inputType: 'RevokeMembershipInput',
    input: async (w) => {
      const data = await must(
        w.cluster.query(
          `mutation($i: GrantMembershipInput!) { grantMembership(input: $i) { id } }`,
          { i: { community: 'alpha', person: stranger(w), kind: 'DEPUTY', groupId: w.group.id } },
          w.tokens.committee,
        ),
      );
      return { membershipId: data.grantMembership.id };
    },
  },
  issueHouseholdCode: {
    target: 'a one-time code for the household',
    inputType: 'IssueHouseholdCodeInput',
    select: '{ code }',
    input: (w) => ({ householdId: w.household.id }),
  },
  claimHousehold: {
    target: 'a fresh household of another compound, with the code the committee just issued for it',
    inputType: 'ClaimHouseholdInput',
    last: true,
    input: async (w) => {
      const householdId = await freshHousehold(w);
      const data = await must(
        w.cluster.query(`mutation($i: IssueHouseholdCodeInput!) { issueHouseholdCode(input: $i) { code } }`, { i: { householdId } }, w.tokens.committee),
      );
      return { community: 'alpha', code: data.issueHouseholdCode.code };
    },
  },
  grantDelegation: {
    target: 'a delegation for the household, to a new helper',
    inputType: 'GrantDelegationInput',
    input: (w) => ({ householdId: w.household.id, helper: stranger(w), scopes: ['GROUP_ORDERS'], consent: '本人当面同意', validUntil: inSeconds(86_400) }),
  },
  revokeDelegation: {
    target: "another helper's delegation for the household (recorded by the committee just before)",
    inputType: 'RevokeDelegationInput',
    input: async (w) => ({ delegationId: await delegate(w.cluster, w.tokens.committee, w.household.id, stranger(w)) }),
  },

  // shops: products and stock
  addProduct: {
    target: 'a product of the shop',
    inputType: 'AddProductInput',
    input: (w) => ({ shopId: w.shop.id, name: `矩阵新品 ${seq()}`, unit: '包', priceFen: 990 }),
  },
  updateProduct: {
    target: "a product of the shop: its price",
    inputType: 'UpdateProductInput',
    input: (w) => ({ productId: w.stockProductId, priceFen: 1000 + seq() }),
  },
  addShop: {
    target: "a shop in the household's compound",
    inputType: 'AddShopInput',
    input: (w) => ({ compoundId: w.compoundId, name: `矩阵小店 ${seq()}`, kind: 'BAKERY', address: '甲路 105 号', lat: 31.2001, lng: 121.4203 }),
  },
  setStock: {
    target: 'a fresh product of the shop: its count',
    inputType: 'SetStockInput',
    input: async (w) => {
      const p = await freshProduct(w);
      return { productId: p.id, onHand: 12, expectedVersion: p.version, reason: '盘点' };
    },
  },
  adjustStock: {
    target: 'a product of the shop: one unit delivered',
    inputType: 'AdjustStockInput',
    input: (w) => ({ productId: w.stockProductId, delta: 1, reason: '到货' }),
  },
  updateStock: {
    target: 'a product of the shop, in a batch: one unit delivered',
    inputType: 'UpdateStockInput',
    select: '{ id }',
    input: (w) => ({ shopId: w.shop.id, items: [{ productId: w.stockProductId, delta: 1 }], reason: '批量到货' }),
  },
  importStockCsv: {
    target: 'a fresh product of the shop, counted in a CSV',
    inputType: 'ImportStockCsvInput',
    select: '{ id }',
    input: async (w) => {
      const p = await freshProduct(w);
      return { shopId: w.shop.id, csv: `product_id,on_hand,expected_version\n${p.id},7,${p.version}\n`, reason: '盘点' };
    },
  },

  // shops: group orders 团购
  openGroupOrder: {
    target: 'a group order of the group with the shop',
    inputType: 'OpenGroupOrderInput',
    input: (w) => ({
      shopId: w.shop.id, groupId: w.group.id, title: '矩阵团购', deadline: inSeconds(600), minimumKind: 'HOUSEHOLDS', minimum: 1, handOut: 'PICKUP_AT_SHOP', productIds: [w.productId],
    }),
  },
  closeGroupOrder: {
    target: "a fresh open order of the group",
    inputType: 'GroupOrderActionInput',
    input: async (w) => ({ orderId: await openOrder(w) }),
  },
  confirmGroupOrder: {
    target: "a fresh formed order of the group with the shop",
    inputType: 'GroupOrderActionInput',
    input: async (w) => ({ orderId: await formedOrder(w) }),
  },
  markHandedOver: {
    target: "a fresh confirmed order of the group with the shop",
    inputType: 'GroupOrderActionInput',
    input: async (w) => ({ orderId: await confirmedOrder(w) }),
  },
  signUp: {
    target: "the household, in a fresh open order of its compound's group",
    inputType: 'SignUpInput',
    input: async (w) => ({ orderId: await openOrder(w), householdId: w.household.id, lines: [{ productId: w.productId, quantity: 2 }] }),
  },
  withdrawSignUp: {
    target: 'the household, from a fresh open order it signed up for',
    inputType: 'WithdrawSignUpInput',
    input: async (w) => {
      const orderId = await openOrder(w);
      await signedUp(w, orderId);
      return { orderId, householdId: w.household.id };
    },
  },

  // shops: pools 拼单
  openPool: {
    target: "a pool for a product of the shop",
    inputType: 'OpenPoolInput',
    input: (w) => ({ productId: w.productId, minimumPacks: 1, deadline: inSeconds(600) }),
  },
  acceptPool: {
    target: "a fresh pool the group's leader proposed at the shop",
    inputType: 'PoolActionInput',
    input: async (w) => ({ poolId: await pool(w, 'leader') }),
  },
  declinePool: {
    target: "a fresh pool the group's leader proposed at the shop",
    inputType: 'DeclinePoolInput',
    input: async (w) => ({ poolId: await pool(w, 'leader'), reason: '不送这个小区' }),
  },
  joinPool: {
    target: "a fresh open order of the group, into a fresh pool the shop's merchant opened",
    inputType: 'JoinPoolInput',
    input: async (w) => {
      const [poolId, orderId] = await Promise.all([pool(w, 'merchant'), openOrder(w)]);
      return { poolId, orderId, tolerance: 0 };
    },
  },
  closePool: {
    target: "a fresh pool the shop's merchant opened",
    inputType: 'PoolActionInput',
    input: async (w) => ({ poolId: await pool(w, 'merchant') }),
  },

  // volunteers
  registerVolunteer: {
    target: "a volunteer of the household's compound",
    inputType: 'RegisterVolunteerInput',
    input: (w) => ({ compoundId: w.compoundId, displayName: `矩阵志愿者${seq()}`, skills: ['DELIVERY'], zone: 'A片' }),
  },
  setAvailability: {
    target: 'the volunteer: available',
    inputType: 'SetAvailabilityInput',
    input: (w) => ({ volunteerId: w.volunteerId, available: true }),
  },

  // volunteers: care 求助 (medicine pick-ups, medical trips, urgent help), its dispatch and the volunteers' shifts
  requestCare: {
    target: 'a medical trip for the household',
    inputType: 'RequestCareInput',
    select: '{ id }',
    input: (w) => careAsk(w),
  },
  triageCareRequest: {
    target: "a fresh submitted care request of the household: accepted as a task",
    inputType: 'TriageCareInput',
    select: '{ status }',
    input: async (w) => ({ requestId: await careRequest(w), decision: 'ACCEPT' }),
  },
  offerCareTask: {
    target: 'a fresh submitted care request of the household, to a fresh volunteer (a driver) dispatch just registered',
    inputType: 'OfferCareTaskInput',
    select: '{ status }',
    input: async (w) => {
      const [requestId, volunteerId] = await Promise.all([careRequest(w), freshVolunteer(w)]);
      return { requestId, volunteerId, respondWithinMinutes: 240 };
    },
  },
  respondToCareOffer: {
    target: 'a fresh care request of the household offered to the volunteer: accepted',
    inputType: 'RespondToCareOfferInput',
    select: '{ status }',
    input: async (w) => ({ requestId: await offeredCare(w), accept: true }),
  },
  startCareTask: {
    target: 'a fresh care request of the household the volunteer accepted: under way',
    inputType: 'CareTaskInput',
    select: '{ status }',
    input: async (w) => ({ requestId: await acceptedCare(w) }),
  },
  tickProtocolStep: {
    target: "a fresh care request of the household the volunteer accepted: its protocol's first step",
    inputType: 'TickProtocolStepInput',
    select: '{ status }',
    input: async (w) => ({ requestId: await acceptedCare(w), position: 1 }),
  },
  finishCareTask: {
    target: 'a fresh care request of the household the volunteer accepted: FAILED, with the reason',
    inputType: 'FinishCareTaskInput',
    select: '{ status }',
    // FAILED from ACCEPTED: dispatch may record a failure too; DONE needs UNDER_WAY and every required step ticked.
    input: async (w) => ({ requestId: await acceptedCare(w), outcome: 'FAILED', reason: '车辆故障，无法出车' }),
  },
  cancelCareRequest: {
    target: 'a fresh submitted care request of the household',
    inputType: 'CancelCareRequestInput',
    select: '{ status }',
    input: async (w) => ({ requestId: await careRequest(w), reason: '家属已自行送医' }),
  },
  setCareProtocol: {
    target: "alpha's protective protocol for medicine pick-ups (no other cell's task is a pick-up)",
    inputType: 'SetCareProtocolInput',
    select: '{ position }',
    // The protocol of a kind is replaced as a whole (delete, then insert): two at once collide on (kind, position).
    serial: true,
    input: () => ({
      community: 'alpha',
      kind: 'MEDICINE_PICKUP',
      steps: [
        { label: '穿戴防护服、N95 口罩、手套', labelEn: 'Protective suit, N95 mask and gloves on', required: true },
        { label: '在药房配药，核对药品清单', labelEn: 'Medicine collected and checked against the list', required: true },
        { label: '药品交还居民（无接触）', labelEn: 'Medicine handed over (no contact)', required: true },
      ],
    }),
  },
  setCompoundZone: {
    target: 'a fresh compound of alpha the committee just added: its dispatch zone',
    inputType: 'SetCompoundZoneInput',
    // The answer is the zone itself, a String.
    select: '',
    input: async (w) => ({ compoundId: await freshCompound(w), zone: 'B片' }),
  },
  startCareSeries: {
    target: 'a series of dialysis trips for the household (three a week, four weeks)',
    inputType: 'StartCareSeriesInput',
    select: '{ id }',
    input: (w) => seriesAsk(w),
  },
  stopCareSeries: {
    target: 'a fresh series of trips for the household, started by dispatch',
    inputType: 'StopCareSeriesInput',
    select: '{ stoppedAt }',
    input: async (w) => ({ seriesId: await careSeries(w) }),
  },
  addShift: {
    target: 'a shift of the volunteer (an hour, in two days)',
    inputType: 'AddShiftInput',
    select: '{ id }',
    input: (w) => {
      const startsAt = Date.now() + 2 * 86_400_000;
      return { volunteerId: w.volunteerId, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 3_600_000).toISOString() };
    },
  },
  removeShift: {
    target: 'a fresh shift of the volunteer, added by dispatch',
    inputType: 'RemoveShiftInput',
    // The answer is a Boolean.
    select: '',
    input: async (w) => ({ volunteerId: w.volunteerId, shiftId: await shift(w) }),
  },
  // info: the Q&A list and digests (information officers and committee staff, info/access.ts)
  askQuestion: {
    target: 'a question for the household',
    inputType: 'AskQuestionInput',
    select: '{ id }',
    input: (w) => ({ householdId: w.household.id, text: `矩阵问题 ${seq()}` }),
  },
  answerQuestion: {
    target: 'a fresh open question of the household',
    inputType: 'AnswerQuestionInput',
    select: '{ status }',
    input: async (w) => ({ questionId: await question(w), answer: '矩阵回答。' }),
  },
  mergeQuestion: {
    target: 'a fresh open question of the household, into another fresh one',
    inputType: 'MergeQuestionInput',
    select: '{ status }',
    input: async (w) => ({ questionId: await question(w), intoId: await question(w) }),
  },
  closeQuestion: {
    target: 'a fresh open question of the household',
    inputType: 'CloseQuestionInput',
    select: '{ status }',
    input: async (w) => ({ questionId: await question(w), reason: '矩阵关闭。' }),
  },
  setDigestInterval: {
    target: "alpha's digest interval",
    inputType: 'SetDigestIntervalInput',
    select: '{ intervalMinutes }',
    input: () => ({ community: 'alpha', minutes: 60 }),
  },
  draftDigest: {
    target: "alpha's digest draft, made or refreshed",
    inputType: 'DraftDigestInput',
    select: '{ id }',
    // One open draft per community: the digest cells share it, so they run one at a time.
    serial: true,
    input: () => ({ community: 'alpha' }),
  },
  updateDigestDraft: {
    target: "alpha's open digest draft (made by the committee just before)",
    inputType: 'UpdateDigestDraftInput',
    select: '{ id }',
    serial: true,
    input: async (w) => ({ digestId: await digestDraft(w), title: `矩阵简报 ${seq()}` }),
  },
  publishDigest: {
    target: "alpha's open digest draft (made by the committee just before)",
    inputType: 'PublishDigestInput',
    select: '{ id }',
    serial: true,
    input: async (w) => ({ digestId: await digestDraft(w) }),
  },
  // webhooks: a partner app's endpoints in alpha (webhooks/access.ts). Every cell of a mutation shares one endpoint
  // of the partner's (webhookEndpoint below): one partner cell per mutation, and a cell's outcome never depends on
  // the others' (pausing a paused endpoint and resuming an active one change nothing; only the partner gets as far
  // as the endpoint for replay, rotate and remove).
  registerWebhook: {
    target: "a partner app's endpoint for alpha's notices",
    inputType: 'RegisterWebhookInput',
    select: '{ secret }',
    input: () => ({ community: 'alpha', url: `https://partner.example.org/matrix/${seq()}`, eventTypes: ['NOTICE_PUBLISHED'] }),
  },
  pauseWebhook: {
    target: "the partner app's endpoint for pausing",
    inputType: 'PauseWebhookInput',
    select: '{ status }',
    input: async (w) => ({ endpointId: await webhookEndpoint(w, 'pause') }),
  },
  resumeWebhook: {
    target: "the partner app's endpoint it paused itself",
    inputType: 'WebhookEndpointInput',
    select: '{ status }',
    input: async (w) => ({ endpointId: await webhookEndpoint(w, 'resume', true) }),
  },
  replayWebhook: {
    target: "the partner app's endpoint, from sequence 1",
    inputType: 'ReplayWebhookInput',
    select: '{ lastSequence }',
    input: async (w) => ({ endpointId: await webhookEndpoint(w, 'replay'), fromSequence: 1 }),
  },
  rotateWebhookSecret: {
    target: "the partner app's endpoint",
    inputType: 'WebhookEndpointInput',
    select: '{ secret }',
    input: async (w) => ({ endpointId: await webhookEndpoint(w, 'rotate') }),
  },
  removeWebhook: {
    target: "the partner app's endpoint for removing",
    inputType: 'WebhookEndpointInput',
    select: '{ status }',
    input: async (w) => ({ endpointId: await webhookEndpoint(w, 'remove') }),
  },
};

const endpoints = new Map<string, Promise<string>>();

/** The partner app's endpoint in alpha for one mutation's cells, registered (and paused by it, if asked) once; its ID. */
function webhookEndpoint(w: World, purpose: string, paused = false): Promise<string> {
  let endpoint = endpoints.get(purpose);
  if (!endpoint) {
    endpoint = (async () => {
      const data = await must(
        w.cluster.query(
          `mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { endpoint { id } } }`,
          { i: { community: 'alpha', url: `https://partner.example.org/matrix/${purpose}`, eventTypes: ['NOTICE_PUBLISHED'] } },
          w.tokens.partner,
        ),
      );
      const id = data.registerWebhook.endpoint.id as string;
      if (paused) await must(w.cluster.query(`mutation($i: PauseWebhookInput!) { pauseWebhook(input: $i) { status } }`, { i: { endpointId: id } }, w.tokens.partner));
      return id;
    })();
    endpoints.set(purpose, endpoint);
  }
  return endpoint;
}

/** A fresh open question, asked by the household's resident; returns its ID. */
async function question(w: World): Promise<string> {
  const data = await must(w.cluster.query(`mutation($i: AskQuestionInput!) { askQuestion(input: $i) { id } }`, { i: { householdId: w.household.id, text: `矩阵问题 ${seq()}` } }, w.tokens.resident));
  return data.askQuestion.id;
}

/** Alpha's open digest draft, made (or refreshed) by the committee; returns its ID. */
async function digestDraft(w: World): Promise<string> {
  const data = await must(w.cluster.query(`mutation($i: DraftDigestInput!) { draftDigest(input: $i) { id } }`, { i: { community: 'alpha' } }, w.tokens.committee));
  return data.draftDigest.id;
}

/** The GraphQL document of a mutation's cell. */
export function documentOf(mutation: string, c: MutationCase): string {
  return `mutation($i: ${c.inputType}!) { ${mutation}(input: $i) ${c.select ?? '{ __typename }'} }`;
}
