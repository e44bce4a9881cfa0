import type { MigrationObject } from '@mikro-orm/core';

/**
 * Committed migrations of the `groups` schema, oldest first. Add one with `npm run migration -- groups`.
 * Each class is required only when the migrator runs it: a node whose database is up to date loads none of them,
 * nor `@mikro-orm/migrations` (see migrateDomain). Written by `writeMigrationIndex` (ops/src/migrations.ts).
 */
export const migrations: MigrationObject[] = [
  {
    name: 'Migration20261129030318_groups',
    get class() {
      return (require('./Migration20261129030318_groups') as typeof import('./Migration20261129030318_groups')).Migration20261129030318_groups;
    },
  },
  {
    name: 'Migration20261129035816_groups',
    get class() {
      return (require('./Migration20261129035816_groups') as typeof import('./Migration20261129035816_groups')).Migration20261129035816_groups;
    },
  },
  {
    name: 'Migration20261201213838_groups',
    get class() {
      return (require('./Migration20261201213838_groups') as typeof import('./Migration20261201213838_groups')).Migration20261201213838_groups;
    },
  },
  {
    name: 'Migration20261202004944_groups',
    get class() {
      return (require('./Migration20261202004944_groups') as typeof import('./Migration20261202004944_groups')).Migration20261202004944_groups;
    },
  },
  {
    name: 'Migration20261202073038_groups',
    get class() {
      return (require('./Migration20261202073038_groups') as typeof import('./Migration20261202073038_groups')).Migration20261202073038_groups;
    },
  },
];
