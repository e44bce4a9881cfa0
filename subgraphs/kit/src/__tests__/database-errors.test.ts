import { DriverException } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { classifyDatabaseError, describeError, redactMessage } from '../database-errors';
import { formatSubgraphError } from '../errors';

/** A pg error as MikroORM hands it on: the SQL with its values inlined before the driver's message. */
function driverError(code: string, message: string, extra: Record<string, unknown> = {}): DriverException {
  const pg = Object.assign(new Error(message), { code, ...extra });
  return new DriverException(pg);
}

describe('what a database failure means', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }), 'UNREACHABLE'],
    ['a server shutting down', driverError('57P01', 'terminating connection due to administrator command'), 'UNREACHABLE'],
    ['a server starting up', driverError('57P03', 'the database system is starting up'), 'UNREACHABLE'],
    ['a connection lost', new Error('Connection terminated unexpectedly'), 'UNREACHABLE'],
    ['no free connection (as MikroORM rewraps it)', new DriverException(Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError', sql: "select 'x'" })), 'POOL_EXHAUSTED'],
  ])('%s: the database is unavailable', (_what, error, reason) => {
    const wrapped = new GraphQLError('wrapped', { originalError: error as Error });
    expect(classifyDatabaseError(wrapped)).toMatchObject({ kind: 'unavailable', reason });
  });

  it('a cancelled statement is a statement timeout; a constraint violation is neither', () => {
    expect(classifyDatabaseError(driverError('57014', 'canceling statement due to statement timeout'))).toEqual({ kind: 'statement-timeout' });
    expect(classifyDatabaseError(driverError('23505', 'duplicate key value violates unique constraint "household_pkey"'))).toBeUndefined();
    expect(classifyDatabaseError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBeUndefined();
  });
});

describe('logging a failure without its data', () => {
  const secret = "insert into \"household\" (\"address\") values ('3-1-201') - duplicate key value violates unique constraint \"household_pkey\"\n - detail: Key (address)=(3-1-201) already exists.";

  it('drops the SQL, the detail and every quoted value', () => {
    expect(redactMessage(secret)).toBe('duplicate key value violates unique constraint "…"');
    expect(redactMessage(`select 'a - b'::int - invalid input syntax for type integer: "a - b"`)).toBe('invalid input syntax for type integer: "…"');
  });

  it('keeps the code and the names PostgreSQL reports, and where it was thrown', () => {
    const described = describeError(new GraphQLError('x', { originalError: driverError('23505', secret, { constraint: 'household_pkey', table: 'household', detail: 'Key (address)=(3-1-201) already exists.' }) }));
    expect(described.fields).toEqual({ code: '23505', constraint: 'household_pkey', table: 'household' });
    expect(described.error).toMatch(/^DriverException: duplicate key value violates unique constraint "…"\n\s+at /);
    expect(JSON.stringify(described)).not.toContain('3-1-201');
  });

  it('an uncoded error becomes INTERNAL_SERVER_ERROR, logged once without values', () => {
    const lines: string[] = [];
    const format = formatSubgraphError({ error: (message, error, fields) => void lines.push(`${message} ${String(error)} ${JSON.stringify(fields)}`), warn: (m) => void lines.push(m) });
    const error = new GraphQLError(secret, { path: ['registerHousehold'], originalError: driverError('23505', secret) });
    const answer = format({ message: secret, path: ['registerHousehold'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
    expect(answer).toEqual({
      message: 'Internal error in the community node; it has been logged.',
      path: ['registerHousehold'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', messageZh: '社区节点内部错误，已记录。' },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('3-1-201');
    expect(lines[0]).not.toContain('insert into');
  });

  it('a database out of reach is answered DATABASE_UNAVAILABLE, never INTERNAL_SERVER_ERROR', () => {
    const warnings: string[] = [];
    const format = formatSubgraphError({ error: () => undefined, warn: (m, f) => void warnings.push(`${m} ${JSON.stringify(f)}`) });
    const error = new GraphQLError('x', { path: ['compounds'], originalError: Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }) });
    const answer = format({ message: 'x', path: ['compounds'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
    expect(answer.extensions).toMatchObject({ code: 'DATABASE_UNAVAILABLE', reason: 'UNREACHABLE', cause: 'ECONNREFUSED', messageZh: '社区节点暂时无法连接其数据库，请稍后重试。' });
    expect(answer.message).not.toContain('10.0.0.5');
    expect(warnings).toEqual(['database unavailable {"reason":"UNREACHABLE","cause":"ECONNREFUSED"}']);
  });
});
