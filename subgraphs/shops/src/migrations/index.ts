import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129030319_shops } from './Migration20261129030319_shops';

/** Committed migrations of the `shops` schema, oldest first. Add one with `npm run migration -- shops`. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261129030319_shops', class: Migration20261129030319_shops },
];
