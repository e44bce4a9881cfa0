/**
 * A merchant keeping stock truthful, through the hub: counts against a version, adjustments with a reason, batches
 * and CSV stocktakes that apply all or nothing, the audit trail, low stock, and who may do what.
 */
import { TEST_ISSUER, TestCluster } from './support/cluster';

let cluster: TestCluster;

interface ProductView {
  id: string;
  name: string;
  stock: { onHand: number; reserved: number; available: number; version: number; low: boolean };
}
interface ShopView {
  id: string;
  name: string;
  products: ProductView[];
}

/** alpha's grocery 甲副食品店 and pharmacy 甲药房, and beta's supermarket, as the seed made them. */
let grocery: ShopView;
let pharmacy: ShopView;
let betaShop: ShopView;

const MERCHANT = 'merchant-jia';
/** Who the audit trail names: the identity provider and the subject (`issuer#subject`). */
const MERCHANT_ACTOR = `${TEST_ISSUER}#${MERCHANT}`;
let merchant: string;
let otherMerchant: string;

const STOCK = 'onHand reserved available version low';

async function shopsOf(code: string): Promise<ShopView[]> {
  const answer = await cluster.query(`query($c: String!) { community(code: $c) { shops { id name products { id name stock { ${STOCK} } } } } }`, { c: code });
  expect(answer.errors).toBeUndefined();
  return answer.data.community.shops;
}

async function productById(id: string): Promise<ProductView & { householdLimit: number | null; lowStockThreshold: number }> {
  const answer = await cluster.query(`query($id: ID!) { product(id: $id) { id name householdLimit lowStockThreshold stock { ${STOCK} } } }`, { id });
  expect(answer.errors).toBeUndefined();
  return answer.data.product;
}

const byName = (shop: ShopView, name: string) => shop.products.find((p) => p.name === name)!;

async function history(productId: string, token = merchant, first = 20) {
  const answer = await cluster.query(
    `query($id: ID!, $n: Int!) { product(id: $id) { stockHistory(first: $n) { kind actor at onHandBefore onHandAfter reservedBefore reservedAfter reason } } }`,
    { id: productId, n: first },
    token,
  );
  expect(answer.errors).toBeUndefined();
  return answer.data.product.stockHistory as any[];
}

/** Sets `reserved` directly, as accepted orders would have. */
async function reserve(productId: string, units: number): Promise<void> {
  const [code, , localId] = productId.split(':');
  const em = cluster.nodes.get(code!)!.subgraphs.get('shops')!.orm.em.fork();
  await em.getConnection().execute('update shops.product set reserved = ? where id = ?', [units, Number(localId)]);
}

const SET_STOCK = `mutation($i: SetStockInput!) { setStock(input: $i) { id stock { ${STOCK} } } }`;
const ADJUST_STOCK = `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id stock { ${STOCK} } } }`;
const UPDATE_STOCK = `mutation($i: UpdateStockInput!) { updateStock(input: $i) { id name stock { ${STOCK} } } }`;
const IMPORT_CSV = `mutation($i: ImportStockCsvInput!) { importStockCsv(input: $i) { id name stock { ${STOCK} } } }`;
const UPDATE_PRODUCT = `mutation($i: UpdateProductInput!) { updateProduct(input: $i) { id name householdLimit lowStockThreshold stock { ${STOCK} } } }`;

beforeAll(async () => {
  // No deadline scheduler: its sweeps would add SQL statements to the counts below.
  cluster = await TestCluster.start({ background: false });
  const alpha = await shopsOf('alpha');
  grocery = alpha.find((s) => s.name === '甲副食品店')!;
  pharmacy = alpha.find((s) => s.name === '甲药房')!;
  betaShop = (await shopsOf('beta')).find((s) => s.name === '乙超市')!;
  merchant = await cluster.token([{ role: 'merchant', shop: grocery.id }], MERCHANT);
  otherMerchant = await cluster.token([{ role: 'merchant', shop: pharmacy.id }], 'merchant-pharmacy');
});

afterAll(async () => {
  await cluster?.stop();
});

describe('setStock', () => {
  it('lets exactly one of two counts made against the same version win; the other gets CONFLICT with the current count', async () => {
    const rice = byName(grocery, '东北大米 5kg');
    const { version } = (await productById(rice.id)).stock;
    const [a, b] = await Promise.all([
      cluster.query(SET_STOCK, { i: { productId: rice.id, onHand: 31, expectedVersion: version, reason: 'count A' } }, merchant),
      cluster.query(SET_STOCK, { i: { productId: rice.id, onHand: 32, expectedVersion: version, reason: 'count B' } }, merchant),
    ]);
    const won = [a, b].filter((x) => !x.errors);
    const lost = [a, b].filter((x) => x.errors);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = won[0]!.data.setStock.stock;
    expect(winner.version).toBe(version + 1);
    const error = lost[0]!.errors![0]!;
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', community: 'alpha', currentVersion: version + 1, currentOnHand: winner.onHand });
    expect(error.message).toContain(`it is now version ${version + 1} with ${winner.onHand} on hand`);
    expect(error.extensions?.messageZh).toContain(`在架 ${winner.onHand}`);
    // The loser changed nothing.
    expect((await productById(rice.id)).stock).toMatchObject({ onHand: winner.onHand, version: version + 1 });
  });

  it('needs expectedVersion', async () => {
    const rice = byName(grocery, '东北大米 5kg');
    const answer = await cluster.query(`mutation { setStock(input: { productId: "${rice.id}", onHand: 3 }) { id } }`, {}, merchant);
    expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(answer.errors?.[0]?.message).toContain('expectedVersion');
  });

  it.each([
    [-1, 'cannot be negative'],
    [1_000_001, 'at most 1,000,000'],
  ])('refuses the count %p with BAD_USER_INPUT and changes nothing', async (onHand, message) => {
    const soy = await productById(byName(grocery, '生抽 500ml').id);
    const answer = await cluster.query(SET_STOCK, { i: { productId: soy.id, onHand, expectedVersion: soy.stock.version } }, merchant);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.onHand' });
    expect(answer.errors?.[0]?.message).toContain(message);
    expect((await productById(soy.id)).stock).toEqual(soy.stock);
  });

  it('refuses a fractional count before it reaches a community (GraphQL Int)', async () => {
    const soy = byName(grocery, '生抽 500ml');
    const answer = await cluster.query(SET_STOCK, { i: { productId: soy.id, onHand: 2.5, expectedVersion: 0 } }, merchant);
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0]?.message).toContain('2.5');
  });
});

describe('adjustStock', () => {
  it('adds or removes units with a reason and leaves who/before/after/reason in the history', async () => {
    const eggs = await productById(byName(grocery, '鸡蛋 30枚').id);
    const answer = await cluster.query(ADJUST_STOCK, { i: { productId: eggs.id, delta: -3, reason: '3 boxes broken in delivery' } }, merchant);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.adjustStock.stock).toMatchObject({ onHand: eggs.stock.onHand - 3, version: eggs.stock.version + 1 });

    const added = await cluster.query(ADJUST_STOCK, { i: { productId: eggs.id, delta: 24, reason: '批发到货' } }, merchant);
    expect(added.data.adjustStock.stock.onHand).toBe(eggs.stock.onHand + 21);

    const [newest, previous] = await history(eggs.id);
    expect(newest).toMatchObject({ kind: 'ADJUST', actor: MERCHANT_ACTOR, onHandBefore: eggs.stock.onHand - 3, onHandAfter: eggs.stock.onHand + 21, reason: '批发到货' });
    expect(previous).toMatchObject({
      kind: 'ADJUST',
      actor: MERCHANT_ACTOR,
      onHandBefore: eggs.stock.onHand,
      onHandAfter: eggs.stock.onHand - 3,
      reservedBefore: 0,
      reservedAfter: 0,
      reason: '3 boxes broken in delivery',
    });
    expect(Date.parse(newest.at)).toBeGreaterThanOrEqual(Date.parse(previous.at));
    expect(await history(eggs.id, merchant, 1)).toHaveLength(1);
  });

  it('refuses a delta of 0, an empty reason, and removing more than is on the shelf', async () => {
    const soy = await productById(byName(grocery, '生抽 500ml').id);
    const zero = await cluster.query(ADJUST_STOCK, { i: { productId: soy.id, delta: 0, reason: 'x' } }, merchant);
    expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.delta' });
    const noReason = await cluster.query(ADJUST_STOCK, { i: { productId: soy.id, delta: 1, reason: '  ' } }, merchant);
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.reason' });
    const tooMany = await cluster.query(ADJUST_STOCK, { i: { productId: soy.id, delta: -(soy.stock.onHand + 1), reason: 'lost' } }, merchant);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.message).toContain(`cannot remove ${soy.stock.onHand + 1}: only ${soy.stock.onHand} on hand`);
    expect((await productById(soy.id)).stock).toEqual(soy.stock);
  });
});

describe('below what is reserved', () => {
  it('a count, an adjustment or a CSV row is refused, naming both numbers; the shelf stays as it was', async () => {
    const soy = byName(grocery, '生抽 500ml');
    await reserve(soy.id, 6);
    const before = await productById(soy.id);
    expect(before.stock).toMatchObject({ reserved: 6, available: before.stock.onHand - 6 });

    const set = await cluster.query(SET_STOCK, { i: { productId: soy.id, onHand: 4, expectedVersion: before.stock.version } }, merchant);
    expect(set.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(set.errors?.[0]?.message).toContain(`cannot count 4 on hand: 6 are already reserved for accepted orders (${before.stock.onHand} on hand now)`);

    const removable = before.stock.onHand - 6;
    const adjust = await cluster.query(ADJUST_STOCK, { i: { productId: soy.id, delta: -(removable + 1), reason: 'spilt' } }, merchant);
    expect(adjust.errors?.[0]?.message).toContain(`6 of the ${before.stock.onHand} on hand are reserved for accepted orders, so at most ${removable} can be removed`);

    const csv = await cluster.query(IMPORT_CSV, { i: { shopId: grocery.id, csv: `product_id,on_hand\n${soy.id},2\n` } }, merchant);
    expect(csv.errors?.[0]?.extensions?.problems).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining('6 are already reserved') })]);

    // Down to exactly what is reserved is fine: nothing left to promise.
    const exact = await cluster.query(SET_STOCK, { i: { productId: soy.id, onHand: 6, expectedVersion: before.stock.version } }, merchant);
    expect(exact.errors).toBeUndefined();
    expect(exact.data.setStock.stock).toMatchObject({ onHand: 6, reserved: 6, available: 0, low: true });
    await reserve(soy.id, 0);
  });
});

describe('updateStock (batch)', () => {
  it('applies nothing when one item is bad, and lists every bad item with its index', async () => {
    const [rice, eggs, soy] = await Promise.all(['东北大米 5kg', '鸡蛋 30枚', '生抽 500ml'].map((n) => productById(byName(grocery, n).id)));
    const mask = byName(pharmacy, '医用外科口罩 50只');
    const items = [
      { productId: rice!.id, onHand: 50, expectedVersion: rice!.stock.version },
      { productId: mask.id, delta: 5 }, // another shop's product
      { productId: eggs!.id, onHand: 9 }, // no expectedVersion
      { productId: soy!.id, delta: 2 },
      { productId: betaShop.products[0]!.id, delta: 1 }, // another community's
      { productId: soy!.id, delta: 1 }, // twice
      { productId: eggs!.id.replace(/\d+$/, '99999'), delta: 1 }, // no such product
    ];
    const answer = await cluster.query(UPDATE_STOCK, { i: { shopId: grocery.id, items, reason: 'weekly count' } }, merchant);
    expect(answer.data).toBeNull();
    const error = answer.errors![0]!;
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/^5 bad items, nothing was changed: item 1 /);
    expect(error.extensions?.problems.map((p: any) => [p.index, p.productId, p.code])).toEqual([
      [1, mask.id, 'BAD_USER_INPUT'],
      [2, eggs!.id, 'BAD_USER_INPUT'],
      [4, betaShop.products[0]!.id, 'NOT_FOUND'],
      [5, soy!.id, 'BAD_USER_INPUT'],
      [6, items[6]!.productId, 'NOT_FOUND'],
    ]);
    const messages = error.extensions?.problems.map((p: any) => p.message);
    expect(messages[0]).toContain('is a product of another shop');
    expect(messages[1]).toContain('onHand needs expectedVersion');
    expect(messages[3]).toContain('already changed by item 3');
    // Nothing applied, not even the good items.
    for (const p of [rice!, eggs!, soy!]) expect((await productById(p.id)).stock).toEqual(p.stock);
  });

  it('applies every item in one go when all are good, in item order, each in the history', async () => {
    const [rice, soy] = await Promise.all(['东北大米 5kg', '生抽 500ml'].map((n) => productById(byName(grocery, n).id)));
    const answer = await cluster.query(
      UPDATE_STOCK,
      {
        i: {
          shopId: grocery.id,
          items: [
            { productId: soy!.id, delta: 10, reason: 'delivery' },
            { productId: rice!.id, onHand: 44, expectedVersion: rice!.stock.version },
          ],
          reason: 'weekly count',
        },
      },
      merchant,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data.updateStock.map((p: any) => [p.id, p.stock.onHand])).toEqual([
      [soy!.id, soy!.stock.onHand + 10],
      [rice!.id, 44],
    ]);
    expect((await history(rice!.id))[0]).toMatchObject({ kind: 'BATCH', actor: MERCHANT_ACTOR, onHandBefore: rice!.stock.onHand, onHandAfter: 44, reason: 'weekly count' });
    expect((await history(soy!.id))[0]).toMatchObject({ kind: 'BATCH', onHandAfter: soy!.stock.onHand + 10, reason: 'delivery' });
  });

  it('is a CONFLICT when the only problem is a stale version', async () => {
    const rice = await productById(byName(grocery, '东北大米 5kg').id);
    const answer = await cluster.query(UPDATE_STOCK, { i: { shopId: grocery.id, items: [{ productId: rice.id, onHand: 1, expectedVersion: rice.stock.version - 1 }] } }, merchant);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', problems: [expect.objectContaining({ index: 0, code: 'CONFLICT' })] });
    expect(answer.errors?.[0]?.message).toContain(`it is now version ${rice.stock.version} with ${rice.stock.onHand} on hand`);
  });
});

describe('importStockCsv', () => {
  it('lists every bad line and applies nothing', async () => {
    const [rice, eggs] = await Promise.all(['东北大米 5kg', '鸡蛋 30枚'].map((n) => productById(byName(grocery, n).id)));
    const mask = byName(pharmacy, '医用外科口罩 50只');
    const csv = [
      'product_id,on_hand,expected_version,reason', // 1
      `${rice!.id},40,,recount`, // 2 good
      `${eggs!.id},12.5,,`, // 3 not a whole number
      `${mask.id},3,,`, // 4 another shop's
      `${eggs!.id},-2,,`, // 5 negative
      `${rice!.id},41,,`, // 6 the same product again
      `${eggs!.id},7,${eggs!.stock.version + 5},`, // 7 stale version
      `${eggs!.id},7`, // 8 missing columns
    ].join('\r\n');
    const answer = await cluster.query(IMPORT_CSV, { i: { shopId: grocery.id, csv } }, merchant);
    expect(answer.data).toBeNull();
    const error = answer.errors![0]!;
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/^6 bad rows, nothing was imported: line 3: on_hand "12\.5" is not a whole number; line 4: /);
    expect(error.extensions?.problems.map((p: any) => p.line)).toEqual([3, 4, 5, 6, 7, 8]);
    const message = (line: number) => error.extensions?.problems.find((p: any) => p.line === line).message as string;
    expect(message(4)).toContain('product of another shop');
    expect(message(5)).toContain('negative');
    expect(message(6)).toContain('already changed by line 2');
    expect(message(7)).toContain(`changed since version ${eggs!.stock.version + 5}`);
    expect(message(8)).toContain('missing columns expected_version, reason');
    for (const p of [rice!, eggs!]) expect((await productById(p.id)).stock).toEqual(p.stock);
  });

  it('applies a good file (BOM, CRLF, names, quoted fields) in full', async () => {
    const [rice, eggs, soy] = await Promise.all(['东北大米 5kg', '鸡蛋 30枚', '生抽 500ml'].map((n) => productById(byName(grocery, n).id)));
    const csv = `\uFEFFname,on_hand,expected_version,reason\r\n东北大米 5kg,60,${rice!.stock.version},\r\n"鸡蛋 30枚",0,,"sold out, ""all"" gone"\r\n\r\n生抽 500ml,25,,\r\n`;
    const answer = await cluster.query(IMPORT_CSV, { i: { shopId: grocery.id, csv, reason: 'stocktake' } }, merchant);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.importStockCsv.map((p: any) => [p.name, p.stock.onHand])).toEqual([
      ['东北大米 5kg', 60],
      ['鸡蛋 30枚', 0],
      ['生抽 500ml', 25],
    ]);
    expect((await productById(eggs!.id)).stock).toMatchObject({ onHand: 0, available: 0, low: true, version: eggs!.stock.version + 1 });
    expect((await history(eggs!.id))[0]).toMatchObject({ kind: 'CSV_IMPORT', actor: MERCHANT_ACTOR, onHandBefore: eggs!.stock.onHand, onHandAfter: 0, reason: 'sold out, "all" gone' });
    expect((await history(soy!.id))[0]).toMatchObject({ kind: 'CSV_IMPORT', onHandAfter: 25, reason: 'stocktake' });
  });

  it('refuses a name the shop does not have, and a file without a usable header', async () => {
    const unknown = await cluster.query(IMPORT_CSV, { i: { shopId: grocery.id, csv: 'name,on_hand\n鸡蛋,3\n' } }, merchant);
    expect(unknown.errors?.[0]?.extensions?.problems).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining('has no product named "鸡蛋"') })]);
    const header = await cluster.query(IMPORT_CSV, { i: { shopId: grocery.id, csv: 'id,count\nx,1\n' } }, merchant);
    expect(header.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [expect.objectContaining({ line: 1 })] });
    expect(header.errors?.[0]?.message).toContain('line 1: the header has unknown columns "id", "count"');
  });
});

describe('who may change stock', () => {
  it('another merchant gets FORBIDDEN for every change and for the history, with a bilingual message', async () => {
    const rice = await productById(byName(grocery, '东北大米 5kg').id);
    const attempts = [
      [SET_STOCK, { productId: rice.id, onHand: 1, expectedVersion: rice.stock.version }],
      [ADJUST_STOCK, { productId: rice.id, delta: -1, reason: 'taken' }],
      [UPDATE_STOCK, { shopId: grocery.id, items: [{ productId: rice.id, delta: 1 }] }],
      [IMPORT_CSV, { shopId: grocery.id, csv: `product_id,on_hand\n${rice.id},1\n` }],
      [UPDATE_PRODUCT, { productId: rice.id, lowStockThreshold: 99 }],
    ] as const;
    for (const [mutation, input] of attempts) {
      const answer = await cluster.query(mutation, { i: input }, otherMerchant);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', community: 'alpha' });
      expect(answer.errors?.[0]?.message).toBe(`Not allowed: only the merchant of ${grocery.id} manages its products and stock.`);
      expect(answer.errors?.[0]?.extensions?.messageZh).toContain('无权操作');
    }
    const read = await cluster.query(`query($id: ID!) { product(id: $id) { stockHistory { kind } } }`, { id: rice.id }, otherMerchant);
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await productById(rice.id)).toEqual(rice);
  });

  it('a merchant of another community is FORBIDDEN too', async () => {
    const rice = await productById(byName(grocery, '东北大米 5kg').id);
    const beta = await cluster.token([{ role: 'merchant', shop: betaShop.id }]);
    const answer = await cluster.query(ADJUST_STOCK, { i: { productId: rice.id, delta: 1, reason: 'x' } }, beta);
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('without a token: UNAUTHENTICATED, for changes and for the history', async () => {
    const rice = await productById(byName(grocery, '东北大米 5kg').id);
    const set = await cluster.query(SET_STOCK, { i: { productId: rice.id, onHand: 1, expectedVersion: rice.stock.version } });
    expect(set.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const batch = await cluster.query(UPDATE_STOCK, { i: { shopId: grocery.id, items: [{ productId: rice.id, delta: 1 }] } });
    expect(batch.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const read = await cluster.query(`query($id: ID!) { product(id: $id) { stockHistory { kind } } }`, { id: rice.id });
    expect(read.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await productById(rice.id)).toEqual(rice);
  });
});

describe('products: household limit and low-stock threshold', () => {
  it('are set at addProduct and changed by updateProduct; fields left out stay, null removes the limit', async () => {
    const added = await cluster.query(
      `mutation($i: AddProductInput!) { addProduct(input: $i) { id householdLimit lowStockThreshold packSize stock { ${STOCK} } } }`,
      { i: { shopId: grocery.id, name: '大米 10kg', unit: '袋', priceFen: 8800, householdLimit: 2, lowStockThreshold: 5 } },
      merchant,
    );
    expect(added.errors).toBeUndefined();
    const rice = added.data.addProduct;
    expect(rice).toMatchObject({ householdLimit: 2, lowStockThreshold: 5, packSize: 1, stock: { onHand: 0, low: true } });

    const changed = await cluster.query(UPDATE_PRODUCT, { i: { productId: rice.id, householdLimit: 3, priceFen: 8600 } }, merchant);
    expect(changed.errors).toBeUndefined();
    expect(changed.data.updateProduct).toMatchObject({ name: '大米 10kg', householdLimit: 3, lowStockThreshold: 5 });
    const cleared = await cluster.query(UPDATE_PRODUCT, { i: { productId: rice.id, householdLimit: null } }, merchant);
    expect(cleared.data.updateProduct).toMatchObject({ householdLimit: null, lowStockThreshold: 5 });

    for (const [input, argument] of [
      [{ householdLimit: 0 }, 'input.householdLimit'],
      [{ lowStockThreshold: -1 }, 'input.lowStockThreshold'],
      [{ name: null }, 'input.name'],
      [{}, 'input'],
    ] as const) {
      const answer = await cluster.query(UPDATE_PRODUCT, { i: { productId: rice.id, ...input } }, merchant);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    }
  });
});

describe('low stock', () => {
  it('shows on Stock.low and in Community.lowStock, by shop then name', async () => {
    const shops = await shopsOf('alpha');
    const g = shops.find((s) => s.id === grocery.id)!;
    const p = shops.find((s) => s.id === pharmacy.id)!;
    const soy = byName(g, '生抽 500ml');
    const pharmacyMerchant = otherMerchant;
    const lianhua = byName(p, '连花清瘟胶囊 24粒');
    // Threshold above what is available: low. Equal: low. Below: not low.
    const raise = await cluster.query(UPDATE_PRODUCT, { i: { productId: soy.id, lowStockThreshold: soy.stock.available + 1 } }, merchant);
    expect(raise.data.updateProduct.stock.low).toBe(true);
    const equal = await cluster.query(UPDATE_PRODUCT, { i: { productId: lianhua.id, lowStockThreshold: lianhua.stock.available } }, pharmacyMerchant);
    expect(equal.data.updateProduct.stock.low).toBe(true);

    const answer = await cluster.query(`{ communities { code lowStock { name shop { name } stock { available low } } } }`);
    expect(answer.errors).toBeUndefined();
    const alpha = answer.data.communities.find((c: any) => c.code === 'alpha');
    const got: string[][] = alpha.lowStock.map((x: any) => [x.shop.name, x.name]);
    const expected = (await shopsOf('alpha')).flatMap((s) => s.products.filter((x) => x.stock.low).map((x) => [s.name, x.name]));
    expect([...got].sort()).toEqual([...expected].sort());
    expect(got).toEqual(expect.arrayContaining([['甲副食品店', '生抽 500ml'], ['甲副食品店', '鸡蛋 30枚'], ['甲药房', '连花清瘟胶囊 24粒']]));
    expect(alpha.lowStock.every((x: any) => x.stock.low)).toBe(true);
    // By shop: each shop's products together, in the order of Community.shops (by name, as PostgreSQL collates).
    const shopOrder = shops.map((s) => s.name).filter((name) => got.some(([shop]) => shop === name));
    expect(got.map(([shop]) => shop)).toEqual(shopOrder.flatMap((name) => got.filter(([shop]) => shop === name).map(() => name)));
    // Then by name, as Shop.products orders them.
    const refreshed = await shopsOf('alpha');
    for (const shop of refreshed) {
      expect(got.filter(([s]) => s === shop.name).map(([, name]) => name)).toEqual(shop.products.filter((x) => x.stock.low).map((x) => x.name));
    }
    // beta's products were never touched: only what the seed left low (nothing, all above the default 0).
    expect(answer.data.communities.find((c: any) => c.code === 'beta').lowStock).toEqual([]);
  });
});

describe('SQL', () => {
  it('locks a batch\'s rows in one statement, in id order', async () => {
    const [rice, soy] = await Promise.all(['东北大米 5kg', '生抽 500ml'].map((n) => productById(byName(grocery, n).id)));
    cluster.resetCounts();
    const answer = await cluster.query(UPDATE_STOCK, { i: { shopId: grocery.id, items: [{ productId: soy!.id, delta: 1 }, { productId: rice!.id, delta: 1 }] } }, merchant);
    expect(answer.errors).toBeUndefined();
    const locks = cluster.sql.filter((s) => s.community === 'alpha' && /for update/i.test(s.sql));
    expect(locks).toHaveLength(1);
    expect(locks[0]!.sql).toMatch(/order by "p0"\."id" asc.*for update/i);
  });

  it('reads the history and the low stock of many products in a fixed number of statements', async () => {
    const query = `query($id: ID!) { shop(id: $id) { products { name stockHistory(first: 3) { kind onHandAfter } } } }`;
    cluster.resetCounts();
    expect((await cluster.query(query, { id: grocery.id }, merchant)).errors).toBeUndefined();
    const before = cluster.sql.filter((s) => s.community === 'alpha').length;
    expect(cluster.sql.filter((s) => /stock_change/.test(s.sql))).toHaveLength(1);

    for (let k = 0; k < 3; k += 1) {
      const added = await cluster.query(`mutation($i: AddProductInput!) { addProduct(input: $i) { id stock { version } } }`, { i: { shopId: grocery.id, name: `SQL 测试 ${k}`, unit: '袋', priceFen: 100 } }, merchant);
      const id = added.data.addProduct.id;
      await cluster.query(ADJUST_STOCK, { i: { productId: id, delta: 5, reason: 'first delivery' } }, merchant);
    }
    cluster.resetCounts();
    const answer = await cluster.query(query, { id: grocery.id }, merchant);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.shop.products.find((p: any) => p.name === 'SQL 测试 2').stockHistory).toEqual([{ kind: 'ADJUST', onHandAfter: 5 }]);
    expect(cluster.sql.filter((s) => s.community === 'alpha').length).toBe(before);

    cluster.resetCounts();
    expect((await cluster.query(`{ communities { lowStock { name shop { name } } } }`)).errors).toBeUndefined();
    // Per community: the low-stock products, then their shops in one batch.
    for (const c of cluster.communities) expect(cluster.sql.filter((s) => s.community === c.code && s.subgraph === 'shops').length).toBeLessThanOrEqual(2);
  });
});
