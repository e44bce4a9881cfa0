/** Group orders and pools as their users make them, through the hub: committee, leaders, residents, merchants. */
import type { GraphQLAnswer, TestCluster } from './cluster';
import { inSeconds, leaderToken, merchantToken, residentToken, type CommunityInfo, type GroupInfo, type HouseholdInfo } from './sub-district';

function must<T>(answer: GraphQLAnswer<T>): T {
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data!;
}

/** Registers a household in a compound, as its committee would. */
export async function household(cluster: TestCluster, community: CommunityInfo, compoundId: string, building: string, room: string): Promise<HouseholdInfo> {
  const data = must(
    await cluster.query(
      `mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { id address building } }`,
      { i: { compoundId, building, room, tenure: 'TENANT' } },
      await cluster.token([{ role: 'committee', community: community.code }]),
    ),
  );
  return { ...data.registerHousehold, compoundId };
}

/** The group of a compound, created by the committee (with a new leader household) when it has none. */
export async function groupOf(cluster: TestCluster, community: CommunityInfo, compoundIndex: number): Promise<GroupInfo> {
  const compound = community.compounds[compoundIndex]!;
  const existing = community.groups.find((g) => g.compoundId === compound.id);
  if (existing) return existing;
  const leader = await household(cluster, community, compound.id, '9', `9${compoundIndex}1`);
  const data = must(
    await cluster.query(
      `mutation($i: CreateGroupInput!) { createGroup(input: $i) { id } }`,
      { i: { compoundId: compound.id, name: `${compound.name}互助群`, leaderHouseholdId: leader.id } },
      await cluster.token([{ role: 'committee', community: community.code }]),
    ),
  );
  const group = { id: data.createGroup.id as string, compoundId: compound.id, leaderHouseholdId: leader.id };
  community.groups.push(group);
  return group;
}

export async function openOrder(cluster: TestCluster, shopId: string, group: GroupInfo, productIds: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const data = must(
    await cluster.query(
      `mutation($i: OpenGroupOrderInput!) { openGroupOrder(input: $i) { id } }`,
      { i: { shopId, groupId: group.id, title: '大米团购', deadline: inSeconds(7), minimumKind: 'HOUSEHOLDS', minimum: 1, handOut: 'DELIVERY_TO_GATE', productIds, ...extra } },
      await leaderToken(cluster, group),
    ),
  );
  return data.openGroupOrder.id as string;
}

/** A resident of the household signs up (recorded as living there first, see `residentToken`). */
export async function signUp(cluster: TestCluster, h: HouseholdInfo, orderId: string, productId: string, quantity: number, idempotencyKey?: string) {
  return signUpWith(cluster, await residentToken(cluster, h), h, orderId, productId, quantity, idempotencyKey);
}

/** A sign-up with a token minted beforehand: for races, where minting must not delay the sign-ups. */
export function signUpWith(cluster: TestCluster, token: string, h: HouseholdInfo, orderId: string, productId: string, quantity: number, idempotencyKey?: string) {
  return cluster.query(
    `mutation($i: SignUpInput!) { signUp(input: $i) { id position lines { quantity } } }`,
    { i: { orderId, householdId: h.id, lines: [{ productId, quantity }], ...(idempotencyKey ? { idempotencyKey } : {}) } },
    token,
  );
}

export async function withdraw(cluster: TestCluster, h: HouseholdInfo, orderId: string) {
  return cluster.query(`mutation($i: WithdrawSignUpInput!) { withdrawSignUp(input: $i) { id } }`, { i: { orderId, householdId: h.id } }, await residentToken(cluster, h));
}

/** The shop's merchant opens a pool (accepted at once). */
export async function openPool(cluster: TestCluster, shopId: string, productId: string, minimumPacks: number, seconds = 8): Promise<string> {
  const data = must(
    await cluster.query(
      `mutation($i: OpenPoolInput!) { openPool(input: $i) { id status } }`,
      { i: { productId, minimumPacks, deadline: inSeconds(seconds) } },
      await merchantToken(cluster, shopId),
    ),
  );
  return data.openPool.id as string;
}

export const JOIN_POOL = `mutation($i: JoinPoolInput!) { joinPool(input: $i) { id status
  progress { totalQuantity totalTolerance unitsToNextPack packsIfClosedNow packsMissing unitsBelowOwnMinimum } } }`;

/** A leader puts the group's order into a pool with a tolerance; its quantity is what its households signed up for. */
export async function join(cluster: TestCluster, group: GroupInfo, poolId: string, orderId: string, tolerance: number) {
  const data = must(await cluster.query(JOIN_POOL, { i: { poolId, orderId, tolerance } }, await leaderToken(cluster, group)));
  return data.joinPool.progress;
}
