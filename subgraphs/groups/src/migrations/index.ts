import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129030318_groups } from './Migration20261129030318_groups';
import { Migration20261129035816_groups } from './Migration20261129035816_groups';
import { Migration20261201213838_groups } from './Migration20261201213838_groups';
import { Migration20261202004944_groups } from './Migration20261202004944_groups';
import { Migration20261202073038_groups } from './Migration20261202073038_groups';

/** Committed migrations of the `groups` schema, oldest first. Add one with `npm run migration -- groups`. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261129030318_groups', class: Migration20261129030318_groups },
  { name: 'Migration20261129035816_groups', class: Migration20261129035816_groups },
  { name: 'Migration20261201213838_groups', class: Migration20261201213838_groups },
  { name: 'Migration20261202004944_groups', class: Migration20261202004944_groups },
  { name: 'Migration20261202073038_groups', class: Migration20261202073038_groups },
];
