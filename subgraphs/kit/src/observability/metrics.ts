/**
 * Prometheus metrics (prom-client), one Registry per hub or node instance: several hubs and nodes share a process in
 * tests, so nothing is registered on prom-client's global default registry. Labels stay bounded: operation names
 * are capped (see OperationLabels), outcomes are registered error codes, communities come from the directory.
 * No label or value carries personal data, so `/metrics` may be read by whoever reaches the port unless
 * LILONG_METRICS_TOKEN asks for a bearer token (see docs/observability.md).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isErrorCode } from '@lilong/schema';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { sendGraphQLError } from '../http';

export const METRICS_PATH = '/metrics';

/** Request latency buckets, in seconds: from a cached answer to the hub's mutation timeout. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];

export interface RegistryOptions {
  /** Labels every series of this registry carries (a node: its community). */
  defaultLabels?: Record<string, string>;
  /**
   * prom-client's process metrics (CPU, memory, event loop lag, GC), prefixed like the rest. On for the processes
   * `main.ts` runs; off by default, since a test process runs many hubs and nodes and each would watch the same
   * process again. @default false
   */
  processMetrics?: boolean;
  prefix: string;
}

export function createRegistry(options: RegistryOptions): Registry {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: options.prefix });
  return registry;
}

/** What an unnamed operation is labelled. */
export const ANONYMOUS_OPERATION = 'anonymous';
/** What an operation is labelled once the cap is reached, or when its name does not look like a name. */
export const OTHER_OPERATION = 'other';

/**
 * Operation names as metric labels: clients choose them, so they are capped. The first `max` distinct names seen
 * keep their own series; later ones, and any name that is not a plain GraphQL name of at most 64 characters or that
 * holds a run of 5 digits (a phone number or an ID someone put in a name), count as `other`.
 */
export class OperationLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly max = 100) {}

  label(name: string | null | undefined): string {
    if (!name) return ANONYMOUS_OPERATION;
    if (this.seen.has(name)) return name;
    if (!/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name) || /\d{5}/.test(name) || this.seen.size >= this.max) return OTHER_OPERATION;
    this.seen.add(name);
    return name;
  }
}

/**
 * The outcome label of an answer: `ok` without errors, else the code of the first error when it is one of the
 * registry's (or Apollo's own for documents), else `ERROR`. Bounded whatever a node answers.
 */
export function outcomeOf(errors: readonly { extensions?: Record<string, unknown> | null }[] | undefined | null): string {
  if (!errors || errors.length === 0) return 'ok';
  return outcomeLabel(errors[0]?.extensions?.code);
}

/** A code as an outcome label: registered codes as they are, anything else `ERROR`. */
export function outcomeLabel(code: unknown): string {
  return isErrorCode(code) ? code : 'ERROR';
}

/** Requests served, by labels, and how long they took. */
export class RequestMetrics<L extends string> {
  private readonly total: Counter<L | 'outcome'>;
  private readonly duration: Histogram<L>;

  constructor(registry: Registry, prefix: string, labelNames: readonly L[], what: string) {
    this.total = new Counter({
      name: `${prefix}requests_total`,
      help: `${what} served, by ${[...labelNames, 'outcome'].join(', ')} (ok, or the code of the first error).`,
      labelNames: [...labelNames, 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: `${prefix}request_duration_seconds`,
      help: `How long ${what.toLowerCase()} took to answer, by ${labelNames.join(', ')}, in seconds.`,
      labelNames: [...labelNames],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
  }

  observe(labels: Record<L, string>, outcome: string, seconds: number): void {
    this.total.inc({ ...labels, outcome } as Record<L | 'outcome', string>);
    this.duration.observe(labels, seconds);
  }
}

/** LILONG_METRICS_TOKEN: when set, `/metrics` wants it as a bearer token. */
export function metricsTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = env.LILONG_METRICS_TOKEN;
  return token ? token : undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Answers `GET /metrics` in Prometheus' text format. With a token, only a request bearing it is answered (401
 * otherwise, with a coded bilingual error and no metrics).
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, registry: Registry, token?: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendGraphQLError(res, 405, 'BAD_REQUEST', { en: 'Bad request: /metrics is read with GET.', zh: '请求无效：/metrics 须用 GET 读取。' }, {}, { allow: 'GET' });
    return;
  }
  if (token !== undefined) {
    const [scheme, given] = (req.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !given || !sameSecret(given, token)) {
      sendGraphQLError(
        res,
        401,
        'UNAUTHENTICATED',
        { en: 'The metrics are read with the metrics token (LILONG_METRICS_TOKEN) as a bearer token.', zh: '读取监控指标须以监控令牌（LILONG_METRICS_TOKEN）作为 Bearer 令牌。' },
        {},
        { 'www-authenticate': 'Bearer realm="metrics"' },
      );
      return;
    }
  }
  const body = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
