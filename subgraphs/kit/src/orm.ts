import { DefaultLogger, LoggerNamespace, LoggerOptions, LogContext, MikroORM, type EntityClass, type MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';

export interface DomainOrmOptions {
  /** The PostgreSQL schema holding this domain's tables, e.g. `shops`. */
  domain: string;
  databaseUrl: string;
  entities: EntityClass<unknown>[];
  migrations: MigrationObject[];
  /** Called with every SQL statement the ORM sends (for statement-count checks). */
  onQuery?: (sql: string) => void;
  /** @default 5 */
  poolSize?: number;
  /** Folder new migrations are written to (only for generating them). */
  migrationsPath?: string;
}

class QueryHookLogger extends DefaultLogger {
  constructor(options: LoggerOptions, private readonly onQuery: (sql: string) => void) {
    super(options);
  }

  override log(namespace: LoggerNamespace, message: string, context?: LogContext): void {
    if (namespace === 'query') this.onQuery(context?.query ?? message);
  }
}

/** One MikroORM per domain, over the domain's own PostgreSQL schema; no global EntityManager. */
export async function openDomainOrm(options: DomainOrmOptions): Promise<MikroORM<PostgreSqlDriver>> {
  const { onQuery } = options;
  return MikroORM.init<PostgreSqlDriver>({
    driver: PostgreSqlDriver,
    clientUrl: options.databaseUrl,
    schema: options.domain,
    entities: options.entities,
    extensions: [Migrator],
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
      max: options.poolSize ?? 5,
      // Raw SQL in services names tables without their schema; every connection looks in the domain's schema first.
      afterCreate: (conn: { query(sql: string, done: (err?: Error) => void): void }, done: (err: Error | undefined, conn: unknown) => void) =>
        conn.query(`set search_path to "${options.domain}", public`, (err) => done(err, conn)),
    },
    allowGlobalContext: false,
    debug: onQuery ? ['query'] : false,
    loggerFactory: onQuery ? (loggerOptions) => new QueryHookLogger(loggerOptions, onQuery) : undefined,
    discovery: { warnWhenNoEntities: false },
  });
}

/** Creates the domain's schema if needed and applies every pending committed migration. */
export async function migrateDomain(orm: MikroORM<PostgreSqlDriver>, domain: string): Promise<string[]> {
  await orm.em.fork().getConnection().execute(`create schema if not exists "${domain}"`);
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
