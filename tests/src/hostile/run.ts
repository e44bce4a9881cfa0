import { request } from 'node:http';
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { hostileCorpus, type Category, type HostileCase } from './corpus';

export interface CaseResult {
  hostile: HostileCase;
  status: number | 'hang' | 'connection-error';
  ms: number;
  /** Why the answer breaks the rules (5xx, not JSON, an error without a code), if it does. */
  fault?: string;
  /** How long `{ __typename }` took right after the case. */
  probeMs: number;
  probeOk: boolean;
}

interface RawAnswer {
  status: number;
  body: string;
}

/** One raw HTTP exchange (node:http, so that malformed requests are sent as they are). */
function send(url: URL, c: Pick<HostileCase, 'method' | 'path' | 'headers' | 'body'>, timeoutMs: number): Promise<RawAnswer | 'hang' | 'connection-error'> {
  return new Promise((resolve) => {
    const req = request(
      { host: url.hostname, port: url.port, method: c.method, path: c.path ?? url.pathname, headers: c.headers, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve('connection-error'));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve('hang');
    });
    req.on('error', () => resolve('connection-error'));
    if (c.body !== undefined) req.end(c.body);
    else req.end();
  });
}

function bodyOf(c: HostileCase): string | Buffer | undefined {
  if (c.body !== undefined) return c.body;
  if (c.graphql) return JSON.stringify(c.graphql);
  return undefined;
}

/** The rules every answer keeps: no 5xx; a JSON body whose every error has a string `extensions.code`. */
export function faultOf(c: HostileCase, answer: RawAnswer): string | undefined {
  if (answer.status >= 500) return `HTTP ${answer.status}: ${answer.body.slice(0, 200)}`;
  if (c.method === 'HEAD' || answer.status === 204 || answer.status === 304) return undefined;
  let parsed: { data?: unknown; errors?: { extensions?: { code?: unknown } }[] };
  try {
    parsed = JSON.parse(answer.body) as typeof parsed;
  } catch {
    return `HTTP ${answer.status} without a JSON body: ${answer.body.slice(0, 120)}`;
  }
  if (answer.status >= 400 && !Array.isArray(parsed.errors)) return `HTTP ${answer.status} without errors`;
  const uncoded = (parsed.errors ?? []).filter((e) => typeof e?.extensions?.code !== 'string');
  if (uncoded.length > 0) return `error without extensions.code: ${JSON.stringify(uncoded[0]).slice(0, 200)}`;
  return undefined;
}

export async function fetchSchema(url: string): Promise<GraphQLSchema> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: getIntrospectionQuery() }) });
  const answer = (await response.json()) as { data: IntrospectionQuery };
  return buildClientSchema(answer.data);
}

export interface RunOptions {
  /** Bearer token for cases marked `signedIn`. */
  token?: string;
  /** @default 5000 */
  hangMs?: number;
  onCase?: (result: CaseResult, index: number, total: number) => void;
}

/** Sends every case of the corpus in turn, each followed by a `{ __typename }` probe. */
export async function runHostile(endpoint: string, options: RunOptions = {}): Promise<CaseResult[]> {
  const url = new URL(endpoint);
  const corpus = hostileCorpus(await fetchSchema(endpoint));
  const probe = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) };
  const results: CaseResult[] = [];
  for (const [index, hostile] of corpus.entries()) {
    const headers: Record<string, string> = { ...(hostile.body === undefined ? { 'content-type': 'application/json' } : {}), ...hostile.headers };
    if (hostile.signedIn && options.token) headers.authorization = `Bearer ${options.token}`;
    // Node's client frames a body of DELETE, HEAD or TRACE with neither length nor chunks unless told its length;
    // the unframed bytes would then be read as the next request on the kept-alive socket.
    const body = bodyOf(hostile);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = String(Buffer.byteLength(body));
    const began = performance.now();
    const answer = await send(url, { method: hostile.method, path: hostile.path, headers, body }, options.hangMs ?? 5000);
    const ms = performance.now() - began;
    const probeBegan = performance.now();
    const probed = await send(url, probe, options.hangMs ?? 5000);
    const probeMs = performance.now() - probeBegan;
    const result: CaseResult = {
      hostile,
      status: typeof answer === 'string' ? answer : answer.status,
      ms,
      fault: typeof answer === 'string' ? answer : faultOf(hostile, answer),
      probeMs,
      probeOk: typeof probed !== 'string' && probed.status === 200 && probed.body.includes('"__typename":"Query"'),
    };
    results.push(result);
    options.onCase?.(result, index, corpus.length);
  }
  return results;
}

export interface CategoryRow {
  cases: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
  faults: number;
  'max ms': number;
  'p50 ms': number;
  'probe max ms': number;
}

/** The table of a run, by category. */
export function summarize(results: CaseResult[]): Record<Category | 'all', CategoryRow> {
  const groups = new Map<Category | 'all', CaseResult[]>();
  for (const r of results) {
    groups.set(r.hostile.category, [...(groups.get(r.hostile.category) ?? []), r]);
    groups.set('all', [...(groups.get('all') ?? []), r]);
  }
  const out = {} as Record<Category | 'all', CategoryRow>;
  for (const [category, rows] of groups) {
    const sorted = rows.map((r) => r.ms).sort((a, b) => a - b);
    out[category] = {
      cases: rows.length,
      '2xx': rows.filter((r) => typeof r.status === 'number' && r.status < 300).length,
      '4xx': rows.filter((r) => typeof r.status === 'number' && r.status >= 400 && r.status < 500).length,
      '5xx': rows.filter((r) => typeof r.status === 'number' && r.status >= 500).length,
      faults: rows.filter((r) => r.fault || !r.probeOk).length,
      'max ms': Math.round(sorted[sorted.length - 1] ?? 0),
      'p50 ms': Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      'probe max ms': Math.round(Math.max(...rows.map((r) => r.probeMs))),
    };
  }
  return out;
}
