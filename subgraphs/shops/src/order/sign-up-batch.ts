import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { executePrepared, OUTBOX_NOTIFY, OUTBOX_WRITE_CTES, type FirstRunRecord } from '@lilong/kit';
import type { EventSubjects } from '@lilong/schema';
import { stockStepsEventsSql } from '../events';
import { StockChangeKind } from '../stock/stock-change.entity';
import { normalReason } from '../stock/stock.rules';
import { batchReservationCtes } from './reservation';

/**
 * One household's first sign-up for one product of an open order, checked and ready to write (order.service.ts,
 * `signUpAtOnce`): what its rows say, and the order's row version it was checked against.
 */
export interface HotSignUp {
  /** The request's own entity manager: the statement runs on its connection pool and hooks. */
  em: EntityManager;
  community: string;
  orderId: number;
  /** The order row's `xmin` when it was read: the write goes ahead only if the order is still that row. */
  version: string;
  productId: number;
  householdId: string;
  building: string;
  address: string;
  /** Who signed up (`signed_up_by`, the stock audit entry's actor). */
  actor: string;
  units: number;
  at: Date;
  /** The stock audit entry's reason. */
  reason: string;
  record?: FirstRunRecord;
  productSubjects: EventSubjects;
  orderSubjects: EventSubjects;
  /** SIGN_UPS_CHANGED's data. */
  signUpsData: Record<string, unknown>;
}

/**
 * What became of it: signed up (the sign_up row as written), refused for want of stock (what was left at its turn),
 * or not written, to take the general path, which answers as it always does: the order changed since it was read,
 * or the household (or a use of the same idempotency key) got there first by another request.
 */
export type HotOutcome = { kind: 'signed-up'; row: Record<string, unknown> } | { kind: 'insufficient'; available: number } | { kind: 'general' };

/** Requests written by one statement at most. */
export const MAX_SIGN_UPS_PER_STATEMENT = 64;

interface Waiting {
  signUp: HotSignUp;
  resolve(outcome: HotOutcome): void;
  reject(error: unknown): void;
}

/** The requests waiting for one product of one order (as read at one version), and whether a statement is running. */
interface Lane {
  queue: Waiting[];
  running: boolean;
}

const lanes = new Map<string, Lane>();

/**
 * Group commit for a flash sale 抢购: writes the sign-up with the others that arrive for the same product of the same
 * order while the statement before is running, all in one statement and one commit. With one request at a time it
 * runs at once and alone, so nothing waits that would not have; with many, the product's row is locked once per
 * statement instead of once per household, and the households queue in this process in arrival order instead of on
 * the row's lock in PostgreSQL (each waiter there costs the server a lock, a wake-up and a commit of its own). The
 * reservation is `batchReservationCtes`' (reservation.ts), first come first served; every household gets the rows,
 * the audit entry, the idempotency record and the events its sign-up would get alone (outbox.test), in its order.
 *
 * Two requests of one household (or under one idempotency key) never go into one statement: the later waits for the
 * statement of the first and then takes the general path, which finds the first's sign-up. A statement that fails on
 * a unique index (the household's or the key's sign-up by another path committed in between) is split: each
 * request is tried alone, and the one that collided takes the general path. Any other failure fails every request
 * of the statement, with its error: none of them was written.
 */
export function signUpTogether(signUp: HotSignUp): Promise<HotOutcome> {
  const key = `${signUp.community}\u0000${signUp.orderId}\u0000${signUp.productId}\u0000${signUp.version}`;
  let lane = lanes.get(key);
  if (!lane) {
    lane = { queue: [], running: false };
    lanes.set(key, lane);
  }
  const waiting = new Promise<HotOutcome>((resolve, reject) => lane.queue.push({ signUp, resolve, reject }));
  if (!lane.running) void drain(key, lane);
  return waiting;
}

async function drain(key: string, lane: Lane): Promise<void> {
  lane.running = true;
  try {
    while (lane.queue.length > 0) {
      const batch: Waiting[] = [];
      const later: Waiting[] = [];
      const seen = new Set<string>();
      for (const waiting of lane.queue.splice(0)) {
        const { householdId, record } = waiting.signUp;
        const keys = [`h:${householdId}`, ...(record ? [`k:${record.subject}\u0000${record.key}`] : [])];
        if (batch.length >= MAX_SIGN_UPS_PER_STATEMENT) later.push(waiting);
        else if (keys.some((k) => seen.has(k))) {
          // After this statement, by the general path: it will find what the first request wrote.
          later.push(waiting);
          (waiting as Waiting & { general?: true }).general = true;
        } else {
          keys.forEach((k) => seen.add(k));
          batch.push(waiting);
        }
      }
      await write(batch);
      const [general, next] = partition(later, (w) => (w as Waiting & { general?: true }).general === true);
      for (const waiting of general) waiting.resolve({ kind: 'general' });
      lane.queue.unshift(...next);
    }
  } finally {
    lane.running = false;
    if (lane.queue.length === 0) lanes.delete(key);
    else void drain(key, lane);
  }
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

/** Writes `batch` in one statement and answers each request; see `signUpTogether`. */
async function write(batch: Waiting[]): Promise<void> {
  if (batch.length === 0) return;
  let rows: { ord: number; held: number; left_before: number | null; sign_up: Record<string, unknown> | null }[];
  try {
    rows = await executePrepared(batch[0]!.signUp.em, 'lilong_sign_ups_together', SIGN_UPS_SQL.sql, statementParams(batch.map((w) => w.signUp)));
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException || (error as { code?: string }).code === '23505') {
      if (batch.length === 1) batch[0]!.resolve({ kind: 'general' });
      else for (const waiting of batch) await write([waiting]);
      return;
    }
    for (const waiting of batch) waiting.reject(error);
    return;
  }
  const byOrd = new Map(rows.map((row) => [Number(row.ord), row]));
  batch.forEach((waiting, i) => {
    const row = byOrd.get(i + 1);
    if (!row || row.held === 0) waiting.resolve({ kind: 'general' });
    else if (row.sign_up) waiting.resolve({ kind: 'signed-up', row: row.sign_up });
    else waiting.resolve({ kind: 'insufficient', available: Math.max(0, Number(row.left_before ?? 0)) });
  });
}

/** The one statement: its SQL is the same for any number of requests (a prepared statement), their rows are JSON. */
const SIGN_UPS_SQL = (() => {
  const reservation = batchReservationCtes('held');
  return {
    sql: `with recursive requests as (
         select * from jsonb_to_recordset(?::jsonb) as r(
           ord bigint, units int, household text, building text, address text, actor text, at timestamptz, reason text,
           rec_subject text, rec_key text, rec_operation text, rec_hash text, order_subjects jsonb, product_subjects jsonb, sign_ups_data jsonb)),
       held as (select id from group_order where id = ? and xmin = ?::xid for share),
       ${reservation.sql},
       added as (
         insert into sign_up (order_id, household_id, building, address, signed_up_by, created_at, updated_at)
         select ?, s.household, s.building, s.address, s.actor, s.at, s.at from steps s order by s.step returning *),
       line as (
         insert into sign_up_line (sign_up_id, product_id, quantity, reserved)
         select a.id, ?, s.units, s.units from added a join steps s on s.household = a.household_id),
       record as (
         insert into idempotency_record (subject, key, operation, request_hash, result_ids, result_rows, created_at)
         select s.rec_subject, s.rec_key, s.rec_operation, s.rec_hash, array[a.id], jsonb_build_array(to_jsonb(a)), now()
         from added a join steps s on s.household = a.household_id where s.rec_key is not null),
       told as (
         ${stockStepsEventsSql(StockChangeKind.RESERVE, 's.product_subjects')}
         union all
         select s.step, 3, 'SIGN_UPS_CHANGED', s.order_subjects, s.sign_ups_data from steps s),
       events as (select row_number() over (order by e.step, e.sub) as ord, e.type, e.subjects, e.data from told e),
       ${OUTBOX_WRITE_CTES}
       select r.ord, (select count(*) from held)::int as held, a.left_before,
              (select to_jsonb(x) from added x where x.household_id = r.household) as sign_up, ${OUTBOX_NOTIFY}
       from requests r left join allotted a on a.ord = r.ord`,
    /** In the order of the placeholders: the requests, the order and its version, the reservation's, the order, the product. */
    params: (requests: string, s: HotSignUp) => [requests, s.orderId, s.version, ...reservation.params(s.productId), s.orderId, s.productId],
  };
})();

function statementParams(batch: HotSignUp[]): unknown[] {
  const first = batch[0]!;
  const requests = batch.map((s, i) => ({
    ord: i + 1,
    units: s.units,
    household: s.householdId,
    building: s.building,
    address: s.address,
    actor: s.actor,
    at: s.at.toISOString(),
    reason: normalReason(s.reason),
    rec_subject: s.record?.subject ?? null,
    rec_key: s.record?.key ?? null,
    rec_operation: s.record?.operation ?? null,
    rec_hash: s.record?.requestHash ?? null,
    order_subjects: s.orderSubjects,
    product_subjects: s.productSubjects,
    sign_ups_data: s.signUpsData,
  }));
  return SIGN_UPS_SQL.params(JSON.stringify(requests), first);
}
