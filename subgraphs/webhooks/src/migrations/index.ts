import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261202145651_webhooks } from './Migration20261202145651_webhooks';

/** Committed migrations of the `webhooks` schema, oldest first. Add one with `npm run migration -- webhooks`. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261202145651_webhooks', class: Migration20261202145651_webhooks },
];
