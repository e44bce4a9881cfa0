/**
 * The retry rule of webhook deliveries, in one place.
 *
 * - An endpoint gets its community's events one at a time, in sequence order: the next one only once the one
 *   before was answered with a 2xx (or is not of a type the endpoint asked for). A failed event holds back the
 *   endpoint's later events; it never holds back any other endpoint.
 * - Anything but a 2xx within the timeout is a failed attempt: another status, a redirect (never followed), no
 *   connection, a refused address, a timeout.
 * - After the n-th failed attempt in a row on the same event, the next attempt comes `retryDelaysMs[n-1]` later, the
 *   last delay repeating: by default 5 s, 30 s, 2 min, 10 min, 1 h, then hourly.
 * - The endpoint is paused (PAUSED, by FAILURES) after `maxAttempts` failed attempts in a row, or when the next
 *   attempt would come more than `retryPeriodMs` after the first failed one, whichever is first. With the defaults
 *   both say the same: attempts at 0 s, 5 s, 35 s, 2 min 35 s, 12 min 35 s, 1 h 12 min 35 s, then hourly until
 *   23 h 12 min 35 s, 28 in all; the 28th failing pauses it.
 * - A success, a replay and a resume start the count again.
 */
import type { WebhookConfig } from '../config';

export type RetryDecision = { pause: false; nextAttemptAt: Date } | { pause: true; reason: { en: string; zh: string } };

/** What follows the `failedAttempts`-th failed attempt in a row (from 1), made at `now`, the first at `failingSince`. */
export function afterFailure(config: Pick<WebhookConfig, 'retryDelaysMs' | 'retryPeriodMs' | 'maxAttempts'>, failedAttempts: number, failingSince: Date, now: Date): RetryDecision {
  if (failedAttempts >= config.maxAttempts) {
    return {
      pause: true,
      reason: { en: `${failedAttempts} failed attempts in a row`, zh: `连续 ${failedAttempts} 次投递失败` },
    };
  }
  const delays = config.retryDelaysMs;
  const delay = delays[Math.min(failedAttempts, delays.length) - 1]!;
  const next = new Date(now.getTime() + delay);
  if (next.getTime() - failingSince.getTime() > config.retryPeriodMs) {
    const hours = Math.round((config.retryPeriodMs / 3_600_000) * 10) / 10;
    return {
      pause: true,
      reason: { en: `still failing after ${hours} h (${failedAttempts} attempts)`, zh: `${hours} 小时内持续投递失败（共 ${failedAttempts} 次）` },
    };
  }
  return { pause: false, nextAttemptAt: next };
}

/** The times of every attempt of one event that keeps failing, from its first at 0, until the endpoint is paused (for the README and tests). */
export function attemptTimes(config: Pick<WebhookConfig, 'retryDelaysMs' | 'retryPeriodMs' | 'maxAttempts'>): number[] {
  const times = [0];
  const start = new Date(0);
  for (;;) {
    const decision = afterFailure(config, times.length, start, new Date(times[times.length - 1]!));
    if (decision.pause) return times;
    times.push(decision.nextAttemptAt.getTime());
  }
}
