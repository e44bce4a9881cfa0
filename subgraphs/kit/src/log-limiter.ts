/**
 * A flood of one failure must not become a flood of log lines: a node whose database is down fails every request
 * the same way, and once logged 55,000 identical stack traces (315 MB). Warnings and errors go through here:
 *
 * - the first of a kind (same level, message and error, digits aside) in a window is written as it is; the
 *   following ones are only counted, and one line per window says how many there were (`repeated`);
 * - whatever their kind, at most `maxLinesPerWindow` warning and error lines are written per window; the rest are
 *   counted into one `suppressed` line;
 * - at most `maxKinds` kinds are tracked (the oldest is let go, its count written first).
 *
 * Info lines pass as they are: they do not come in floods.
 */
import type { Logger } from './log';

export interface LogLimits {
  /** @default 60000 */
  windowMs: number;
  /** @default 200 */
  maxLinesPerWindow: number;
  /** @default 1000 */
  maxKinds: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { windowMs: 60_000, maxLinesPerWindow: 200, maxKinds: 1000 };

interface Kind {
  level: 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
  since: number;
  repeated: number;
}

export interface LimitedLogger extends Logger {
  /** Writes the counts not yet written (at shutdown). */
  flush(): void;
}

function errorKey(error: unknown): string {
  if (error instanceof Error) return `${error.name}:${error.message}`;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? '';
}

export function limitRepeats(log: Logger, limits: LogLimits = DEFAULT_LOG_LIMITS, now: () => number = Date.now): LimitedLogger {
  const kinds = new Map<string, Kind>();
  let windowStart = now();
  let lines = 0;
  let suppressed = 0;
  let timer: NodeJS.Timeout | undefined;

  const report = (kind: Kind) => {
    if (kind.repeated === 0) return;
    const fields = { ...kind.fields, repeated: kind.repeated, windowSeconds: Math.round((now() - kind.since) / 1000) };
    if (kind.level === 'warn') log.warn(kind.message, fields);
    else log.error(kind.message, undefined, fields);
    kind.repeated = 0;
  };

  const rollWindow = (t: number) => {
    if (t - windowStart < limits.windowMs) return;
    if (suppressed > 0) log.warn('log lines suppressed', { suppressed, windowSeconds: Math.round((t - windowStart) / 1000) });
    windowStart = t;
    lines = 0;
    suppressed = 0;
  };

  const sweep = () => {
    timer = undefined;
    const t = now();
    for (const [key, kind] of kinds) {
      if (t - kind.since < limits.windowMs) continue;
      report(kind);
      kinds.delete(key);
    }
    rollWindow(t);
    schedule();
  };

  const schedule = () => {
    if (timer || (kinds.size === 0 && suppressed === 0)) return;
    timer = setTimeout(sweep, limits.windowMs);
    timer.unref();
  };

  const limited = (level: 'warn' | 'error', message: string, error: unknown, fields: Record<string, unknown> | undefined, write: () => void) => {
    const t = now();
    rollWindow(t);
    const key = `${level}\u0000${message}\u0000${errorKey(error).replace(/\d+/g, '#')}`;
    const kind = kinds.get(key);
    if (kind && t - kind.since < limits.windowMs) {
      kind.repeated += 1;
      schedule();
      return;
    }
    if (kind) {
      report(kind);
      kinds.delete(key);
    }
    if (kinds.size >= limits.maxKinds) {
      const [oldestKey, oldest] = kinds.entries().next().value as [string, Kind];
      report(oldest);
      kinds.delete(oldestKey);
    }
    kinds.set(key, { level, message, fields, since: t, repeated: 0 });
    schedule();
    if (lines >= limits.maxLinesPerWindow) {
      suppressed += 1;
      return;
    }
    lines += 1;
    write();
  };

  return {
    info: (message, fields) => log.info(message, fields),
    ...(log.debug ? { debug: log.debug.bind(log) } : {}),
    warn: (message, fields) => limited('warn', message, fields, fields, () => log.warn(message, fields)),
    error: (message, error, fields) => limited('error', message, error, fields, () => log.error(message, error, fields)),
    flush: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const kind of kinds.values()) report(kind);
      kinds.clear();
      rollWindow(Number.MAX_SAFE_INTEGER);
      windowStart = now();
    },
  };
}
