import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { actorOf, type Caller } from '@lilong/kit/src/hub';
import type { RateLimits } from './limits';

/** Who a request counts against: the token's identity (issuer and subject), or the client address for anonymous callers. */
export function callerKey(req: IncomingMessage, caller: Caller, trustProxy: boolean): string {
  if (caller.identity) return `id:${actorOf(caller.identity)}`;
  const forwarded = trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0]?.trim() : '';
  return `ip:${forwarded || req.socket.remoteAddress || 'unknown'}`;
}

/**
 * Requests per caller per minute, in this hub process (several replicas each count their own share). Entries
 * expire with their window, so memory follows the number of callers seen in the last minute.
 */
export class CallerRateLimiter {
  private readonly limiter?: RateLimiterMemory;

  constructor(limits: RateLimits) {
    if (limits.perMinute > 0) this.limiter = new RateLimiterMemory({ points: limits.perMinute, duration: 60 });
  }

  /** Seconds the caller must wait, or 0 when the request may go ahead. */
  async take(key: string): Promise<number> {
    if (!this.limiter) return 0;
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}
