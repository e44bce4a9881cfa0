import { Migration } from '@mikro-orm/migrations';

export class Migration20261202091128_info extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "info"."digest_status" as enum ('DRAFT', 'PUBLISHED');`);
    this.addSql(`create type "info"."question_status" as enum ('OPEN', 'ANSWERED', 'CLOSED', 'MERGED');`);
    this.addSql(`create table "info"."digest" ("id" serial primary key, "status" "info"."digest_status" not null default 'DRAFT', "title" text not null, "body" text not null, "items" jsonb not null, "edited" boolean not null default false, "period_from" timestamptz not null, "period_to" timestamptz not null, "published_at" timestamptz null, "published_by" text null, "actor" text null, "payload" jsonb null, "kid" text null, "signature" text null);`);
    this.addSql(`create index "digest_status_published_at_index" on "info"."digest" ("status", "published_at");`);

    this.addSql(`create table "info"."digest_setting" ("id" int not null, "interval_minutes" int not null default 60, constraint "digest_setting_pkey" primary key ("id"));`);
    // The community's one settings row: its lock serialises making digest drafts (digest.service.ts, writeDraft).
    this.addSql(`insert into "info"."digest_setting" ("id", "interval_minutes") values (1, 60);`);

    this.addSql(`create table "info"."question" ("id" serial primary key, "household_id" text not null, "compound_id" text not null, "compound_name" text not null, "building" text not null, "address" text not null, "text" text not null, "asked_by" text not null, "asked_at" timestamptz not null, "status" "info"."question_status" not null default 'OPEN', "answer" text null, "answered_at" timestamptz null, "answered_by" text null, "answer_actor" text null, "closed_at" timestamptz null, "close_reason" text null, "merged_into_id" int null);`);
    this.addSql(`create index "question_household_id_index" on "info"."question" ("household_id");`);
    this.addSql(`create index "question_merged_into_id_index" on "info"."question" ("merged_into_id");`);
    this.addSql(`create index "question_status_answered_at_index" on "info"."question" ("status", "answered_at");`);
    this.addSql(`create index "question_status_asked_at_index" on "info"."question" ("status", "asked_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "info"."digest" cascade;`);

    this.addSql(`drop table if exists "info"."digest_setting" cascade;`);

    this.addSql(`drop table if exists "info"."question" cascade;`);

    this.addSql(`drop type "info"."digest_status";`);
    this.addSql(`drop type "info"."question_status";`);
  }

}
