/**
 * Searches that found nothing in stock 搜不到货的商品, for the data console: which products people look for that no
 * shop of this community can sell now. The rules, in one place:
 *
 * - What counts: the first page of `searchStock` or `Compound.stockNearby` (no `after` cursor) for which this
 *   community has no product with available units matching the text. Paging on never counts again; one request
 *   counts a term once, however many compounds it asks near.
 * - What is kept: the normalised term (NFKC, lower case, spaces collapsed), the community's day, a count and the
 *   last time. Never who searched, from where, or the time of each search. A term that looks like an address or a
 *   phone number (a run of 5 digits, or `12-3`) is not kept at all.
 * - Bounded: at most `termsPerDay` distinct terms a day (further new terms that day are dropped; known ones still
 *   count), days older than `retentionDays` are deleted, and at most `maxPending` terms wait in memory.
 * - Never in the search's way: the search only adds to an in-memory batch (no await, no statement, nothing that
 *   can throw to it); the batch is written about once a second, outside any request, in one statement. A failed
 *   write is logged and its counts are lost, never retried into the search. Reading the figures writes this
 *   process's batch first, so what a reader sees includes every search this replica answered before.
 *
 * With several replicas of a node, two may admit a few terms past the day's cap at the same moment: the cap bounds
 * the table's growth, it is not an exact quota.
 */
import { AsyncResource } from 'node:async_hooks';
import { createLogger, requireInt } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { localDay, SQL_TODAY } from './local-day';

export const UNMET_SEARCH_LIMITS = {
  /** Distinct terms kept per day. */
  termsPerDay: 500,
  /** Days kept, today included; also the most `days` a reader may ask for. */
  retentionDays: 30,
  /** How long a batch waits before it is written, in ms. */
  flushMs: 1000,
  /** Distinct (day, term) pairs waiting in memory; past it new ones are dropped until the next write. */
  maxPending: 1000,
} as const;

export interface UnmetSearchFigure {
  term: string;
  count: number;
  lastSearchedAt: Date;
}

type Connection = ReturnType<EntityManager['getConnection']>;

interface Pending {
  day: string;
  term: string;
  count: number;
  last: Date;
}

/**
 * Made when this module loads (node start-up, outside any request): the batch's timer runs in its scope, so the
 * write never inherits a request's budget (kit/src/budget.ts), which would refuse it once that request is over.
 */
const BACKGROUND = new AsyncResource('lilong.unmet-searches');
const log = createLogger('unmet-searches');

/** Normalises a search text to the term kept, or undefined when it must not be kept. */
export function unmetTerm(text: string): string | undefined {
  const term = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  if (term === '' || term.length > 50) return undefined;
  if (/\d{5}|\d+\s*-\s*\d+/.test(term)) return undefined;
  return term;
}

export class UnmetSearchRecorder {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  /** Terms dropped because the batch was full, since the last write (logged with it). */
  private dropped = 0;

  constructor(private readonly connection: Connection) {}

  /** Counts one search that found nothing. Synchronous and never throws: it only touches memory. */
  record(text: string, at = new Date()): void {
    try {
      const term = unmetTerm(text);
      if (!term) return;
      const day = localDay(at);
      const key = `${day}\u0000${term}`;
      const entry = this.pending.get(key);
      if (entry) {
        entry.count += 1;
        if (at > entry.last) entry.last = at;
      } else if (this.pending.size < UNMET_SEARCH_LIMITS.maxPending) {
        this.pending.set(key, { day, term, count: 1, last: at });
      } else {
        this.dropped += 1;
      }
      this.schedule();
    } catch (error) {
      log.error('counting a search with nothing in stock failed', error);
    }
  }

  /** Writes what is waiting (after any write under way). Never rejects: a failure is logged. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    const dropped = this.dropped;
    this.pending = new Map();
    this.dropped = 0;
    this.writing = this.write(batch)
      .then(() => {
        if (dropped > 0) log.warn('searches with nothing in stock dropped: the batch was full', { dropped });
      })
      .catch((error: unknown) => log.error('writing searches with nothing in stock failed; their counts are lost', error, { terms: batch.length }))
      .finally(() => {
        this.writing = undefined;
      });
    await this.writing;
  }

  /** The most frequent terms of the last `days` days (today included), most searched first. */
  async top(days: number, first: number): Promise<UnmetSearchFigure[]> {
    requireInt(days, 'days', 1, UNMET_SEARCH_LIMITS.retentionDays);
    requireInt(first, 'first', 1, 50);
    await this.flush();
    const rows: { term: string; count: string; last_searched_at: Date | string }[] = await this.connection.execute(
      `select term, sum(count) as count, max(last_searched_at) as last_searched_at
         from unmet_search
        where day > ${SQL_TODAY} - ?::int
        group by term
        order by sum(count) desc, max(last_searched_at) desc, term
        limit ?`,
      [days, first],
    );
    return rows.map((r) => ({ term: r.term, count: Number(r.count), lastSearchedAt: new Date(r.last_searched_at) }));
  }

  private schedule(): void {
    if (this.timer) return;
    BACKGROUND.runInAsyncScope(() => {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, UNMET_SEARCH_LIMITS.flushMs);
      this.timer.unref();
    });
  }

  /**
   * One statement: known (day, term) pairs add to their count; new ones are admitted, most searched first, while
   * their day has room under the cap. Then days past the retention are deleted.
   */
  private async write(batch: Pending[]): Promise<void> {
    const rows = JSON.stringify(batch.map((p) => ({ day: p.day, term: p.term, count: p.count, last_searched_at: p.last.toISOString() })));
    await this.connection.execute(
      `with v as (
         select * from jsonb_to_recordset(?::jsonb) as v(day date, term text, count int, last_searched_at timestamptz)
       ),
       known as (
         select v.* from v where exists (select 1 from unmet_search u where u.day = v.day and u.term = v.term)
       ),
       fresh as (
         select v.*, row_number() over (partition by v.day order by v.count desc, v.term) as n
           from v where not exists (select 1 from unmet_search u where u.day = v.day and u.term = v.term)
       ),
       room as (
         select d.day, ?::int - (select count(*) from unmet_search u where u.day = d.day) as room
           from (select distinct day from v) d
       )
       insert into unmet_search (day, term, count, last_searched_at)
       select day, term, count, last_searched_at from known
       union all
       select f.day, f.term, f.count, f.last_searched_at from fresh f join room r on r.day = f.day where f.n <= r.room
       on conflict (day, term) do update
         set count = unmet_search.count + excluded.count,
             last_searched_at = greatest(unmet_search.last_searched_at, excluded.last_searched_at)`,
      [rows, UNMET_SEARCH_LIMITS.termsPerDay],
    );
    // With each write (at most one a second): a range of the primary key's leading column, nothing to do most days.
    await this.connection.execute(`delete from unmet_search where day <= ${SQL_TODAY} - ?::int`, [UNMET_SEARCH_LIMITS.retentionDays]);
  }
}

/** One recorder per database (a node's ORM; tests run several nodes in one process). */
const recorders = new WeakMap<Connection, UnmetSearchRecorder>();
/** The terms a request has counted already (keyed by its loaders, which live exactly as long as the request). */
const countedIn = new WeakMap<object, Set<string>>();

export function unmetSearches(em: EntityManager): UnmetSearchRecorder {
  const connection = em.getConnection();
  let recorder = recorders.get(connection);
  if (!recorder) recorders.set(connection, (recorder = new UnmetSearchRecorder(connection)));
  return recorder;
}

/**
 * Called by the searches with what they found: counts the text when this was a first page with nothing in stock.
 * Never throws and never waits.
 */
export function noteSearch(ctx: { em: EntityManager; loaders: object }, text: string, found: number, after: string | null | undefined): void {
  try {
    if (found > 0 || (after !== null && after !== undefined && after !== '')) return;
    const term = unmetTerm(text);
    if (!term) return;
    let counted = countedIn.get(ctx.loaders);
    if (!counted) countedIn.set(ctx.loaders, (counted = new Set()));
    if (counted.has(term)) return;
    counted.add(term);
    unmetSearches(ctx.em).record(term);
  } catch (error) {
    log.error('counting a search with nothing in stock failed', error);
  }
}

