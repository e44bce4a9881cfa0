import type { MigrationObject } from '@mikro-orm/core';

/**
 * Committed migrations of the `volunteers` schema, oldest first. Add one with `npm run migration -- volunteers`.
 * Each class is required only when the migrator runs it: a node whose database is up to date loads none of them,
 * nor `@mikro-orm/migrations` (see migrateDomain). Written by `writeMigrationIndex` (ops/src/migrations.ts).
 */
export const migrations: MigrationObject[] = [
  {
    name: 'Migration20261129030321_volunteers',
    get class() {
      return (require('./Migration20261129030321_volunteers') as typeof import('./Migration20261129030321_volunteers')).Migration20261129030321_volunteers;
    },
  },
  {
    name: 'Migration20261129035820_volunteers',
    get class() {
      return (require('./Migration20261129035820_volunteers') as typeof import('./Migration20261129035820_volunteers')).Migration20261129035820_volunteers;
    },
  },
  {
    name: 'Migration20261201213842_volunteers',
    get class() {
      return (require('./Migration20261201213842_volunteers') as typeof import('./Migration20261201213842_volunteers')).Migration20261201213842_volunteers;
    },
  },
  {
    name: 'Migration20261202004948_volunteers',
    get class() {
      return (require('./Migration20261202004948_volunteers') as typeof import('./Migration20261202004948_volunteers')).Migration20261202004948_volunteers;
    },
  },
  {
    name: 'Migration20261202034931_volunteers',
    get class() {
      return (require('./Migration20261202034931_volunteers') as typeof import('./Migration20261202034931_volunteers')).Migration20261202034931_volunteers;
    },
  },
  {
    name: 'Migration20261202035832_volunteers',
    get class() {
      return (require('./Migration20261202035832_volunteers') as typeof import('./Migration20261202035832_volunteers')).Migration20261202035832_volunteers;
    },
  },
];
