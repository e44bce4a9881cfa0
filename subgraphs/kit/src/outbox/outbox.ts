import type { EntityManager, EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import type { MigrationObject } from '@mikro-orm/core';
import { failpoint } from '../failpoint';
import { eventIdOf, type EventSubjects, type EventType, type LiveEvent } from '@lilong/schema';

/**
 * The community's outbox 事件发件箱: every state change worth telling is written as an event in the same transaction
 * as the change, so an event exists if and only if its change committed (nothing lost when the node dies after a
 * commit, nothing told that rolled back).
 *
 * - One table for the whole node, `outbox.event`, in the community's database beside the domains' schemas; every
 *   domain writes to it through its own connection, inside its own transaction.
 * - Sequence numbers come from one counter row (`outbox.head`), taken by the committing transaction as its very last
 *   statement and held until it commits: the next transaction with events waits for it, so numbers are gapless and
 *   in commit order, and a rolled-back transaction gives its numbers back. Taken last, after the domain's own rows
 *   and locks, the counter never joins a lock cycle; it is held for one round trip and the commit.
 * - The same statement notifies `lilong_outbox` (delivered when the transaction commits), so waiting readers wake at
 *   once; they also look every second in case a notification was missed.
 *
 * A domain calls `emitEvent(em, ...)` anywhere inside its transaction; the events are written just before the
 * commit (OutboxWriter, registered on every domain's ORM).
 */
export const OUTBOX_SCHEMA = 'outbox';
export const OUTBOX_CHANNEL = 'lilong_outbox';

export interface EventDraft {
  type: EventType;
  subjects: EventSubjects;
  data?: LiveEvent['data'];
}

/** Events waiting for their transaction's commit, by the root transaction they belong to. */
const pending = new WeakMap<object, EventDraft[]>();

/** The outermost transaction of a (possibly nested) MikroORM transaction context. */
function rootOf(transaction: object): object {
  let current = transaction as Record<symbol, unknown>;
  for (;;) {
    const parent = Object.getOwnPropertySymbols(current).find((s) => s.description === 'parentTransaction');
    const next = parent ? (current[parent] as Record<symbol, unknown> | undefined) : undefined;
    if (!next) return current;
    current = next;
  }
}

/**
 * Records an event of the change being made in `em`'s transaction; written when (and only if) it commits. Outside
 * a transaction this is a programming error: the event could outlive a change that never happened.
 */
export function emitEvent(em: EntityManager, event: EventDraft): void {
  const transaction = em.getTransactionContext();
  if (!transaction) throw new Error(`emitEvent(${event.type}) outside a transaction`);
  const root = rootOf(transaction);
  const list = pending.get(root);
  if (list) list.push(event);
  else pending.set(root, [event]);
}

/**
 * The outbox's writing, as SQL for one statement that has already defined a CTE `events (ord, type, subjects, data)`,
 * `ord` numbering its events 1, 2, ... in the order they happened: `head` takes that many numbers from the counter
 * (only when there are events: a statement that tells nothing leaves the counter unlocked), `written` inserts the
 * events under them. OUTBOX_NOTIFY, in the statement's final select, wakes the readers once they are written. Used
 * by OutboxWriter below, and by a statement that makes its change and tells it in one go (a hot path that commits
 * on its own); the counter is then its last lock too, since `events` is read from the change's own CTEs.
 */
export const OUTBOX_WRITE_CTES = `head as (
         update "${OUTBOX_SCHEMA}"."head" set "seq" = "seq" + (select count(*) from events) where "id" = 1 and exists (select 1 from events) returning "seq"),
       written as (
         insert into "${OUTBOX_SCHEMA}"."event" ("seq", "type", "subjects", "data", "occurred_at")
         select head."seq" - (select count(*) from events) + e.ord, e.type, e.subjects, e.data, clock_timestamp()
         from head, events e
         returning "seq")`;

/** See OUTBOX_WRITE_CTES. */
export const OUTBOX_NOTIFY = `(select pg_notify('${OUTBOX_CHANNEL}', max("seq")::text) from written having count(*) > 0) as notified`;

/** Writes the transaction's events, numbered, just before it commits (the last statement of the transaction). */
export class OutboxWriter implements EventSubscriber {
  private readonly written = new WeakSet<object>();

  async beforeTransactionCommit(args: TransactionEventArgs): Promise<void> {
    const transaction = args.transaction as object | undefined;
    if (!transaction) return;
    const events = pending.get(transaction);
    if (!events || events.length === 0) return;
    pending.delete(transaction);
    const rows = events.map((e) => ({ type: e.type, subjects: e.subjects, data: e.data ?? {} }));
    await args.em.getConnection().execute(
      `with events as (
         select e.ord, e.value->>'type' as type, e.value->'subjects' as subjects, e.value->'data' as data
         from jsonb_array_elements(?::jsonb) with ordinality as e(value, ord)),
       ${OUTBOX_WRITE_CTES}
       select ${OUTBOX_NOTIFY}`,
      [JSON.stringify(rows)],
      'all',
      transaction as never,
    );
    this.written.add(transaction);
  }

  async afterTransactionCommit(args: TransactionEventArgs): Promise<void> {
    // A test's crash right after a change with events committed, before anyone is told (LILONG_FAILPOINT).
    if (args.transaction && this.written.has(args.transaction as object)) failpoint('outbox:after-commit');
  }

  async afterTransactionRollback(args: TransactionEventArgs): Promise<void> {
    if (args.transaction) pending.delete(args.transaction as object);
  }
}


/** The outbox's committed migrations, run by the node before any domain's. */
export const outboxMigrations: MigrationObject[] = [
  {
    name: 'OutboxMigration20261202',
    // Required only when the migrator runs it (see migrateDomain): it brings `@mikro-orm/migrations`.
    get class() {
      return (require('./outbox-migrations') as typeof import('./outbox-migrations')).OutboxMigration20261202;
    },
  },
];

interface EventRow {
  seq: string | number;
  type: EventType;
  subjects: EventSubjects;
  data: LiveEvent['data'];
  occurred_at: Date | string;
}

const toEvent = (community: string, row: EventRow): LiveEvent => {
  const sequence = Number(row.seq);
  return {
    id: eventIdOf(community, sequence),
    community,
    sequence,
    type: row.type,
    at: new Date(row.occurred_at).toISOString(),
    subjects: row.subjects,
    data: row.data,
  };
};

/** The events after `after`, in order, at most `limit`, with the head and the oldest sequence still kept. */
export async function readEvents(em: EntityManager, community: string, after: number, limit: number): Promise<{ head: number; oldest: number; events: LiveEvent[] }> {
  const connection = em.getConnection();
  const [bounds] = (await connection.execute(
    `select h."seq" as head, coalesce((select min("seq") from "${OUTBOX_SCHEMA}"."event"), h."seq" + 1) as oldest from "${OUTBOX_SCHEMA}"."head" h where h."id" = 1`,
  )) as { head: string | number; oldest: string | number }[];
  const head = Number(bounds?.head ?? 0);
  const oldest = Number(bounds?.oldest ?? head + 1);
  if (after >= head) return { head, oldest, events: [] };
  const rows = (await connection.execute(
    `select "seq", "type", "subjects", "data", "occurred_at" from "${OUTBOX_SCHEMA}"."event" where "seq" > ? order by "seq" limit ?`,
    [after, limit],
  )) as EventRow[];
  return { head, oldest, events: rows.map((row) => toEvent(community, row)) };
}

/** Deletes events older than `before` (the outbox keeps a retention period, then forgets); returns how many. */
export async function pruneEvents(em: EntityManager, before: Date): Promise<number> {
  const rows = (await em.getConnection().execute(`with gone as (delete from "${OUTBOX_SCHEMA}"."event" where "occurred_at" < ? returning 1) select count(*)::int as n from gone`, [
    before,
  ])) as { n: number }[];
  return rows[0]?.n ?? 0;
}
