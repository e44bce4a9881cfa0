/**
 * What a failure from PostgreSQL (through MikroORM, knex and pg) means for the request, and how to log one without
 * the data in it. MikroORM and knex put the SQL with its parameters inlined into the message
 * ("insert into ... values ('3-1-201') - duplicate key ...", then " - detail: Key (...)=(...)"), and knex's pool
 * timeout carries `sql` and `bindings`: none of that reaches a log line.
 */
import { lilongError } from '@lilong/schema';
import type { GraphQLError } from 'graphql';

export type DatabaseUnavailableReason = 'UNREACHABLE' | 'POOL_EXHAUSTED';

export type DatabaseTrouble =
  /** The database cannot be reached, refused or dropped the connection, is restarting, or no connection came free in time. */
  | { kind: 'unavailable'; reason: DatabaseUnavailableReason; cause: string }
  /** PostgreSQL cancelled a statement (statement_timeout, or a cancel request). */
  | { kind: 'statement-timeout' };

/** Socket-level failures: the server is down, restarting, or the network is. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** SQLSTATEs of a server that will not serve: shutting down, starting up, crashed, full, or the database gone. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '3D000', '28000', '28P01']);
/** pg's own messages for a connection that died under it, or a connect that timed out. */
const DEAD_CONNECTION = /Connection terminated|connection timeout|timeout expired|not queryable|not currently accepting connections/i;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  originalError?: unknown;
  previous?: unknown;
  cause?: unknown;
}

/** The error and the errors it wraps (GraphQL's `originalError`, MikroORM's `previous`, `cause`), outermost first. */
function chain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let current = error;
  while (current && typeof current === 'object' && out.length < 6) {
    const e = current as ErrorLike;
    out.push(e);
    current = e.originalError ?? e.previous ?? e.cause;
  }
  return out;
}

export function classifyDatabaseError(error: unknown): DatabaseTrouble | undefined {
  for (const e of chain(error)) {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    // MikroORM rewraps knex's KnexTimeoutError as a DriverException: only the message is left to tell.
    if (e.name === 'KnexTimeoutError' || message.startsWith('Knex: Timeout acquiring a connection')) {
      return { kind: 'unavailable', reason: 'POOL_EXHAUSTED', cause: 'acquire-timeout' };
    }
    if (code === '57014') return { kind: 'statement-timeout' };
    if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08')) {
      return { kind: 'unavailable', reason: 'UNREACHABLE', cause: code };
    }
    if (DEAD_CONNECTION.test(message)) return { kind: 'unavailable', reason: 'UNREACHABLE', cause: code || 'connection-lost' };
  }
  return undefined;
}

export function databaseUnavailable(reason: DatabaseUnavailableReason, cause: string): GraphQLError {
  const message =
    reason === 'POOL_EXHAUSTED'
      ? { en: 'The community node has no free database connection right now; try again shortly.', zh: '社区节点暂时没有空闲的数据库连接，请稍后重试。' }
      : { en: 'The community node cannot reach its database right now; try again shortly.', zh: '社区节点暂时无法连接其数据库，请稍后重试。' };
  return lilongError('DATABASE_UNAVAILABLE', message, { reason, cause });
}

/**
 * A message fit for a log line: the SQL before the driver's " - " and the detail and hint after it are dropped,
 * and every quoted literal is masked (pg quotes the values it complains about: `for type integer: "abc"`).
 */
export function redactMessage(message: string): string {
  // Literals first, so that a " - " inside a value is not taken for the separator.
  const text = message
    .replace(/\n - (detail|hint): [\s\S]*$/, '')
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
  const driverPart = text.lastIndexOf(' - ');
  return driverPart >= 0 ? text.slice(driverPart + 3) : text;
}

/** Schema names PostgreSQL reports with an error: never values. */
const IDENTIFYING_FIELDS = ['routine', 'schema', 'table', 'column', 'constraint'] as const;

/** An error as a log line may show it: name, code, redacted message, where it was thrown; never SQL or values. */
export function describeError(error: unknown): { error: string; fields: Record<string, unknown> } {
  const [outer, ...inner] = chain(error);
  const e = inner.find((x) => typeof x.code === 'string') ?? inner[inner.length - 1] ?? outer;
  if (!e || !outer) return { error: String(error), fields: {} };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? redactMessage(e.message) : '';
  const fields: Record<string, unknown> = {};
  if (typeof e.code === 'string') fields.code = e.code;
  for (const key of IDENTIFYING_FIELDS) {
    const value = (e as Record<string, unknown>)[key];
    if (typeof value === 'string' && value) fields[key] = value;
  }
  // The frames, without the first line of the stack, which repeats the message.
  const stack = (e as { stack?: unknown }).stack;
  const frames = typeof stack === 'string' ? stack.split('\n').filter((line) => line.trim().startsWith('at ')).slice(0, 12) : [];
  return { error: [`${name}: ${message}`, ...frames].join('\n'), fields };
}
