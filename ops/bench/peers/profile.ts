/**
 * Self time per function in a V8 CPU profile (`node --cpu-prof`), within a time window, grouped by who owns the
 * code: Lilong's own sources, each npm package, or Node and V8 themselves.
 */
import path from 'node:path';

/** The parts of a `.cpuprofile` this reads. Times in µs of the monotonic clock (as `process.hrtime`). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionCost {
  name: string;
  /** Where the code lives, relative to the repository for Lilong's own, else the package or `(node)`. */
  where: string;
  owner: string;
  selfMs: number;
}

export interface ProfileSummary {
  /** Busy time in the window (samples outside idle), ms. */
  busyMs: number;
  /** Whether the window fell inside the profile (else the whole profile was used). */
  windowed: boolean;
  byOwner: { owner: string; selfMs: number }[];
  functions: FunctionCost[];
}

const IDLE = new Set(['(idle)', '(program)']);

/** `lilong`, an npm package name, `(node)` for Node's own JavaScript, or V8's pseudo-frames such as `(garbage collector)`. */
export function ownerOf(url: string, functionName: string, repoRoot: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const modules = file.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = file.slice(modules + '/node_modules/'.length).split('/');
    return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
  }
  if (file.startsWith('node:') || !file.startsWith('/')) return '(node)';
  return file.startsWith(repoRoot) ? 'lilong' : '(other)';
}

/**
 * Self time of every function between `from` and `to` (µs, the profile's clock), most expensive first. Pseudo-frames
 * for idle time are left out. A window that does not overlap the profile falls back to the whole profile.
 */
export function summarizeProfile(profile: CpuProfile, repoRoot: string, window?: { from: number; to: number }): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const windowed = window !== undefined && window.from < profile.endTime && window.to > profile.startTime;
  const self = new Map<string, FunctionCost>();
  let t = profile.startTime;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    t += profile.timeDeltas[i] ?? 0;
    // A sample's time is the interval up to the next one.
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (windowed && (t < window!.from || t > window!.to)) continue;
    const node = byId.get(profile.samples[i]!);
    if (!node || IDLE.has(node.callFrame.functionName)) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const owner = ownerOf(url, functionName, repoRoot);
    const file = url.startsWith('file://') ? new URL(url).pathname : url;
    const where = owner === 'lilong' ? `${path.relative(repoRoot, file)}:${lineNumber + 1}` : file ? `${path.basename(file)}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = self.get(key) ?? { name: functionName || '(anonymous)', where, owner, selfMs: 0 };
    entry.selfMs += dt / 1000;
    busy += dt / 1000;
    self.set(key, entry);
  }
  const functions = [...self.values()].sort((a, b) => b.selfMs - a.selfMs);
  const owners = new Map<string, number>();
  for (const f of functions) owners.set(f.owner, (owners.get(f.owner) ?? 0) + f.selfMs);
  return {
    busyMs: busy,
    windowed,
    byOwner: [...owners].map(([owner, selfMs]) => ({ owner, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
    functions,
  };
}

/** A markdown report: time by owner, then the top functions of Lilong's own code, then the top overall, per fetch. */
export function profileReport(summary: ProfileSummary, fetches: number, top = 15): string {
  const perFetch = (ms: number) => ((ms * 1000) / Math.max(1, fetches)).toFixed(1);
  const share = (ms: number) => `${((ms / Math.max(summary.busyMs, 1e-9)) * 100).toFixed(1)}%`;
  const table = (rows: FunctionCost[]) =>
    ['| function | where | self ms | share | µs per fetch |', '|---|---|--:|--:|--:|', ...rows.map((f) => `| ${f.name} | ${f.where} | ${f.selfMs.toFixed(0)} | ${share(f.selfMs)} | ${perFetch(f.selfMs)} |`)].join('\n');
  return [
    `Busy ${summary.busyMs.toFixed(0)} ms over ${fetches} community fetches: ${perFetch(summary.busyMs)} µs per fetch${summary.windowed ? '' : ' (whole profile: the load window was not found in it)'}.`,
    '',
    '| owner | self ms | share | µs per fetch |',
    '|---|--:|--:|--:|',
    ...summary.byOwner.slice(0, 12).map((o) => `| ${o.owner} | ${o.selfMs.toFixed(0)} | ${share(o.selfMs)} | ${perFetch(o.selfMs)} |`),
    '',
    "Lilong's own code, by self time:",
    '',
    table(summary.functions.filter((f) => f.owner === 'lilong').slice(0, top)),
    '',
    'Everything, by self time:',
    '',
    table(summary.functions.slice(0, top)),
  ].join('\n');
}
