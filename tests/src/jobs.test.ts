/**
 * The node's job runner (kit/src/jobs): every deadline is a job of its own, so one whose row is locked or whose
 * handling fails is retried with backoff and never holds back another; a job past its tries waits in the failed
 * list, where the operator sees it (`npm run jobs -- failed`) and puts it back (`npm run jobs -- replay <id>`); a job
 * run twice has one effect; a job enqueued in a business transaction exists only if it commits.
 */
import { Client } from 'pg';
import { enqueueJob, jobKind, JobRunner, listFailedJobs, runDue, type FailedJob, type Logger } from '@lilong/kit';
import { CLOSE_GROUP_ORDER, groupOrderDeadlines } from '@lilong/shops';
import { digestSchedule } from '@lilong/info';
import { runLilong } from './support/commands';
import { TEST_COMMUNITIES } from '../../ops/src/seed';
import { must } from './support/answers';
import { TestCluster } from './support/cluster';
import { household, openOrder, signUp } from './support/orders';
import { eventually, inSeconds, lookUp, merchantToken, stockedProduct, type CommunityInfo, type GroupInfo, type ShopInfo } from './support/sub-district';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let cluster: TestCluster;
let alpha: CommunityInfo;
let group: GroupInfo;
let shop: ShopInfo;
let databaseUrl: string;
/** The operator's view of alpha's database (the failed list), and another session that holds row locks. */
let db: Client;
let locker: Client;

beforeAll(async () => {
  process.env.LILONG_SCHEDULER_MS = '200';
  cluster = await TestCluster.start({ communities: TEST_COMMUNITIES.filter((c) => c.code === 'alpha') });
  alpha = (await lookUp(cluster)).get('alpha')!;
  group = alpha.groups[0]!;
  shop = alpha.shops[0]!;
  databaseUrl = shopsOrm().config.get('clientUrl')!;
  db = new Client({ connectionString: databaseUrl });
  locker = new Client({ connectionString: databaseUrl });
  await Promise.all([db.connect(), locker.connect()]);
});

afterAll(async () => {
  await Promise.allSettled([db?.end(), locker?.end()]);
  await cluster?.stop();
});

const shopsOrm = () => cluster.nodes.get('alpha')!.subgraphs.get('shops')!.orm;
const localIdOf = (id: string) => Number(id.split(':').at(-1));
const orderStatus = async (id: string) => (await must(cluster.query(`query($id: ID!) { groupOrder(id: $id) { status } }`, { id }))).groupOrder.status as string;
const failed = () => listFailedJobs(db);
const failedWithKey = async (key: string): Promise<FailedJob | undefined> => (await failed()).find((j) => j.key === key);
const jobsWithKey = async (key: string) => (await db.query(`select id from graphile_worker.jobs where key = $1`, [key])).rows.length;

/**
 * `npm run jobs -- <args>` as the operator runs it (`node ops/bin/lilong.js jobs`, a child process), on alpha's
 * database. Not runLilong: the command reads DATABASE_URL, and jest's `process.env` is the test's own copy, which a
 * child does not inherit.
 */
const jobsCommand = (args: string[]) => runLilong('jobs', args, undefined, { DATABASE_URL: databaseUrl });

/** A household of the group's compound, in room `room` of building 601. */
const homeIn = (room: string) => household(cluster, alpha, group.compoundId, '601', room);

/** An order of the group at the shop, with the household signed up; resolves to its ID once signed up. */
async function orderWithOneSignUp(productId: string, home: Awaited<ReturnType<typeof homeIn>>, deadline: string, minimum = 1, quantity = 1): Promise<string> {
  const orderId = await openOrder(cluster, shop.id, group, [productId], { deadline, minimum });
  await must(signUp(cluster, home, orderId, productId, quantity));
  return orderId;
}

it('orders whose rows another transaction holds are retried later, while another order past its deadline closes at once', async () => {
  const [rice, oil] = [await stockedProduct(cluster, shop.id, { name: '被锁住的大米', onHand: 20 }), await stockedProduct(cluster, shop.id, { name: '被锁住的油', onHand: 20 })];
  // The households first, so that only the three orders fall between the deadline's choice and its check (5 s ahead).
  const homes = [await homeIn('1'), await homeIn('2'), await homeIn('3')] as const;
  const deadline = inSeconds(12);
  // Its own row held: the close cannot take it.
  const heldOrder = await orderWithOneSignUp(rice, homes[0], deadline);
  // Below its minimum, so its close gives the oil back, and the oil's row is held.
  const heldStock = await orderWithOneSignUp(oil, homes[1], deadline, 2);
  const free = await orderWithOneSignUp(rice, homes[2], deadline);
  // A session holds both rows across the deadline (a stuck transaction, a merchant's long stock import).
  await locker.query('begin');
  await locker.query('select id from shops.group_order where id = $1 for update', [localIdOf(heldOrder)]);
  await locker.query('select id from shops.product where id = $1 for update', [localIdOf(oil)]);
  try {
    const withinEightSecondsOfItsDeadline = Date.parse(deadline) + 8000 - Date.now();
    expect(await eventually(() => orderStatus(free), (s) => s === 'FORMED', withinEightSecondsOfItsDeadline)).toBe('FORMED');
    expect([await orderStatus(heldOrder), await orderStatus(heldStock)]).toEqual(['OPEN', 'OPEN']);
    // The operator sees both waiting for their next try, and why.
    const keys = [`close-group-order:${localIdOf(heldOrder)}`, `close-group-order:${localIdOf(heldStock)}`];
    const waiting = await eventually(async () => (await failed()).filter((j) => keys.includes(j.key ?? '')), (list) => list.length === 2, 15_000);
    for (const job of waiting) {
      expect(job).toMatchObject({ kind: 'close-group-order', state: 'RETRYING', lastError: 'a record it needs is locked by another transaction (55P03)' });
    }
  } finally {
    await locker.query('rollback');
  }
  // Late, not lost: their next try closes them.
  expect(await eventually(() => orderStatus(heldOrder), (s) => s === 'FORMED', 30_000)).toBe('FORMED');
  expect(await eventually(() => orderStatus(heldStock), (s) => s === 'FAILED', 30_000)).toBe('FAILED');
  expect(await failedWithKey(`close-group-order:${localIdOf(heldOrder)}`)).toBeUndefined();
});

it('a failing job is retried with backoff, waits in the failed list past its tries, runs again when replayed, and holds back no other', async () => {
  const delivery = jobKind<{ n: number }>('test-partner-delivery', { maxAttempts: 2 });
  let partnerUp = false;
  const delivered: number[] = [];
  // A second runner on the node's database, for a kind of its own (as a webhook delivery would be).
  const runner = new JobRunner({ databaseUrl, community: 'alpha', log: quiet });
  runner.register(delivery, async ({ n }) => {
    if (n === 1 && !partnerUp) throw new Error('the partner app answered 503');
    delivered.push(n);
  });
  await runner.start();
  try {
    await runner.enqueue(delivery, { n: 1 }, { key: 'test-delivery:1' });
    await runner.enqueue(delivery, { n: 2 }, { key: 'test-delivery:2' });
    expect(await eventually(async () => [...delivered], (d) => d.includes(2), 10_000)).toEqual([2]);

    const first = await eventually(() => failedWithKey('test-delivery:1'), (j) => j !== undefined, 10_000);
    expect(first).toMatchObject({ kind: 'test-partner-delivery', state: 'RETRYING', attempts: 1, maxAttempts: 2, lastError: 'the partner app answered 503' });
    // Backoff: the next try is set seconds after the failure, not at once.
    expect(first!.nextTryAt!.getTime()).toBeGreaterThan(first!.failedAt.getTime() + 1000);

    const dead = await eventually(() => failedWithKey('test-delivery:1'), (j) => j?.state === 'DEAD', 20_000);
    expect(dead).toMatchObject({ state: 'DEAD', attempts: 2, nextTryAt: null });
    const shown = await jobsCommand(['failed']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`#${dead!.id}  DEAD 已放弃  test-partner-delivery  test-delivery:1`);
    expect(shown.stdout).toContain('tries 尝试 2/2');
    expect(shown.stdout).toContain('error 错误: the partner app answered 503');
    // Enqueued again under its key while it waits there: nothing is added behind the operator's back.
    await runner.enqueue(delivery, { n: 1 }, { key: 'test-delivery:1' });
    expect(await jobsWithKey('test-delivery:1')).toBe(1);

    partnerUp = true;
    const replayed = await jobsCommand(['replay', dead!.id]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain(`Job #${dead!.id} is back in the queue`);
    expect(replayed.stdout).toContain(`任务 #${dead!.id} 已重新排队`);
    expect(await eventually(async () => [...delivered], (d) => d.includes(1), 10_000)).toEqual([2, 1]);
    expect(await failedWithKey('test-delivery:1')).toBeUndefined();
    const again = await jobsCommand(['replay', dead!.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`No job #${dead!.id} in this database`);
  } finally {
    await runner.stop();
  }
});

it('a job enqueued inside a business transaction exists if and only if the transaction commits', async () => {
  const announce = jobKind<{ change: string }>('test-announce');
  const announced: string[] = [];
  const runner = new JobRunner({ databaseUrl, community: 'alpha', log: quiet });
  runner.register(announce, async ({ change }) => void announced.push(change));
  await runner.start();
  try {
    await shopsOrm().em.fork().transactional((em) => enqueueJob(em as never, announce, { change: 'committed' }, { key: 'test-announce:committed' }));
    await expect(
      shopsOrm().em.fork().transactional(async (em) => {
        await enqueueJob(em as never, announce, { change: 'rolled back' }, { key: 'test-announce:rolled-back' });
        throw new Error('the change is refused');
      }),
    ).rejects.toThrow('the change is refused');
    expect(await eventually(async () => [...announced], (a) => a.length > 0, 10_000)).toEqual(['committed']);
    expect(await jobsWithKey('test-announce:rolled-back')).toBe(0);
  } finally {
    await runner.stop();
  }
});

it('a deadline job handled twice, at once or again later, has one effect', async () => {
  const productId = await stockedProduct(cluster, shop.id, { name: '只释放一次', onHand: 10 });
  // Below its minimum at the deadline: it fails and gives its 2 reserved units back, once.
  const home = await homeIn('4');
  const deadline = inSeconds(7);
  const orderId = await orderWithOneSignUp(productId, home, deadline, 3, 2);
  const job = groupOrderDeadlines({ community: 'alpha', orm: shopsOrm() });
  const payload = { orderId: localIdOf(orderId) };
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(deadline) - Date.now())));
  // Three more runs of the same job at the moment the node's runner runs it (a retry, two replicas).
  const runs = await Promise.allSettled([job.handle(payload, new Date()), job.handle(payload, new Date()), job.handle(payload, new Date())]);
  expect(runs.filter((r) => r.status === 'fulfilled' && r.value === true).length).toBeLessThanOrEqual(1);
  expect(await eventually(() => orderStatus(orderId), (s) => s === 'FAILED', 15_000)).toBe('FAILED');
  // And again afterwards: directly, and as a duplicate job through the node's runner.
  expect(await job.handle(payload, new Date())).toBe(false);
  await shopsOrm().em.fork().transactional((em) => enqueueJob(em as never, CLOSE_GROUP_ORDER, payload, { key: 'test-duplicate-close' }));
  expect(await eventually(() => jobsWithKey('test-duplicate-close'), (n) => n === 0, 10_000)).toBe(0);

  const product = await must(
    cluster.query(`query($id: ID!) { product(id: $id) { stock { onHand reserved } stockHistory(first: 100) { kind actor } } }`, { id: productId }, await merchantToken(cluster, shop.id)),
  );
  expect(product.product.stock).toEqual({ onHand: 10, reserved: 0 });
  expect(product.product.stockHistory.filter((h: { kind: string }) => h.kind === 'RELEASE')).toEqual([{ kind: 'RELEASE', actor: 'lilong-scheduler' }]);
});

it('drafts the digest by itself as a job once the interval has passed, one draft however often the job runs', async () => {
  const committee = await cluster.token([{ role: 'committee', community: 'alpha' }], 'jobs-committee');
  await must(cluster.query(`mutation($i: PublishNoticeInput!) { publishNotice(input: $i) { id } }`, { i: { community: 'alpha', category: 'SUPPLIES', title: '周六发放蔬菜包', body: '按楼发放。' } }, committee));
  const drafts = async () => Number((await db.query(`select count(*) from info.digest where status = 'DRAFT'`)).rows[0].count);
  expect(await drafts()).toBe(0);
  // The node's digest job as its runner finds and runs it, five hours on (past any interval).
  const job = digestSchedule({ community: 'alpha', orm: cluster.nodes.get('alpha')!.subgraphs.get('info')!.orm });
  const later = new Date(Date.now() + 5 * 3600_000);
  expect(await runDue(job, later)).toBe(1);
  expect(await runDue(job, later)).toBe(0);
  expect(await job.handle({}, later)).toBe(false);
  expect(await drafts()).toBe(1);
});
