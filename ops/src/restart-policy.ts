/**
 * When the launcher restarts a process of the sub-district that exited on its own, and when it stops trying.
 *
 * - Every exit the launcher did not ask for is a crash. Only crashes within the last `windowMs` count.
 * - The k-th counted crash waits `initialDelayMs × 2^(k-1)`, at most `maxDelayMs`, before the restart:
 *   0.5 s, 1 s, 2 s, 4 s with the defaults, so a process that died once is back at once, and one that keeps
 *   dying does not spin the machine.
 * - At `maxCrashes` counted crashes (5 within a minute) the process is given up on: it cannot start, and
 *   restarting it forever would only fill the logs and hide the message. The rest of the sub-district runs on.
 * - A process that stays up longer than the window starts again from the shortest delay: its old crashes
 *   have left the window.
 */
export interface RestartPolicy {
  /** Delay before the first restart, in ms. @default 500 */
  initialDelayMs: number;
  /** Longest delay between restarts, in ms. @default 10000 */
  maxDelayMs: number;
  /** Crashes within the window after which the process is given up on. @default 5 */
  maxCrashes: number;
  /** How far back crashes count, in ms. @default 60000 */
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 500, maxDelayMs: 10_000, maxCrashes: 5, windowMs: 60_000 };

export type RestartDecision =
  | { restart: true; delayMs: number; crashes: number[] }
  | { restart: false; crashes: number[] };

/**
 * What to do after a crash at `now`, given the times of earlier crashes (ms since the epoch, any order).
 * `crashes` in the answer is the history to keep: the crashes still within the window, this one included.
 */
export function decideRestart(earlier: readonly number[], now: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): RestartDecision {
  const crashes = [...earlier.filter((t) => now - t < policy.windowMs), now].sort((a, b) => a - b);
  if (crashes.length >= policy.maxCrashes) return { restart: false, crashes };
  const delayMs = Math.min(policy.initialDelayMs * 2 ** (crashes.length - 1), policy.maxDelayMs);
  return { restart: true, delayMs, crashes };
}
