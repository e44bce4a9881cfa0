import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129030319_shops } from './Migration20261129030319_shops';
import { Migration20261129034158_shops } from './Migration20261129034158_shops';
import { Migration20261129034744_shops } from './Migration20261129034744_shops';
import { Migration20261129035837_shops } from './Migration20261129035837_shops';
import { Migration20261201212547_shops } from './Migration20261201212547_shops';
import { Migration20261201213833_shops } from './Migration20261201213833_shops';
import { Migration20261202004946_shops } from './Migration20261202004946_shops';
import { Migration20261202005111_shops } from './Migration20261202005111_shops';
import { Migration20261203115532_shops } from './Migration20261203115532_shops';

/** Committed migrations of the `shops` schema, oldest first. Add one with `npm run migration -- shops`. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261129030319_shops', class: Migration20261129030319_shops },
  { name: 'Migration20261129034158_shops', class: Migration20261129034158_shops },
  { name: 'Migration20261129034744_shops', class: Migration20261129034744_shops },
  { name: 'Migration20261129035837_shops', class: Migration20261129035837_shops },
  { name: 'Migration20261201212547_shops', class: Migration20261201212547_shops },
  { name: 'Migration20261201213833_shops', class: Migration20261201213833_shops },
  { name: 'Migration20261202004946_shops', class: Migration20261202004946_shops },
  { name: 'Migration20261202005111_shops', class: Migration20261202005111_shops },
  { name: 'Migration20261203115532_shops', class: Migration20261203115532_shops },
];
