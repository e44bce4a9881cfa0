/**
 * The node's webhook dispatcher 回调投递: in the background of every node process, it delivers the community's
 * outbox events to each active endpoint, one endpoint's events one at a time and in sequence order, several
 * endpoints at once.
 *
 * - It looks when the outbox is notified (an OutboxWaiter), when a delivery ends, when a retry falls due, and every
 *   second in any case. One statement tells it which endpoints have events past their cursor and are due. The
 *   LISTEN connection is opened only while the community has an active endpoint (closed a minute after the last
 *   one went): a node nobody registered with costs one cheap statement a second and no connection.
 * - An endpoint is taken with `FOR UPDATE SKIP LOCKED` and a lease written in the same statement (its row, for
 *   `leaseMs`, renewed every third of it while the process delivers, an HTTP attempt included): two replicas of a
 *   node never deliver to one endpoint at once, and a process that dies frees it at most `leaseMs` after its last
 *   renewal. A process that finds its lease taken over (it stalled past `leaseMs`) stops after the attempt under way,
 *   whose outcome is then recorded as SUPERSEDED. The row lock is not held across the HTTP call, so pausing,
 *   replaying or rotating never waits for a slow partner, and no connection idles in a transaction meanwhile.
 * - Each attempt, and what follows from it (the cursor moved on, or the retry scheduled, or the endpoint paused:
 *   retry.ts), is written in one transaction, only while the lease is still this process's. A replay during the
 *   attempt (the endpoint's `generation` moved) leaves the attempt recorded as SUPERSEDED and the cursor where the
 *   replay put it.
 * - Delivery is at least once: a process killed after the partner answered and before the outcome was written
 *   delivers that event again, with the same `webhook-id`, which receivers dedupe on.
 * - At most `concurrency` endpoints at once per process, and at most half of them endpoints being retried: a
 *   failing or slow endpoint holds only its own slot, for at most the timeout, and never holds back a healthy one.
 */
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { readEvents, type Logger } from '@lilong/kit';
import type { EventType, LiveEvent } from '@lilong/schema';
import type { WebhookConfig } from '../config';
import { checkEndpointUrl } from '../endpoint/endpoint.url';
import { DeliveryOutcome } from './delivery.entity';
import { postWebhook, type PostOutcome } from './post';
import { afterFailure } from './retry';
import { signedHeaders } from './signature';

/** What the dispatcher waits on: the outbox's notifications, at most `ms` (the kit's OutboxWaiter). */
export interface OutboxWakeups {
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface DispatcherOptions {
  community: string;
  orm: MikroORM<PostgreSqlDriver>;
  log: Pick<Logger, 'warn' | 'error'>;
  config: WebhookConfig;
  /** Opens the outbox notifications (one LISTEN connection), when an active endpoint needs them. */
  outbox: () => OutboxWakeups;
}

/** How long the LISTEN connection stays open after the community's last active endpoint went, in ms. */
const LISTEN_LINGER_MS = 60_000;

/** Events read from the outbox per look while an endpoint is served. */
const EVENTS_PER_READ = 100;
/** Deliveries to one endpoint per lease before it lets others of the queue go first. */
const DELIVERIES_PER_LEASE = 50;
const T = '"webhooks"."endpoint"';

/** An endpoint as leased: what delivering to it needs. */
interface Leased {
  id: number;
  token: string;
  url: string;
  eventTypes: EventType[];
  secrets: string[];
  cursor: number;
  generation: number;
  /** Set once a renewal found the endpoint no longer this process's. */
  lost: boolean;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The body of a delivery: the event, as the hub's subscriptions carry it. */
export function deliveryBody(event: LiveEvent): string {
  return JSON.stringify({ type: event.type, id: event.id, community: event.community, sequence: event.sequence, at: event.at, subjects: event.subjects, data: event.data });
}

export class WebhookDispatcher {
  /** Endpoints being served by this process, and whether each is being retried. */
  private readonly inFlight = new Map<number, { retrying: boolean }>();
  private readonly serving = new Set<Promise<void>>();

  private readonly stopping = new AbortController();
  private wake: AbortController | undefined;
  private running: Promise<void> | undefined;
  private lastPrune = 0;
  private listening: OutboxWakeups | undefined;
  private lastActiveAt = 0;

  constructor(private readonly options: DispatcherOptions) {}

  start(): void {
    this.running ??= this.run();
  }

  /** Stops looking, cuts attempts under way short (not counted: the event is tried again later) and waits for them. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.abort();
    await this.running;
    await this.listening?.close();
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private em(): EntityManager {
    return this.options.orm.em.fork() as unknown as EntityManager;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let waitMs = 1000;
      try {
        waitMs = await this.tick();
        await this.pruneHourly();
      } catch (error) {
        if (!this.stopped) this.options.log.error('webhook dispatch failed; looking again in a second', error);
      }
      if (this.stopped) break;
      this.wake = new AbortController();
      const signal = AbortSignal.any([this.stopping.signal, this.wake.signal]);
      const wakeups = await this.wakeups();
      if (wakeups) await wakeups.wait(waitMs, signal);
      else await sleep(waitMs, signal);
    }
    await Promise.allSettled([...this.serving]);
  }

  /** The outbox notifications while an endpoint is active (or was, within the last minute); none otherwise. */
  private async wakeups(): Promise<OutboxWakeups | undefined> {
    if (Date.now() - this.lastActiveAt < LISTEN_LINGER_MS) return (this.listening ??= this.options.outbox());
    const idle = this.listening;
    this.listening = undefined;
    await idle?.close();
    return undefined;
  }

  /** Starts deliveries to the endpoints that are due; returns how long to wait before looking again, in ms. */
  private async tick(): Promise<number> {
    const { concurrency } = this.options.config;
    if (this.inFlight.size >= concurrency) return 1000;
    // One row per candidate, or one row of nulls when there is none; `any_active` either way.
    const rows = (await this.em()
      .getConnection()
      .execute(
        `select c."id", c."failed_attempts", c."due_in_ms", exists(select 1 from ${T} where "status" = 'ACTIVE') as any_active
         from (select 1) one left join lateral (
           select e."id", e."failed_attempts", extract(epoch from (e."next_attempt_at" - now())) * 1000 as due_in_ms
           from ${T} e, "outbox"."head" h
           where h."id" = 1 and e."status" = 'ACTIVE' and e."cursor" < h."seq" and (e."lease_until" is null or e."lease_until" < now())
           order by coalesce(e."next_attempt_at", e."created_at"), e."id" limit 500) c on true`,
      )) as { id: number | null; failed_attempts: number; due_in_ms: string | number | null; any_active: boolean }[];
    if (rows[0]?.any_active) this.lastActiveAt = Date.now();
    let waitMs = 1000;
    for (const row of rows) {
      if (row.id === null) continue;
      const dueIn = row.due_in_ms === null ? 0 : Number(row.due_in_ms);
      if (dueIn > 0) {
        waitMs = Math.min(waitMs, dueIn);
        continue;
      }
      const id = row.id;
      if (this.inFlight.has(id)) continue;
      const retrying = row.failed_attempts > 0;
      const retryingNow = [...this.inFlight.values()].filter((f) => f.retrying).length;
      if (this.inFlight.size >= concurrency) break;
      if (retrying && retryingNow >= Math.floor(concurrency / 2)) continue;
      this.inFlight.set(id, { retrying });
      const serving = this.serve(id)
        .catch((error: unknown) => {
          if (!this.stopped) this.options.log.error('webhook delivery failed; the endpoint is tried again', error, { endpoint: id });
        })
        .finally(() => {
          this.inFlight.delete(id);
          this.serving.delete(serving);
          this.wake?.abort();
        });
      this.serving.add(serving);
    }
    return Math.max(20, Math.ceil(waitMs));
  }

  /** Takes the endpoint if it is free and due, and delivers its events while they succeed. */
  private async serve(id: number): Promise<void> {
    const leased = await this.lease(id);
    if (!leased) return;
    const renewal = setInterval(() => void this.renew(leased), Math.max(250, Math.floor(this.leaseMs() / 3)));
    renewal.unref();
    try {
      let delivered = 0;
      while (!this.stopped && !leased.lost && delivered < DELIVERIES_PER_LEASE) {
        const { events } = await readEvents(this.em(), this.options.community, leased.cursor, EVENTS_PER_READ);
        if (events.length === 0) return;
        // The highest sequence passed over (not of the endpoint's types) since the cursor.
        let passedOver = leased.cursor;
        for (const event of events) {
          if (!leased.eventTypes.includes(event.type)) {
            passedOver = event.sequence;
            continue;
          }
          const goOn = await this.deliver(leased, event, passedOver);
          if (!goOn) return;
          delivered += 1;
          passedOver = event.sequence;
          if (this.stopped || leased.lost || delivered >= DELIVERIES_PER_LEASE) break;
        }
        if (passedOver > leased.cursor && !(await this.passOver(leased, passedOver))) return;
      }
    } finally {
      clearInterval(renewal);
      await this.release(leased).catch(() => undefined);
    }
  }

  private leaseMs(): number {
    return this.options.config.leaseMs;
  }

  /** Extends the lease while it is still this process's; marks it lost otherwise. A failed renewal is tried again at the next tick. */
  private async renew(leased: Leased): Promise<void> {
    if (leased.lost || this.stopped) return;
    try {
      const rows = (await this.em()
        .getConnection()
        .execute(`update ${T} set "lease_until" = now() + ?::float8 * interval '1 millisecond' where "id" = ? and "lease_token" = ? returning "id"`, [
          this.leaseMs(),
          leased.id,
          leased.token,
        ])) as unknown[];
      if (rows.length === 0) leased.lost = true;
    } catch (error) {
      if (!this.stopped) this.options.log.warn('renewing a webhook endpoint lease failed; tried again shortly', { endpoint: leased.id, error: (error as Error).message });
    }
  }

  private async lease(id: number): Promise<Leased | undefined> {
    const token = randomUUID();
    const [row] = (await this.em()
      .getConnection()
      .execute(
        `update ${T} set "lease_until" = now() + ?::float8 * interval '1 millisecond', "lease_token" = ?
         where "id" = (select "id" from ${T} where "id" = ? and "status" = 'ACTIVE' and ("lease_until" is null or "lease_until" < now())
                         and ("next_attempt_at" is null or "next_attempt_at" <= now()) for update skip locked)
         returning "url", "event_types", "secret", case when "previous_secret_until" > now() then "previous_secret" end as "previous_secret", "cursor", "generation"`,
        [this.leaseMs(), token, id],
      )) as { url: string; event_types: EventType[]; secret: string; previous_secret: string | null; cursor: string | number; generation: number }[];
    if (!row) return undefined;
    return {
      id,
      token,
      url: row.url,
      eventTypes: row.event_types,
      secrets: [row.secret, ...(row.previous_secret ? [row.previous_secret] : [])],
      cursor: Number(row.cursor),
      generation: row.generation,
      lost: false,
    };
  }

  private async release(leased: Leased): Promise<void> {
    await this.em().getConnection().execute(`update ${T} set "lease_until" = null, "lease_token" = null where "id" = ? and "lease_token" = ?`, [leased.id, leased.token]);
  }

  /** Moves the cursor over events not of the endpoint's types; false when the endpoint is no longer this process's to move. */
  private async passOver(leased: Leased, sequence: number): Promise<boolean> {
    const rows = (await this.em()
      .getConnection()
      .execute(
        `update ${T} set "cursor" = greatest("cursor", ?), "lease_until" = now() + ?::float8 * interval '1 millisecond'
         where "id" = ? and "lease_token" = ? and "generation" = ? and "status" = 'ACTIVE' returning "id"`,
        [sequence, this.leaseMs(), leased.id, leased.token, leased.generation],
      )) as unknown[];
    if (rows.length === 0) return false;
    leased.cursor = Math.max(leased.cursor, sequence);
    return true;
  }

  /** One attempt at one event, and its consequences; true when the endpoint may go on to its next event. */
  private async deliver(leased: Leased, event: LiveEvent, passedOver: number): Promise<boolean> {
    const { config } = this.options;
    const body = deliveryBody(event);
    const attemptedAt = new Date();
    let outcome: PostOutcome;
    try {
      const url = checkEndpointUrl(leased.url, 'url', config.allowLoopback);
      outcome = await postWebhook(url, signedHeaders(leased.secrets, event.id, Math.floor(attemptedAt.getTime() / 1000), body), body, {
        timeoutMs: config.timeoutMs,
        maxResponseBytes: config.maxResponseBytes,
        allowLoopback: config.allowLoopback,
        signal: this.stopping.signal,
      });
    } catch (error) {
      // A URL this node no longer accepts (loopback receivers were allowed when it was registered).
      outcome = { ok: false, status: null, error: `refused: ${(error as Error).message}`, durationMs: 0 };
    }
    // Cut short by the node stopping: not the partner's failure, not recorded; the event is tried again later.
    if (this.stopped) return false;
    return this.record(leased, event, passedOver, attemptedAt, outcome);
  }

  private async record(leased: Leased, event: LiveEvent, passedOver: number, attemptedAt: Date, outcome: PostOutcome): Promise<boolean> {
    const { config, log } = this.options;
    return this.em().transactional(async (em) => {
      const connection = em.getConnection();
      const tx = em.getTransactionContext();
      const [row] = (await connection.execute(
        `select "status", "generation", "lease_token", "failed_attempts", "failing_since" from ${T} where "id" = ? for update`,
        [leased.id],
        'all',
        tx,
      )) as { status: string; generation: number; lease_token: string | null; failed_attempts: number; failing_since: Date | string | null }[];
      const ours = row !== undefined && row.lease_token === leased.token && row.generation === leased.generation;
      const writeAttempt = (attempt: number, kind: DeliveryOutcome, nextAttemptAt: Date | null) =>
        connection.execute(
          `insert into "webhooks"."delivery" ("endpoint_id", "sequence", "event_type", "attempt", "attempted_at", "duration_ms", "http_status", "error", "outcome", "next_attempt_at")
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [leased.id, event.sequence, event.type, attempt, attemptedAt, outcome.durationMs, outcome.status, outcome.error, kind, nextAttemptAt],
          'run',
          tx,
        );
      const attempt = (row?.failed_attempts ?? 0) + 1;
      const lease = [this.leaseMs(), leased.id] as const;
      if (!ours || row.status === 'REMOVED' || (!outcome.ok && row.status !== 'ACTIVE')) {
        await writeAttempt(attempt, DeliveryOutcome.SUPERSEDED, null);
        return false;
      }
      if (outcome.ok) {
        await connection.execute(
          `update ${T} set "cursor" = ?, "failed_attempts" = 0, "failing_since" = null, "next_attempt_at" = null, "last_delivered_at" = ?,
             "lease_until" = now() + ?::float8 * interval '1 millisecond' where "id" = ?`,
          [event.sequence, attemptedAt, ...lease],
          'run',
          tx,
        );
        await writeAttempt(attempt, DeliveryOutcome.DELIVERED, null);
        leased.cursor = event.sequence;
        // Delivered while being paused: the cursor moved on, nothing more until it is resumed.
        return row.status === 'ACTIVE';
      }
      const failingSince = row.failing_since ? new Date(row.failing_since) : attemptedAt;
      const next = afterFailure(config, attempt, failingSince, new Date());
      if (next.pause) {
        const reason = `${next.reason.en}; last: ${outcome.error ?? 'failed'} ${next.reason.zh}`;
        await connection.execute(
          `update ${T} set "cursor" = greatest("cursor", ?), "status" = 'PAUSED', "paused_by" = 'FAILURES', "paused_at" = now(), "paused_reason" = ?,
             "failed_attempts" = ?, "failing_since" = ?, "next_attempt_at" = null where "id" = ?`,
          [passedOver, reason, attempt, failingSince, leased.id],
          'run',
          tx,
        );
        await writeAttempt(attempt, DeliveryOutcome.ENDPOINT_PAUSED, null);
        log.warn('webhook endpoint paused after repeated failures', { endpoint: leased.id, attempts: attempt, error: outcome.error });
        return false;
      }
      await connection.execute(
        `update ${T} set "cursor" = greatest("cursor", ?), "failed_attempts" = ?, "failing_since" = ?, "next_attempt_at" = ? where "id" = ?`,
        [passedOver, attempt, failingSince, next.nextAttemptAt, leased.id],
        'run',
        tx,
      );
      await writeAttempt(attempt, DeliveryOutcome.RETRY_SCHEDULED, next.nextAttemptAt);
      return false;
    });
  }

  /** Forgets attempts older than the log keeps, now and every hour. */
  private async pruneHourly(): Promise<void> {
    if (Date.now() - this.lastPrune < 3_600_000) return;
    this.lastPrune = Date.now();
    await this.em()
      .getConnection()
      .execute(`delete from "webhooks"."delivery" where "attempted_at" < now() - ?::float8 * interval '1 millisecond'`, [this.options.config.logRetentionMs]);
  }
}
