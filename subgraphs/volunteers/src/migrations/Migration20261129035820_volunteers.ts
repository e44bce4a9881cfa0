import { Migration } from '@mikro-orm/migrations';

export class Migration20261129035820_volunteers extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "volunteers"."idempotency_record" ("subject" text not null, "key" text not null, "operation" text not null, "request_hash" text not null, "result_ids" integer[] null, "created_at" timestamptz not null default now(), constraint "idempotency_record_pkey" primary key ("subject", "key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "volunteers"."idempotency_record" cascade;`);
  }

}
