import { createHash } from 'node:crypto';
import { ArrayType, Entity, PrimaryKey, Property, type EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { lilongError } from '@lilong/schema';
import type { Claims } from './auth/claims';
import type { LocalEntity } from './loaders';
import { badInput } from './validate';

/**
 * One row per (caller, idempotency key): the mutation it was used for, a hash of its input, and the records it
 * produced. Written in the same transaction as the mutation's effect, so a replay finds it exactly when the first
 * attempt took effect — even if that attempt's answer never reached the caller.
 */
@Entity({ tableName: 'idempotency_record' })
export class IdempotencyRecord {
  @PrimaryKey({ type: 'text' })
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

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** The description of every mutation input's `idempotencyKey` field, so that the schema says it one way. */
export const IDEMPOTENCY_KEY_DESCRIPTION = 'Makes a retry safe: the same key returns the first answer and changes nothing.';

const KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

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

/** How one kind of answer (a record, or a list of records) is stored as IDs and read back on a replay. */
interface AnswerShape<R> {
  idsOf(result: R): number[];
  replay(em: EntityManager, ids: number[], key: string): Promise<R>;
}

/**
 * Runs `work` in one transaction, at most once per (caller, key): a replay with the same key and the same input
 * returns the record the first run produced (as it stands now) and changes nothing; the same key with another
 * input is a CONFLICT. Without a key, `work` simply runs in a transaction. A run that fails leaves no record, so
 * it may be retried with the same key.
 *
 * `work` must do all its reads and writes through the EntityManager it is given: that is the transaction the
 * idempotency record is written in. A key is 8-128 letters, digits or `._:-`; anything else is BAD_USER_INPUT
 * naming `input.idempotencyKey`. A replay runs none of `work`, so checks made inside it (such as who may act)
 * are not made again: the key belongs to the caller who made the first request.
 */
export function idempotent<T extends LocalEntity>(
  em: EntityManager,
  claims: Claims,
  key: string | null | undefined,
  operation: string,
  input: unknown,
  entity: EntityClass<T>,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  return once(em, claims, key, operation, input, work, {
    idsOf: (result) => [result.localId],
    replay: async (tem, ids, k) => {
      if (ids.length !== 1) throw leftNoRecord(k);
      const record = await tem.findOne(entity, { localId: ids[0] } as never, { refresh: true });
      if (!record) throw leftNoRecord(k);
      return record;
    },
  });
}

/**
 * `idempotent` for a mutation that returns a list of records of one entity: a replay returns the same records,
 * as they stand now, in the order the first run returned them (an empty list stays empty).
 */
export function idempotentList<T extends LocalEntity>(
  em: EntityManager,
  claims: Claims,
  key: string | null | undefined,
  operation: string,
  input: unknown,
  entity: EntityClass<T>,
  work: (em: EntityManager) => Promise<T[]>,
): Promise<T[]> {
  return once(em, claims, key, operation, input, work, {
    idsOf: (results) => results.map((r) => r.localId),
    replay: async (tem, ids, k) => {
      if (ids.length === 0) return [];
      const rows = await tem.find(entity, { localId: { $in: [...new Set(ids)] } } as never, { refresh: true });
      const byId = new Map(rows.map((row) => [row.localId, row]));
      return ids.map((id) => {
        const row = byId.get(id);
        if (!row) throw leftNoRecord(k);
        return row;
      });
    },
  });
}

async function once<R>(
  em: EntityManager,
  claims: Claims,
  key: string | null | undefined,
  operation: string,
  input: unknown,
  work: (em: EntityManager) => Promise<R>,
  shape: AnswerShape<R>,
): Promise<R> {
  if (key === null || key === undefined) return em.transactional((tem) => work(tem as EntityManager));
  if (!KEY_PATTERN.test(key)) {
    throw badInput('input.idempotencyKey', 'must be 8-128 letters, digits or ._:- (a UUID is ideal).', '须为 8-128 位字母、数字或 ._:-（建议每次请求随机生成一个）。');
  }
  const requestHash = createHash('sha256').update(`${operation}\n${canonical(input)}`).digest('hex');
  return em.transactional(async (t) => {
    const tem = t as EntityManager;
    const connection = tem.getConnection();
    // A concurrent first run holds this key's row until it commits; this insert waits for it.
    const inserted: unknown[] = await connection.execute(
      'insert into idempotency_record (subject, key, operation, request_hash, created_at) values (?, ?, ?, ?, now()) on conflict (subject, key) do nothing returning key',
      [claims.sub, key, operation, requestHash],
      'all',
      tem.getTransactionContext(),
    );
    if (inserted.length === 0) {
      const [previous] = (await connection.execute(
        'select operation, request_hash, result_ids from idempotency_record where subject = ? and key = ?',
        [claims.sub, key],
        'all',
        tem.getTransactionContext(),
      )) as { operation: string; request_hash: string; result_ids: number[] | null }[];
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
      return shape.replay(tem, previous.result_ids.map(Number), key);
    }
    const result = await work(tem);
    await tem.flush();
    // Local IDs are integers, so the array literal needs no escaping.
    await connection.execute(
      'update idempotency_record set result_ids = ?::integer[] where subject = ? and key = ?',
      [`{${shape.idsOf(result).join(',')}}`, claims.sub, key],
      'run',
      tem.getTransactionContext(),
    );
    return result;
  });
}
