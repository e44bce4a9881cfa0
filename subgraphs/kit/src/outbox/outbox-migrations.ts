import { Migration } from '@mikro-orm/migrations';
import { OUTBOX_SCHEMA } from './outbox';

/** The outbox's tables: its head (the last sequence number given) and its events. */
export class OutboxMigration20261202 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "${OUTBOX_SCHEMA}"."head" ("id" int primary key check ("id" = 1), "seq" bigint not null);`);
    this.addSql(`insert into "${OUTBOX_SCHEMA}"."head" ("id", "seq") values (1, 0);`);
    this.addSql(
      `create table "${OUTBOX_SCHEMA}"."event" ("seq" bigint primary key, "type" text not null, "subjects" jsonb not null, "data" jsonb not null, "occurred_at" timestamptz not null);`,
    );
    this.addSql(`create index "event_occurred_at_index" on "${OUTBOX_SCHEMA}"."event" ("occurred_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "${OUTBOX_SCHEMA}"."event";`);
    this.addSql(`drop table if exists "${OUTBOX_SCHEMA}"."head";`);
  }
}
