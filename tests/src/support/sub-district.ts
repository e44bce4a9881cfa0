import type { TestCluster } from './cluster';

export interface HouseholdInfo { id: string; address: string; building: string; compoundId: string }
export interface CompoundInfo { id: string; name: string; households: HouseholdInfo[] }
export interface GroupInfo { id: string; compoundId: string; leaderHouseholdId: string }
export interface ShopInfo { id: string; name: string; products: { id: string; name: string }[] }
export interface CommunityInfo { code: string; compounds: CompoundInfo[]; groups: GroupInfo[]; shops: ShopInfo[] }

/** Every ID a test needs, read through the hub as each community's committee would see it. */
export async function lookUp(cluster: TestCluster): Promise<Map<string, CommunityInfo>> {
  const out = new Map<string, CommunityInfo>();
  for (const { code } of cluster.communities) {
    const answer = await cluster.query(
      `query($c: String!) { community(code: $c) {
         compounds { id name households { id address building } }
         groups { id compound { id } leaderHouseholdId }
         shops { id name products { id name } } } }`,
      { c: code },
      await cluster.token([{ role: 'committee', community: code }]),
    );
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    const c = answer.data.community;
    out.set(code, {
      code,
      compounds: c.compounds.map((k: any) => ({ ...k, households: k.households.map((h: any) => ({ ...h, compoundId: k.id })) })),
      groups: c.groups.map((g: any) => ({ id: g.id, compoundId: g.compound.id, leaderHouseholdId: g.leaderHouseholdId })),
      shops: c.shops,
    });
  }
  return out;
}

/** A token for the group's leader, recorded as such in the group's community (and as a resident of its leader household). */
export function leaderToken(cluster: TestCluster, group: GroupInfo): Promise<string> {
  return cluster.token([{ role: 'leader', group: group.id }, { role: 'resident', household: group.leaderHouseholdId }], `leader-${group.id}`);
}

/** A token for a person recorded as living in the household; the address comes from the household's record. */
export function residentToken(cluster: TestCluster, household: HouseholdInfo): Promise<string> {
  return cluster.token([{ role: 'resident', household: household.id }], `resident-${household.id}`);
}

export function merchantToken(cluster: TestCluster, shopId: string): Promise<string> {
  return cluster.token([{ role: 'merchant', shop: shopId }], `merchant-${shopId}`);
}

export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Adds a product to a shop and puts `onHand` units on the shelf, as its merchant would. */
export async function stockedProduct(cluster: TestCluster, shopId: string, spec: { name: string; packSize?: number; householdLimit?: number; onHand: number; priceFen?: number }) {
  const merchant = await merchantToken(cluster, shopId);
  const added = await cluster.query(
    `mutation($i: AddProductInput!) { addProduct(input: $i) { id stock { version } } }`,
    { i: { shopId, name: spec.name, unit: '袋', priceFen: spec.priceFen ?? 4500, packSize: spec.packSize ?? 1, ...(spec.householdLimit ? { householdLimit: spec.householdLimit } : {}) } },
    merchant,
  );
  if (added.errors) throw new Error(JSON.stringify(added.errors));
  const productId = added.data.addProduct.id as string;
  const stocked = await cluster.query(
    `mutation($i: SetStockInput!) { setStock(input: $i) { id stock { onHand } } }`,
    { i: { productId, onHand: spec.onHand, expectedVersion: added.data.addProduct.stock.version } },
    merchant,
  );
  if (stocked.errors) throw new Error(JSON.stringify(stocked.errors));
  return productId;
}

export const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** A product's stock as anyone may read it through the hub. */
export async function stockOf(cluster: TestCluster, productId: string): Promise<{ onHand: number; reserved: number; available: number }> {
  const answer = await cluster.query(`query($id: ID!) { product(id: $id) { stock { onHand reserved available } } }`, { id: productId });
  return answer.data.product.stock;
}
