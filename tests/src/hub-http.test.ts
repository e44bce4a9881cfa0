/**
 * The hub's HTTP answers follow the GraphQL-over-HTTP spec: request errors are 4xx with a coded JSON body, never
 * a 5xx; a caller over its rate is told when to come back; `Community.status` agrees with the data beside it.
 */
import { request } from 'node:http';
import { DEFAULT_OPERATION_LIMITS } from '@lilong/gateway';
import { TestCluster } from './support/cluster';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({
    background: false,
    breakerOpenMs: 300,
    timeoutMs: 1000,
    protection: { limits: DEFAULT_OPERATION_LIMITS, rateLimits: { perMinute: 40, trustProxy: true } },
  });
});

afterAll(async () => {
  await cluster?.stop();
});

/** Each test is its own caller, so that the rate limit of one does not spill into another. */
let caller = 0;
const from = () => ({ 'x-forwarded-for': `10.0.0.${++caller}` });

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(cluster.url, { method: 'POST', headers: { 'content-type': 'application/json', ...from(), ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: any; errors?: { message: string; extensions: Record<string, any> }[] } };
}

it.each([
  ['an unknown operationName', { query: 'query A { __typename }', operationName: 'B' }, 'OPERATION_RESOLUTION_FAILURE'],
  ['an empty operationName with two operations', { query: 'query A { __typename } query B { __typename }', operationName: '' }, 'OPERATION_RESOLUTION_FAILURE'],
  ['two operations without operationName', { query: 'query A { __typename } query B { __typename }' }, 'OPERATION_RESOLUTION_FAILURE'],
  ['a subscription', { query: 'subscription { __typename }' }, 'OPERATION_NOT_SUPPORTED'],
  ['a syntax error', { query: '{ communities { code ' }, 'GRAPHQL_PARSE_FAILED'],
  ['Infinity in an Int argument', { query: '{ searchStock(text: "米", first: 1e309) { priceFen } }' }, 'GRAPHQL_VALIDATION_FAILED'],
  ['a fragment explosion', { query: `query { ...F0 } ${Array.from({ length: 20 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} @include(if: true) ...F${i + 1} @skip(if: false) }`).join(' ')} fragment F20 on Query { communities { code } }` }, 'OPERATION_LIMIT_EXCEEDED'],
  ['a batch', [{ query: '{ __typename }' }], 'BAD_REQUEST'],
])('answers %s with 400 and a coded, bilingual error', async (_label, body, code) => {
  const answer = await post(body);
  expect(answer.status).toBe(400);
  expect(answer.body.errors?.[0]?.extensions.code).toBe(code);
  expect(answer.body.errors?.[0]?.message).not.toMatch(/\u001b\[/);
  expect(typeof answer.body.errors?.[0]?.extensions.messageZh === 'string' || code === 'GRAPHQL_VALIDATION_FAILED').toBe(true);
});

it('names the limit a fragment explosion crosses, in milliseconds', async () => {
  const levels = 25;
  const query = `query { ...F0 } ${Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} @include(if: true) ...F${i + 1} @skip(if: false) }`).join(' ')} fragment F${levels} on Query { communities { code } }`;
  const answer = await post({ query });
  expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'selections', max: 1500 });
  expect(answer.body.errors?.[0]?.extensions.messageZh).toMatch(/上限/);
});

it('answers introspection under an inline fragment with a directive (the planner used to crash on it)', async () => {
  const answer = await post({ query: '{ ... on Query @include(if: true) { __schema { queryType { name } } } }' });
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
});

it('answers a body over 2 MB with 413 and a coded JSON body that reaches the client', async () => {
  const answer = await new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
    const req = request(cluster.url, { method: 'POST', headers: { 'content-type': 'application/json', ...from() } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(3 * 1024 * 1024) } }));
  });
  expect(answer.status).toBe(413);
  expect(answer.connection).toBe('close');
  expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('BAD_REQUEST');
});

it('answers a 100 kB header with 431 and a coded JSON body', async () => {
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(cluster.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-pad': 'x'.repeat(100 * 1024) } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query: '{ __typename }' }));
  });
  expect(answer.status).toBe(431);
  expect(JSON.parse(answer.body).errors[0].extensions).toMatchObject({ code: 'BAD_REQUEST', messageZh: '请求无效：请求头过大。' });
});

it('refuses a caller over its rate with 429, RATE_LIMITED and Retry-After, and only that caller', async () => {
  const headers = from();
  const answers = [];
  for (let i = 0; i < 45; i += 1) answers.push(await post({ query: '{ __typename }' }, headers));
  const refused = answers.filter((a) => a.status === 429);
  expect(answers.filter((a) => a.status === 200)).toHaveLength(40);
  expect(refused).toHaveLength(5);
  expect(refused[0]!.body.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
  expect((await post({ query: '{ __typename }' })).status).toBe(200);
});

it('says UNAVAILABLE next to the missing data while a node is down, and ACTIVE in the first full answer after', async () => {
  const query = '{ communities { code status statusDetail shops { name } } }';
  const down = cluster.communities[2]!.code;
  const statusOf = (answer: Awaited<ReturnType<typeof post>>) => answer.body.data.communities.find((c: { code: string }) => c.code === down);

  await cluster.stopNode(down);
  const during = await post({ query });
  expect(during.body.errors?.some((e) => e.extensions.code === 'COMMUNITY_UNAVAILABLE' && e.extensions.community === down)).toBe(true);
  expect(statusOf(during)).toMatchObject({ status: 'UNAVAILABLE', shops: null });
  expect(statusOf(during).statusDetail).toEqual(expect.any(String));
  const outage = during.body.errors!.find((e) => e.extensions.community === down)!;
  // The Chinese message names what is missing in Chinese, not by subgraph or reason code.
  expect(outage.extensions.messageZh).toMatch(/暂时无法访问（.+）/);
  expect(outage.extensions.messageZh).not.toMatch(/groups|shops|volunteers|[A-Z]{2,}_[A-Z]+|TIMEOUT/);

  await cluster.restartNode(down);
  let after = await post({ query });
  for (let i = 0; i < 20 && after.body.errors; i += 1) {
    await new Promise((r) => setTimeout(r, 200));
    after = await post({ query });
  }
  expect(after.body.errors).toBeUndefined();
  expect(statusOf(after)).toMatchObject({ status: 'ACTIVE', statusDetail: null });
  expect(statusOf(after).shops.length).toBeGreaterThan(0);
});

it('keeps the client from seeing the marker it adds to learn which community a status belongs to', async () => {
  const answer = await post({ query: '{ c: communities { s: status n: name } }' });
  expect(Object.keys(answer.body.data.c[0]).sort()).toEqual(['n', 's']);
});

describe('probes', () => {
  const base = () => cluster.url.replace(/\/graphql$/, '');

  it('/livez and /readyz answer ok with a directory; /healthz shows last errors only to sub-district staff', async () => {
    expect((await fetch(`${base()}/livez`)).status).toBe(200);
    const ready = await fetch(`${base()}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ok' }]);

    const anonymous = await (await fetch(`${base()}/healthz`)).json();
    expect(Object.values(anonymous.communities).every((s) => s === 'ACTIVE')).toBe(true);
    expect(anonymous.details).toBeUndefined();
    const resident = await (await fetch(`${base()}/healthz`, { headers: { authorization: `Bearer ${await cluster.token([], 'probe-someone')}` } })).json();
    expect(resident.details).toBeUndefined();

    const staff = await (await fetch(`${base()}/healthz`, { headers: { authorization: `Bearer ${await cluster.token([{ role: 'subdistrict' }])}` } })).json();
    expect(Object.keys(staff.details).sort()).toEqual(Object.keys(anonymous.communities).sort());
    // Each community's state as everyone sees it, with its last error (or null): what only staff may read.
    for (const [code, state] of Object.entries(anonymous.communities)) {
      expect([code, staff.details[code].status, ['string', 'object'].includes(typeof staff.details[code].lastError)]).toEqual([code, state, true]);
    }
    expect(typeof staff.openSubscriptions).toBe('number');
  });

  it('/readyz is 503 while the directory lists no community, and ok again once it does', async () => {
    const entries = [...cluster.hub.directory.list()];
    try {
      cluster.hub.directory.replace([]);
      const answer = await fetch(`${base()}/readyz`);
      expect([answer.status, await answer.json()]).toEqual([503, { status: 'unavailable', reason: 'NO_DIRECTORY' }]);
      expect((await fetch(`${base()}/livez`)).status).toBe(200);
    } finally {
      cluster.hub.directory.replace(entries);
    }
    expect((await fetch(`${base()}/readyz`)).status).toBe(200);
  });
});
