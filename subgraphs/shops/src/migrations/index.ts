import type { MigrationObject } from '@mikro-orm/core';

/**
 * Committed migrations of the `shops` schema, oldest first. Add one with `npm run migration -- shops`.
 * Each class is required only when the migrator runs it: a node whose database is up to date loads none of them,
 * nor `@mikro-orm/migrations` (see migrateDomain). Written by `writeMigrationIndex` (ops/src/migrations.ts).
 */
export const migrations: MigrationObject[] = [
  {
    name: 'Migration20261129030319_shops',
    get class() {
      return (require('./Migration20261129030319_shops') as typeof import('./Migration20261129030319_shops')).Migration20261129030319_shops;
    },
  },
  {
    name: 'Migration20261129034158_shops',
    get class() {
      return (require('./Migration20261129034158_shops') as typeof import('./Migration20261129034158_shops')).Migration20261129034158_shops;
    },
  },
  {
    name: 'Migration20261129034744_shops',
    get class() {
      return (require('./Migration20261129034744_shops') as typeof import('./Migration20261129034744_shops')).Migration20261129034744_shops;
    },
  },
  {
    name: 'Migration20261129035837_shops',
    get class() {
      return (require('./Migration20261129035837_shops') as typeof import('./Migration20261129035837_shops')).Migration20261129035837_shops;
    },
  },
  {
    name: 'Migration20261201212547_shops',
    get class() {
      return (require('./Migration20261201212547_shops') as typeof import('./Migration20261201212547_shops')).Migration20261201212547_shops;
    },
  },
  {
    name: 'Migration20261201213833_shops',
    get class() {
      return (require('./Migration20261201213833_shops') as typeof import('./Migration20261201213833_shops')).Migration20261201213833_shops;
    },
  },
  {
    name: 'Migration20261202004946_shops',
    get class() {
      return (require('./Migration20261202004946_shops') as typeof import('./Migration20261202004946_shops')).Migration20261202004946_shops;
    },
  },
  {
    name: 'Migration20261202005111_shops',
    get class() {
      return (require('./Migration20261202005111_shops') as typeof import('./Migration20261202005111_shops')).Migration20261202005111_shops;
    },
  },
  {
    name: 'Migration20261203115532_shops',
    get class() {
      return (require('./Migration20261203115532_shops') as typeof import('./Migration20261203115532_shops')).Migration20261203115532_shops;
    },
  },
];
