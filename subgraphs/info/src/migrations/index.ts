import type { MigrationObject } from '@mikro-orm/core';

/**
 * Committed migrations of the `info` schema, oldest first. Add one with `npm run migration -- info`.
 * Each class is required only when the migrator runs it: a node whose database is up to date loads none of them,
 * nor `@mikro-orm/migrations` (see migrateDomain). Written by `writeMigrationIndex` (ops/src/migrations.ts).
 */
export const migrations: MigrationObject[] = [
  {
    name: 'Migration20261202083758_info',
    get class() {
      return (require('./Migration20261202083758_info') as typeof import('./Migration20261202083758_info')).Migration20261202083758_info;
    },
  },
  {
    name: 'Migration20261202091128_info',
    get class() {
      return (require('./Migration20261202091128_info') as typeof import('./Migration20261202091128_info')).Migration20261202091128_info;
    },
  },
];
