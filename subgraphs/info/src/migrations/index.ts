import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261202083758_info } from './Migration20261202083758_info';
import { Migration20261202091128_info } from './Migration20261202091128_info';

/** Committed migrations of the `info` schema, oldest first. Add one with `npm run migration -- info`. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261202083758_info', class: Migration20261202083758_info },
  { name: 'Migration20261202091128_info', class: Migration20261202091128_info },
];
