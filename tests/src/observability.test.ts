/**
 * What an operator sees of the hub and its nodes: Prometheus metrics at /metrics (per-community fetches, requests by
 * operation and outcome), one trace per request from the hub through the node to its SQL (the trace crossing in the
 * `traceparent` header), and JSON log lines carrying the request and trace IDs, never an address or a phone number.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createLogger,
  createRegistry,
  createTracing,
  disableGlobalTracing,
  HUB_ASSERTION_HEADER,
  inMemorySpanExporter,
  RequestMetrics,
  serveMetrics,
  SpanKind,
  type ReadableSpan,
} from '@lilong/kit';
import { TEST_COMMUNITIES } from '../../ops/src/seed';
import { TestCluster } from './support/cluster';
import { headOf, LiveClient } from './support/live';
import { eventually, lookUp, residentToken, stockedProduct, type CommunityInfo } from './support/sub-district';

const exporter = inMemorySpanExporter();
/** Every log line the hub and the nodes wrote, parsed, with who wrote it. */
const lines: { by: string; raw: string; line: Record<string, any> }[] = [];
const sink = (by: string) => ({
  write(text: string) {
    for (const raw of text.split('\n').filter(Boolean)) lines.push({ by, raw, line: JSON.parse(raw) });
  },
});

const [A, B] = TEST_COMMUNITIES.slice(0, 2).map((c) => c.code) as [string, string];
let cluster: TestCluster;
let info: Map<string, CommunityInfo>;

beforeAll(async () => {
  cluster = await TestCluster.start({
    communities: TEST_COMMUNITIES.slice(0, 2),
    background: false,
    observability: {
      // Spans handed over as each ends (no batching), all into one exporter: the test reads them straight after.
      hubTracing: createTracing({ serviceName: 'lilong-hub', exporter, processor: 'simple', global: true }),
      nodeTracing: (code) => createTracing({ serviceName: `lilong-node-${code}`, exporter, processor: 'simple' }),
      hubLogger: createLogger('hub', 'debug', sink('hub')),
      nodeLogger: (code) => createLogger(`node:${code}`, 'debug', sink(code)),
    },
  });
  info = await lookUp(cluster);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  // OpenTelemetry keeps its globals on globalThis, past jest's module registry: left registered, every later test
  // file in this process would record its spans into the exporter (unbounded) under the context manager.
  disableGlobalTracing();
  exporter.reset();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, the samples of it (comments skipped). */
function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(l);
      if (!m) throw new Error(`not a sample line: ${l}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

async function metricsOf(baseUrl: string): Promise<Sample[]> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value ?? 0;

const hubBase = () => cluster.url.replace(/\/graphql$/, '');

async function post(body: unknown, headers: Record<string, string> = {}, token?: string) {
  const response = await fetch(cluster.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, requestId: response.headers.get('x-request-id'), body: (await response.json()) as { data?: any; errors?: any[] } };
}

const SUB_DISTRICT = 'query SubDistrict { communities { code shops { name products { name } } } }';

describe('metrics', () => {
  it("count each community's fetches at the hub, and the requests each node served", async () => {
    const hubBefore = await metricsOf(hubBase());
    const nodeBefore = await metricsOf(cluster.nodeUrl(A));
    cluster.resetCounts();
    const answer = await post({ query: SUB_DISTRICT });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.communities.map((c: { code: string }) => c.code).sort()).toEqual([A, B].sort());
    const sent = cluster.sentCounts();

    const hub = await metricsOf(hubBase());
    for (const community of [A, B]) {
      const labels = { community, subgraph: 'shops', outcome: 'ok' };
      // As many as the hub sent (one per community for this plan), and each timed.
      expect(sent[`${community}/shops`]).toBeGreaterThan(0);
      expect(value(hub, 'lilong_hub_community_fetches_total', labels) - value(hubBefore, 'lilong_hub_community_fetches_total', labels)).toBe(sent[`${community}/shops`]);
      expect(value(hub, 'lilong_hub_community_fetch_duration_seconds_count', labels)).toBeGreaterThan(value(hubBefore, 'lilong_hub_community_fetch_duration_seconds_count', labels));
      expect(value(hub, 'lilong_hub_community_circuit_open', { community })).toBe(0);
      expect(value(hub, 'lilong_hub_community_state', { community, state: 'ACTIVE' })).toBe(1);
    }
    const request = { operation: 'SubDistrict', outcome: 'ok' };
    expect(value(hub, 'lilong_hub_requests_total', request) - value(hubBefore, 'lilong_hub_requests_total', request)).toBe(1);
    expect(value(hub, 'lilong_hub_request_duration_seconds_count', { operation: 'SubDistrict' })).toBeGreaterThan(0);
    expect(hub.some((s) => s.name === 'lilong_hub_open_subscriptions')).toBe(true);

    // The node counts the hub's fetches under the client's operation name (the planner's suffix taken off).
    const node = await metricsOf(cluster.nodeUrl(A));
    const served = { community: A, subgraph: 'shops', operation: 'SubDistrict', outcome: 'ok' };
    expect(value(node, 'lilong_node_requests_total', served) - value(nodeBefore, 'lilong_node_requests_total', served)).toBe(sent[`${A}/shops`]);
    expect(value(node, 'lilong_node_request_duration_seconds_count', { subgraph: 'shops', operation: 'SubDistrict' })).toBeGreaterThan(0);
    expect(value(node, 'lilong_node_db_pool_max', { pool: 'shops' })).toBeGreaterThan(0);
    expect(node.some((s) => s.name === 'lilong_node_db_pool_connections' && s.labels.pool === 'shops' && s.labels.state === 'free')).toBe(true);
    expect(node.some((s) => s.name === 'lilong_node_outbox_head_sequence')).toBe(true);
  });

  it('label a failed request by its error code, and keep client-chosen operation names from multiplying series', async () => {
    const refused = await post({ query: 'query Broken { communities { nope } }' });
    expect(refused.status).toBe(400);
    for (let i = 0; i < 120; i += 1) await post({ query: `query Op${String.fromCharCode(97 + (i % 26))}${i} { __typename }` });
    await post({ query: 'query Call13912345678 { __typename }' });
    const hub = await metricsOf(hubBase());
    expect(value(hub, 'lilong_hub_requests_total', { operation: 'Broken', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    const operations = new Set(hub.filter((s) => s.name === 'lilong_hub_requests_total').map((s) => s.labels.operation));
    // The cap (100 names), plus `other` and `anonymous`.
    expect(operations.size).toBeLessThanOrEqual(102);
    expect(operations.has('other')).toBe(true);
    expect([...operations].some((o) => o?.includes('13912345678'))).toBe(false);
  });

  it('are served only to the bearer of the metrics token when one is set', async () => {
    const registry = createRegistry({ prefix: 'test_' });
    const things = new RequestMetrics(registry, 'test_', ['thing'], 'Things');
    for (let i = 0; i < 3; i += 1) things.observe({ thing: 'a' }, 'ok', 0.01);
    const server: Server = createServer((req, res) => void serveMetrics(req, res, registry, 's3cret-token'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      const anonymous = await fetch(url);
      expect(anonymous.status).toBe(401);
      const refusal = (await anonymous.json()) as { errors: { message: string; extensions: Record<string, string> }[] };
      expect(refusal.errors[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', messageZh: expect.stringMatching(/监控令牌/) });
      expect(JSON.stringify(refusal)).not.toMatch(/test_requests_total/);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const allowed = await fetch(url, { headers: { authorization: 'Bearer s3cret-token' } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toMatch(/^test_requests_total\{thing="a",outcome="ok"\} 3$/m);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

const serviceOf = (span: ReadableSpan) => String(span.resource.attributes['service.name']);

describe('traces', () => {
  it('follow one request from the hub through the node (by its traceparent header) to its resolvers and SQL', async () => {
    exporter.reset();
    const answer = await post({ query: SUB_DISTRICT }, { 'x-request-id': 'trace-test-1' });
    expect(answer.body.errors).toBeUndefined();
    const spans = await eventually(
      async () => exporter.getFinishedSpans(),
      (all) => all.some((s) => serviceOf(s) === 'lilong-hub' && s.kind === SpanKind.SERVER),
    );
    const hubRequest = spans.find((s) => serviceOf(s) === 'lilong-hub' && s.kind === SpanKind.SERVER && s.name === 'POST /graphql');
    expect(hubRequest).toBeDefined();
    const traceId = hubRequest!.spanContext().traceId;
    expect(hubRequest!.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200, 'graphql.operation.name': 'SubDistrict' });
    // @apollo/gateway's own spans sit under the hub's request span.
    const gatewayRequest = spans.find((s) => s.name === 'gateway.request');
    expect(gatewayRequest?.parentSpanId).toBe(hubRequest!.spanContext().spanId);

    for (const community of [A, B]) {
      const fetchSpan = spans.find((s) => s.kind === SpanKind.CLIENT && s.attributes['lilong.community'] === community && s.attributes['lilong.subgraph'] === 'shops');
      expect(fetchSpan?.spanContext().traceId).toBe(traceId);
      // The node's server span: its own service, the same trace, and the hub's fetch span as parent. The node
      // extracts the parent from the request's headers against ROOT_CONTEXT, so only the header can have told it.
      const nodeServer = spans.find((s) => serviceOf(s) === `lilong-node-${community}` && s.kind === SpanKind.SERVER && s.name === 'POST /shops/graphql');
      expect(nodeServer?.spanContext().traceId).toBe(traceId);
      expect(nodeServer?.parentSpanId).toBe(fetchSpan!.spanContext().spanId);
      expect(nodeServer?.attributes).toMatchObject({ 'lilong.community': community, 'http.response.status_code': 200 });
      // A span per root field (here `_entities`), and one per SQL statement, under it or (for nested fields, which
      // get no span of their own) under the server span.
      const resolver = spans.find((s) => serviceOf(s) === `lilong-node-${community}` && s.name === 'resolve Query._entities' && s.parentSpanId === nodeServer!.spanContext().spanId);
      expect(resolver).toBeDefined();
      const sql = spans.filter((s) => serviceOf(s) === `lilong-node-${community}` && s.attributes['db.system'] === 'postgresql' && s.spanContext().traceId === traceId);
      expect(sql.length).toBeGreaterThan(0);
      for (const s of sql) expect([nodeServer!.spanContext().spanId, resolver!.spanContext().spanId]).toContain(s.parentSpanId);
      for (const s of sql) {
        expect(s.kind).toBe(SpanKind.CLIENT);
        expect(String(s.attributes['db.statement'])).toMatch(/^select /i);
        expect(String(s.attributes['db.statement'])).not.toMatch(/'[^?]/);
      }
    }
  });

  it('let a node continue a trace named by a traceparent, and never let the header stand in for the hub assertion', async () => {
    exporter.reset();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const refused = await fetch(`${cluster.nodeUrl(A)}/shops/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', traceparent }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(refused.status).toBe(401);
    const assertion = await cluster.assertionFor(A, 'shops');
    const allowed = await fetch(`${cluster.nodeUrl(A)}/shops/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent, [HUB_ASSERTION_HEADER]: assertion },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(allowed.status).toBe(200);
    const spans = await eventually(async () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER), (all) => all.length >= 2);
    for (const span of spans) {
      expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(span.parentSpanId).toBe('b7ad6b7169203331');
    }
    expect(spans.map((s) => s.attributes['http.response.status_code']).sort()).toEqual([200, 401]);
  });
});

describe('subscription traces', () => {
  it('give each event resolved for a subscriber a span of its own, with the fetches it makes and the node under it', async () => {
    const shopId = info.get(A)!.shops[0]!.id;
    const product = await stockedProduct(cluster, shopId, { name: '追踪菜籽油', onHand: 10 });
    const client = new LiveClient(cluster, 'sse');
    try {
      const sub = client.subscribe(`subscription($p: ID!, $after: ID) { productStock(productId: $p, after: $after) { id type product { id stock { onHand } } } }`, {
        p: product,
        after: `${A}:${await headOf(cluster, A)}`,
      });
      await sub.until(() => false, 500).catch(() => undefined);
      exporter.reset();
      const merchant = await cluster.token([{ role: 'merchant', shop: shopId }], 'trace-merchant');
      const changed = await post({ query: `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id } }`, variables: { i: { productId: product, delta: 5, reason: '到货' } } }, {}, merchant);
      expect(changed.body.errors).toBeUndefined();
      const [event] = await sub.until((r) => r.some((x) => x.result.data?.productStock)).then(() => sub.events('productStock'));
      expect(event.product.stock.onHand).toBe(15);
      const spans = await eventually(
        async () => exporter.getFinishedSpans(),
        (all) => all.some((s) => s.name === 'live productStock'),
      );
      const live = spans.find((s) => s.name === 'live productStock')!;
      expect(serviceOf(live)).toBe('lilong-hub');
      expect(live.kind).toBe(SpanKind.CONSUMER);
      expect(live.parentSpanId).toBeUndefined();
      expect(live.attributes).toMatchObject({ 'graphql.subscription.field': 'productStock', 'lilong.community': A, 'lilong.event.id': event.id });
      // Its own trace, not the mutation's: the event came from the node's outbox, not from this request.
      const mutation = spans.find((s) => serviceOf(s) === 'lilong-hub' && s.kind === SpanKind.SERVER && s.name === 'POST /graphql');
      expect(mutation?.spanContext().traceId).not.toBe(live.spanContext().traceId);
      const traceId = live.spanContext().traceId;
      const fetchSpan = spans.find((s) => s.kind === SpanKind.CLIENT && s.attributes['lilong.community'] === A && s.attributes['lilong.subgraph'] === 'shops' && s.spanContext().traceId === traceId);
      expect(fetchSpan).toBeDefined();
      const nodeServer = spans.find((s) => serviceOf(s) === `lilong-node-${A}` && s.kind === SpanKind.SERVER && s.spanContext().traceId === traceId);
      expect(nodeServer?.parentSpanId).toBe(fetchSpan!.spanContext().spanId);
      sub.close();
    } finally {
      await client.close();
    }
  });
});

describe('logs', () => {
  const PHONE = '139 1234 5678';
  const ADDRESS = '8号楼-1-101室';

  it('carry the request ID (passed on to the node) and the trace ID on the lines written while serving a request', async () => {
    exporter.reset();
    const answer = await post({ query: SUB_DISTRICT }, { 'x-request-id': 'log-test-1' });
    expect(answer.requestId).toBe('log-test-1');
    const served = await eventually(
      async () => lines.filter((l) => l.line.message === 'request served' && l.line.requestId === 'log-test-1'),
      (found) => found.some((l) => l.by === 'hub') && found.some((l) => l.by === A) && found.some((l) => l.by === B),
    );
    const hubLine = served.find((l) => l.by === 'hub')!.line;
    const hubSpan = exporter.getFinishedSpans().find((s) => serviceOf(s) === 'lilong-hub' && s.kind === SpanKind.SERVER)!;
    expect(hubLine).toMatchObject({ level: 'debug', component: 'hub', route: '/graphql', status: 200, operation: 'SubDistrict', outcome: 'ok', trace_id: hubSpan.spanContext().traceId });
    for (const community of [A, B]) {
      const nodeLine = served.find((l) => l.by === community)!.line;
      expect(nodeLine).toMatchObject({ component: `node:${community}`, route: '/shops/graphql', outcome: 'ok', trace_id: hubSpan.spanContext().traceId });
      expect(nodeLine.span_id).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('answer a made-up request ID with one of their own, and a sane one with itself', async () => {
    expect((await post({ query: '{ __typename }' }, { 'x-request-id': 'abc-123_X.y' })).requestId).toBe('abc-123_X.y');
    const insane = await post({ query: '{ __typename }' }, { 'x-request-id': 'a"b c' });
    expect(insane.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await post({ query: '{ __typename }' }, { 'x-request-id': 'x'.repeat(300) })).requestId).toMatch(/^[0-9a-f-]{36}$/);
    const node = await fetch(`${cluster.nodeUrl(A)}/livez`, { headers: { 'x-request-id': 'probe-1' } });
    expect(node.headers.get('x-request-id')).toBe('probe-1');
  });

  it('never show a phone number or an address: not from the variables in an error, nor from a care request served', async () => {
    const household = info.get(A)!.compounds[0]!.households[0]!;
    const resident = await residentToken(cluster, household);
    const care = { householdId: household.id, kind: 'MEDICINE_PICKUP', urgency: 'TODAY', destination: '瑞金医院门诊药房', prescriptions: ['氨氯地平片 5mg ×28'], contactPhone: PHONE };
    const REQUEST = 'mutation Ask($i: RequestCareInput!) { requestCare(input: $i) { id address contactPhone } }';
    // A variable the schema does not know: GraphQL's error quotes the whole value, phone and address included.
    const wrong = await post({ query: REQUEST, variables: { i: { ...care, address: ADDRESS } } }, { 'x-request-id': 'pii-test-1' }, resident);
    expect(wrong.body.errors?.[0]?.message).toContain(PHONE);
    const done = await post({ query: REQUEST, variables: { i: care } }, { 'x-request-id': 'pii-test-2' }, resident);
    expect(done.body.errors).toBeUndefined();
    expect(done.body.data.requestCare.contactPhone).toBe(PHONE);
    // A service logging a record as it is: the fields are censored wherever they sit.
    createLogger('test', 'info', sink('test')).warn('care request', { request: { place: { address: ADDRESS }, contactPhone: PHONE } });

    const refusedLine = await eventually(
      async () => lines.find((l) => l.line.requestId === 'pii-test-1' && l.line.message === 'request served'),
      (found) => found !== undefined,
    );
    expect(refusedLine!.line).toMatchObject({ outcome: 'BAD_USER_INPUT', error: expect.stringContaining('[REDACTED]') });
    await eventually(async () => lines.filter((l) => l.line.requestId === 'pii-test-2').length, (n) => n >= 2);
    expect(lines.find((l) => l.by === 'test')!.line).toMatchObject({ request: { place: { address: '[REDACTED]' }, contactPhone: '[REDACTED]' } });
    const everything = lines.map((l) => l.raw).join('\n');
    for (const secret of [PHONE, PHONE.replace(/ /g, ''), ADDRESS, household.address]) expect(everything).not.toContain(secret);
    // Nor in any span: statements go without their values.
    const spanText = JSON.stringify(exporter.getFinishedSpans().map((s) => s.attributes));
    for (const secret of [PHONE, PHONE.replace(/ /g, ''), ADDRESS, household.address]) expect(spanText).not.toContain(secret);
  });
});
