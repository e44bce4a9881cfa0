import type { MigrationObject } from '@mikro-orm/core';

/**
 * Committed migrations of the `webhooks` schema, oldest first. Add one with `npm run migration -- webhooks`.
 * Each class is required only when the migrator runs it: a node whose database is up to date loads none of them,
 * nor `@mikro-orm/migrations` (see migrateDomain). Written by `writeMigrationIndex` (ops/src/migrations.ts).
 */
export const migrations: MigrationObject[] = [
  {
    name: 'Migration20261202145651_webhooks',
    get class() {
      return (require('./Migration20261202145651_webhooks') as typeof import('./Migration20261202145651_webhooks')).Migration20261202145651_webhooks;
    },
  },
];
