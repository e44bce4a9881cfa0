/**
 * A closed-loop load generator: `concurrency` loops, each sending its next GraphQL request as soon as its last is
 * answered, for a fixed time. Requests vary (the caller's `request(i)`), so the hub's merging of identical reads in
 * flight does not turn the load into fewer node fetches than a real crowd of callers would cause.
 */
import { summarize, type LatencySummary } from '../stats';

export interface LoadRequest {
  query: string;
  variables?: Record<string, unknown>;
  token?: string;
}

interface Answer {
  data?: unknown;
  errors?: { message?: string; extensions?: { code?: string; community?: string } }[];
}

export interface LoadResult {
  requests: number;
  wallMs: number;
  latency: LatencySummary;
  /** Answered with data and no error. */
  complete: number;
  /** Answered with data and COMMUNITY_UNAVAILABLE errors only: some community is missing from the answer. */
  partial: number;
  /** Anything else: an HTTP error, another error code, no data. */
  failed: number;
  /** Communities named by COMMUNITY_UNAVAILABLE errors, with how many answers missed each. */
  missing: Record<string, number>;
  /** Why requests failed (error code or HTTP status), with how often. */
  failures: Record<string, number>;
  /** Whatever the caller's `check` said was wrong with complete answers (e.g. an empty list), with how often. */
  suspicious: Record<string, number>;
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Runs the loop against `url` for `durationMs` (or until `maxRequests` were sent); `request(i)` gives the i-th request, `check(data, i)` may name what
 * is wrong with the data of its complete answer.
 */
export async function closedLoop(url: string, options: { durationMs: number; concurrency: number; maxRequests?: number; request: (i: number) => LoadRequest; check?: (data: unknown, i: number) => string | undefined }): Promise<LoadResult> {
  const latencies: number[] = [];
  const result: Omit<LoadResult, 'latency' | 'wallMs' | 'requests'> = { complete: 0, partial: 0, failed: 0, missing: {}, failures: {}, suspicious: {} };
  let sent = 0;
  const began = performance.now();
  const until = began + options.durationMs;
  const loop = async () => {
    while (performance.now() < until && sent < (options.maxRequests ?? Number.POSITIVE_INFINITY)) {
      const i = sent;
      sent += 1;
      const { query, variables, token } = options.request(i);
      const t = performance.now();
      let status = 0;
      let answer: Answer | undefined;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        status = response.status;
        answer = (await response.json()) as Answer;
      } catch (error) {
        bump(result.failures, `fetch: ${(error as Error).message}`);
      }
      latencies.push(performance.now() - t);
      if (!answer) {
        result.failed += 1;
        continue;
      }
      const errors = answer.errors ?? [];
      const unavailable = errors.filter((e) => e.extensions?.code === 'COMMUNITY_UNAVAILABLE');
      if (status === 200 && answer.data && errors.length === 0) {
        result.complete += 1;
        const wrong = options.check?.(answer.data, i);
        if (wrong) bump(result.suspicious, wrong);
      } else if (status === 200 && answer.data && unavailable.length === errors.length) {
        result.partial += 1;
        for (const e of unavailable) bump(result.missing, e.extensions?.community ?? '?');
      } else {
        result.failed += 1;
        bump(result.failures, errors[0]?.extensions?.code ?? `HTTP ${status}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const wallMs = performance.now() - began;
  return { requests: latencies.length, wallMs, latency: summarize(latencies.length > 0 ? latencies : [0]), ...result };
}
