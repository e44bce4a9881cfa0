/**
 * The performance targets of issue 12 (item 5), as ratios read off the harness's raw rows (`bench.mjs --json`):
 * medians over rounds per target and query, as the harness's own report computes them.
 */

/** One measurement of the harness (a row of `--json`'s `rows`). */
export interface HarnessRow {
  round: number;
  target: string;
  query: string;
  rps: number;
  p50: number;
  p99: number;
  cpuMs: number;
  systemCpuMs: number;
  rssMb: number;
  otherCpu: number;
  bad: number;
}

export interface TargetLine {
  target: string;
  /** What was measured, in words with the figures, e.g. "lilong-1 312 req/s vs apollo-gateway 298". */
  measured: string;
  ratio: number | undefined;
  /** undefined: not measured in this run (a target left out with --only). */
  met: boolean | undefined;
}

export function median(xs: readonly number[]): number | undefined {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1]! + s[h]!) / 2;
}

type Metric = 'rps' | 'p50' | 'p99' | 'cpuMs' | 'systemCpuMs';

/** The median of a metric for one target and query; undefined when it was not measured. */
export function medianOf(rows: readonly HarnessRow[], target: string, query: string, metric: Metric): number | undefined {
  return median(rows.filter((r) => r.target === target && r.query === query).map((r) => r[metric]));
}

const fmt = (x: number | undefined, digits: number) => (x === undefined ? '-' : x.toFixed(digits));

/**
 * A ratio target `a / b` against a limit: `atMost` (ratio must not exceed it) or `atLeast`. Missing figures give
 * an unmeasured line rather than a guess.
 */
function ratioLine(target: string, a: { name: string; value: number | undefined }, b: { name: string; value: number | undefined }, unit: string, digits: number, limit: { atMost?: number; atLeast?: number }): TargetLine {
  const ratio = a.value !== undefined && b.value !== undefined && b.value > 0 ? a.value / b.value : undefined;
  const met = ratio === undefined ? undefined : limit.atMost !== undefined ? ratio <= limit.atMost : ratio >= limit.atLeast!;
  return { target, measured: `${a.name} ${fmt(a.value, digits)} ${unit} vs ${b.name} ${fmt(b.value, digits)}`, ratio, met };
}

export interface TargetInputs {
  /** Rows of the single-community run (peers and the hub). */
  peers: readonly HarnessRow[];
  /** Rows of the fan-out run (the hub over 1 and over 4 communities); empty when it was not run. */
  fanout: readonly HarnessRow[];
  /** The single-community queries, in report order. */
  queries: readonly string[];
  fanoutQuery: string;
  /** Community fetches per request of the fan-out query through the hub over 1 and over 4 communities. */
  fetchesPerRequest?: { one: number; four: number };
}

/** Tolerance for "does not grow with the number of communities": per-fetch CPU at 4 within 10% of that at 1. */
export const PER_FETCH_GROWTH_LIMIT = 1.1;

export function targetLines(input: TargetInputs): TargetLine[] {
  const lines: TargetLine[] = [];
  const peer = (target: string, query: string, metric: Metric) => ({ name: target, value: medianOf(input.peers, target, query, metric) });
  for (const q of input.queries) {
    lines.push(ratioLine(`${q}: hub req/s ≥ @apollo/gateway`, peer('lilong-1', q, 'rps'), peer('apollo-gateway', q, 'rps'), 'req/s', 0, { atLeast: 1 }));
    lines.push(ratioLine(`${q}: hub CPU ms/req ≤ @apollo/gateway`, peer('lilong-1', q, 'cpuMs'), peer('apollo-gateway', q, 'cpuMs'), 'ms', 2, { atMost: 1 }));
    lines.push(ratioLine(`${q}: hub CPU ms/req ≤ 1.5x Hive + Rust planner`, peer('lilong-1', q, 'cpuMs'), peer('hive-rust-qp', q, 'cpuMs'), 'ms', 2, { atMost: 1.5 }));
    lines.push(ratioLine(`${q}: same, both without in-flight merging`, peer('lilong-1-nodedup', q, 'cpuMs'), peer('hive-rust-nodedup', q, 'cpuMs'), 'ms', 2, { atMost: 1.5 }));
  }
  if (input.fanout.length > 0) {
    const fan = (target: string, metric: Metric) => ({ name: target, value: medianOf(input.fanout, target, input.fanoutQuery, metric) });
    lines.push(ratioLine(`${input.fanoutQuery}: p50 latency, 4 communities ≤ 2x 1`, fan('lilong-4', 'p50'), fan('lilong-1', 'p50'), 'ms', 0, { atMost: 2 }));
    lines.push(ratioLine(`${input.fanoutQuery}: p99 latency, 4 communities ≤ 2x 1`, fan('lilong-4', 'p99'), fan('lilong-1', 'p99'), 'ms', 0, { atMost: 2 }));
    const f = input.fetchesPerRequest;
    const perFetch = (target: string, fetches: number | undefined) => {
      const cpu = medianOf(input.fanout, target, input.fanoutQuery, 'cpuMs');
      return { name: `${target} (${fetches ?? '?'} fetches/req)`, value: cpu !== undefined && fetches ? cpu / fetches : undefined };
    };
    const line = ratioLine(`${input.fanoutQuery}: hub CPU per community fetch, 4 vs 1 (no merging) ≤ ${PER_FETCH_GROWTH_LIMIT}x`, perFetch('lilong-4-nodedup', f?.four), perFetch('lilong-1-nodedup', f?.one), 'ms/fetch', 3, { atMost: PER_FETCH_GROWTH_LIMIT });
    // At 1 community the one fetch also carries the request's fixed cost (parse, plan, answer); what each further
    // community adds is the figure that shows growth.
    const cpu1 = medianOf(input.fanout, 'lilong-1-nodedup', input.fanoutQuery, 'cpuMs');
    const cpu4 = medianOf(input.fanout, 'lilong-4-nodedup', input.fanoutQuery, 'cpuMs');
    if (cpu1 !== undefined && cpu4 !== undefined && f && f.four > f.one) line.measured += `; each further fetch ${((cpu4 - cpu1) / (f.four - f.one)).toFixed(3)} ms`;
    lines.push(line);
  }
  return lines;
}

/** The targets as a markdown table. */
export function targetsTable(lines: readonly TargetLine[]): string {
  const met = (m: boolean | undefined) => (m === undefined ? 'not measured' : m ? 'yes' : 'no');
  return ['| target | measured | ratio | met |', '|---|---|--:|---|', ...lines.map((l) => `| ${l.target} | ${l.measured} | ${fmt(l.ratio, 2)} | ${met(l.met)} |`)].join('\n');
}
