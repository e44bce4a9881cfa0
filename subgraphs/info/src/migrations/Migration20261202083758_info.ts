import { Migration } from '@mikro-orm/migrations';

export class Migration20261202083758_info extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "info";`);
    this.addSql(`create type "info"."notice_category" as enum ('TESTING', 'SUPPLIES', 'MOVEMENT', 'MEDICAL', 'OTHER');`);
    this.addSql(`create table "info"."idempotency_record" ("key" text not null, "subject" text not null, "operation" text not null, "request_hash" text not null, "result_ids" integer[] null, "result_rows" jsonb null, "answer" jsonb null, "answer_shape" text null, "created_at" timestamptz not null default now(), constraint "idempotency_record_pkey" primary key ("key"));`);

    this.addSql(`create table "info"."notice" ("id" serial primary key, "title" text not null, "body" text not null, "category" "info"."notice_category" not null, "valid_from" timestamptz not null, "valid_until" timestamptz null, "supersedes_id" int null, "published_at" timestamptz not null, "published_by" text not null, "actor" text not null, "payload" jsonb not null, "kid" text not null, "signature" text not null);`);
    this.addSql(`alter table "info"."notice" add constraint "notice_supersedes_id_unique" unique ("supersedes_id");`);
    this.addSql(`create index "notice_published_at_index" on "info"."notice" ("published_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "info"."idempotency_record" cascade;`);

    this.addSql(`drop table if exists "info"."notice" cascade;`);

    this.addSql(`drop type "info"."notice_category";`);
    this.addSql(`drop schema if exists "info";`);
  }

}
