/**
 * Webhooks for partner apps 合作应用回调, through the hub, to real HTTP receivers on this machine: a partner app
 * registers an endpoint for a community's events of some types and gets its secret once; every delivery verifies
 * with the Standard Webhooks algorithm (the `standardwebhooks` package, as a receiver would use it) and a wrong
 * secret does not; a receiver that answers 500 three times gets the event on the fourth try and the delivery log
 * shows the four attempts; events come in sequence order; a hanging or failing endpoint does not delay another; an
 * endpoint that keeps failing is paused and resumed; a replay delivers from a sequence number again; a node killed
 * right after a committed change delivers its event exactly once after the restart; two replicas of a node deliver
 * each event once; and every refusal is coded, in English and Chinese.
 *
 * Retries here are 300 ms apart, an endpoint is paused after 5 failed attempts, an attempt gives up after 1.5 s and
 * a killed node's endpoints are free 2 s after its last lease renewal (the node reads these from LILONG_WEBHOOK_*;
 * the defaults are 5 s ... hourly, 28 attempts, 10 s, 30 s).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import { emitEvent } from '@lilong/kit';
import type { EventSubjects, EventType } from '@lilong/schema';
import { TEST_COMMUNITIES } from '../../ops/src/seed';
import { codeOf, must } from './support/answers';
import { TEST_ISSUER, TestCluster, type GraphQLAnswer } from './support/cluster';
import { eventually, lookUp, merchantToken, residentToken, stockedProduct, type CommunityInfo } from './support/sub-district';

process.env.LILONG_WEBHOOK_ALLOW_LOOPBACK = '1';
process.env.LILONG_WEBHOOK_RETRY_DELAYS_MS = '300';
process.env.LILONG_WEBHOOK_MAX_ATTEMPTS = '5';
process.env.LILONG_WEBHOOK_TIMEOUT_MS = '1500';
process.env.LILONG_WEBHOOK_LEASE_MS = '2000';

const OTHER_APP = 'other-partner-app';

let cluster: TestCluster;
let alpha: CommunityInfo;
let partner: string;
let otherPartner: string;
let committee: string;
let committeeOfBeta: string;
let resident: string;
const receivers: Receiver[] = [];
/** Endpoints a test registered, removed after it so that they take no more events (or retry slots) from the next. */
const registered: string[] = [];

interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
}

type Answer = number | 'hang';

/** A partner's webhook receiver: a plain HTTP server on a free port, answering as the test says. */
class Receiver {
  readonly received: Received[] = [];
  url = '';
  private server!: Server;
  private readonly hanging: ServerResponse[] = [];
  private waiters: (() => void)[] = [];

  constructor(public answer: (n: number) => Answer = () => 200) {}

  static async start(answer?: (n: number) => Answer): Promise<Receiver> {
    const receiver = new Receiver(answer);
    receiver.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        receiver.received.push({ headers: req.headers as Record<string, string>, body, at: Date.now() });
        const answer = receiver.answer(receiver.received.length);
        for (const w of receiver.waiters.splice(0)) w();
        if (answer === 'hang') receiver.hanging.push(res);
        else res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'not now');
      });
    });
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks/lilong`;
    receivers.push(receiver);
    return receiver;
  }

  events(): any[] {
    return this.received.map((r) => JSON.parse(r.body));
  }

  async until(done: (received: Received[]) => boolean, timeoutMs = 10_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`receiver: condition not met within ${timeoutMs} ms; got ${JSON.stringify(this.events().map((e) => e.id))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** Waits `ms` and says whether anything more came in meanwhile. */
  async quietFor(ms: number): Promise<boolean> {
    const before = this.received.length;
    await new Promise((r) => setTimeout(r, ms));
    return this.received.length === before;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const ENDPOINT = 'id app url description eventTypes status pausedBy pausedReason lastSequence failedAttempts nextAttemptAt community { code }';
const DELIVERY = 'id eventId sequence eventType attempt attemptedAt durationMs httpStatus error outcome nextAttemptAt';

interface Registration {
  endpoint: any;
  secret: string;
}

async function register(url: string, eventTypes: EventType[], token = partner, community = 'alpha'): Promise<Registration> {
  const data = await must(
    cluster.query(`mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { secret endpoint { ${ENDPOINT} } } }`, { i: { community, url, eventTypes, description: '测试合作应用' } }, token),
  );
  registered.push(data.registerWebhook.endpoint.id);
  return data.registerWebhook;
}

function act(mutation: string, type: string, input: Record<string, unknown>, token: string | undefined, select = ENDPOINT): Promise<GraphQLAnswer> {
  return cluster.query(`mutation($i: ${type}!) { ${mutation}(input: $i) { ${select} } }`, { i: input }, token);
}

const pause = (endpointId: string, token = partner) => act('pauseWebhook', 'PauseWebhookInput', { endpointId, reason: '维护中' }, token);
const resume = (endpointId: string, token = partner) => act('resumeWebhook', 'WebhookEndpointInput', { endpointId }, token);
const replay = (endpointId: string, fromSequence: number, token = partner) => act('replayWebhook', 'ReplayWebhookInput', { endpointId, fromSequence }, token);
const remove = (endpointId: string, token = partner) => act('removeWebhook', 'WebhookEndpointInput', { endpointId }, token);
const rotate = (endpointId: string, token = partner) => act('rotateWebhookSecret', 'WebhookEndpointInput', { endpointId }, token, `secret endpoint { ${ENDPOINT} }`);

const deliveries = (endpointId: string, token = partner, first = 50) =>
  cluster.query(`query($e: ID!, $n: Int!) { webhookDeliveries(endpointId: $e, first: $n) { ${DELIVERY} } }`, { e: endpointId, n: first }, token);

const endpoints = (token: string | undefined, community = 'alpha') => cluster.query(`query($c: String!) { webhookEndpoints(community: $c) { ${ENDPOINT} } }`, { c: community }, token);

/**
 * The endpoint's delivery log once `done` holds of it (the node writes an attempt just after the receiver answered,
 * so a receiver may see a request before the log does).
 */
async function logOf(endpointId: string, done: (log: any[]) => boolean, first = 50): Promise<any[]> {
  return eventually(async () => {
    const answer = await deliveries(endpointId, partner, first);
    return answer.errors ? [] : (answer.data.webhookDeliveries as any[]);
  }, done);
}

async function endpointOf(id: string): Promise<any> {
  const list = (await must(endpoints(committee, id.split(':')[0]))).webhookEndpoints as any[];
  return list.find((e) => e.id === id);
}

/**
 * Writes an event to the community's outbox, as a domain's change would (in a transaction of the info domain's
 * ORM), and returns its sequence number.
 */
async function emit(code: string, type: EventType, subjects: EventSubjects = {}, data: Record<string, string | number | boolean | null> = {}): Promise<number> {
  const em = cluster.nodes.get(code)!.subgraphs.get('info')!.orm.em.fork() as unknown as EntityManager;
  return em.transactional(async (tem) => {
    emitEvent(tem as never, { type, subjects, data });
    const [row] = (await tem.getConnection().execute(`select "seq" + 1 as next from "outbox"."head" where "id" = 1`, [], 'all', tem.getTransactionContext())) as { next: string }[];
    return Number(row!.next);
  });
}

/** Verifies a delivery as a receiver would, with the Standard Webhooks library; returns the parsed body. */
const verified = (secret: string, r: Received) => new Webhook(secret).verify(r.body, r.headers);

beforeAll(async () => {
  cluster = await TestCluster.start({
    communities: TEST_COMMUNITIES.filter((c) => c.code === 'alpha' || c.code === 'beta'),
    trust: { grants: [{ issuer: TEST_ISSUER, clientId: OTHER_APP, grant: { role: 'partner', app: OTHER_APP } }] },
  });
  alpha = (await lookUp(cluster)).get('alpha')!;
  partner = await cluster.token([{ role: 'partner' }], 'webhooks:partner');
  otherPartner = await cluster.token([{ role: 'partner' }], 'webhooks:other-partner', 600, { claims: { azp: OTHER_APP } });
  committee = await cluster.token([{ role: 'committee', community: 'alpha' }], 'webhooks:committee');
  committeeOfBeta = await cluster.token([{ role: 'committee', community: 'beta' }], 'webhooks:committee-beta');
  resident = await residentToken(cluster, alpha.compounds[0]!.households[0]!);
}, 120_000);

afterEach(async () => {
  for (const id of registered.splice(0)) await remove(id).catch(() => undefined);
});

afterAll(async () => {
  await Promise.allSettled(receivers.map((r) => r.close()));
  await cluster?.stop();
});

it('registers an endpoint with its secret shown once, and every delivery verifies with the Standard Webhooks algorithm; a wrong secret or a changed body does not', async () => {
  const shopId = alpha.shops[0]!.id;
  const rice = await stockedProduct(cluster, shopId, { name: '回调大米 10kg', onHand: 30 });
  const receiver = await Receiver.start();
  const { endpoint, secret } = await register(receiver.url, ['NOTICE_PUBLISHED', 'STOCK_CHANGED']);
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
  expect(endpoint).toMatchObject({ app: 'test-partner-app', url: receiver.url, status: 'ACTIVE', eventTypes: ['NOTICE_PUBLISHED', 'STOCK_CHANGED'], community: { code: 'alpha' } });
  // Later reads never show the secret: the endpoint has no such field.
  expect(codeOf(await cluster.query(`query { webhookEndpoints(community: "alpha") { id secret } }`, {}, partner))).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(JSON.stringify(await must(endpoints(partner)))).not.toContain(secret);

  // Real changes through the hub: a committee notice, then the merchant's count (STOCK_CHANGED, maybe LOW_STOCK, not asked for).
  const notice = (await must(cluster.query(`mutation($i: PublishNoticeInput!) { publishNotice(input: $i) { id } }`, { i: { community: 'alpha', category: 'SUPPLIES', title: '大米到货', body: '周六发放。' } }, committee))).publishNotice.id;
  await must(cluster.query(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id } }`, { i: { productId: rice, delta: -28, reason: '盘点' } }, await merchantToken(cluster, shopId)));
  const received = await receiver.until((r) => r.length >= 2);
  expect(await receiver.quietFor(600)).toBe(true);
  const events = receiver.events();
  expect(events.map((e) => e.type)).toEqual(['NOTICE_PUBLISHED', 'STOCK_CHANGED']);
  expect(events[1].sequence).toBeGreaterThan(events[0].sequence);
  expect(events[0].subjects).toEqual({ notice });
  for (const r of received) {
    const body = verified(secret, r) as any;
    expect(r.headers['webhook-id']).toBe(body.id);
    expect(r.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(r.body, r.headers)).toThrow(/No matching signature/);
    expect(() => verified(secret, { ...r, body: r.body.replace('alpha', 'beta') })).toThrow(/No matching signature/);
  }
  const stock = events[1].sequence as number;
  expect(events[1]).toEqual({
    type: 'STOCK_CHANGED',
    id: `alpha:${stock}`,
    community: 'alpha',
    sequence: stock,
    at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    subjects: { product: rice, shop: shopId },
    data: expect.objectContaining({ onHand: 2, available: 2 }),
  });
  expect(await eventually(() => endpointOf(endpoint.id), (e) => e.lastSequence === stock)).toMatchObject({ lastSequence: stock, failedAttempts: 0 });

  // A rotated secret: deliveries carry both signatures for the grace period; each secret verifies alone.
  const rotated = (await must(rotate(endpoint.id))).rotateWebhookSecret;
  expect(rotated.secret).not.toBe(secret);
  expect(rotated.secret).toMatch(/^whsec_/);
  await emit('alpha', 'NOTICE_PUBLISHED', { notice: 'alpha:Notice:78' });
  const [, , third] = await receiver.until((r) => r.length >= 3);
  expect(third!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
  expect(verified(rotated.secret, third!)).toMatchObject({ type: 'NOTICE_PUBLISHED' });
  expect(verified(secret, third!)).toMatchObject({ type: 'NOTICE_PUBLISHED' });
});

it('a receiver that answers 500 three times gets the event on the fourth try, and the delivery log shows all four attempts', async () => {
  const receiver = await Receiver.start((n) => (n <= 3 ? 500 : 200));
  const { endpoint, secret } = await register(receiver.url, ['QUESTION_ANSWERED']);
  // A real change: an information officer answers a resident's question.
  const home = alpha.compounds[0]!.households[0]!;
  const asked = (await must(cluster.query(`mutation($i: AskQuestionInput!) { askQuestion(input: $i) { id } }`, { i: { householdId: home.id, text: '回调测试：几点发菜？' } }, resident))).askQuestion.id;
  const officer = await cluster.token([{ role: 'info_officer', community: 'alpha' }], 'webhooks:officer');
  await must(cluster.query(`mutation($i: AnswerQuestionInput!) { answerQuestion(input: $i) { id } }`, { i: { questionId: asked, answer: '上午九点。' } }, officer));
  const received = await receiver.until((r) => r.length >= 4);
  expect(await receiver.quietFor(800)).toBe(true);
  expect(received).toHaveLength(4);
  // The same event every time, under the same webhook-id, each attempt signed anew.
  const sequence = (verified(secret, received[0]!) as any).sequence as number;
  expect(received.map((r) => r.headers['webhook-id'])).toEqual(Array(4).fill(`alpha:${sequence}`));
  for (const r of received) expect(verified(secret, r)).toMatchObject({ sequence, type: 'QUESTION_ANSWERED', subjects: { question: asked } });
  // Retries wait their delay (300 ms here).
  for (let i = 1; i < 4; i++) expect(received[i]!.at - received[i - 1]!.at).toBeGreaterThanOrEqual(250);

  const log = await logOf(endpoint.id, (l) => l[0]?.outcome === 'DELIVERED');
  expect(log.map((d) => [d.attempt, d.httpStatus, d.error, d.outcome])).toEqual([
    [4, 200, null, 'DELIVERED'],
    [3, 500, 'HTTP 500', 'RETRY_SCHEDULED'],
    [2, 500, 'HTTP 500', 'RETRY_SCHEDULED'],
    [1, 500, 'HTTP 500', 'RETRY_SCHEDULED'],
  ]);
  for (const d of log) {
    expect(d).toMatchObject({ eventId: `alpha:${sequence}`, sequence, eventType: 'QUESTION_ANSWERED' });
    expect(d.durationMs).toBeGreaterThanOrEqual(0);
    expect(d.durationMs).toBeLessThan(1500);
    expect(Date.parse(d.attemptedAt)).toBeGreaterThan(Date.now() - 60_000);
  }
  expect(log.slice(1).every((d) => d.nextAttemptAt !== null)).toBe(true);
  expect(log[0].nextAttemptAt).toBeNull();
  expect(await endpointOf(endpoint.id)).toMatchObject({ status: 'ACTIVE', failedAttempts: 0, lastSequence: sequence });
});

it("delivers each community's events in sequence order, each once, to that community's endpoints only", async () => {
  const inAlpha = await Receiver.start();
  const inBeta = await Receiver.start();
  await register(inAlpha.url, ['POOL_PROGRESS']);
  await register(inBeta.url, ['POOL_PROGRESS'], partner, 'beta');
  const alphaSeqs: number[] = [];
  const betaSeqs: number[] = [];
  await Promise.all([
    (async () => {
      for (let i = 0; i < 15; i++) alphaSeqs.push(await emit('alpha', 'POOL_PROGRESS', { pool: 'alpha:Pool:1' }, { totalQuantity: i }));
    })(),
    (async () => {
      for (let i = 0; i < 15; i++) betaSeqs.push(await emit('beta', 'POOL_PROGRESS', { pool: 'beta:Pool:1' }, { totalQuantity: i }));
    })(),
  ]);
  await inAlpha.until((r) => r.length >= 15);
  await inBeta.until((r) => r.length >= 15);
  expect(await inAlpha.quietFor(500)).toBe(true);
  expect(inAlpha.events().map((e) => e.sequence)).toEqual(alphaSeqs);
  expect(inAlpha.events().every((e) => e.community === 'alpha')).toBe(true);
  expect(inAlpha.events().map((e) => e.data.totalQuantity)).toEqual([...Array(15).keys()]);
  expect(inBeta.events().map((e) => e.sequence)).toEqual(betaSeqs);
  expect(inBeta.events().every((e) => e.id.startsWith('beta:'))).toBe(true);
});

it("a hanging endpoint and a failing one do not delay another endpoint's deliveries", async () => {
  const hanging = await Receiver.start(() => 'hang');
  const failing = await Receiver.start(() => 500);
  const healthy = await Receiver.start();
  const slow = await register(hanging.url, ['CARE_REQUEST_STATUS']);
  await register(failing.url, ['CARE_REQUEST_STATUS']);
  await register(healthy.url, ['CARE_REQUEST_STATUS']);
  const emittedAt: number[] = [];
  for (let i = 0; i < 5; i++) {
    emittedAt.push(Date.now());
    await emit('alpha', 'CARE_REQUEST_STATUS', { careRequest: `alpha:CareRequest:${i + 1}` }, { status: 'SUBMITTED' });
    await new Promise((r) => setTimeout(r, 100));
  }
  await healthy.until((r) => r.length >= 5, 5000);
  // Each came within a second of its commit, while the hanging endpoint still held its first event (1.5 s timeout).
  healthy.received.forEach((r, i) => expect(r.at - emittedAt[i]!).toBeLessThan(1000));
  expect(hanging.received).toHaveLength(1);
  expect(healthy.received[4]!.at).toBeLessThan(hanging.received[0]!.at + 1500);
  // The hanging one's attempt timed out and is retried, in order: its first event again.
  await hanging.until((r) => r.length >= 2, 5000);
  expect(hanging.received[1]!.headers['webhook-id']).toBe(hanging.received[0]!.headers['webhook-id']);
  const log = await logOf(slow.endpoint.id, (l) => l.some((d) => d.attempt === 1));
  expect(log.find((d) => d.attempt === 1)).toMatchObject({ httpStatus: null, error: 'timeout after 1500 ms', outcome: 'RETRY_SCHEDULED' });
  expect(failing.received.length).toBeGreaterThanOrEqual(1);
});

it('an endpoint that keeps failing is paused after 5 attempts; resumed, it gets the event, counting from 1 again', async () => {
  const receiver = await Receiver.start(() => 500);
  const { endpoint, secret } = await register(receiver.url, ['QUESTION_ANSWERED']);
  const sequence = await emit('alpha', 'QUESTION_ANSWERED', { question: 'alpha:Question:3' });
  await receiver.until((r) => r.length >= 5);
  const paused = await eventually(() => endpointOf(endpoint.id), (e) => e.status === 'PAUSED');
  expect(paused).toMatchObject({ status: 'PAUSED', pausedBy: 'FAILURES', failedAttempts: 5, lastSequence: sequence - 1 });
  expect(paused.pausedReason).toMatch(/5 failed attempts in a row; last: HTTP 500 连续 5 次投递失败/);
  expect(await receiver.quietFor(1200)).toBe(true);
  expect(receiver.received).toHaveLength(5);
  const log = (await must(deliveries(endpoint.id))).webhookDeliveries as any[];
  expect(log.map((d) => [d.attempt, d.outcome])).toEqual([[5, 'ENDPOINT_PAUSED'], [4, 'RETRY_SCHEDULED'], [3, 'RETRY_SCHEDULED'], [2, 'RETRY_SCHEDULED'], [1, 'RETRY_SCHEDULED']]);
  // Meanwhile a later event waits behind it.
  const later = await emit('alpha', 'QUESTION_ANSWERED', { question: 'alpha:Question:4' });

  receiver.answer = () => 200;
  const resumed = (await must(resume(endpoint.id))).resumeWebhook;
  expect(resumed).toMatchObject({ status: 'ACTIVE', pausedBy: null, failedAttempts: 0 });
  await receiver.until((r) => r.length >= 7);
  expect(receiver.received.slice(5).map((r) => (verified(secret, r) as any).sequence)).toEqual([sequence, later]);
  const after = await logOf(endpoint.id, (l) => l[0]?.sequence === later, 2);
  expect(after.map((d) => [d.sequence, d.attempt, d.outcome])).toEqual([[later, 1, 'DELIVERED'], [sequence, 1, 'DELIVERED']]);
});

it('a replay from a sequence number delivers those events again, in order, with the same webhook-id, then goes on', async () => {
  const receiver = await Receiver.start();
  const { endpoint, secret } = await register(receiver.url, ['DIGEST_PUBLISHED', 'NOTICE_PUBLISHED']);
  const seqs = [
    await emit('alpha', 'DIGEST_PUBLISHED', { digest: 'alpha:Digest:1' }),
    await emit('alpha', 'NOTICE_PUBLISHED', { notice: 'alpha:Notice:1' }),
    await emit('alpha', 'LOW_STOCK', { product: 'alpha:Product:1' }),
    await emit('alpha', 'DIGEST_PUBLISHED', { digest: 'alpha:Digest:2' }),
  ];
  await receiver.until((r) => r.length >= 3);
  const first = receiver.received.map((r) => r.headers['webhook-id']);
  expect(first).toEqual([seqs[0], seqs[1], seqs[3]].map((s) => `alpha:${s}`));

  const replayed = (await must(replay(endpoint.id, seqs[1]!))).replayWebhook;
  expect(replayed.lastSequence).toBe(seqs[1]! - 1);
  await receiver.until((r) => r.length >= 5);
  expect(receiver.received.slice(3).map((r) => r.headers['webhook-id'])).toEqual([`alpha:${seqs[1]}`, `alpha:${seqs[3]}`]);
  for (const r of receiver.received) verified(secret, r);
  const next = await emit('alpha', 'NOTICE_PUBLISHED', { notice: 'alpha:Notice:2' });
  await receiver.until((r) => r.length >= 6);
  expect(receiver.events()[5].sequence).toBe(next);
  expect(await receiver.quietFor(500)).toBe(true);

  // Not past the next event to come, and from 1 at the earliest: BAD_USER_INPUT naming the argument.
  for (const bad of [next + 2, 0]) {
    const answer = await replay(endpoint.id, bad);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.fromSequence', messageZh: expect.stringContaining('input.fromSequence') });
  }
});

it('a node killed right after a committed change delivers its event exactly once after the restart', async () => {
  const receiver = await Receiver.start();
  const { endpoint, secret } = await register(receiver.url, ['STOCK_CHANGED']);
  const shopId = alpha.shops[0]!.id;
  const oil = await stockedProduct(cluster, shopId, { name: '回调菜籽油', onHand: 40 });
  const merchant = await merchantToken(cluster, shopId);
  // Whatever setting up the product told (its stock set) is delivered first.
  while (!(await receiver.quietFor(1000)));
  const before = receiver.received.length;

  const node = await cluster.runAsProcess('alpha', { LILONG_FAILPOINT: 'outbox:after-commit' });
  const answer = await cluster.query(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id } }`, { i: { productId: oil, delta: 15, reason: '到货' } }, merchant);
  expect(codeOf(answer)).toBe('COMMUNITY_UNAVAILABLE');
  expect(await node.exited).toBe('SIGKILL');
  expect(receiver.received).toHaveLength(before);

  await cluster.restartNode('alpha');
  // The change committed before the node died (it is the one the failpoint stopped at, not some other work of the node).
  const stock = await eventually(() => cluster.query(`query($id: ID!) { product(id: $id) { stock { onHand } } }`, { id: oil }), (a) => !a.errors);
  expect(stock.data.product.stock.onHand).toBe(55);
  await receiver.until((r) => r.length >= before + 1, 15_000).catch(async (error: Error) => {
    // Say where the endpoint stood, for whoever reads the failure.
    const connection = cluster.nodes.get('alpha')!.subgraphs.get('webhooks')!.orm.em.fork().getConnection();
    const row = await connection.execute(`select status, cursor, lease_until, now() as now, next_attempt_at, failed_attempts from webhooks.endpoint where id = ?`, [Number(endpoint.id.split(':')[2])]);
    const tail = await connection.execute(`select seq, type from outbox.event order by seq desc limit 5`);
    throw new Error(`${error.message}; endpoint ${JSON.stringify(row)}; outbox ${JSON.stringify(tail)}`);
  });
  expect(await receiver.quietFor(2000)).toBe(true);
  const told = receiver.received.slice(before);
  expect(told).toHaveLength(1);
  const event = verified(secret, told[0]!) as any;
  expect(event).toMatchObject({ type: 'STOCK_CHANGED', community: 'alpha', subjects: { product: oil } });
  const log = await logOf(endpoint.id, (l) => l.some((d) => d.sequence === event.sequence));
  expect(log.filter((d) => d.sequence === event.sequence).map((d) => [d.attempt, d.outcome])).toEqual([[1, 'DELIVERED']]);
});

describe('who may', () => {
  let mine: Registration;
  let theirs: Registration;

  beforeAll(async () => {
    const receiver = await Receiver.start();
    mine = await register(receiver.url, ['NOTICE_PUBLISHED']);
    theirs = await register(`${receiver.url}/other`, ['NOTICE_PUBLISHED'], otherPartner);
    // Kept for the whole block (afterEach removes what the tests register).
    registered.splice(0);
  });

  afterAll(async () => {
    await remove(mine.endpoint.id);
    await remove(theirs.endpoint.id, otherPartner);
  });

  const refusal = (answer: GraphQLAnswer) => answer.errors?.[0]?.extensions;
  const forbidden = { code: 'FORBIDDEN', messageZh: expect.stringMatching(/^无权操作：/) };

  it('only a partner app registers; a resident, committee staff or nobody signed in cannot', async () => {
    const input = { community: 'alpha', url: 'https://partner.example.org/hook', eventTypes: ['NOTICE_PUBLISHED'] };
    const call = (token: string | undefined) => act('registerWebhook', 'RegisterWebhookInput', input, token, 'secret');
    expect(refusal(await call(resident))).toMatchObject(forbidden);
    expect(refusal(await call(committee))).toMatchObject(forbidden);
    expect(refusal(await call(undefined))).toMatchObject({ code: 'UNAUTHENTICATED', messageZh: expect.any(String) });
    expect((await call(resident)).errors![0]!.message).toMatch(/partner app/);
  });

  it('another partner app sees, reads the log of, replays, pauses, rotates and removes only its own endpoints', async () => {
    const listed = (await must(endpoints(otherPartner))).webhookEndpoints as any[];
    expect(listed.map((e) => e.id)).toEqual([theirs.endpoint.id]);
    expect(((await must(endpoints(partner))).webhookEndpoints as any[]).map((e) => e.id)).toContain(mine.endpoint.id);
    expect(((await must(endpoints(partner))).webhookEndpoints as any[]).map((e) => e.id)).not.toContain(theirs.endpoint.id);
    expect(refusal(await deliveries(mine.endpoint.id, otherPartner))).toMatchObject(forbidden);
    expect(refusal(await replay(mine.endpoint.id, 1, otherPartner))).toMatchObject(forbidden);
    expect(refusal(await pause(mine.endpoint.id, otherPartner))).toMatchObject(forbidden);
    expect(refusal(await resume(mine.endpoint.id, otherPartner))).toMatchObject(forbidden);
    expect(refusal(await rotate(mine.endpoint.id, otherPartner))).toMatchObject(forbidden);
    expect(refusal(await remove(mine.endpoint.id, otherPartner))).toMatchObject(forbidden);
    expect((await endpointOf(mine.endpoint.id)).status).toBe('ACTIVE');
  });

  it("residents and other communities' committees see nothing; the community's committee lists every endpoint and pauses any, and only it resumes what it paused", async () => {
    expect(refusal(await endpoints(resident))).toMatchObject(forbidden);
    expect(refusal(await deliveries(mine.endpoint.id, resident))).toMatchObject(forbidden);
    expect(refusal(await endpoints(committeeOfBeta))).toMatchObject(forbidden);
    expect(refusal(await pause(mine.endpoint.id, committeeOfBeta))).toMatchObject(forbidden);
    expect(refusal(await replay(mine.endpoint.id, 1, committee))).toMatchObject(forbidden);
    const all = ((await must(endpoints(committee))).webhookEndpoints as any[]).map((e) => e.id);
    expect(all).toEqual(expect.arrayContaining([mine.endpoint.id, theirs.endpoint.id]));
    expect((await must(deliveries(mine.endpoint.id, committee))).webhookDeliveries).toEqual(expect.any(Array));

    expect((await must(pause(mine.endpoint.id, committee))).pauseWebhook).toMatchObject({ status: 'PAUSED', pausedBy: 'COMMITTEE', pausedReason: '维护中' });
    const partnerResumes = await resume(mine.endpoint.id);
    expect(refusal(partnerResumes)).toMatchObject({ code: 'FORBIDDEN', messageZh: '无权操作：该回调地址由居委会暂停，只有居委会可以恢复。' });
    expect(partnerResumes.errors![0]!.message).toMatch(/committee paused this endpoint/);
    expect((await must(resume(mine.endpoint.id, committee))).resumeWebhook).toMatchObject({ status: 'ACTIVE', pausedBy: null });
    // The partner pauses and resumes its own.
    expect((await must(pause(mine.endpoint.id))).pauseWebhook).toMatchObject({ status: 'PAUSED', pausedBy: 'PARTNER' });
    expect((await must(resume(mine.endpoint.id))).resumeWebhook).toMatchObject({ status: 'ACTIVE' });
  });

  it('a retried registration with the same idempotency key answers the same endpoint and secret, and registers nothing twice', async () => {
    const input = { community: 'alpha', url: 'https://partner.example.org/retried', eventTypes: ['NOTICE_PUBLISHED'], idempotencyKey: 'webhooks-test-retry-1' };
    const call = () => act('registerWebhook', 'RegisterWebhookInput', input, partner, 'secret endpoint { id }');
    const first = (await must(call())).registerWebhook;
    registered.push(first.endpoint.id);
    expect((await must(call())).registerWebhook).toEqual(first);
    const listed = ((await must(endpoints(partner))).webhookEndpoints as any[]).filter((e) => e.url === input.url);
    expect(listed).toHaveLength(1);
  });

  it('refuses a bad URL, no event types and an unknown endpoint, naming the argument', async () => {
    const bad = async (url: string, eventTypes: string[] = ['NOTICE_PUBLISHED']) =>
      refusal(await act('registerWebhook', 'RegisterWebhookInput', { community: 'alpha', url, eventTypes }, partner, 'secret'));
    for (const url of [
      'http://partner.example.org/hook',
      'ftp://partner.example.org/hook',
      'https://user:secret@partner.example.org/hook',
      `https://partner.example.org/${'x'.repeat(2000)}`,
      'https://10.0.0.8/hook',
      'https://169.254.169.254/latest',
      'nonsense',
    ]) {
      expect([url, await bad(url)]).toEqual([url, expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'input.url', messageZh: expect.stringContaining('input.url') })]);
    }
    expect(await bad(mine.endpoint.url)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.url' });
    expect(await bad('https://partner.example.org/none', [])).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.eventTypes' });
    // An unknown event type is no value of the EventType enum: the variable is refused before anything runs.
    expect(await bad('https://partner.example.org/x', ['NO_SUCH_TYPE'])).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refusal(await pause('alpha:WebhookEndpoint:99999'))).toMatchObject({ code: 'NOT_FOUND', messageZh: expect.any(String) });
    expect(refusal(await deliveries('alpha:WebhookEndpoint:99999'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a removed endpoint is gone: NOT_FOUND, and nothing is delivered to it', async () => {
    const receiver = await Receiver.start();
    const { endpoint } = await register(receiver.url, ['NOTICE_PUBLISHED']);
    expect((await must(remove(endpoint.id))).removeWebhook).toMatchObject({ status: 'REMOVED' });
    await emit('alpha', 'NOTICE_PUBLISHED', { notice: 'alpha:Notice:90' });
    expect(await receiver.quietFor(1500)).toBe(true);
    expect(receiver.received).toHaveLength(0);
    expect(refusal(await resume(endpoint.id))).toMatchObject({ code: 'NOT_FOUND' });
    expect(((await must(endpoints(partner))).webhookEndpoints as any[]).map((e) => e.id)).not.toContain(endpoint.id);
  });
});

it('two replicas of a node: each event is delivered once, in order, by one of them', async () => {
  await cluster.replica('alpha');
  const receiver = await Receiver.start();
  const { secret } = await register(receiver.url, ['SIGN_UPS_CHANGED']);
  const seqs: number[] = [];
  for (let i = 0; i < 30; i++) seqs.push(await emit('alpha', 'SIGN_UPS_CHANGED', { groupOrder: 'alpha:GroupOrder:1' }, { households: i }));
  await receiver.until((r) => r.length >= 30, 15_000);
  expect(await receiver.quietFor(1500)).toBe(true);
  expect(receiver.received.map((r) => (verified(secret, r) as any).sequence)).toEqual(seqs);
});
