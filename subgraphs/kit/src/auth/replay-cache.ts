/**
 * Nonces (`jti`) of the assertions a node has accepted, each kept until its assertion could no longer be accepted
 * anyway (expiry plus the clock allowance). Memory is bounded twice: entries leave when they expire, and the cache
 * never holds more than `capacity` of them.
 */
export class ReplayCache {
  /** Nonce -> ms since the epoch after which it may be forgotten; insertion order is close to expiry order. */
  private readonly entries = new Map<string, number>();
  private lastFullSweep = 0;

  /** @param capacity Most nonces held at once (about 100 bytes each). */
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Records `nonce` until `forgetAfter`. Answers `replayed` when it is already known, and `full` when the cache
   * holds `capacity` nonces that are all still live: then it cannot tell a replay apart, so the caller refuses.
   */
  remember(nonce: string, forgetAfter: number, now = Date.now()): 'new' | 'replayed' | 'full' {
    this.sweepHead(now);
    const known = this.entries.get(nonce);
    if (known !== undefined && known >= now) return 'replayed';
    if (this.entries.size >= this.capacity) {
      // Lifetimes differ a little, so an expired entry may sit behind a live one; look at all of them, but at
      // most once a second, so that a cache full of live nonces costs no more than a map lookup per request.
      if (now - this.lastFullSweep >= 1000) {
        this.lastFullSweep = now;
        for (const [key, until] of this.entries) if (until < now) this.entries.delete(key);
      }
      if (this.entries.size >= this.capacity) return 'full';
    }
    this.entries.delete(nonce);
    this.entries.set(nonce, forgetAfter);
    return 'new';
  }

  private sweepHead(now: number): void {
    for (const [key, until] of this.entries) {
      if (until >= now) return;
      this.entries.delete(key);
    }
  }
}
