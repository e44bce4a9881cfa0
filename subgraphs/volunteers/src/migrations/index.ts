import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129030321_volunteers } from './Migration20261129030321_volunteers';
import { Migration20261129035820_volunteers } from './Migration20261129035820_volunteers';
import { Migration20261201213842_volunteers } from './Migration20261201213842_volunteers';
import { Migration20261202004948_volunteers } from './Migration20261202004948_volunteers';
import { Migration20261202034931_volunteers } from './Migration20261202034931_volunteers';
import { Migration20261202035832_volunteers } from './Migration20261202035832_volunteers';

/** Committed migrations of the `volunteers` schema, oldest first. Add one with `npm run migration -- volunteers`. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261129030321_volunteers', class: Migration20261129030321_volunteers },
  { name: 'Migration20261129035820_volunteers', class: Migration20261129035820_volunteers },
  { name: 'Migration20261201213842_volunteers', class: Migration20261201213842_volunteers },
  { name: 'Migration20261202004948_volunteers', class: Migration20261202004948_volunteers },
  { name: 'Migration20261202034931_volunteers', class: Migration20261202034931_volunteers },
  { name: 'Migration20261202035832_volunteers', class: Migration20261202035832_volunteers },
];
