import type { Logger } from '@lilong/kit/src/hub';
import { MAX_EVENTS_PER_READ, type LiveEvent } from '@lilong/schema';
import { CommunityUnavailable, type CommunityLinks } from '../routing/community-links';
import type { EventTail } from './broker-source';

/** What a follower tells its listeners. */
export type FollowerSignal =
  | { kind: 'event'; event: LiveEvent }
  /** The community's node cannot be read; events resume, with none skipped, once it can. */
  | { kind: 'unavailable'; community: string; reason: string; detail: string }
  | { kind: 'available'; community: string };

export interface FollowerOptions {
  /** How long one read waits at the node for the next commit, in ms. @default 20000 */
  waitMs: number;
  /** Pause after a failed read, in ms. @default 1000 */
  retryMs: number;
  /** A follower with no listener this long stops reading, in ms. @default 30000 */
  idleMs: number;
}

export const DEFAULT_FOLLOWER_OPTIONS: FollowerOptions = { waitMs: 20_000, retryMs: 1000, idleMs: 30_000 };

/**
 * Follows one community's event stream for the hub: one long-polling read at a time from the last sequence number
 * it has seen, so every event reaches the hub once and in order, whatever the number of subscribers. It starts at
 * the community's head when the first subscriber comes (what came before is read on demand: `range`) and stops a
 * while after the last one leaves. A node that cannot be read is retried every second; nothing is skipped, since
 * the next read starts after the last event seen. New events come from a tail: the node's `/events` by default, or a
 * broker the nodes publish to (broker-source.ts); catching up always reads the node, which holds the outbox.
 */
export class EventFollower {
  /** The last sequence number seen; undefined until the head is known. */
  position: number | undefined;
  private readonly listeners = new Set<(signal: FollowerSignal) => void>();
  private running: Promise<void> | undefined;
  private started: Promise<void> | undefined;
  private markStarted: (() => void) | undefined;
  private down = false;
  private idleSince = 0;
  private stopped = false;
  private abort = new AbortController();

  constructor(
    readonly community: string,
    private readonly links: CommunityLinks,
    private readonly log: Logger,
    private readonly options: FollowerOptions = DEFAULT_FOLLOWER_OPTIONS,
    private readonly tail: EventTail = links,
  ) {}

  /** Whether the last read failed. */
  get unavailable(): boolean {
    return this.down;
  }

  /** Listens from now on; resolves once the position is known (the community answered once). Returns the unlisten. */
  async listen(listener: (signal: FollowerSignal) => void): Promise<() => void> {
    this.listeners.add(listener);
    this.idleSince = 0;
    this.ensureRunning();
    await this.started;
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.idleSince = Date.now();
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** The events after `after`, up to `until` included, read straight from the node (a subscriber catching up). */
  async range(after: number, until: number): Promise<{ events: LiveEvent[]; oldest: number }> {
    const events: LiveEvent[] = [];
    let cursor = after;
    let oldest = Number.MAX_SAFE_INTEGER;
    while (cursor < until) {
      const answer = await this.links.events(this.community, cursor, MAX_EVENTS_PER_READ, 0);
      oldest = Math.min(oldest, answer.oldest);
      const fresh = answer.events.filter((e) => e.sequence > cursor && e.sequence <= until);
      if (fresh.length === 0) break;
      events.push(...fresh);
      cursor = fresh[fresh.length - 1]!.sequence;
    }
    return { events, oldest: oldest === Number.MAX_SAFE_INTEGER ? after + 1 : oldest };
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    return this.running ?? Promise.resolve();
  }

  private ensureRunning(): void {
    if (this.running) return;
    this.stopped = false;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.started = new Promise<void>((resolve) => {
      this.markStarted = resolve;
    });
    this.running = this.loop().finally(() => {
      this.running = undefined;
      this.markStarted?.();
      // A listener that came while the loop was ending starts it again.
      if (this.listeners.size > 0 && !this.stopped) this.ensureRunning();
    });
  }

  private emit(signal: FollowerSignal): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(signal);
      } catch (error) {
        this.log.error('event listener failed', error);
      }
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.listeners.size === 0 && this.idleSince > 0 && Date.now() - this.idleSince >= this.options.idleMs) {
        // Nobody listens: stop, and start again from the head when someone does.
        this.position = undefined;
        this.tail.release?.(this.community);
        return;
      }
      try {
        const answer = await this.tail.events(this.community, this.position ?? null, MAX_EVENTS_PER_READ, this.position === undefined ? 0 : this.options.waitMs, this.abort.signal);
        if (this.stopped) return;
        const starting = this.position === undefined;
        if (starting) this.position = answer.head;
        if (this.down) {
          this.down = false;
          this.log.info('community events readable again', { community: this.community });
          this.emit({ kind: 'available', community: this.community });
        }
        if (starting) {
          this.markStarted?.();
          continue;
        }
        const first = answer.events.find((e) => e.sequence > (this.position ?? 0));
        // A tail that skipped some (a broker consumer that had to start over): the node has them.
        const missed = first && first.sequence > this.position! + 1 ? (await this.range(this.position!, first.sequence - 1)).events : [];
        for (const event of [...missed, ...answer.events]) {
          if (event.sequence <= (this.position ?? 0)) continue;
          this.position = event.sequence;
          this.emit({ kind: 'event', event });
        }
      } catch (error) {
        if (this.stopped) return;
        if (!(error instanceof CommunityUnavailable)) this.log.error('reading community events failed', error);
        if (!this.down) {
          this.down = true;
          const reason = error instanceof CommunityUnavailable ? error.reason : 'ERROR';
          this.emit({ kind: 'unavailable', community: this.community, reason, detail: (error as Error).message });
        }
        // Subscribers waiting for the first answer learn the community is down, then wait on for it.
        this.markStarted?.();
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs));
      }
    }
  }
}

/** One follower per community, made when a subscriber first needs it. */
export class Followers {
  private readonly followers = new Map<string, EventFollower>();

  constructor(
    private readonly links: CommunityLinks,
    private readonly log: Logger,
    private readonly options: FollowerOptions = DEFAULT_FOLLOWER_OPTIONS,
    private readonly tail: EventTail = links,
  ) {}

  of(community: string): EventFollower {
    let follower = this.followers.get(community);
    if (!follower) this.followers.set(community, (follower = new EventFollower(community, this.links, this.log, this.options, this.tail)));
    return follower;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.followers.values()].map((f) => f.stop()));
    await this.tail.close?.();
  }
}
