/**
 * How to call each mutation of the supergraph in a matrix cell: its document, and the input it gets, built against
 * fresh state for every cell (a new order to close, a new pool to accept...) so that one caller's success never
 * decides another caller's outcome. What "the" household, group, shop and volunteer are: see fixtures.ts.
 */
import { inSeconds } from '../support/sub-district';
import { confirmedOrder, delegate, formedOrder, freshHousehold, freshProduct, must, openOrder, pool, seq, signedUp, stranger, type World } from './fixtures';

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
};

/** The GraphQL document of a mutation's cell. */
export function documentOf(mutation: string, c: MutationCase): string {
  return `mutation($i: ${c.inputType}!) { ${mutation}(input: $i) ${c.select ?? '{ __typename }'} }`;
}
