import { Migration } from '@mikro-orm/migrations';

export class Migration20261202073038_groups extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "groups"."compound_survey" ("id" serial primary key, "kind" "groups"."compound_kind" not null, "found" int not null, "note" text null, "surveyed_by" text not null, "surveyed_at" timestamptz not null default now());`);
    this.addSql(`create index "compound_survey_kind_surveyed_at_index" on "groups"."compound_survey" ("kind", "surveyed_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "groups"."compound_survey" cascade;`);
  }

}
