/**
 * What `lilong bench` dispatches to: each benchmark of ops/bench by name, with its usage. The table itself is
 * ops/bench/index.ts, required by a computed path: benchmarks are development tools that run from the sources
 * (`npm run bench`), so the production build (ops/dist) neither compiles nor ships them; this type is what keeps the
 * two sides in step.
 */
export interface Benchmark {
  /** Arguments and what it measures, one line. */
  usage: string;
  /** Runs it; resolves to the exit code when it is not 0. */
  run(args: string[]): Promise<number | void>;
}

export type BenchmarkTable = Readonly<Record<string, Benchmark>>;
