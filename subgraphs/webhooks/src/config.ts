/**
 * How the node delivers webhooks, from the environment (the node's own configuration knows nothing of them yet):
 * read when the node starts its background work and when an endpoint is registered. A bad value stops start-up
 * with a message naming the variable.
 */
export interface WebhookConfig {
  /**
   * Wait before each retry of a failed delivery, in ms: the first after the first failure, and so on; the last one
   * repeats. LILONG_WEBHOOK_RETRY_DELAYS_MS (comma-separated). @default 5 s, 30 s, 2 min, 10 min, 1 h (then hourly)
   */
  retryDelaysMs: number[];
  /**
   * How long an endpoint keeps being retried on one event, from its first failed attempt, in ms: an attempt that
   * would come later pauses the endpoint instead. LILONG_WEBHOOK_RETRY_PERIOD_MS. @default 24 h
   */
  retryPeriodMs: number;
  /**
   * Failed attempts in a row on one event after which the endpoint is paused. LILONG_WEBHOOK_MAX_ATTEMPTS.
   * @default 28 (as many as the default schedule makes in 24 h, so the period and the count agree)
   */
  maxAttempts: number;
  /** Longest one delivery may take, connection to the last byte read, in ms. LILONG_WEBHOOK_TIMEOUT_MS. @default 10000 */
  timeoutMs: number;
  /**
   * How long an endpoint stays taken by the process delivering to it without word from it, in ms: the process renews
   * it every third of this while it delivers, so a process that dies (SIGKILL, a lost machine) frees its endpoints
   * this long after its last renewal. LILONG_WEBHOOK_LEASE_MS. @default 30000
   */
  leaseMs: number;
  /** Bytes of a response read at most; the rest is not read. @default 65536 */
  maxResponseBytes: number;
  /**
   * Endpoints delivered to at once by one node process; at most half of them endpoints that are being retried, so
   * failing endpoints never take every slot. LILONG_WEBHOOK_CONCURRENCY. @default 8
   */
  concurrency: number;
  /**
   * Whether `http://127.0.0.1`, `http://localhost` and `http://[::1]` URLs may be registered and delivered to (a
   * receiver on the same machine: tests, the embedded default). Otherwise only `https://` to public addresses.
   * LILONG_WEBHOOK_ALLOW_LOOPBACK (`1` or `true`). @default false
   */
  allowLoopback: boolean;
  /** How long the delivery log keeps an attempt, in ms. @default 7 days */
  logRetentionMs: number;
  /** After a secret is rotated, how long deliveries are signed with the old secret too, in ms. @default 24 h */
  secretGraceMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const DEFAULT_WEBHOOK_CONFIG: WebhookConfig = {
  retryDelaysMs: [5 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE, HOUR],
  retryPeriodMs: 24 * HOUR,
  maxAttempts: 28,
  timeoutMs: 10 * SECOND,
  leaseMs: 30 * SECOND,
  maxResponseBytes: 64 * 1024,
  concurrency: 8,
  allowLoopback: false,
  logRetentionMs: 7 * 24 * HOUR,
  secretGraceMs: 24 * HOUR,
};

export class WebhookConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new WebhookConfigError(`${name} must be an integer ${min}-${max}, got "${raw}"`);
  return value;
}

export function webhookConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookConfig {
  const d = DEFAULT_WEBHOOK_CONFIG;
  const delays = env.LILONG_WEBHOOK_RETRY_DELAYS_MS;
  let retryDelaysMs = d.retryDelaysMs;
  if (delays !== undefined && delays !== '') {
    retryDelaysMs = delays.split(',').map((part) => Number(part.trim()));
    if (retryDelaysMs.length === 0 || retryDelaysMs.length > 100 || retryDelaysMs.some((ms) => !Number.isInteger(ms) || ms < 10 || ms > 7 * 24 * HOUR)) {
      throw new WebhookConfigError(`LILONG_WEBHOOK_RETRY_DELAYS_MS must be 1-100 comma-separated integers 10-${7 * 24 * HOUR} (ms), got "${delays}"`);
    }
  }
  const loopback = env.LILONG_WEBHOOK_ALLOW_LOOPBACK ?? '';
  if (!['', '0', '1', 'true', 'false'].includes(loopback)) throw new WebhookConfigError(`LILONG_WEBHOOK_ALLOW_LOOPBACK must be 1, true, 0 or false, got "${loopback}"`);
  return {
    ...d,
    retryDelaysMs,
    retryPeriodMs: int(env, 'LILONG_WEBHOOK_RETRY_PERIOD_MS', d.retryPeriodMs, 1000, 30 * 24 * HOUR),
    maxAttempts: int(env, 'LILONG_WEBHOOK_MAX_ATTEMPTS', d.maxAttempts, 1, 1000),
    timeoutMs: int(env, 'LILONG_WEBHOOK_TIMEOUT_MS', d.timeoutMs, 100, 60_000),
    leaseMs: int(env, 'LILONG_WEBHOOK_LEASE_MS', d.leaseMs, 1000, 10 * MINUTE),
    concurrency: int(env, 'LILONG_WEBHOOK_CONCURRENCY', d.concurrency, 2, 64),
    allowLoopback: loopback === '1' || loopback === 'true',
  };
}
