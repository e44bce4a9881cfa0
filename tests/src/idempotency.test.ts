/**
 * Retrying a mutation with its idempotency key, through the hub: the retry gets the first answer and changes
 * nothing, in every domain; a key reused for another request is a CONFLICT; a malformed key is refused. Here the
 * first answer is the record as the first run committed it (its own fields), whatever changed since; the node's
 * whole stored answer (idempotent-answers.ts) is tested in idempotent-answers.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { TestCluster } from './support/cluster';
import { lookUp, merchantToken, stockedProduct, type CommunityInfo } from './support/sub-district';

let cluster: TestCluster;
let alpha: CommunityInfo;
let committee: string;
let merchant: string;
let grocery: CommunityInfo['shops'][number];

const key = (label: string) => `${label}-${randomUUID()}`;

const REGISTER_HOUSEHOLD = `mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { id address } }`;
const REGISTER_VOLUNTEER = `mutation($i: RegisterVolunteerInput!) { registerVolunteer(input: $i) { id displayName } }`;
const SET_AVAILABILITY = `mutation($i: SetAvailabilityInput!) { setAvailability(input: $i) { id available zone } }`;
const STOCK = 'onHand reserved available version';
const ADJUST_STOCK = `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id stock { ${STOCK} } } }`;
const SET_STOCK = `mutation($i: SetStockInput!) { setStock(input: $i) { id stock { ${STOCK} } } }`;
const UPDATE_STOCK = `mutation($i: UpdateStockInput!) { updateStock(input: $i) { id stock { ${STOCK} } } }`;
const IMPORT_CSV = `mutation($i: ImportStockCsvInput!) { importStockCsv(input: $i) { id name stock { ${STOCK} } } }`;

async function householdCount(compoundId: string): Promise<number> {
  const answer = await cluster.query(`query($id: ID!) { compound(id: $id) { householdCount } }`, { id: compoundId });
  expect(answer.errors).toBeUndefined();
  return answer.data.compound.householdCount;
}

async function volunteersOf(code: string): Promise<{ id: string; displayName: string; available: boolean; zone: string }[]> {
  const answer = await cluster.query(`query($c: String!) { community(code: $c) { volunteers { id displayName available zone } } }`, { c: code });
  expect(answer.errors).toBeUndefined();
  return answer.data.community.volunteers;
}

async function stockOf(productId: string) {
  const answer = await cluster.query(`query($id: ID!) { product(id: $id) { stock { ${STOCK} } } }`, { id: productId });
  expect(answer.errors).toBeUndefined();
  return answer.data.product.stock as { onHand: number; reserved: number; available: number; version: number };
}

async function history(productId: string, token = merchant) {
  const answer = await cluster.query(`query($id: ID!) { product(id: $id) { stockHistory(first: 50) { kind onHandBefore onHandAfter reason } } }`, { id: productId }, token);
  expect(answer.errors).toBeUndefined();
  return answer.data.product.stockHistory as { kind: string; onHandBefore: number; onHandAfter: number; reason: string | null }[];
}

beforeAll(async () => {
  cluster = await TestCluster.start({ background: false });
  alpha = (await lookUp(cluster)).get('alpha')!;
  committee = await cluster.token([{ role: 'committee', community: 'alpha' }], 'committee-alpha');
  grocery = alpha.shops.find((s) => s.name === '甲副食品店')!;
  merchant = await merchantToken(cluster, grocery.id);
});

afterAll(async () => {
  await cluster?.stop();
});

describe('groups', () => {
  it('registerHousehold twice with the same key registers one household and answers with it both times', async () => {
    const compound = alpha.compounds[0]!;
    const before = await householdCount(compound.id);
    const input = { compoundId: compound.id, building: '9', room: '901', tenure: 'TENANT', idempotencyKey: key('household') };
    const first = await cluster.query(REGISTER_HOUSEHOLD, { i: input }, committee);
    expect(first.errors).toBeUndefined();
    const again = await cluster.query(REGISTER_HOUSEHOLD, { i: input }, committee);
    expect(again.errors).toBeUndefined();
    expect(again.data.registerHousehold).toEqual(first.data.registerHousehold);
    expect(await householdCount(compound.id)).toBe(before + 1);
    // Without the key the same address is a new request, and it is taken.
    const { idempotencyKey: _, ...withoutKey } = input;
    const twice = await cluster.query(REGISTER_HOUSEHOLD, { i: withoutKey }, committee);
    expect(twice.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(twice.errors?.[0]?.extensions?.idempotencyKey).toBeUndefined();
    expect(await householdCount(compound.id)).toBe(before + 1);
  });

  it('the same key with another input is a CONFLICT naming the key, and changes nothing', async () => {
    const compound = alpha.compounds[0]!;
    const k = key('household');
    const first = await cluster.query(REGISTER_HOUSEHOLD, { i: { compoundId: compound.id, building: '9', room: '902', tenure: 'OWNER', idempotencyKey: k } }, committee);
    expect(first.errors).toBeUndefined();
    const before = await householdCount(compound.id);
    const other = await cluster.query(REGISTER_HOUSEHOLD, { i: { compoundId: compound.id, building: '9', room: '903', tenure: 'OWNER', idempotencyKey: k } }, committee);
    expect(other.data).toBeNull();
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', idempotencyKey: k, community: 'alpha' });
    expect(other.errors?.[0]?.message).toContain(`The idempotency key "${k}" was already used for a different request (registerHousehold)`);
    expect(await householdCount(compound.id)).toBe(before);
  });

  it('a key belongs to the caller who used it first: another caller with the same key is refused, never answered with the first record', async () => {
    const compound = alpha.compounds[1]!;
    const before = await householdCount(compound.id);
    const k = key('shared');
    const otherStaff = await cluster.token([{ role: 'committee', community: 'alpha' }], 'committee-alpha-2');
    const input = { compoundId: compound.id, building: '3', unit: '1', room: '101', tenure: 'OWNER', idempotencyKey: k };
    const mine = await cluster.query(REGISTER_HOUSEHOLD, { i: input }, committee);
    expect(mine.errors).toBeUndefined();
    // The very same request from another caller, and another request of theirs with the key: both refused.
    for (const i of [input, { ...input, room: '102' }]) {
      const theirs = await cluster.query(REGISTER_HOUSEHOLD, { i }, otherStaff);
      expect(theirs.data).toBeNull();
      expect(theirs.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'KEY_OF_ANOTHER_CALLER', idempotencyKey: k, community: 'alpha' });
      expect(theirs.errors?.[0]?.message).toContain('already used by another caller');
      expect(JSON.stringify(theirs)).not.toContain(mine.data.registerHousehold.id);
    }
    // The key still answers its own caller with the first answer.
    const again = await cluster.query(REGISTER_HOUSEHOLD, { i: input }, committee);
    expect(again.data).toEqual(mine.data);
    expect(await householdCount(compound.id)).toBe(before + 1);
  });

  it('addCompound and createGroup replay their first answer', async () => {
    const compoundInput = { community: 'alpha', name: '甲新村', kind: 'OLD_PUBLIC_HOUSING', address: '甲路 140 弄', lat: 31.2011, lng: 121.4221, idempotencyKey: key('compound') };
    const [c1, c2] = [
      await cluster.query(`mutation($i: AddCompoundInput!) { addCompound(input: $i) { id name } }`, { i: compoundInput }, committee),
      await cluster.query(`mutation($i: AddCompoundInput!) { addCompound(input: $i) { id name } }`, { i: compoundInput }, committee),
    ];
    expect(c1.errors).toBeUndefined();
    expect(c2.data.addCompound).toEqual(c1.data.addCompound);
    const compounds = await cluster.query(`{ compounds(community: "alpha") { name } }`);
    expect(compounds.data.compounds.filter((c: { name: string }) => c.name === '甲新村')).toHaveLength(1);

    const home = alpha.compounds.find((c) => c.name === '甲苑')!;
    const groupInput = { compoundId: home.id, name: '甲苑互助群', leaderHouseholdId: home.households[0]!.id, idempotencyKey: key('group') };
    const CREATE_GROUP = `mutation($i: CreateGroupInput!) { createGroup(input: $i) { id name } }`;
    const g1 = await cluster.query(CREATE_GROUP, { i: groupInput }, committee);
    const g2 = await cluster.query(CREATE_GROUP, { i: groupInput }, committee);
    expect(g1.errors).toBeUndefined();
    expect(g2.data.createGroup).toEqual(g1.data.createGroup);
    const groups = await cluster.query(`query($id: ID!) { compound(id: $id) { groups { id name } } }`, { id: home.id });
    expect(groups.data.compound.groups.filter((g: { name: string }) => g.name === '甲苑互助群')).toEqual([g1.data.createGroup]);
  });
});

describe('volunteers', () => {
  it('registerVolunteer twice with the same key registers one volunteer', async () => {
    const dispatch = await cluster.token([{ role: 'dispatcher', community: 'alpha' }], 'dispatcher-alpha');
    const before = await volunteersOf('alpha');
    const input = { compoundId: alpha.compounds[0]!.id, displayName: '甲阿姨', skills: ['ESCORT'], zone: 'B片', idempotencyKey: key('volunteer') };
    const first = await cluster.query(REGISTER_VOLUNTEER, { i: input }, dispatch);
    expect(first.errors).toBeUndefined();
    const again = await cluster.query(REGISTER_VOLUNTEER, { i: input }, dispatch);
    expect(again.data.registerVolunteer).toEqual(first.data.registerVolunteer);
    const after = await volunteersOf('alpha');
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((v) => v.displayName === '甲阿姨')).toHaveLength(1);
  });

  it('a replayed setAvailability answers with the first answer and does not undo a later change', async () => {
    const dispatch = await cluster.token([{ role: 'dispatcher', community: 'alpha' }], 'dispatcher-alpha');
    const volunteer = (await volunteersOf('alpha')).find((v) => v.displayName === '小甲')!;
    const k = key('availability');
    const on = await cluster.query(SET_AVAILABILITY, { i: { volunteerId: volunteer.id, available: true, zone: 'C片', idempotencyKey: k } }, dispatch);
    expect(on.data.setAvailability).toEqual({ id: volunteer.id, available: true, zone: 'C片' });
    const off = await cluster.query(SET_AVAILABILITY, { i: { volunteerId: volunteer.id, available: false, idempotencyKey: key('availability') } }, dispatch);
    expect(off.data.setAvailability.available).toBe(false);
    // A late retry of the first request: the first answer, and the volunteer stays as the later change left them.
    const late = await cluster.query(SET_AVAILABILITY, { i: { volunteerId: volunteer.id, available: true, zone: 'C片', idempotencyKey: k } }, dispatch);
    expect(late.errors).toBeUndefined();
    expect(late.data.setAvailability).toEqual({ id: volunteer.id, available: true, zone: 'C片' });
    expect((await volunteersOf('alpha')).find((v) => v.id === volunteer.id)).toMatchObject({ available: false, zone: 'C片' });
    const other = await cluster.query(SET_AVAILABILITY, { i: { volunteerId: volunteer.id, available: false, idempotencyKey: k } }, dispatch);
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', idempotencyKey: k });
  });
});

describe('shops stock', () => {
  it('adjustStock twice with the same key changes the stock once and leaves one entry in the history', async () => {
    const productId = await stockedProduct(cluster, grocery.id, { name: '挂面 1kg', onHand: 10 });
    const input = { productId, delta: 5, reason: 'delivery', idempotencyKey: key('adjust') };
    const first = await cluster.query(ADJUST_STOCK, { i: input }, merchant);
    expect(first.errors).toBeUndefined();
    const again = await cluster.query(ADJUST_STOCK, { i: input }, merchant);
    expect(again.errors).toBeUndefined();
    expect(again.data.adjustStock).toEqual(first.data.adjustStock);
    expect(await stockOf(productId)).toMatchObject({ onHand: 15 });
    const adjustments = (await history(productId)).filter((h) => h.kind === 'ADJUST');
    expect(adjustments).toEqual([expect.objectContaining({ onHandBefore: 10, onHandAfter: 15, reason: 'delivery' })]);

    const other = await cluster.query(ADJUST_STOCK, { i: { ...input, delta: 6 } }, merchant);
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', idempotencyKey: input.idempotencyKey });
    expect(await stockOf(productId)).toMatchObject({ onHand: 15 });
  });

  it('a replay after another change answers with the first answer (onHand 13), not the stock as it is now (14)', async () => {
    const productId = await stockedProduct(cluster, grocery.id, { name: '小米 1kg', onHand: 10 });
    const input = { productId, delta: 3, reason: 'delivery', idempotencyKey: key('first-answer') };
    const ADJUST_STOCK = `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id name stock { ${STOCK} low updatedAt } } }`;
    const first = await cluster.query(ADJUST_STOCK, { i: input }, merchant);
    expect(first.data.adjustStock.stock).toMatchObject({ onHand: 13, available: 13 });
    const other = await cluster.query(ADJUST_STOCK, { i: { productId, delta: 1, reason: 'found one' } }, merchant);
    expect(other.data.adjustStock.stock.onHand).toBe(14);
    const replay = await cluster.query(ADJUST_STOCK, { i: input }, merchant);
    expect(replay.errors).toBeUndefined();
    expect(replay.data.adjustStock).toEqual(first.data.adjustStock);
    expect(await stockOf(productId)).toMatchObject({ onHand: 14, version: first.data.adjustStock.stock.version + 1 });
  });

  it('a replayed list answers with the first answer of every record, in order, after later changes', async () => {
    const a = await stockedProduct(cluster, grocery.id, { name: '绿豆 500g', onHand: 5 });
    const b = await stockedProduct(cluster, grocery.id, { name: '红豆 500g', onHand: 5 });
    const input = { shopId: grocery.id, items: [{ productId: b, delta: 2 }, { productId: a, delta: 1 }], reason: 'batch', idempotencyKey: key('list') };
    const first = await cluster.query(UPDATE_STOCK, { i: input }, merchant);
    expect(first.data.updateStock.map((p: { stock: { onHand: number } }) => p.stock.onHand)).toEqual([7, 6]);
    await cluster.query(ADJUST_STOCK, { i: { productId: a, delta: 10, reason: 'delivery' } }, merchant);
    const again = await cluster.query(UPDATE_STOCK, { i: input }, merchant);
    expect(again.data.updateStock).toEqual(first.data.updateStock);
    expect((await stockOf(a)).onHand).toBe(16);
  });

  it('two copies of one request sent at once apply it once, and both get its answer', async () => {
    const productId = await stockedProduct(cluster, grocery.id, { name: '米粉 500g', onHand: 10 });
    const input = { productId, delta: -2, reason: 'sold at the door', idempotencyKey: key('race') };
    const answers = await Promise.all([1, 2, 3].map(() => cluster.query(ADJUST_STOCK, { i: input }, merchant)));
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data.adjustStock.stock.onHand).toBe(8);
    }
    expect((await history(productId)).filter((h) => h.kind === 'ADJUST')).toHaveLength(1);
  });

  it('a retry after a lost answer finds the committed change instead of making it again', async () => {
    const productId = await stockedProduct(cluster, grocery.id, { name: '酱油 1L', onHand: 4 });
    const { version } = await stockOf(productId);
    const input = { productId, onHand: 12, expectedVersion: version, reason: 'recount', idempotencyKey: key('lost') };
    // The first answer never reaches the client: it keeps nothing of it but the key it sent.
    await cluster.query(SET_STOCK, { i: input }, merchant);
    const retry = await cluster.query(SET_STOCK, { i: input }, merchant);
    // Not CONFLICT for a stale expectedVersion: the retry is recognised, and answers with the count it made.
    expect(retry.errors).toBeUndefined();
    expect(retry.data.setStock.stock).toMatchObject({ onHand: 12, version: version + 1 });
    expect((await history(productId)).filter((h) => h.kind === 'SET' && h.reason === 'recount')).toHaveLength(1);
  });

  it('importStockCsv replayed returns the same products in the order of the rows, imported once', async () => {
    const a = await stockedProduct(cluster, grocery.id, { name: '豆腐 1盒', onHand: 3 });
    const b = await stockedProduct(cluster, grocery.id, { name: '青菜 1斤', onHand: 7 });
    // Rows not in ID order, one named by name: the replay must keep the rows' order.
    const csv = `product_id,name,on_hand\n${b},,9\n,豆腐 1盒,5\n`;
    const input = { shopId: grocery.id, csv, reason: 'stocktake', idempotencyKey: key('csv') };
    const first = await cluster.query(IMPORT_CSV, { i: input }, merchant);
    expect(first.errors).toBeUndefined();
    expect(first.data.importStockCsv.map((p: { id: string }) => p.id)).toEqual([b, a]);
    const again = await cluster.query(IMPORT_CSV, { i: input }, merchant);
    expect(again.errors).toBeUndefined();
    expect(again.data.importStockCsv).toEqual(first.data.importStockCsv);
    for (const [id, onHand] of [[a, 5], [b, 9]] as const) {
      const imports = (await history(id)).filter((h) => h.kind === 'CSV_IMPORT');
      expect(imports).toEqual([expect.objectContaining({ onHandAfter: onHand, reason: 'stocktake' })]);
    }

    const other = await cluster.query(IMPORT_CSV, { i: { ...input, csv: `product_id,on_hand\n${a},6\n` } }, merchant);
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', idempotencyKey: input.idempotencyKey });
    expect(await stockOf(a)).toMatchObject({ onHand: 5 });
  });

  it('updateStock replayed returns the same products in the order of the items, changed once', async () => {
    const a = await stockedProduct(cluster, grocery.id, { name: '面粉 2.5kg', onHand: 10 });
    const b = await stockedProduct(cluster, grocery.id, { name: '食用油 5L', onHand: 10 });
    const input = { shopId: grocery.id, items: [{ productId: b, delta: 1 }, { productId: a, delta: -1 }], reason: 'batch', idempotencyKey: key('batch') };
    const first = await cluster.query(UPDATE_STOCK, { i: input }, merchant);
    const again = await cluster.query(UPDATE_STOCK, { i: input }, merchant);
    expect(first.errors).toBeUndefined();
    expect(again.data.updateStock).toEqual(first.data.updateStock);
    expect(first.data.updateStock.map((p: { id: string }) => p.id)).toEqual([b, a]);
    expect([(await stockOf(a)).onHand, (await stockOf(b)).onHand]).toEqual([9, 11]);
  });

  it('a key used for one mutation cannot be reused for another', async () => {
    const productId = await stockedProduct(cluster, grocery.id, { name: '白糖 1kg', onHand: 5 });
    const k = key('reuse');
    const adjusted = await cluster.query(ADJUST_STOCK, { i: { productId, delta: 1, reason: 'found one', idempotencyKey: k } }, merchant);
    expect(adjusted.errors).toBeUndefined();
    const product = await cluster.query(`mutation($i: UpdateProductInput!) { updateProduct(input: $i) { id } }`, { i: { productId, priceFen: 999, idempotencyKey: k } }, merchant);
    expect(product.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', idempotencyKey: k });
    expect(product.errors?.[0]?.message).toContain('(adjustStock)');
  });

  it('addShop, addProduct and updateProduct replay their first answer', async () => {
    const shopInput = { compoundId: alpha.compounds[1]!.id, name: '甲水果店', kind: 'FRUIT', address: '甲路 124 号', lat: 31.2009, lng: 121.4215, idempotencyKey: key('shop') };
    const ADD_SHOP = `mutation($i: AddShopInput!) { addShop(input: $i) { id name } }`;
    const s1 = await cluster.query(ADD_SHOP, { i: shopInput }, committee);
    const s2 = await cluster.query(ADD_SHOP, { i: shopInput }, committee);
    expect(s1.errors).toBeUndefined();
    expect(s2.data.addShop).toEqual(s1.data.addShop);
    const shops = await cluster.query(`{ community(code: "alpha") { shops { name } } }`);
    expect(shops.data.community.shops.filter((s: { name: string }) => s.name === '甲水果店')).toHaveLength(1);

    const shopId = s1.data.addShop.id as string;
    const owner = await merchantToken(cluster, shopId);
    const ADD_PRODUCT = `mutation($i: AddProductInput!) { addProduct(input: $i) { id name priceFen } }`;
    const productInput = { shopId, name: '苹果', unit: '斤', priceFen: 800, idempotencyKey: key('product') };
    const p1 = await cluster.query(ADD_PRODUCT, { i: productInput }, owner);
    const p2 = await cluster.query(ADD_PRODUCT, { i: productInput }, owner);
    expect(p1.errors).toBeUndefined();
    expect(p2.data.addProduct).toEqual(p1.data.addProduct);
    const products = await cluster.query(`query($id: ID!) { shop(id: $id) { products { id } } }`, { id: shopId });
    expect(products.data.shop.products).toEqual([{ id: p1.data.addProduct.id }]);

    const UPDATE_PRODUCT = `mutation($i: UpdateProductInput!) { updateProduct(input: $i) { id priceFen } }`;
    const priceInput = { productId: p1.data.addProduct.id, priceFen: 750, idempotencyKey: key('price') };
    const u1 = await cluster.query(UPDATE_PRODUCT, { i: priceInput }, owner);
    expect(u1.data.updateProduct.priceFen).toBe(750);
    await cluster.query(UPDATE_PRODUCT, { i: { productId: p1.data.addProduct.id, priceFen: 700 } }, owner);
    // The replay answers with the first answer (750); it does not put the price back to 750.
    const u2 = await cluster.query(UPDATE_PRODUCT, { i: priceInput }, owner);
    expect(u2.data.updateProduct.priceFen).toBe(750);
    const now = await cluster.query(`query($id: ID!) { product(id: $id) { priceFen } }`, { id: p1.data.addProduct.id });
    expect(now.data.product.priceFen).toBe(700);
  });
});

describe('keys', () => {
  it.each([
    ['too short', 'abc'],
    ['with a space', 'not a valid key'],
    ['too long', 'k'.repeat(129)],
  ])('a key %s is BAD_USER_INPUT and changes nothing', async (_, badKey) => {
    const productId = grocery.products[0]!.id;
    const before = await stockOf(productId);
    const answer = await cluster.query(ADJUST_STOCK, { i: { productId, delta: 1, reason: 'x', idempotencyKey: badKey } }, merchant);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.idempotencyKey' });
    expect(answer.errors?.[0]?.message).toContain('must be 8-128 letters, digits or ._:-');
    expect(await stockOf(productId)).toEqual(before);
  });

  it('refuses a short key in the groups and volunteers domains too', async () => {
    const household = await cluster.query(REGISTER_HOUSEHOLD, { i: { compoundId: alpha.compounds[0]!.id, building: '9', room: '999', tenure: 'OWNER', idempotencyKey: 'short' } }, committee);
    expect(household.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.idempotencyKey' });
    const dispatch = await cluster.token([{ role: 'dispatcher', community: 'alpha' }], 'dispatcher-alpha');
    const volunteer = await cluster.query(REGISTER_VOLUNTEER, { i: { compoundId: alpha.compounds[0]!.id, displayName: '短键', skills: ['ESCORT'], zone: 'A片', idempotencyKey: 'short' } }, dispatch);
    expect(volunteer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.idempotencyKey' });
    expect((await volunteersOf('alpha')).some((v) => v.displayName === '短键')).toBe(false);
  });
});
