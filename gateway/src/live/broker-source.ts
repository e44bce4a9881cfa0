import type { ConsumerMessages } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import {
  ALIVE_INTERVAL_MS,
  aliveSubject,
  connectBroker,
  eventSubject,
  lastPublished,
  SEQUENCE_HEADER,
  type BrokerConnection,
  type EventBrokerConfig,
  type Logger,
} from '@lilong/kit/src/hub';
import type { EventsAnswer, LiveEvent } from '@lilong/schema';
import { CommunityUnavailable } from '../routing/community-links';

/**
 * Where a follower reads a community's new events from: the node's `/events` (the embedded default) or a broker.
 * Same contract as `CommunityLinks.events`: after `after` (null: only the head), waiting up to `waitMs` when there
 * are none yet; throws `CommunityUnavailable` when the community cannot be read.
 */
export interface EventTail {
  events(community: string, after: number | null, limit: number, waitMs: number, signal?: AbortSignal): Promise<EventsAnswer>;
  /** Nobody follows the community any more: let go of what reading it holds. */
  release?(community: string): void;
  close?(): Promise<void>;
}

/** A community the hub has heard nothing from this long (its publisher says it is alive every 2 s) is unavailable. */
const SILENCE_MS = 3 * ALIVE_INTERVAL_MS;
/** Events kept per community while its follower has not read them; more means the follower is stuck, start over. */
const MAX_BUFFERED = 10_000;

interface CommunityFeed {
  head: number;
  buffered: LiveEvent[];
  since: number;
  lastAlive: number;
  messages: ConsumerMessages | undefined;
  alive: Subscription;
  wake: Set<() => void>;
  closed: boolean;
}

/**
 * Reads communities' events from a NATS JetStream stream that the nodes publish their outboxes to
 * (kit/outbox/broker.ts): per followed community, one ordered consumer on its subject from the last event the stream
 * held when following began, and a subscription to its publisher's heartbeat. Every hub replica reads the stream on
 * its own; none reads the nodes' `/events` for new events, so a hundred communities cost the nodes nothing per
 * replica. A community whose publisher has been silent for SILENCE_MS is reported unavailable, and its events follow
 * from the stream, none skipped, once it speaks again.
 */
export class BrokerEventTail implements EventTail {
  private broker: Promise<BrokerConnection> | undefined;
  private readonly feeds = new Map<string, Promise<CommunityFeed>>();
  private closed = false;

  constructor(
    private readonly config: EventBrokerConfig,
    private readonly log: Logger,
  ) {}

  async events(community: string, after: number | null, limit: number, waitMs: number, signal?: AbortSignal): Promise<EventsAnswer> {
    const feed = await this.feed(community);
    if (after === null) {
      if (!(await this.heard(feed, ALIVE_INTERVAL_MS + 500, signal))) throw this.silent(community, feed);
      return { head: feed.head, oldest: feed.head + 1, events: [] };
    }
    const deadline = Date.now() + waitMs;
    for (;;) {
      // What the follower has seen is done with.
      while (feed.buffered.length > 0 && feed.buffered[0]!.sequence <= after) feed.buffered.shift();
      if (feed.buffered.length > 0) {
        const events = feed.buffered.slice(0, limit);
        return { head: Math.max(feed.head, events[events.length - 1]!.sequence), oldest: feed.buffered[0]!.sequence, events };
      }
      if (Date.now() - Math.max(feed.lastAlive, feed.since) > SILENCE_MS) throw this.silent(community, feed);
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted || feed.closed) return { head: feed.head, oldest: feed.head + 1, events: [] };
      await this.waitFor(feed, Math.min(left, ALIVE_INTERVAL_MS), signal);
    }
  }

  release(community: string): void {
    const feed = this.feeds.get(community);
    this.feeds.delete(community);
    void feed?.then((f) => this.end(f)).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const feeds = [...this.feeds.values()];
    this.feeds.clear();
    await Promise.allSettled(feeds.map(async (f) => this.end(await f)));
    const broker = await this.broker?.catch(() => undefined);
    await broker?.nc.close().catch(() => undefined);
  }

  private connection(): Promise<BrokerConnection> {
    if (!this.broker) {
      this.broker = connectBroker(this.config, 'lilong-hub');
      // A broker that could not be reached is tried again on the next read.
      this.broker.catch(() => (this.broker = undefined));
    }
    return this.broker;
  }

  private async feed(community: string): Promise<CommunityFeed> {
    if (this.closed) throw new CommunityUnavailable(community, 'CONNECTION_FAILED', 'the hub is stopping');
    let feed = this.feeds.get(community);
    if (!feed) {
      feed = this.open(community);
      this.feeds.set(community, feed);
      feed.catch(() => this.feeds.delete(community));
    }
    try {
      return await feed;
    } catch (error) {
      throw new CommunityUnavailable(community, 'CONNECTION_FAILED', `the event broker cannot be read: ${(error as Error).message}`);
    }
  }

  private async open(community: string): Promise<CommunityFeed> {
    const broker = await this.connection();
    const last = await lastPublished(broker, this.config, community);
    const feed: CommunityFeed = {
      head: last?.sequence ?? 0,
      buffered: [],
      since: Date.now(),
      lastAlive: 0,
      messages: undefined,
      alive: broker.nc.subscribe(aliveSubject(this.config, community), {
        callback: (error) => {
          if (error) return;
          feed.lastAlive = Date.now();
          this.notify(feed);
        },
      }),
      wake: new Set(),
      closed: false,
    };
    void this.consume(broker, community, feed, (last?.streamSequence ?? 0) + 1);
    return feed;
  }

  /** Reads the community's subject from `startSequence` (in the stream) on, for as long as the feed is open. */
  private async consume(broker: BrokerConnection, community: string, feed: CommunityFeed, startSequence: number): Promise<void> {
    let from = startSequence;
    while (!feed.closed) {
      try {
        const consumer = await broker.js.consumers.get(this.config.stream, {
          // One subject as a string: a list needs NATS 2.10.
          filter_subjects: eventSubject(this.config, community),
          // Required here, not at the top: a hub without a broker never loads the NATS client.
          deliver_policy: (require('@nats-io/jetstream') as typeof import('@nats-io/jetstream')).DeliverPolicy.StartSequence,
          opt_start_seq: from,
        });
        feed.messages = await consumer.consume();
        if (feed.closed) break;
        for await (const message of feed.messages) {
          from = message.seq + 1;
          const event = message.json<LiveEvent>();
          const sequence = Number(message.headers?.get(SEQUENCE_HEADER) ?? event.sequence);
          if (sequence <= feed.head) continue;
          feed.head = sequence;
          feed.buffered.push(event);
          // Heard from the node as much as a heartbeat.
          feed.lastAlive = Date.now();
          if (feed.buffered.length > MAX_BUFFERED) feed.buffered.shift();
          this.notify(feed);
        }
      } catch (error) {
        if (feed.closed) break;
        this.log.warn('reading community events from the broker failed; retrying', { community, detail: (error as Error).message });
      }
      if (!feed.closed) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  /** Whether the community was heard from lately, waiting up to `withinMs` for it to be. */
  private async heard(feed: CommunityFeed, withinMs: number, signal?: AbortSignal): Promise<boolean> {
    const recent = () => Date.now() - feed.lastAlive <= SILENCE_MS;
    if (!recent()) await this.waitFor(feed, withinMs, signal, recent);
    return recent();
  }

  /**
   * Resolves after `ms`, when the signal aborts, or when the feed is notified and `until` (if given) holds:
   * every wake-up of a waiting follower goes through here.
   */
  private waitFor(feed: CommunityFeed, ms: number, signal?: AbortSignal, until: () => boolean = () => true): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        feed.wake.delete(check);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const check = () => {
        if (until()) done();
      };
      const timer = setTimeout(done, ms);
      feed.wake.add(check);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private notify(feed: CommunityFeed): void {
    for (const wake of [...feed.wake]) wake();
  }

  private silent(community: string, feed: CommunityFeed): CommunityUnavailable {
    const heard = feed.lastAlive ? `${Math.round((Date.now() - feed.lastAlive) / 1000)} s ago` : 'never since the hub began following it';
    return new CommunityUnavailable(community, 'CONNECTION_FAILED', `the community's node has not published to the event broker (last heard ${heard})`);
  }

  private async end(feed: CommunityFeed): Promise<void> {
    feed.closed = true;
    this.notify(feed);
    feed.alive.unsubscribe();
    await feed.messages?.close().catch(() => undefined);
  }
}
