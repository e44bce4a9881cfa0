import { Migration } from '@mikro-orm/migrations';

export class Migration20261202005111_shops extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "shops"."helper_action_kind" as enum ('SIGNED_UP', 'CHANGED', 'WITHDREW');`);
    this.addSql(`create table "shops"."helper_action" ("id" serial primary key, "delegation_id" text not null, "household_id" text not null, "address" text not null, "order_id" int not null, "kind" "shops"."helper_action_kind" not null, "by" text not null, "at" timestamptz not null default now());`);
    this.addSql(`create index "helper_action_household" on "shops"."helper_action" ("household_id");`);
    this.addSql(`create index "helper_action_delegation" on "shops"."helper_action" ("delegation_id");`);

    this.addSql(`alter table "shops"."helper_action" add constraint "helper_action_order_id_foreign" foreign key ("order_id") references "shops"."group_order" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "shops"."helper_action" cascade;`);

    this.addSql(`drop type "shops"."helper_action_kind";`);
  }

}
