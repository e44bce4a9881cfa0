/** Latency summary of a series of timings, in milliseconds. */
export interface LatencySummary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(ms: number[]): LatencySummary {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { n: ms.length, mean: round(ms.reduce((a, b) => a + b, 0) / ms.length), p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]!) };
}

export async function timeSeries(n: number, warmup: number, run: () => Promise<void>): Promise<LatencySummary> {
  for (let i = 0; i < warmup; i += 1) await run();
  const times: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const began = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - began) / 1e6);
  }
  return summarize(times);
}
