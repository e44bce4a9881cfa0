import { Migration } from '@mikro-orm/migrations';

export class Migration20261129035816_groups extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "groups"."idempotency_record" ("subject" text not null, "key" text not null, "operation" text not null, "request_hash" text not null, "result_ids" integer[] null, "created_at" timestamptz not null default now(), constraint "idempotency_record_pkey" primary key ("subject", "key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "groups"."idempotency_record" cascade;`);
  }

}
