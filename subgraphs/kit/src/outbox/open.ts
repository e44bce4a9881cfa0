import type { MikroORM } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Logger } from '../log';
import { migrateDomain, openDomainOrm, type DatabaseLimits } from '../orm';
import { OUTBOX_SCHEMA, outboxMigrations } from './outbox';

/**
 * The community database's outbox, connected and migrated: whatever writes to the domains' schemas (the node, the
 * launcher's seed) opens it first, since every domain's transactions write their events there.
 */
export async function openOutbox(options: { databaseUrl: string; limits?: DatabaseLimits; applicationName?: string; log?: Pick<Logger, 'warn'> }): Promise<MikroORM<PostgreSqlDriver>> {
  const orm = await openDomainOrm({ domain: OUTBOX_SCHEMA, databaseUrl: options.databaseUrl, entities: [], migrations: outboxMigrations, poolSize: 2, limits: options.limits, applicationName: options.applicationName, log: options.log });
  try {
    await migrateDomain(orm, OUTBOX_SCHEMA);
    return orm;
  } catch (error) {
    await orm.close();
    throw error;
  }
}
