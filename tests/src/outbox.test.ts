/**
 * The outbox 事件发件箱, read straight from the community's database after mutations made through the hub: each
 * change worth telling writes its events (type, subjects, figures) in its own transaction, so a refused or rolled
 * back mutation writes none, and concurrent sign-ups on one hot product get gapless sequence numbers in commit
 * order, exactly one STOCK_CHANGED each. Background work is off, so every event here is one a test caused.
 */
import { TEST_COMMUNITIES } from '../../ops/src/seed';
import { codeOf, must } from './support/answers';
import { TestCluster } from './support/cluster';
import { groupOf, household, join, openOrder, signUp, signUpWith, withdraw } from './support/orders';
import { inSeconds, leaderToken, lookUp, merchantToken, residentToken, stockOf, stockedProduct, type CommunityInfo, type GroupInfo, type HouseholdInfo } from './support/sub-district';

let cluster: TestCluster;
let alpha: CommunityInfo;
let shopId: string;
let group: GroupInfo;

interface OutboxRow {
  seq: number;
  type: string;
  subjects: Record<string, string>;
  data: Record<string, unknown>;
  occurredAt: Date;
}

/** alpha's outbox, in sequence order, as its database holds it (any domain's connection reads the one table). */
async function outbox(after = 0): Promise<OutboxRow[]> {
  const rows = (await cluster.nodes
    .get('alpha')!
    .subgraphs.get('shops')!
    .orm.em.fork()
    .getConnection()
    .execute('select seq, type, subjects, data, occurred_at from outbox.event where seq > ? order by seq', [after])) as {
    seq: string | number;
    type: string;
    subjects: Record<string, string>;
    data: Record<string, unknown>;
    occurred_at: Date | string;
  }[];
  return rows.map((r) => ({ seq: Number(r.seq), type: r.type, subjects: r.subjects, data: r.data, occurredAt: new Date(r.occurred_at) }));
}

async function head(): Promise<number> {
  const rows = await outbox();
  return rows.length === 0 ? 0 : rows[rows.length - 1]!.seq;
}

/** The events `act` wrote (nothing else writes meanwhile: background work is off and the tests run one by one). */
async function eventsOf(act: () => Promise<unknown>): Promise<OutboxRow[]> {
  const before = await head();
  await act();
  return outbox(before);
}

/** Type, subjects and figures only: what a subscriber filters on and reads. */
const shapes = (rows: OutboxRow[]) => rows.map(({ type, subjects, data }) => ({ type, subjects, data }));

let seqHome = 0;
const newHome = () => household(cluster, alpha, group.compoundId, '61', String(100 + ++seqHome));

async function productWithThreshold(name: string, onHand: number, lowStockThreshold: number): Promise<string> {
  const merchant = await merchantToken(cluster, shopId);
  const added = await must(
    cluster.query(
      `mutation($i: AddProductInput!) { addProduct(input: $i) { id stock { version } } }`,
      { i: { shopId, name, unit: '袋', priceFen: 3000, lowStockThreshold } },
      merchant,
    ),
  );
  const productId = added.addProduct.id as string;
  await must(cluster.query(`mutation($i: SetStockInput!) { setStock(input: $i) { id } }`, { i: { productId, onHand, expectedVersion: added.addProduct.stock.version } }, merchant));
  return productId;
}

const POOL_PROGRESS = `query($id: ID!) { pool(id: $id) { id status progress { totalQuantity totalTolerance packsIfClosedNow unitsToNextPack
  unitsToNextPackWithTolerance packsMissing wouldForm stockLimited unitsBelowOwnMinimum } } }`;

/** The pool's live progress as the API computes it now (the rule the events' figures must agree with). */
const progressOf = async (poolId: string) => (await must(cluster.query(POOL_PROGRESS, { id: poolId }))).pool.progress as Record<string, unknown>;

beforeAll(async () => {
  cluster = await TestCluster.start({ communities: TEST_COMMUNITIES.filter((c) => c.code === 'alpha' || c.code === 'beta'), background: false });
  alpha = (await lookUp(cluster)).get('alpha')!;
  shopId = alpha.shops[0]!.id;
  group = await groupOf(cluster, alpha, 0);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('each change writes its events, with the right subjects and figures', () => {
  it('a sign-up in a pooled order: STOCK_CHANGED, SIGN_UPS_CHANGED and POOL_PROGRESS with the pool’s new figures', async () => {
    const rice = await stockedProduct(cluster, shopId, { name: '拼单粳米 5kg', packSize: 5, onHand: 40 });
    // A leader proposes the pool: until its merchant accepts it, sign-ups hold their own units on the shelf.
    const proposed = await must(
      cluster.query(`mutation($i: OpenPoolInput!) { openPool(input: $i) { id status } }`, { i: { productId: rice, minimumPacks: 2, deadline: inSeconds(600) } }, await leaderToken(cluster, group)),
    );
    const poolId = proposed.openPool.id as string;
    expect(proposed.openPool.status).toBe('PROPOSED');

    let orderId = '';
    const opened = await eventsOf(async () => {
      orderId = await openOrder(cluster, shopId, group, [rice], { deadline: inSeconds(600) });
    });
    expect(shapes(opened)).toEqual([{ type: 'GROUP_ORDER_OPENED', subjects: { groupOrder: orderId, shop: shopId }, data: { status: 'OPEN', previousStatus: null } }]);

    const joined = await eventsOf(() => join(cluster, group, poolId, orderId, 2));
    expect(shapes(joined)).toEqual([
      {
        type: 'POOL_PROGRESS',
        subjects: { pool: poolId, product: rice, shop: shopId, groupOrder: orderId },
        data: expect.objectContaining({ ...(await progressOf(poolId)), status: 'PROPOSED', packSize: 5, minimumPacks: 2, totalQuantity: 0, packsMissing: 2 }),
      },
    ]);

    const home = await newHome();
    const signed = await eventsOf(async () => must(signUp(cluster, home, orderId, rice, 3)));
    expect(signed.map((e) => e.type)).toEqual(['STOCK_CHANGED', 'SIGN_UPS_CHANGED', 'POOL_PROGRESS']);
    const [stock, signUps, progress] = signed;
    expect(stock).toMatchObject({ subjects: { product: rice, shop: shopId }, data: { kind: 'RESERVE', onHand: 40, reserved: 3, available: 37 } });
    expect(stock!.subjects).not.toHaveProperty('household');
    expect(signUps).toMatchObject({ subjects: { groupOrder: orderId, shop: shopId }, data: { change: 'SIGNED_UP', units: 3 } });
    expect(Object.keys(signUps!.subjects).sort()).toEqual(['groupOrder', 'shop']);
    expect(progress!.subjects).toEqual({ pool: poolId, product: rice, shop: shopId, groupOrder: orderId });
    // The figures are the pool's own, as `Pool.progress` computes them right after.
    const now = await progressOf(poolId);
    expect(now).toMatchObject({ totalQuantity: 3, totalTolerance: 2, unitsToNextPack: 2 });
    expect(progress!.data).toMatchObject({ ...now, packSize: 5, minimumPacks: 2, status: 'PROPOSED' });
    expect(stock!.seq + 1).toBe(signUps!.seq);
    expect(signUps!.seq + 1).toBe(progress!.seq);

    // Changing the quantity, then withdrawing: each tells the order and the pool (the release as a stock change).
    const changed = await eventsOf(async () => must(signUp(cluster, home, orderId, rice, 5)));
    expect(shapes(changed)).toEqual([
      { type: 'STOCK_CHANGED', subjects: { product: rice, shop: shopId }, data: { kind: 'RESERVE', onHand: 40, reserved: 5, available: 35 } },
      { type: 'SIGN_UPS_CHANGED', subjects: { groupOrder: orderId, shop: shopId }, data: { change: 'CHANGED', units: 5 } },
      { type: 'POOL_PROGRESS', subjects: { pool: poolId, product: rice, shop: shopId, groupOrder: orderId }, data: expect.objectContaining({ ...(await progressOf(poolId)), totalQuantity: 5, packsIfClosedNow: 1, packsMissing: 1 }) },
    ]);
    const gone = await eventsOf(async () => {
      expect(codeOf(await withdraw(cluster, home, orderId))).toBeUndefined();
    });
    expect(shapes(gone)).toEqual([
      { type: 'STOCK_CHANGED', subjects: { product: rice, shop: shopId }, data: { kind: 'RELEASE', onHand: 40, reserved: 0, available: 40 } },
      { type: 'SIGN_UPS_CHANGED', subjects: { groupOrder: orderId, shop: shopId }, data: { change: 'WITHDRAWN', units: 0 } },
      { type: 'POOL_PROGRESS', subjects: { pool: poolId, product: rice, shop: shopId, groupOrder: orderId }, data: expect.objectContaining({ ...(await progressOf(poolId)), totalQuantity: 0, packsMissing: 2 }) },
    ]);

    // The merchant declines the proposal: the pool closes and its order runs on its own again.
    const declined = await eventsOf(async () =>
      must(cluster.query(`mutation($i: DeclinePoolInput!) { declinePool(input: $i) { status } }`, { i: { poolId, reason: '本周不拼' } }, await merchantToken(cluster, shopId))),
    );
    expect(shapes(declined)).toEqual([
      { type: 'POOL_CLOSED', subjects: { pool: poolId, product: rice, shop: shopId }, data: { status: 'DECLINED', packs: 0, unitsOrdered: 0 } },
      { type: 'GROUP_ORDER_OPENED', subjects: { groupOrder: orderId, shop: shopId }, data: { status: 'OPEN', previousStatus: 'POOLED' } },
    ]);
  });

  it('an accepted pool: sign-ups reserve nothing of their own (no STOCK_CHANGED); its close reserves the packs and decides every order', async () => {
    const flour = await stockedProduct(cluster, shopId, { name: '拼单面粉', packSize: 4, onHand: 30 });
    const pool = await must(
      cluster.query(`mutation($i: OpenPoolInput!) { openPool(input: $i) { id status } }`, { i: { productId: flour, minimumPacks: 1, deadline: inSeconds(600) } }, await merchantToken(cluster, shopId)),
    );
    const poolId = pool.openPool.id as string;
    const orderId = await openOrder(cluster, shopId, group, [flour], { deadline: inSeconds(600) });
    await join(cluster, group, poolId, orderId, 0);
    const home = await newHome();
    const signed = await eventsOf(async () => must(signUp(cluster, home, orderId, flour, 4)));
    expect(signed.map((e) => e.type)).toEqual(['SIGN_UPS_CHANGED', 'POOL_PROGRESS']);
    expect(signed[1]!.data).toMatchObject({ ...(await progressOf(poolId)), status: 'OPEN', totalQuantity: 4, packsIfClosedNow: 1, packsMissing: 0, wouldForm: true });

    const closed = await eventsOf(async () => must(cluster.query(`mutation($i: PoolActionInput!) { closePool(input: $i) { status } }`, { i: { poolId } }, await merchantToken(cluster, shopId))));
    expect(shapes(closed)).toEqual([
      { type: 'POOL_CLOSED', subjects: { pool: poolId, product: flour, shop: shopId }, data: { status: 'FORMED', packs: 1, unitsOrdered: 4 } },
      { type: 'STOCK_CHANGED', subjects: { product: flour, shop: shopId }, data: { kind: 'RESERVE', onHand: 30, reserved: 4, available: 26 } },
      { type: 'GROUP_ORDER_FORMED', subjects: { groupOrder: orderId, shop: shopId }, data: { status: 'FORMED', previousStatus: 'POOLED' } },
    ]);
  });

  it('closing an order gives GROUP_ORDER_FORMED (or FAILED, releasing its units); handing it over gives GROUP_ORDER_HANDED_OVER', async () => {
    const oil = await stockedProduct(cluster, shopId, { name: '花生油 5L', onHand: 10 });
    const formedId = await openOrder(cluster, shopId, group, [oil], { deadline: inSeconds(600) });
    await must(signUp(cluster, await newHome(), formedId, oil, 2));
    const leader = await leaderToken(cluster, group);
    const close = (orderId: string) => cluster.query(`mutation($i: GroupOrderActionInput!) { closeGroupOrder(input: $i) { status } }`, { i: { orderId } }, leader);
    const formed = await eventsOf(async () => must(close(formedId)));
    expect(shapes(formed)).toEqual([{ type: 'GROUP_ORDER_FORMED', subjects: { groupOrder: formedId, shop: shopId }, data: { status: 'FORMED', previousStatus: 'OPEN' } }]);

    const merchant = await merchantToken(cluster, shopId);
    const step = (name: string) => cluster.query(`mutation($i: GroupOrderActionInput!) { ${name}(input: $i) { status } }`, { i: { orderId: formedId } }, merchant);
    // The merchant's confirmation has no event of its own.
    expect(await eventsOf(async () => must(step('confirmGroupOrder')))).toEqual([]);
    const handed = await eventsOf(async () => must(step('markHandedOver')));
    expect(shapes(handed)).toEqual([
      { type: 'STOCK_CHANGED', subjects: { product: oil, shop: shopId }, data: { kind: 'HAND_OVER', onHand: 8, reserved: 0, available: 8 } },
      { type: 'GROUP_ORDER_HANDED_OVER', subjects: { groupOrder: formedId, shop: shopId }, data: { status: 'HANDED_OVER', previousStatus: 'CONFIRMED' } },
    ]);

    const failingId = await openOrder(cluster, shopId, group, [oil], { deadline: inSeconds(600), minimumKind: 'HOUSEHOLDS', minimum: 3 });
    await must(signUp(cluster, await newHome(), failingId, oil, 1));
    const failed = await eventsOf(async () => must(close(failingId)));
    expect(shapes(failed)).toEqual([
      { type: 'GROUP_ORDER_FAILED', subjects: { groupOrder: failingId, shop: shopId }, data: { status: 'FAILED', previousStatus: 'OPEN' } },
      { type: 'STOCK_CHANGED', subjects: { product: oil, shop: shopId }, data: { kind: 'RELEASE', onHand: 8, reserved: 0, available: 8 } },
    ]);
  });

  it('LOW_STOCK once, when a change takes the available units to the threshold or below from above it', async () => {
    const eggs = await productWithThreshold('鸡蛋 30枚', 6, 3);
    const merchant = await merchantToken(cluster, shopId);
    const adjust = (delta: number) => must(cluster.query(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id } }`, { i: { productId: eggs, delta, reason: '盘点' } }, merchant));
    const orderId = await openOrder(cluster, shopId, group, [eggs], { deadline: inSeconds(600) });
    const first = await eventsOf(async () => must(signUp(cluster, await newHome(), orderId, eggs, 3)));
    expect(shapes(first).filter((e) => e.type !== 'SIGN_UPS_CHANGED')).toEqual([
      { type: 'STOCK_CHANGED', subjects: { product: eggs, shop: shopId }, data: { kind: 'RESERVE', onHand: 6, reserved: 3, available: 3 } },
      { type: 'LOW_STOCK', subjects: { product: eggs, shop: shopId }, data: { available: 3, threshold: 3 } },
    ]);
    // Already low: lower still is no new LOW_STOCK.
    const lower = await eventsOf(async () => must(signUp(cluster, await newHome(), orderId, eggs, 1)));
    expect(lower.map((e) => e.type)).toEqual(['STOCK_CHANGED', 'SIGN_UPS_CHANGED']);
    // Restocked above it, then counted down to it again by the merchant: low once more.
    expect((await eventsOf(() => adjust(10))).map((e) => e.type)).toEqual(['STOCK_CHANGED']);
    const counted = await eventsOf(() => adjust(-10));
    expect(shapes(counted)).toEqual([
      { type: 'STOCK_CHANGED', subjects: { product: eggs, shop: shopId }, data: { kind: 'ADJUST', onHand: 6, reserved: 4, available: 2 } },
      { type: 'LOW_STOCK', subjects: { product: eggs, shop: shopId }, data: { available: 2, threshold: 3 } },
    ]);
  });

  it('a notice gives NOTICE_PUBLISHED; an answer QUESTION_ANSWERED; a published digest DIGEST_PUBLISHED', async () => {
    const committee = await cluster.token([{ role: 'committee', community: 'alpha' }], 'outbox-committee');
    let noticeId = '';
    const notices = await eventsOf(async () => {
      const published = await must(
        cluster.query(`mutation($i: PublishNoticeInput!) { publishNotice(input: $i) { id } }`, { i: { community: 'alpha', category: 'SUPPLIES', title: '物资发放', body: '今天下午在弄口发放蔬菜包。' } }, committee),
      );
      noticeId = published.publishNotice.id;
    });
    expect(shapes(notices)).toEqual([{ type: 'NOTICE_PUBLISHED', subjects: { notice: noticeId }, data: { category: 'SUPPLIES', supersedes: null } }]);

    const home = alpha.compounds[0]!.households[0]!;
    const asked = await must(cluster.query(`mutation($i: AskQuestionInput!) { askQuestion(input: $i) { id } }`, { i: { householdId: home.id, text: '明天还发菜吗？' } }, await residentToken(cluster, home)));
    const officer = await cluster.token([{ role: 'info_officer', community: 'alpha' }], 'outbox-officer');
    const questionId = asked.askQuestion.id as string;
    const answered = await eventsOf(async () =>
      must(cluster.query(`mutation($i: AnswerQuestionInput!) { answerQuestion(input: $i) { id } }`, { i: { questionId, answer: '明天上午继续发。' } }, officer)),
    );
    expect(shapes(answered)).toEqual([{ type: 'QUESTION_ANSWERED', subjects: { question: questionId }, data: { status: 'ANSWERED' } }]);

    const drafted = await must(cluster.query(`mutation($i: DraftDigestInput!) { draftDigest(input: $i) { id items { kind } } }`, { i: { community: 'alpha' } }, officer));
    const digestId = drafted.draftDigest.id as string;
    const digests = await eventsOf(async () => must(cluster.query(`mutation($i: PublishDigestInput!) { publishDigest(input: $i) { id } }`, { i: { digestId } }, officer)));
    expect(shapes(digests)).toEqual([{ type: 'DIGEST_PUBLISHED', subjects: { digest: digestId }, data: { items: drafted.draftDigest.items.length } }]);
  });

  it('each status change of a care request gives CARE_REQUEST_STATUS, naming the request and its household', async () => {
    const home = alpha.compounds[0]!.households[1]!;
    const dispatcher = await cluster.token([{ role: 'dispatcher', community: 'alpha' }], 'outbox-dispatcher');
    let requestId = '';
    const asked = await eventsOf(async () => {
      const answer = await must(
        cluster.query(
          `mutation($i: RequestCareInput!) { requestCare(input: $i) { id status } }`,
          { i: { householdId: home.id, kind: 'MEDICINE_PICKUP', urgency: 'TODAY', destination: '瑞金医院门诊药房', prescriptions: ['氨氯地平片 5mg ×28'], contactPhone: '139 1234 5678' } },
          await residentToken(cluster, home),
        ),
      );
      requestId = answer.requestCare.id;
    });
    const subjects = { careRequest: requestId, household: home.id };
    expect(shapes(asked)).toEqual([{ type: 'CARE_REQUEST_STATUS', subjects, data: { status: 'SUBMITTED', previousStatus: null } }]);
    const triage = (decision: string, note?: string) =>
      must(cluster.query(`mutation($i: TriageCareInput!) { triageCareRequest(input: $i) { status } }`, { i: { requestId, decision, ...(note ? { note } : {}) } }, dispatcher));
    expect(shapes(await eventsOf(() => triage('ACCEPT')))).toEqual([{ type: 'CARE_REQUEST_STATUS', subjects, data: { status: 'QUEUED', previousStatus: 'SUBMITTED' } }]);
    const cancelled = await eventsOf(async () =>
      must(cluster.query(`mutation($i: CancelCareRequestInput!) { cancelCareRequest(input: $i) { status } }`, { i: { requestId, reason: '家人已代配' } }, await residentToken(cluster, home))),
    );
    expect(shapes(cancelled)).toEqual([{ type: 'CARE_REQUEST_STATUS', subjects, data: { status: 'CANCELLED', previousStatus: 'QUEUED' } }]);
    // Never the phone, the address or the prescriptions.
    expect(JSON.stringify([...asked, ...cancelled])).not.toMatch(/139|瑞金|氨氯地平|家人已代配/);
  });
});

describe('a refused or rolled-back mutation writes no event', () => {
  it('a sign-up whose second line is short: the first line’s reservation and its STOCK_CHANGED roll back with it', async () => {
    const plenty = await stockedProduct(cluster, shopId, { name: '挂面', onHand: 50 });
    const scarce = await stockedProduct(cluster, shopId, { name: '牛奶', onHand: 1 });
    const orderId = await openOrder(cluster, shopId, group, [plenty, scarce], { deadline: inSeconds(600) });
    const home = await newHome();
    const token = await residentToken(cluster, home);
    const before = await head();
    const refused = await cluster.query(
      `mutation($i: SignUpInput!) { signUp(input: $i) { id } }`,
      { i: { orderId, householdId: home.id, lines: [{ productId: plenty, quantity: 2 }, { productId: scarce, quantity: 3 }] } },
      token,
    );
    expect(codeOf(refused)).toBe('INSUFFICIENT_STOCK');
    expect(await outbox(before)).toEqual([]);
    expect(await stockOf(cluster, plenty)).toEqual({ onHand: 50, reserved: 0, available: 50 });
  });

  it('a FORBIDDEN caller changes nothing and tells nothing', async () => {
    const salt = await stockedProduct(cluster, shopId, { name: '食盐', onHand: 5 });
    const orderId = await openOrder(cluster, shopId, group, [salt], { deadline: inSeconds(600) });
    const home = await newHome();
    const stranger = await residentToken(cluster, alpha.compounds[0]!.households[0]!);
    const before = await head();
    // A resident signing up another household, a resident closing a leader's order, a merchant of no shop counting stock.
    expect(codeOf(await signUpWith(cluster, stranger, home, orderId, salt, 1))).toBe('FORBIDDEN');
    expect(codeOf(await cluster.query(`mutation($i: GroupOrderActionInput!) { closeGroupOrder(input: $i) { status } }`, { i: { orderId } }, stranger))).toBe('FORBIDDEN');
    expect(codeOf(await cluster.query(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id } }`, { i: { productId: salt, delta: 3, reason: '到货' } }, stranger))).toBe('FORBIDDEN');
    expect(await outbox(before)).toEqual([]);
  });
});

describe('a household’s first sign-up for one product (the hot path)', () => {
  /** What a sign-up wrote in alpha's shops tables, with the IDs, the household and the time left out. */
  async function written(signUpId: string) {
    const id = Number(signUpId.split(':').pop());
    const run = (sql: string) => cluster.nodes.get('alpha')!.subgraphs.get('shops')!.orm.em.fork().getConnection().execute(sql, [id]);
    const [row] = await run('select building, address, signed_up_by, withdrawn_at, created_at = updated_at as unchanged from sign_up where id = ?');
    const lines = await run('select quantity, reserved, allocated, explanation from sign_up_line where sign_up_id = ?');
    const audit = await run(
      `select c.kind, c.actor, c.on_hand_before, c.on_hand_after, c.reserved_before, c.reserved_after, regexp_replace(c.reason, '\\S+ in \\S+$', '<household> in <order>') as reason
       from stock_change c join sign_up_line l on l.product_id = c.product_id where l.sign_up_id = ? and c.kind = 'RESERVE'`,
    );
    return { row, lines, audit };
  }

  it('writes the rows, the audit entry and the events the general path writes, in two statements that touch sign-ups', async () => {
    const homes = [await newHome(), await newHome()];
    // Two products alike, one per order: 10 on hand, low at 7, so both sign-ups also cross into LOW_STOCK.
    const [hot, twin, other] = [await productWithThreshold('抢购大米 A', 10, 7), await productWithThreshold('抢购大米 B', 10, 7), await stockedProduct(cluster, shopId, { name: '挂面 B', onHand: 5 })];
    const hotOrder = await openOrder(cluster, shopId, group, [hot], { deadline: inSeconds(600) });
    const twinOrder = await openOrder(cluster, shopId, group, [twin, other], { deadline: inSeconds(600) });
    const tokens = await Promise.all(homes.map((h) => residentToken(cluster, h)));
    const SIGN_UP = `mutation($i: SignUpInput!) { signUp(input: $i) { id position lines { quantity product { id } } } }`;
    // The hot path: one line.
    cluster.resetCounts();
    let fast: any;
    const key = `hot-path-${Date.now()}`;
    const hotInput = { orderId: hotOrder, householdId: homes[0]!.id, lines: [{ productId: hot, quantity: 3 }], idempotencyKey: key };
    const fastEvents = await eventsOf(async () => (fast = await must(cluster.query(SIGN_UP, { i: hotInput }, tokens[0]))));
    const fastStatements = cluster.sql.filter((s) => s.community === 'alpha' && s.subgraph === 'shops' && /sign_up/.test(s.sql));
    // Its key was recorded with the sign-up: a retry answers with the first answer and changes nothing; another
    // request under it is a CONFLICT.
    const replayEvents = await eventsOf(async () => expect((await must(cluster.query(SIGN_UP, { i: hotInput }, tokens[0]))).signUp).toEqual(fast.signUp));
    expect(replayEvents).toEqual([]);
    const [stored] = await cluster.nodes.get('alpha')!.subgraphs.get('shops')!.orm.em.fork().getConnection().execute('select operation, result_ids, answer from idempotency_record where key = ?', [key]);
    expect(stored).toEqual({ operation: 'signUp', result_ids: [Number(fast.signUp.id.split(':').pop())], answer: fast.signUp });
    const reused = await cluster.query(SIGN_UP, { i: { ...hotInput, lines: [{ productId: hot, quantity: 2 }] } }, tokens[0]);
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', idempotencyKey: key });
    // The general path: a second line, of nothing.
    cluster.resetCounts();
    let general: any;
    const generalEvents = await eventsOf(async () => (general = await must(cluster.query(SIGN_UP, { i: { orderId: twinOrder, householdId: homes[1]!.id, lines: [{ productId: twin, quantity: 3 }, { productId: other, quantity: 0 }], idempotencyKey: `general-path-${Date.now()}` } }, tokens[1]))));
    const generalStatements = cluster.sql.filter((s) => s.community === 'alpha' && s.subgraph === 'shops' && /sign_up/.test(s.sql));

    expect(fast.signUp).toMatchObject({ position: 1, lines: [{ quantity: 3, product: { id: hot } }] });
    expect(general.signUp).toMatchObject({ position: 1, lines: [{ quantity: 3, product: { id: twin } }] });
    const shape = (events: OutboxRow[]) => events.map((e) => ({ type: e.type, subjects: Object.keys(e.subjects).sort(), data: e.data }));
    expect(shape(fastEvents)).toEqual(shape(generalEvents));
    expect(fastEvents.map((e) => e.type)).toEqual(['STOCK_CHANGED', 'LOW_STOCK', 'SIGN_UPS_CHANGED']);
    expect(fastEvents.find((e) => e.type === 'SIGN_UPS_CHANGED')!.subjects).toEqual({ groupOrder: hotOrder, shop: shopId });
    const [fastRows, generalRows] = [await written(fast.signUp.id), await written(general.signUp.id)];
    // Alike but for who signed up, and where they live.
    const anyone = (rows: typeof fastRows) => ({
      row: { ...rows.row, address: '<address>', signed_up_by: '<resident>' },
      lines: rows.lines,
      audit: rows.audit.map((a: Record<string, unknown>) => ({ ...a, actor: '<resident>' })),
    });
    expect(anyone(fastRows)).toEqual(anyone(generalRows));
    expect(fastRows.row.signed_up_by).toBe(fastRows.audit[0].actor);
    expect(fastRows.row.signed_up_by).toMatch(new RegExp(`${homes[0]!.id}$`));
    expect(fastRows.audit).toHaveLength(1);
    expect(fastRows.row.address).toBe(homes[0]!.address);
    expect(await stockOf(cluster, hot)).toEqual(await stockOf(cluster, twin));
    // The read and the write; the answer's own fields (position, lines) read afterwards, as for any sign-up.
    expect(fastStatements.filter((s) => !/^select/i.test(s.sql.trim()) || /exists \(select 1 from sign_up/.test(s.sql))).toHaveLength(2);
    expect(generalStatements.length).toBeGreaterThan(fastStatements.length);
  });

  it('one household twice at once: one sign-up, its units reserved once, both answered with it', async () => {
    const rice = await stockedProduct(cluster, shopId, { name: '抢购大米 C', onHand: 20 });
    const orderId = await openOrder(cluster, shopId, group, [rice], { deadline: inSeconds(600) });
    const home = await newHome();
    const token = await residentToken(cluster, home);
    for (let round = 0; round < 3; round += 1) {
      const other = await newHome();
      const otherToken = await residentToken(cluster, other);
      const answers = await Promise.all([0, 1, 2, 3].map((n) => signUpWith(cluster, n % 2 ? otherToken : token, n % 2 ? other : home, orderId, rice, 2)));
      for (const answer of answers) expect(answer.errors).toBeUndefined();
      expect(answers[0]!.data.signUp.id).toBe(answers[2]!.data.signUp.id);
      expect(answers[1]!.data.signUp.id).toBe(answers[3]!.data.signUp.id);
    }
    // One household signed up throughout, and three others once each: 4 x 2 units.
    expect(await stockOf(cluster, rice)).toEqual({ onHand: 20, reserved: 8, available: 12 });
    const list = await must(cluster.query(`query($id: ID!) { groupOrder(id: $id) { progress { households quantity } } }`, { id: orderId }));
    expect(list.groupOrder.progress).toMatchObject({ households: 4, quantity: 8 });
  });

  it('a household that signed up before, and one whose sign-up finds too little left, are answered as ever', async () => {
    const scarce = await stockedProduct(cluster, shopId, { name: '抢购鸡蛋', onHand: 4 });
    const orderId = await openOrder(cluster, shopId, group, [scarce], { deadline: inSeconds(600) });
    const [first, second] = [await newHome(), await newHome()];
    await must(signUp(cluster, first, orderId, scarce, 3));
    // A change of quantities keeps the place (the general path).
    const changed = await must(signUp(cluster, first, orderId, scarce, 2));
    expect(changed.signUp).toMatchObject({ position: 1, lines: [{ quantity: 2 }] });
    const before = await head();
    const refused = await signUp(cluster, second, orderId, scarce, 3);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'INSUFFICIENT_STOCK', available: 2, requested: 3 });
    expect(refused.errors?.[0]?.extensions?.messageZh).toContain('仅剩 2');
    expect(await outbox(before)).toEqual([]);
    expect(await stockOf(cluster, scarce)).toEqual({ onHand: 4, reserved: 2, available: 2 });
    // It may sign up for what is left: a first sign-up again.
    expect((await must(signUp(cluster, second, orderId, scarce, 2))).signUp).toMatchObject({ position: 2 });
    expect(await stockOf(cluster, scarce)).toEqual({ onHand: 4, reserved: 4, available: 0 });
  });
});

describe('concurrent sign-ups on one hot product', () => {
  const SIGN_UPS = 30;
  const UNITS = 20;

  it(`${SIGN_UPS} at once for ${UNITS} units: gapless sequence numbers in commit order, one STOCK_CHANGED per successful sign-up`, async () => {
    const productId = await stockedProduct(cluster, shopId, { name: '抢购大米', onHand: UNITS });
    const orderId = await openOrder(cluster, shopId, group, [productId], { deadline: inSeconds(600) });
    const residents: { home: HouseholdInfo; token: string }[] = [];
    for (let n = 0; n < SIGN_UPS; n += 1) {
      const home = await household(cluster, alpha, group.compoundId, '62', String(300 + n));
      residents.push({ home, token: await residentToken(cluster, home) });
    }
    const before = await head();
    const answers = await Promise.all(residents.map(({ home, token }) => signUpWith(cluster, token, home, orderId, productId, 1)));
    expect(answers.filter((a) => a.errors && codeOf(a) !== 'INSUFFICIENT_STOCK').map((a) => a.errors)).toEqual([]);
    const succeeded = answers.filter((a) => !a.errors).length;
    expect(succeeded).toBe(UNITS);

    const events = await outbox(before);
    const stock = events.filter((e) => e.type === 'STOCK_CHANGED');
    expect(stock).toHaveLength(succeeded);
    expect(events.filter((e) => e.type === 'SIGN_UPS_CHANGED')).toHaveLength(succeeded);
    expect(events.filter((e) => e.type === 'LOW_STOCK')).toHaveLength(1);
    expect(stock.every((e) => e.subjects.product === productId && e.subjects.shop === shopId)).toBe(true);
    // Commit order: each reservation committed after the one before it (the product's row lock is held to the
    // commit), so in sequence order the reserved count rises by exactly one each time.
    expect(stock.map((e) => e.data.reserved)).toEqual(Array.from({ length: UNITS }, (_, i) => i + 1));
    expect(stock.map((e) => e.data.available)).toEqual(Array.from({ length: UNITS }, (_, i) => UNITS - i - 1));

    // The whole outbox of the community, every domain's events together: 1..N, no hole, none twice, and the time
    // written never goes back as the sequence goes up.
    const all = await outbox();
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    for (let i = 1; i < all.length; i += 1) expect(all[i]!.occurredAt.getTime()).toBeGreaterThanOrEqual(all[i - 1]!.occurredAt.getTime());
    const [counter] = (await cluster.nodes.get('alpha')!.subgraphs.get('shops')!.orm.em.fork().getConnection().execute('select seq from outbox.head where id = 1')) as { seq: string }[];
    expect(Number(counter!.seq)).toBe(all.length);
  });

  it('sign-ups at once asking for different quantities: nobody is refused while enough is left for them, and what each was promised adds up', async () => {
    const UNITS_ON_SHELF = 7;
    const asks = [3, 3, 1, 2, 1, 3, 1, 2, 1, 1, 3, 1];
    const productId = await stockedProduct(cluster, shopId, { name: '抢购鸡蛋 混合', onHand: UNITS_ON_SHELF });
    const orderId = await openOrder(cluster, shopId, group, [productId], { deadline: inSeconds(600) });
    const residents: { home: HouseholdInfo; token: string }[] = [];
    for (let n = 0; n < asks.length; n += 1) {
      const home = await household(cluster, alpha, group.compoundId, '65', String(400 + n));
      residents.push({ home, token: await residentToken(cluster, home) });
    }
    cluster.resetCounts();
    const answers = await Promise.all(residents.map(({ home, token }, n) => signUpWith(cluster, token, home, orderId, productId, asks[n]!)));
    expect(answers.filter((a) => a.errors && codeOf(a) !== 'INSUFFICIENT_STOCK').map((a) => a.errors)).toEqual([]);
    const promised = answers.reduce((sum, a, n) => sum + (a.errors ? 0 : asks[n]!), 0);
    const stock = await stockOf(cluster, productId);
    expect(stock).toEqual({ onHand: UNITS_ON_SHELF, reserved: promised, available: UNITS_ON_SHELF - promised });
    // A refusal says what was left at its turn, less than asked for; units left at the end were left then too, so
    // every refused household asked for more than is left now: nobody was turned away from what they could have had.
    const refused = answers.map((a, n) => ({ a, asked: asks[n]! })).filter(({ a }) => a.errors);
    expect(refused.length).toBeGreaterThan(0);
    for (const { a, asked } of refused) {
      expect(a.errors![0]!.extensions).toMatchObject({ code: 'INSUFFICIENT_STOCK', requested: asked });
      expect(a.errors![0]!.extensions!.available as number).toBeLessThan(asked);
      expect(asked).toBeGreaterThan(stock.available);
    }
    // The list holds exactly the households that were answered with a sign-up.
    const list = await must(cluster.query(`query($id: ID!) { groupOrder(id: $id) { progress { households quantity } } }`, { id: orderId }));
    expect(list.groupOrder.progress).toMatchObject({ households: answers.filter((a) => !a.errors).length, quantity: promised });
  });

  it('sign-ups of one product arriving together share a statement and a commit (group commit), each with its own audit entry', async () => {
    const SIGN_UPS_TOGETHER = 24;
    const productId = await stockedProduct(cluster, shopId, { name: '抢购大米 同批', onHand: 100 });
    const orderId = await openOrder(cluster, shopId, group, [productId], { deadline: inSeconds(600) });
    const residents: { home: HouseholdInfo; token: string }[] = [];
    for (let n = 0; n < SIGN_UPS_TOGETHER; n += 1) {
      const home = await household(cluster, alpha, group.compoundId, '66', String(500 + n));
      residents.push({ home, token: await residentToken(cluster, home) });
    }
    cluster.resetCounts();
    const answers = await Promise.all(residents.map(({ home, token }) => signUpWith(cluster, token, home, orderId, productId, 1)));
    expect(answers.map((a) => a.errors)).toEqual(answers.map(() => undefined));
    const writes = cluster.sql.filter((s) => s.community === 'alpha' && s.subgraph === 'shops' && /jsonb_to_recordset/.test(s.sql));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.length).toBeLessThan(SIGN_UPS_TOGETHER);
    const audit = await cluster.nodes.get('alpha')!.subgraphs.get('shops')!.orm.em.fork().getConnection().execute(
      `select reserved_before, reserved_after from stock_change where product_id = ? and kind = 'RESERVE' order by id`,
      [Number(productId.split(':').pop())],
    );
    expect(audit).toEqual(Array.from({ length: SIGN_UPS_TOGETHER }, (_, i) => ({ reserved_before: i, reserved_after: i + 1 })));
  });

  it('sign-ups at once in two orders of one accepted pool: each POOL_PROGRESS counts every change committed before it', async () => {
    const beans = await stockedProduct(cluster, shopId, { name: '拼单绿豆', packSize: 10, onHand: 100 });
    const pool = await must(
      cluster.query(`mutation($i: OpenPoolInput!) { openPool(input: $i) { id } }`, { i: { productId: beans, minimumPacks: 3, deadline: inSeconds(600) } }, await merchantToken(cluster, shopId)),
    );
    const poolId = pool.openPool.id as string;
    const orders = [await openOrder(cluster, shopId, group, [beans], { deadline: inSeconds(600) }), await openOrder(cluster, shopId, group, [beans], { deadline: inSeconds(600) })];
    for (const orderId of orders) await join(cluster, group, poolId, orderId, 0);
    const residents: { home: HouseholdInfo; token: string; orderId: string }[] = [];
    for (let n = 0; n < 16; n += 1) {
      const home = await household(cluster, alpha, group.compoundId, '63', String(400 + n));
      residents.push({ home, token: await residentToken(cluster, home), orderId: orders[n % 2]! });
    }
    const before = await head();
    const answers = await Promise.all(residents.map(({ home, token, orderId }) => signUpWith(cluster, token, home, orderId, beans, 1)));
    expect(answers.filter((a) => a.errors).map((a) => a.errors)).toEqual([]);
    const progress = (await outbox(before)).filter((e) => e.type === 'POOL_PROGRESS');
    // An order's sign-ups queue on its pool entry, but the two orders' do not queue on each other: without the
    // pool's progress lock two commits at once would each count without the other, and the stream would go back.
    expect(progress.map((e) => e.data.totalQuantity)).toEqual(Array.from({ length: residents.length }, (_, i) => i + 1));
    // And the pool itself counts every unit signed up: an entry's history stays in the order it was recorded, so
    // a sign-up that waited behind a later one does not end it on the smaller total.
    const now = await progressOf(poolId);
    expect(now.totalQuantity).toBe(residents.length);
    expect(progress[progress.length - 1]!.data).toMatchObject(now);
  });
});
