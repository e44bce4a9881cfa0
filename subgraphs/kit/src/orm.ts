import {
  DefaultLogger,
  LoggerNamespace,
  LoggerOptions,
  LogContext,
  MikroORM,
  type EntityClass,
  type EventSubscriber,
  type MigrationObject,
  type TransactionEventArgs,
} from '@mikro-orm/core';
import type { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver, type EntityManager } from '@mikro-orm/postgresql';
import { currentBudget } from './budget';
import { redactMessage } from './database-errors';
import type { Logger } from './log';
import { NO_TRACING, SpanKind, SpanStatusCode, statementWithoutLiterals, type Tracing } from './observability/tracing';
import { OutboxWriter } from './outbox/outbox';

/**
 * How long the database may keep a request waiting. PostgreSQL enforces the statement timeouts itself, so a
 * statement is cancelled even while the node's event loop is busy; a cancelled statement aborts its transaction,
 * which then rolls back as a whole.
 */
export interface DatabaseLimits {
  /**
   * `statement_timeout` of every connection, in ms: any statement of a query, and any statement outside a
   * transaction. A query's whole budget at the node is about this long (3000 ms). @default 3000
   */
  statementTimeoutMs: number;
  /**
   * `statement_timeout` inside the transactions of mutations and of background work, in ms: writes wait for row
   * locks on hot rows (a popular product during sign-ups), within the hub's 15 s mutation timeout. @default 15000
   */
  writeStatementTimeoutMs: number;
  /**
   * Longest wait for a free connection from the pool, in ms. Past it the request fails with DATABASE_UNAVAILABLE
   * (POOL_EXHAUSTED) instead of queueing for a minute (knex's default). A burst of sign-ups on one hot product
   * queues through the pool: each waits its turn, so this is as long as the hub waits for a mutation (15 s), not a
   * fraction of it (300 sign-ups at once took 7 s on the test machine with everything in one process, and twice
   * that on a busy one). A query waits as long, but the hub gives up on it after 2.5 s and the node stops it as soon
   * as it gets a connection, before it sends any SQL. A database that refuses connections fails at once, however
   * long this is. @default 15000
   */
  acquireTimeoutMs: number;
  /** Longest wait for a new connection to open (a database host that does not answer), in ms. @default 5000 */
  connectTimeoutMs: number;
  /** PostgreSQL ends a session left idle inside a transaction this long, so nothing holds locks forever, in ms. @default 60000 */
  idleInTransactionTimeoutMs: number;
}

export const DEFAULT_DATABASE_LIMITS: DatabaseLimits = {
  statementTimeoutMs: 3000,
  writeStatementTimeoutMs: 15_000,
  acquireTimeoutMs: 15_000,
  connectTimeoutMs: 5000,
  idleInTransactionTimeoutMs: 60_000,
};

export interface DomainOrmOptions {
  /** The PostgreSQL schema holding this domain's tables, e.g. `shops`. */
  domain: string;
  databaseUrl: string;
  entities: EntityClass<unknown>[];
  migrations: MigrationObject[];
  /** Called with every SQL statement the ORM sends (for statement-count checks). */
  onQuery?: (sql: string) => void;
  /** @default 5; never fewer than 2, as migrations need a second connection while they hold one. */
  poolSize?: number;
  /** Folder new migrations are written to (only for generating them). */
  migrationsPath?: string;
  /** @default DEFAULT_DATABASE_LIMITS */
  limits?: DatabaseLimits;
  /** Shown in `pg_stat_activity`. @default `lilong:<domain>` */
  applicationName?: string;
  /** Where the driver's own warnings go (a connection lost, ...). @default the console, as knex does */
  log?: Pick<Logger, 'warn'>;
  /** A span per SQL statement, under whatever span is active when it is sent. @default NO_TRACING */
  tracing?: Tracing;
}

/**
 * MikroORM reports every statement it sent, once it is answered, with how long it `took`: the statement-count hook
 * hears it (when asked), and with tracing on it becomes a finished client span (started `took` ms ago) under the
 * span active where the statement was sent. The statement is MikroORM's with placeholders, never its values.
 */
class QueryHookLogger extends DefaultLogger {
  constructor(
    options: LoggerOptions,
    private readonly onQuery: ((sql: string) => void) | undefined,
    private readonly tracing: Tracing,
    private readonly domain: string,
  ) {
    super(options);
  }

  override log(namespace: LoggerNamespace, message: string, context?: LogContext): void {
    if (namespace === 'query') this.onQuery?.(context?.query ?? message);
  }

  override logQuery(context: LogContext & { query: string; took?: number; level?: string }): void {
    if (this.tracing.enabled) this.span(context);
    if (this.onQuery && this.isEnabled('query', context)) this.onQuery(context.query);
  }

  private span(context: { query: string; took?: number; level?: string }): void {
    const end = Date.now();
    const operation = /^\s*(\w+)/.exec(context.query)?.[1]?.toUpperCase() ?? 'SQL';
    const span = this.tracing.tracer.startSpan(`${operation} ${this.domain}`, {
      kind: SpanKind.CLIENT,
      startTime: end - (context.took ?? 0),
      attributes: {
        'db.system': 'postgresql',
        'db.operation': operation,
        'db.namespace': this.domain,
        'db.statement': statementWithoutLiterals(context.query),
      },
    });
    if (context.level === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: 'statement failed' });
    span.end(end);
  }
}

/**
 * Gives writes their longer statement timeout, and holds transactions to the request's budget: one that started
 * for a request past its budget, or abandoned by its caller, rolls back instead of committing.
 */
class TransactionLimits implements EventSubscriber {
  constructor(private readonly writeStatementTimeoutMs: number) {}

  async afterTransactionStart(args: TransactionEventArgs): Promise<void> {
    if (currentBudget()?.isMutation === false) return;
    try {
      // Through knex, not the EntityManager: this must not meet the budget check (a throw here, before MikroORM
      // holds the transaction, would leak its connection). `set local` ends with the transaction.
      await (args.transaction as { raw(sql: string): PromiseLike<unknown> }).raw(`set local statement_timeout = ${this.writeStatementTimeoutMs}`);
    } catch {
      // The transaction is now aborted: its next statement fails and MikroORM rolls it back.
    }
  }

  async beforeTransactionCommit(): Promise<void> {
    currentBudget()?.check();
  }
}

/** knex's logger, into ours: it writes a line per lost connection, which a database restart multiplies. */
function driverLog(log: Pick<Logger, 'warn'>) {
  const warn = (message: unknown) => log.warn('database driver', { detail: redactMessage(String(message)) });
  return { warn, error: warn, deprecate: () => undefined, debug: () => undefined };
}

/** The first key of the advisory lock migrations take (the second is the domain's hash): "LLMG". */
export const MIGRATION_LOCK_CLASS = 0x4c4c4d47;

/** One MikroORM per domain, over the domain's own PostgreSQL schema; no global EntityManager. */
export async function openDomainOrm(options: DomainOrmOptions): Promise<MikroORM<PostgreSqlDriver>> {
  const { onQuery } = options;
  const tracing = options.tracing ?? NO_TRACING;
  const limits = options.limits ?? DEFAULT_DATABASE_LIMITS;
  return MikroORM.init<PostgreSqlDriver>({
    driver: PostgreSqlDriver,
    clientUrl: options.databaseUrl,
    schema: options.domain,
    entities: options.entities,
    // No `extensions: [Migrator]`: the migrator is loaded only when needed (migratorOf below).
    migrations: {
      ...(options.migrationsPath
        ? { path: options.migrationsPath, pathTs: options.migrationsPath, emit: 'ts' as const }
        : { migrationsList: options.migrations }),
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: {
      min: 0,
      max: Math.max(2, options.poolSize ?? 5),
      acquireTimeoutMillis: limits.acquireTimeoutMs,
      // Connections left idle go back to PostgreSQL soon: a node has five domain pools, and a burst fills each.
      idleTimeoutMillis: 10_000,
      // Raw SQL in services names tables without their schema; every connection looks in the domain's schema first.
      afterCreate: (conn: { query(sql: string, done: (err?: Error) => void): void }, done: (err: Error | undefined, conn: unknown) => void) =>
        conn.query(`set search_path to "${options.domain}", public`, (err) => done(err, conn)),
    },
    driverOptions: {
      ...(options.log ? { log: driverLog(options.log) } : {}),
      // Sent by pg when the connection opens: no extra round trip, and no connection ever runs without them.
      connection: {
        statement_timeout: limits.statementTimeoutMs,
        idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
        connectionTimeoutMillis: limits.connectTimeoutMs,
        application_name: options.applicationName ?? `lilong:${options.domain}`,
      },
    },
    // The outbox's events are written last, just before the commit (outbox/outbox.ts).
    subscribers: [new TransactionLimits(limits.writeStatementTimeoutMs), new OutboxWriter()],
    // Every statement of a request goes through here first: a request over its budget sends no more SQL.
    onQuery: (sql) => {
      currentBudget()?.check();
      return sql;
    },
    allowGlobalContext: false,
    debug: onQuery ? ['query'] : false,
    loggerFactory: onQuery || tracing.enabled ? (loggerOptions) => new QueryHookLogger(loggerOptions, onQuery, tracing, options.domain) : undefined,
    discovery: { warnWhenNoEntities: false },
  });
}

/**
 * Creates the domain's schema if needed and applies every pending committed migration, all in one transaction
 * without a statement timeout: a migration may rewrite a big table, and a node that cannot migrate cannot start.
 * The transaction first takes a PostgreSQL advisory lock of the domain's own, so replicas of a node that start
 * together migrate one after the other: the second finds nothing left to apply.
 */
export async function migrateDomain(orm: MikroORM<PostgreSqlDriver>, domain: string): Promise<string[]> {
  // The usual start: nothing to apply, known without the lock, a transaction or the migrator.
  if (await upToDate(orm, domain)) return [];
  // Outside the transaction: the migrator creates its table on a connection of its own, which must see the schema.
  try {
    await orm.em.fork().getConnection().execute(`create schema if not exists "${domain}"`);
  } catch (error) {
    // Two replicas creating it at the same instant: one of them is told it exists twice over (pg_namespace's key).
    if ((error as { code?: string }).code !== '23505') throw error;
  }
  return orm.em.fork().transactional(async (em) => {
    const transaction = em.getTransactionContext();
    const run = (sql: string, params: unknown[] = []) => em.getConnection().execute(sql, params, 'run', transaction);
    await run('set local statement_timeout = 0');
    // Held until this transaction ends; keyed by database (the lock's scope) and domain.
    await run('select pg_advisory_xact_lock(?, hashtext(?))', [MIGRATION_LOCK_CLASS, domain]);
    const applied = await migratorOf(orm).up({ transaction });
    return applied.map((m) => m.name);
  });
}

/**
 * The domain's migrator. `@mikro-orm/migrations` is required here, not at the top: it brings umzug and umzug's
 * command line (about a quarter of a second of a node's start-up), which a node whose database is up to date never
 * needs (see migrateDomain).
 */
export function migratorOf(orm: MikroORM<PostgreSqlDriver>): Migrator {
  const { Migrator: MigratorClass } = require('@mikro-orm/migrations') as typeof import('@mikro-orm/migrations');
  return new MigratorClass(orm.em);
}

/**
 * Whether every committed migration of the domain is recorded as applied, read straight from the migrator's table
 * (names without their extension, as the migrator records them). Only a shortcut: "no" (or an unreadable table)
 * sends the caller to the migrator, which decides under the lock.
 */
async function upToDate(orm: MikroORM<PostgreSqlDriver>, domain: string): Promise<boolean> {
  const listed = orm.config.get('migrations').migrationsList;
  if (!listed) return false;
  try {
    const table = `"${domain}".mikro_orm_migrations`;
    const [exists] = await orm.em.fork().getConnection().execute<{ present: boolean }[]>('select to_regclass(?) is not null as present', [table]);
    if (!exists?.present) return false;
    const rows = await orm.em.fork().getConnection().execute<{ name: string }[]>(`select name from ${table}`);
    const applied = new Set(rows.map((r) => r.name));
    return listed.every((m) => applied.has(m.name.replace(/\.(js|ts)$/, '')));
  } catch {
    return false;
  }
}

/**
 * Runs one statement as a PostgreSQL prepared statement named `name`: parsed once per connection, and planned once
 * PostgreSQL finds its generic plan as good, where `execute` sends every statement as new text with its values
 * inlined (parsed and planned each time). For a hot statement of a fixed text; `?` placeholders as `execute`'s.
 * It goes through the ORM's own checks as `execute` does (the request's budget, the statement hook, tracing), on the
 * transaction of `em` if it has one, else in a statement of its own (which commits by itself).
 */
export async function executePrepared<T>(em: EntityManager, name: string, sql: string, params: unknown[]): Promise<T[]> {
  const connection = em.getConnection();
  const checked = em.config.get('onQuery')(sql, params);
  const query = connection.getKnex().raw(checked, params as never).options({ name });
  const tx = em.getTransactionContext();
  if (tx) query.transacting(tx);
  const started = Date.now();
  // What MikroORM's own statements tell its logger (ours: the statement hook and the statement's span).
  const log = (level: 'info' | 'error') => em.config.getLogger().logQuery({ query: checked, params, took: Date.now() - started, level });
  try {
    const rows = ((await query) as { rows: T[] }).rows;
    log('info');
    return rows;
  } catch (error) {
    log('error');
    throw error;
  }
}
