import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { MikroORM } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { LiveEvent } from '@lilong/schema';
import type { Logger } from '../log';

// The NATS client and the outbox reader (with the ORM's migrations behind it) are required only by a process that
// uses the broker: the hub loads this module for its subjects and settings, and most hubs never connect.
const jetstreamModule = () => require('@nats-io/jetstream') as typeof import('@nats-io/jetstream');
const natsTransport = () => require('@nats-io/transport-node') as typeof import('@nats-io/transport-node');
const outboxModule = () => require('./outbox') as typeof import('./outbox');
import type { OutboxWaiter } from './waiter';

/**
 * Where events go when a broker carries them (production with many communities or several hub replicas): a NATS
 * JetStream stream, one subject per community. Without one (the embedded default) the hub reads each node's
 * `/events` itself; with one, each node publishes its outbox once and every hub replica consumes from the stream.
 */
export interface EventBrokerConfig {
  /** NATS server URL(s), comma-separated, e.g. `nats://127.0.0.1:4222`. LILONG_NATS_URL */
  url: string;
  /** The JetStream stream holding every community's events. @default "LILONG_EVENTS" (LILONG_NATS_STREAM) */
  stream: string;
  /** First token of the subjects: `<prefix>.events.<community>`, `<prefix>.alive.<community>`. @default "lilong" (LILONG_NATS_PREFIX) */
  prefix: string;
}

export const DEFAULT_EVENT_STREAM = 'LILONG_EVENTS';
export const DEFAULT_EVENT_PREFIX = 'lilong';
/** The header naming an event's sequence number in its community's stream. */
export const SEQUENCE_HEADER = 'Lilong-Sequence';
/** How often a node's publisher says it is alive (and how far it has published), in ms. */
export const ALIVE_INTERVAL_MS = 2000;
/** How long the stream keeps events: as long as the outbox does. */
const STREAM_MAX_AGE_MS = 7 * 24 * 3600_000;
/** JetStream drops a message whose ID it has seen this recently (an event published twice by a crash or a race). */
const DUPLICATE_WINDOW_MS = 10 * 60_000;
/** JetStream's "wrong last sequence": another publisher of the same community got there first. */
const WRONG_LAST_SEQUENCE = 10071;

export const eventSubject = (config: EventBrokerConfig, community: string): string => `${config.prefix}.events.${community}`;
export const aliveSubject = (config: EventBrokerConfig, community: string): string => `${config.prefix}.alive.${community}`;

/** The broker configuration from LILONG_NATS_URL (none: no broker), LILONG_NATS_STREAM and LILONG_NATS_PREFIX. */
export function eventBrokerFromEnv(env: NodeJS.ProcessEnv = process.env): EventBrokerConfig | undefined {
  const url = env.LILONG_NATS_URL?.trim();
  if (!url) return undefined;
  const stream = env.LILONG_NATS_STREAM?.trim() || DEFAULT_EVENT_STREAM;
  const prefix = env.LILONG_NATS_PREFIX?.trim() || DEFAULT_EVENT_PREFIX;
  if (!/^[A-Za-z0-9_-]+$/.test(stream)) throw new Error(`LILONG_NATS_STREAM must be letters, digits, _ or -, got "${stream}"`);
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) throw new Error(`LILONG_NATS_PREFIX must be one subject token (letters, digits, _ or -), got "${prefix}"`);
  return { url, stream, prefix };
}

export interface BrokerConnection {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/**
 * Connects to the broker (reconnecting for ever after a loss) and makes sure the stream exists: whoever starts first,
 * node or hub, creates it; both only ever add it with the same settings.
 */
export async function connectBroker(config: EventBrokerConfig, name: string): Promise<BrokerConnection> {
  const { jetstream, jetstreamManager } = jetstreamModule();
  const nc = await natsTransport().connect({ servers: config.url.split(',').map((s) => s.trim()), name, maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
  try {
    const jsm = await jetstreamManager(nc);
    const wanted = { name: config.stream, subjects: [`${config.prefix}.events.>`], max_age: STREAM_MAX_AGE_MS * 1e6, duplicate_window: DUPLICATE_WINDOW_MS * 1e6 };
    const existing = await jsm.streams.info(config.stream).catch(() => undefined);
    if (!existing) await jsm.streams.add(wanted).catch(async (error: unknown) => {
      // Another process created it meanwhile.
      if (!(await jsm.streams.info(config.stream).catch(() => undefined))) throw error;
    });
    return { nc, js: jetstream(nc), jsm };
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw error;
  }
}

/** The last event of a community in the stream: its sequence in the community and in the stream. */
export async function lastPublished(broker: BrokerConnection, config: EventBrokerConfig, community: string): Promise<{ sequence: number; streamSequence: number } | undefined> {
  const stored = await broker.jsm.streams.getMessage(config.stream, { last_by_subj: eventSubject(config, community) });
  if (!stored) return undefined;
  const sequence = Number(stored.header?.get(SEQUENCE_HEADER) ?? (stored.json<LiveEvent>() as LiveEvent).sequence);
  return { sequence, streamSequence: stored.seq };
}

/**
 * Publishes one community's outbox to the broker, in sequence order, each event once: it starts after the last
 * event the stream holds for the community (so a node killed after committing publishes that event when it is
 * back, and one killed after publishing does not publish it again), and each publish expects the community's last
 * message to be the one it published before (so two replicas of a node never interleave or repeat; the one that
 * loses the race reads the stream again). The event ID is also the message ID, which JetStream de-duplicates.
 * Every ALIVE_INTERVAL_MS, while the outbox reads, it says so on `<prefix>.alive.<community>`: a hub that hears
 * nothing tells subscribers the community is unavailable.
 */
export class EventPublisher {
  private broker: BrokerConnection | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeSleep: (() => void) | undefined;
  /** The community sequence and stream sequence of the last event the stream holds; undefined: read it first. */
  private last: { sequence: number; streamSequence: number } | undefined;
  private lastAlive = 0;
  /** How many events this publisher has put in the stream (tests, metrics). */
  published = 0;

  constructor(
    private readonly config: EventBrokerConfig,
    private readonly community: string,
    private readonly outbox: MikroORM<PostgreSqlDriver>,
    private readonly waiter: OutboxWaiter,
    private readonly log: Logger,
  ) {}

  /** The community sequence of the last event the stream is known to hold (metrics: how far publishing lags). */
  get publishedSequence(): number | undefined {
    return this.last?.sequence;
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSleep?.();
    await this.running;
    await this.broker?.nc.close().catch(() => undefined);
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeSleep = undefined;
  }

  private async loop(): Promise<void> {
    let failing = false;
    while (!this.stopped) {
      try {
        this.broker ??= await connectBroker(this.config, `lilong-node:${this.community}`);
        this.last ??= (await lastPublished(this.broker, this.config, this.community)) ?? { sequence: 0, streamSequence: 0 };
        const read = await outboxModule().readEvents(this.outbox.em.fork() as never, this.community, this.last.sequence, 100);
        for (const event of read.events) {
          if (this.stopped) return;
          await this.publish(this.broker, event);
        }
        if (failing) this.log.info('publishing events to the broker again', { community: this.community });
        failing = false;
        if (Date.now() - this.lastAlive >= ALIVE_INTERVAL_MS) {
          this.broker.nc.publish(aliveSubject(this.config, this.community), JSON.stringify({ community: this.community, head: this.last.sequence, at: new Date().toISOString() }));
          this.lastAlive = Date.now();
        }
        if (read.events.length > 0) continue;
        // A closed waiter (the node stopping) returns at once: sleep instead of reading in a loop.
        if (this.waiter.isClosed) await this.sleep(ALIVE_INTERVAL_MS);
        else await this.waiter.wait(ALIVE_INTERVAL_MS);
      } catch (error) {
        if (this.stopped) return;
        // Read the stream's last event again before the next publish: another replica may have published.
        this.last = undefined;
        if (error instanceof jetstreamModule().JetStreamApiError && error.code === WRONG_LAST_SEQUENCE) continue;
        if (!failing) this.log.warn('publishing events to the broker failed; retrying every second (the outbox keeps them)', { community: this.community, detail: (error as Error).message });
        failing = true;
        await this.sleep(1000);
      }
    }
  }

  private async publish(broker: BrokerConnection, event: LiveEvent): Promise<void> {
    const h = natsTransport().headers();
    h.set(SEQUENCE_HEADER, String(event.sequence));
    const ack = await broker.js.publish(eventSubject(this.config, this.community), JSON.stringify(event), {
      msgID: event.id,
      headers: h,
      expect: { lastSubjectSequence: this.last!.streamSequence },
    });
    this.last = { sequence: event.sequence, streamSequence: ack.seq };
    if (!ack.duplicate) this.published += 1;
  }
}
