import { createHash } from 'node:crypto';
import { ArrayType, Entity, JsonType, PrimaryKey, Property, type EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { lilongError } from '@lilong/schema';
import type { Claims } from './auth/claims';
import { noteFirstAnswer, noteReplay } from './idempotent-answers';

export { noteFirstAnswer };
import type { LocalEntity } from './loaders';
import { badInput } from './validate';

/**
 * One row per idempotency key, with the caller who used it (issuer#subject): the mutation it was used for, a hash of its input, the records it produced
 * and what they were then. Written in the same transaction as the mutation's effect, so a replay finds it exactly
 * when the first attempt took effect — even if that attempt's answer never reached the caller.
 */
@Entity({ tableName: 'idempotency_record' })
export class IdempotencyRecord {
  /**
   * Who used the key (issuer#subject). A key belongs to the first caller who used it: another caller sending the
   * same key is refused, never answered with the first caller's record.
   */
  @Property({ type: 'text' })
  subject!: string;

  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'text' })
  operation!: string;

  @Property({ type: 'text' })
  requestHash!: string;

  /**
   * Local IDs of the records the mutation returned, in the order it returned them: one for a mutation returning
   * a record, any number for one returning a list. Null only inside the first run's transaction.
   */
  @Property({ type: new ArrayType<number>((i) => Number(i)), columnType: 'integer[]', nullable: true })
  resultIds?: number[] | null;

  /**
   * Those records' rows as the first run committed them (`to_jsonb` of each row, in `resultIds` order): what a replay
   * answers with when the first answer itself was not stored. Null for records written before it was kept.
   */
  @Property({ type: JsonType, nullable: true })
  resultRows?: Record<string, unknown>[] | null;

  /**
   * The node's whole answer to the mutation field, stored just after the first answer was sent (see
   * idempotent-answers.ts), and `answerShape`, a hash of the selection it answered; null until then.
   */
  @Property({ type: JsonType, nullable: true })
  answer?: unknown;

  @Property({ type: 'text', nullable: true })
  answerShape?: string | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** The description of every mutation input's `idempotencyKey` field, so that the schema says it one way. */
export const IDEMPOTENCY_KEY_DESCRIPTION = 'Makes a retry safe: the same key returns the first answer and changes nothing.';

const KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** What `idempotent` needs of the request: its EntityManager and the caller (its subject keys the records). */
export interface IdempotencyContext {
  em: EntityManager;
  claims: Claims;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const leftNoRecord = (key: string) =>
  lilongError('CONFLICT', { en: `The request with key "${key}" left no record to return.`, zh: `幂等键 "${key}" 对应的记录已不存在。` });

/** What a replay finds of the first run. */
interface FirstRun {
  ids: number[];
  /** Null for records written before rows were kept. */
  rows: Record<string, unknown>[] | null;
  /** The node's stored answer and the hash of its selection; null until stored. */
  answer: unknown;
  answerShape: string | null;
}

/** How one kind of answer (a record, or a list of records) is stored as IDs and read back on a replay. */
interface AnswerShape<R> {
  idsOf(result: R): number[];
  fromRecords(records: LocalEntity[], key: string): R;
}

/**
 * Runs `work` in one transaction, at most once per (caller, key). A replay with the same key and the same input
 * changes nothing and answers with the first answer:
 * - with the idempotent-answers plugin in the subgraph server, the node's whole answer to the field, stored just
 *   after it was first sent, when the replay asks for the same selection (the same document and variables);
 * - otherwise the record as the first run committed it: its own columns (onHand, status, ...) as they were then,
 *   kept in the same transaction; fields computed from other records (a list's position, a pool's progress, the
 *   stock history, related entities) show those records as they are now.
 * The same key with another input is a CONFLICT. Without a key, `work` simply runs in a transaction. A run that fails
 * leaves no record, so it may be retried with the same key.
 *
 * `work` must do all its reads and writes through the EntityManager it is given: that is the transaction the
 * idempotency record is written in. A key is 8-128 letters, digits or `._:-`; anything else is BAD_USER_INPUT
 * naming `input.idempotencyKey`. A replay runs none of `work`, so checks made inside it (such as who may act)
 * are not made again: the key belongs to the caller who made the first request (its token's `sub`).
 */
export function idempotent<T extends LocalEntity>(
  ctx: IdempotencyContext,
  key: string | null | undefined,
  operation: string,
  input: unknown,
  entity: EntityClass<T>,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  return once(ctx, key, operation, input, entity, work, {
    idsOf: (result) => [result.localId],
    fromRecords: (records, k) => {
      if (records.length !== 1) throw leftNoRecord(k);
      return records[0] as T;
    },
  });
}

/**
 * `idempotent` for a mutation that returns a list of records of one entity: a replay returns the same records, in
 * the order the first run returned them (an empty list stays empty), as `idempotent` says.
 */
export function idempotentList<T extends LocalEntity>(
  ctx: IdempotencyContext,
  key: string | null | undefined,
  operation: string,
  input: unknown,
  entity: EntityClass<T>,
  work: (em: EntityManager) => Promise<T[]>,
): Promise<T[]> {
  return once(ctx, key, operation, input, entity, work, {
    idsOf: (results) => results.map((r) => r.localId),
    fromRecords: (records) => records as T[],
  });
}

async function once<T extends LocalEntity, R>(
  ctx: IdempotencyContext,
  key: string | null | undefined,
  operation: string,
  input: unknown,
  entity: EntityClass<T>,
  work: (em: EntityManager) => Promise<R>,
  shape: AnswerShape<R>,
): Promise<R> {
  const { em, claims } = ctx;
  if (key === null || key === undefined) return em.transactional((tem) => work(tem as EntityManager));
  const { requestHash } = firstRunRecord(ctx, key, operation, input)!;
  const outcome = await em.transactional(async (t): Promise<{ result: R } | { replay: FirstRun }> => {
    const tem = t as EntityManager;
    const connection = tem.getConnection();
    // A concurrent first run holds this key's row until it commits; this insert waits for it.
    const inserted: unknown[] = await connection.execute(
      'insert into idempotency_record (subject, key, operation, request_hash, created_at) values (?, ?, ?, ?, now()) on conflict (key) do nothing returning key',
      [claims.actor, key, operation, requestHash],
      'all',
      tem.getTransactionContext(),
    );
    if (inserted.length === 0) {
      const [previous] = (await connection.execute(
        'select subject, operation, request_hash, result_ids, result_rows, answer, answer_shape from idempotency_record where key = ?',
        [key],
        'all',
        tem.getTransactionContext(),
      )) as { subject: string; operation: string; request_hash: string; result_ids: number[] | null; result_rows: Record<string, unknown>[] | null; answer: unknown; answer_shape: string | null }[];
      if (previous && previous.subject !== claims.actor) {
        throw lilongError(
          'CONFLICT',
          {
            en: `The idempotency key "${key}" was already used by another caller; use a new key (a random UUID per request).`,
            zh: `幂等键 "${key}" 已被其他调用方使用，请换用新的键（建议每次请求随机生成一个 UUID）。`,
          },
          { idempotencyKey: key, reason: 'KEY_OF_ANOTHER_CALLER' },
        );
      }
      if (!previous || previous.operation !== operation || previous.request_hash !== requestHash) {
        throw lilongError(
          'CONFLICT',
          {
            en: `The idempotency key "${key}" was already used for a different request${previous ? ` (${previous.operation})` : ''}; use a new key for a new request.`,
            zh: `幂等键 "${key}" 已用于另一个请求，新请求请使用新的键。`,
          },
          { idempotencyKey: key },
        );
      }
      if (previous.result_ids === null) throw leftNoRecord(key);
      return { replay: { ids: previous.result_ids.map(Number), rows: previous.result_rows, answer: previous.answer ?? null, answerShape: previous.answer_shape } };
    }
    const result = await work(tem);
    await tem.flush();
    const ids = shape.idsOf(result);
    const rows = await snapshot(tem, entity, ids);
    // Local IDs are integers, so the array literal needs no escaping.
    await connection.execute(
      'update idempotency_record set result_ids = ?::integer[], result_rows = ?::jsonb where subject = ? and key = ?',
      [`{${ids.join(',')}}`, JSON.stringify(rows), claims.actor, key],
      'run',
      tem.getTransactionContext(),
    );
    return { result };
  });
  if ('result' in outcome) {
    noteFirstAnswer(ctx, { subject: claims.actor, key });
    return outcome.result;
  }
  const replayed = shape.fromRecords(await recordsOf(em, entity, outcome.replay, key), key);
  noteReplay(ctx, { subject: claims.actor, key, answer: outcome.replay.answer, answerShape: outcome.replay.answerShape });
  return replayed;
}

/** The idempotency record a first run under `key` writes, before its results: undefined without a key. */
export interface FirstRunRecord {
  subject: string;
  key: string;
  operation: string;
  requestHash: string;
}

/**
 * The record `idempotent` writes for a first run under `key` (the key checked as it checks it), for a mutation that
 * writes the record itself, in the one statement that makes its change (a hot path committing on its own): it
 * inserts the row with `result_ids` and `result_rows` as `idempotent` would (`to_jsonb` of each record's row) by a
 * plain insert, so that a key already used fails the statement with a unique violation and the mutation takes the
 * `idempotent` way instead (which replays, or refuses). After it committed, `noteFirstAnswer` with the record's
 * subject and key lets the answer be stored.
 */
export function firstRunRecord(ctx: IdempotencyContext, key: string | null | undefined, operation: string, input: unknown): FirstRunRecord | undefined {
  if (key === null || key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) {
    throw badInput('input.idempotencyKey', 'must be 8-128 letters, digits or ._:- (a UUID is ideal).', '须为 8-128 位字母、数字或 ._:-（建议每次请求随机生成一个）。');
  }
  return { subject: ctx.claims.actor, key, operation, requestHash: createHash('sha256').update(`${operation}\n${canonical(input)}`).digest('hex') };
}

/** The rows of `ids` as this transaction sees them (its own writes flushed), in the order of `ids`. */
async function snapshot(em: EntityManager, entity: EntityClass<LocalEntity>, ids: number[]): Promise<Record<string, unknown>[]> {
  if (ids.length === 0) return [];
  const meta = em.getMetadata().get(entity.name);
  const idColumn = meta.properties['localId' as never]!.fieldNames[0]!;
  const rows = (await em
    .getConnection()
    .execute(`select t.${idColumn} as id, to_jsonb(t) as row from "${meta.tableName}" t where t.${idColumn} = any(?::integer[])`, [`{${[...new Set(ids)].join(',')}}`], 'all', em.getTransactionContext())) as {
    id: number;
    row: Record<string, unknown>;
  }[];
  const byId = new Map(rows.map((r) => [Number(r.id), r.row]));
  return ids.map((id) => byId.get(id)!);
}

/**
 * The first run's records for a replay: rebuilt from the rows it kept, in an EntityManager of their own, so that the
 * request's other reads still see the database as it is; records written before rows were kept are read as they are.
 */
async function recordsOf<T extends LocalEntity>(em: EntityManager, entity: EntityClass<T>, first: FirstRun, key: string): Promise<T[]> {
  if (first.ids.length === 0) return [];
  if (first.rows) {
    const detached = em.fork({ clear: true });
    return first.rows.map((row) => {
      if (!row) throw leftNoRecord(key);
      return detached.map(entity, row as never) as T;
    });
  }
  const rows = await em.find(entity, { localId: { $in: [...new Set(first.ids)] } } as never, { refresh: true });
  const byId = new Map(rows.map((row) => [row.localId, row]));
  return first.ids.map((id) => {
    const row = byId.get(id);
    if (!row) throw leftNoRecord(key);
    return row;
  });
}
