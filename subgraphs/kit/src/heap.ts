import { setFlagsFromString } from 'node:v8';

/** How much V8 lets the old generation grow past what survived the last full collection, in percent. */
export const DEFAULT_HEAP_GROWING_PERCENT = 50;

/**
 * Bounds how far the heap grows between full collections, for the hub and a node (their `main` calls this first).
 * On a machine with plenty of memory and no container limit, V8 lets the heap grow up to four times what survived
 * the last collection before collecting again: measured on the embedded default, the hub's RSS rose from 170 MB to
 * 280-460 MB under the README query at 20 in flight, most of it garbage not yet collected. Growing by 1.5x
 * kept it under 190 MB at the same req/s and CPU per request (docs/benchmarks.md). Not a ceiling: a heap that needs
 * more still gets it, where `--max-old-space-size` would end the process. `LILONG_HEAP_GROWING_PERCENT` sets another
 * value; 0 leaves V8's own. A `--heap-growing-percent` on Node's command line wins (NODE_OPTIONS may not carry it).
 */
export function boundHeapGrowth(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): number {
  if (execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent'))) return -1;
  const raw = env.LILONG_HEAP_GROWING_PERCENT;
  const percent = raw === undefined || raw === '' ? DEFAULT_HEAP_GROWING_PERCENT : Number(raw);
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) {
    throw new Error(`LILONG_HEAP_GROWING_PERCENT must be a whole number from 0 to 1000 (0: V8's own growth), not "${raw}"`);
  }
  // Read by V8 each time it sets the next collection's limit, so it takes effect from the next collection on.
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
