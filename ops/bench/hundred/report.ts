/** The figures of `npm run bench -- hundred`, and their markdown rendering. */
import type { LoadResult } from './load';
import type { HundredOptions } from './options';

export interface Measurement {
  communities: number;
  query: 'sub-district' | 'neighbours';
  result: LoadResult;
  reqPerS: number;
  /** Fetches the hub sent to community nodes per request, from its own counters. */
  fetchesPerRequest: number;
  /** What the routing rules say it should be: every community, or the origins' mean neighbour count. */
  expectedFetchesPerRequest: number;
  /** Role look-ups (`/access`) per request: the hub asking a signed-in caller's home communities. */
  accessLookupsPerRequest: number;
  hubCpuMsPerRequest: number;
  /** Less the hub's idle CPU over the same time (its relay sweeping every community). */
  hubNetCpuMsPerRequest: number;
  /** Net hub CPU per community fetch, in µs. */
  hubCpuUsPerFetch: number;
  /** The load generator's own CPU per request (this process). */
  benchCpuMsPerRequest: number;
  hubRssMb: number;
  /** Client connections open on PostgreSQL right after the measurement. */
  postgresConnections: number;
  loadAverage: number[];
}

export interface HundredFigures {
  options: HundredOptions;
  machine: { cpus: number; memoryGb: number; node: string; loadAverageAtStart: number[] };
  budget: { perNode: number; nodes: number; workers: number; maxConnections: number; text: string };
  setup: {
    reusedData: boolean;
    postgresStartMs: number;
    databasesCreated: number;
    databasesMs: number;
    nodesWallMs: number;
    migrationsApplied: number;
    migrateMsSum: number;
    nodeStartMsSum: number;
    seedMsSum: number;
    communitiesSeeded: number;
    totalWallMs: number;
  };
  memory: { pid: number; communities: number; loadedRssMb: number; rssMb: number; perCommunityMb: number }[];
  hubs: { communities: number; idleCpuMsPerS: number; rssMb: number }[];
  measurements: Measurement[];
}

/**
 * Least-squares slope and intercept of y over x: for hub CPU per request against fetches per request, the slope is
 * what one more community fetch costs the hub, the intercept what a request costs before any.
 */
export function linearFit(points: { x: number; y: number }[]): { slope: number; intercept: number } | undefined {
  if (points.length < 2) return undefined;
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  if (sxx === 0) return undefined;
  const slope = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx;
  return { slope, intercept: my - slope * mx };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const listOf = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([k, v]) => `${v}× ${k}`)
    .join('; ');

export function markdownReport(f: HundredFigures): string {
  const lines: string[] = [];
  lines.push(`## hundred: ${f.budget.nodes} simulated communities on one machine`, '');
  lines.push(`Machine: ${f.machine.cpus} CPUs, ${f.machine.memoryGb} GB, Node ${f.machine.node}, load average at start ${f.machine.loadAverageAtStart.join(' ')}. ${f.options.durationS} s per measurement, ${f.options.concurrency} requests in flight (closed loop).`, '');
  lines.push('| communities | query | req/s | p50 ms | p99 ms | fetches/req (rule) | hub CPU ms/req | hub CPU µs/fetch | complete / partial / failed | hub RSS MB | PG connections |');
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|');
  for (const m of f.measurements) {
    lines.push(
      `| ${m.communities} | ${m.query} | ${m.reqPerS} | ${m.result.latency.p50} | ${m.result.latency.p99} | ${m.fetchesPerRequest} (${m.expectedFetchesPerRequest}) | ${m.hubNetCpuMsPerRequest} | ${m.hubCpuUsPerFetch} | ${m.result.complete} / ${m.result.partial} / ${m.result.failed} | ${m.hubRssMb} | ${m.postgresConnections} |`,
    );
  }
  lines.push('', 'Hub CPU is net of its idle CPU (the relay sweeping every community): ' + f.hubs.map((h) => `${h.idleCpuMsPerS} ms/s over ${h.communities}`).join(', ') + '.');
  for (const query of ['sub-district', 'neighbours'] as const) {
    const fit = linearFit(f.measurements.filter((m) => m.query === query).map((m) => ({ x: m.fetchesPerRequest, y: m.hubNetCpuMsPerRequest })));
    if (fit) lines.push(`${query}: hub CPU per request ≈ ${fit.intercept.toFixed(2)} ms + ${(fit.slope * 1000).toFixed(0)} µs × community fetches (least squares over the directory sizes).`);
  }
  const trouble = f.measurements.filter((m) => m.result.partial + m.result.failed > 0 || Object.keys(m.result.suspicious).length > 0);
  for (const m of trouble) {
    const parts = [
      m.result.partial ? `missing communities: ${listOf(m.result.missing)}` : '',
      m.result.failed ? `failures: ${listOf(m.result.failures)}` : '',
      Object.keys(m.result.suspicious).length ? `odd answers: ${listOf(m.result.suspicious)}` : '',
    ].filter(Boolean);
    lines.push(`${m.communities} ${m.query}: ${parts.join('; ')}`);
  }
  const su = f.setup;
  lines.push('', `Setup ${s(su.totalWallMs)}${su.reusedData ? ' (kept data reused)' : ''}: PostgreSQL start ${s(su.postgresStartMs)}, ${su.databasesCreated} databases created in ${s(su.databasesMs)}, nodes up in ${s(su.nodesWallMs)} wall (${f.budget.workers} workers in parallel); summed over the communities: migrations ${s(su.migrateMsSum)} (${su.migrationsApplied} applied), node start ${s(su.nodeStartMsSum)}, seeding ${s(su.seedMsSum)} (${su.communitiesSeeded} seeded).`);
  const rss = f.memory.reduce((a, w) => a + w.rssMb, 0);
  const perCommunity = f.memory.reduce((a, w) => a + (w.rssMb - w.loadedRssMb), 0) / Math.max(1, f.budget.nodes);
  lines.push(`Memory: ${f.memory.length} worker processes, ${Math.round(rss)} MB RSS in all (${f.memory.map((w) => Math.round(w.rssMb)).join(', ')}); each ${Math.round(f.memory[0]?.loadedRssMb ?? 0)} MB with its modules loaded and no node, then ${perCommunity.toFixed(1)} MB per community node.`);
  lines.push(`Connections: ${f.budget.text}.`);
  return lines.join('\n');
}
