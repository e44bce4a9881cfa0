import { Migration } from '@mikro-orm/migrations';

export class Migration20261202035832_volunteers extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "volunteers"."relay_step_kind" as enum ('HOLD', 'RELEASE', 'DONE');`);
    this.addSql(`create type "volunteers"."relay_step_state" as enum ('PENDING', 'APPLIED', 'REFUSED');`);
    this.addSql(`create table "volunteers"."relay_step" ("id" serial primary key, "request_id" int not null, "target" text not null, "kind" "volunteers"."relay_step_kind" not null, "hold_key" text not null, "body" jsonb not null, "state" "volunteers"."relay_step_state" not null default 'PENDING', "outcome" jsonb null, "created_at" timestamptz not null default now(), "settled_at" timestamptz null);`);
    this.addSql(`create index "relay_step_state_request_id_index" on "volunteers"."relay_step" ("state", "request_id");`);

    this.addSql(`alter table "volunteers"."relay_step" add constraint "relay_step_request_id_foreign" foreign key ("request_id") references "volunteers"."care_request" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "volunteers"."care_request" add column "volunteer_name" text null, add column "hold_pending" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "volunteers"."relay_step" cascade;`);

    this.addSql(`alter table "volunteers"."care_request" drop column "volunteer_name", drop column "hold_pending";`);

    this.addSql(`drop type "volunteers"."relay_step_kind";`);
    this.addSql(`drop type "volunteers"."relay_step_state";`);
  }

}
