import { DEFAULT_WEBHOOK_CONFIG, webhookConfigFromEnv } from '../config';
import { afterFailure, attemptTimes } from '../delivery/retry';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

it('retries after 5 s, 30 s, 2 min, 10 min, 1 h, then hourly, and pauses after the 28th failure, within 24 h', () => {
  const times = attemptTimes(DEFAULT_WEBHOOK_CONFIG);
  expect(times.slice(0, 7)).toEqual([0, 5 * S, 35 * S, 2 * M + 35 * S, 12 * M + 35 * S, H + 12 * M + 35 * S, 2 * H + 12 * M + 35 * S]);
  expect(times).toHaveLength(28);
  expect(times[27]).toBe(23 * H + 12 * M + 35 * S);
  expect(times[27]).toBeLessThanOrEqual(24 * H);
});

it('pauses at the count or at the end of the period, whichever comes first', () => {
  const since = new Date(0);
  expect(afterFailure({ retryDelaysMs: [100], retryPeriodMs: 60_000, maxAttempts: 3 }, 2, since, new Date(200))).toEqual({ pause: false, nextAttemptAt: new Date(300) });
  expect(afterFailure({ retryDelaysMs: [100], retryPeriodMs: 60_000, maxAttempts: 3 }, 3, since, new Date(300))).toMatchObject({ pause: true });
  expect(afterFailure({ retryDelaysMs: [100], retryPeriodMs: 1000, maxAttempts: 100 }, 10, since, new Date(950))).toMatchObject({ pause: true });
});

it('reads its settings from the environment and names a bad one', () => {
  expect(webhookConfigFromEnv({ LILONG_WEBHOOK_RETRY_DELAYS_MS: '100, 200', LILONG_WEBHOOK_ALLOW_LOOPBACK: '1', LILONG_WEBHOOK_MAX_ATTEMPTS: '4', LILONG_WEBHOOK_LEASE_MS: '5000' })).toMatchObject({
    retryDelaysMs: [100, 200],
    allowLoopback: true,
    maxAttempts: 4,
    timeoutMs: 10_000,
    leaseMs: 5000,
  });
  expect(webhookConfigFromEnv({}).leaseMs).toBe(30_000);
  expect(() => webhookConfigFromEnv({ LILONG_WEBHOOK_LEASE_MS: '100' })).toThrow(/LILONG_WEBHOOK_LEASE_MS must be an integer 1000-600000/);
  expect(() => webhookConfigFromEnv({ LILONG_WEBHOOK_RETRY_DELAYS_MS: '5s' })).toThrow(/LILONG_WEBHOOK_RETRY_DELAYS_MS/);
  expect(() => webhookConfigFromEnv({ LILONG_WEBHOOK_TIMEOUT_MS: '0' })).toThrow(/LILONG_WEBHOOK_TIMEOUT_MS/);
});
