import { createHash } from 'node:crypto';
import { Entity, PrimaryKey, Property, type EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { lilongError } from '@lilong/schema';
import type { Claims } from './auth/claims';
import type { LocalEntity } from './loaders';
import { badInput } from './validate';

/**
 * One row per (caller, idempotency key): the mutation it was used for, a hash of its input, and the record it
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

  /** Local ID of the record the mutation returned. */
  @Property({ type: 'integer', nullable: true })
  resultId?: number | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

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

/**
 * Runs `work` in one transaction, at most once per (caller, key): a replay with the same key and the same input
 * returns the record the first run produced (as it stands now) and changes nothing; the same key with another
 * input is a CONFLICT. Without a key, `work` simply runs in a transaction. A run that fails leaves no record, so
 * it may be retried with the same key.
 */
export async function idempotent<T extends LocalEntity>(
  em: EntityManager,
  claims: Claims,
  key: string | null | undefined,
  operation: string,
  input: unknown,
  entity: EntityClass<T>,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  if (key === null || key === undefined) return em.transactional((tem) => work(tem as EntityManager));
  if (!KEY_PATTERN.test(key)) {
    throw badInput('idempotencyKey', 'must be 8-128 letters, digits or ._:- (a UUID is ideal).', '须为 8-128 位字母、数字或 ._:-（建议使用 UUID）。');
  }
  const requestHash = createHash('sha256').update(`${operation}\n${canonical(input)}`).digest('hex');
  return em.transactional(async (tem) => {
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
        'select operation, request_hash, result_id from idempotency_record where subject = ? and key = ?',
        [claims.sub, key],
        'all',
        tem.getTransactionContext(),
      )) as { operation: string; request_hash: string; result_id: number | null }[];
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
      const replay = previous.result_id === null ? null : await tem.findOne(entity, { localId: previous.result_id } as never);
      if (!replay) throw lilongError('CONFLICT', { en: `The request with key "${key}" left no record to return.`, zh: `幂等键 "${key}" 对应的记录已不存在。` });
      return replay;
    }
    const result = await work(tem as EntityManager);
    await tem.flush();
    await connection.execute(
      'update idempotency_record set result_id = ? where subject = ? and key = ?',
      [result.localId, claims.sub, key],
      'run',
      tem.getTransactionContext(),
    );
    return result;
  });
}
