import { Migration } from '@mikro-orm/migrations';

export class Migration20261129034158_shops extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "shops"."stock_change_kind" as enum ('SET', 'ADJUST', 'BATCH', 'CSV_IMPORT', 'RESERVE', 'RELEASE', 'HAND_OVER');`);
    this.addSql(`create table "shops"."stock_change" ("id" serial primary key, "product_id" int not null, "kind" "shops"."stock_change_kind" not null, "actor" text not null, "at" timestamptz not null default now(), "on_hand_before" int not null, "on_hand_after" int not null, "reserved_before" int not null, "reserved_after" int not null, "reason" text null);`);
    this.addSql(`create index "stock_change_product_id_at_id_index" on "shops"."stock_change" ("product_id", "at", "id");`);

    this.addSql(`alter table "shops"."stock_change" add constraint "stock_change_product_id_foreign" foreign key ("product_id") references "shops"."product" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "shops"."product" add column "household_limit" int null, add column "low_stock_threshold" int not null default 0;`);
    this.addSql(`alter table "shops"."product" add constraint product_low_stock_threshold_check check(low_stock_threshold >= 0);`);
    this.addSql(`alter table "shops"."product" add constraint product_household_limit_check check(household_limit is null or household_limit >= 1);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "shops"."stock_change" cascade;`);

    this.addSql(`alter table "shops"."product" drop constraint product_low_stock_threshold_check;`);
    this.addSql(`alter table "shops"."product" drop constraint product_household_limit_check;`);
    this.addSql(`alter table "shops"."product" drop column "household_limit", drop column "low_stock_threshold";`);

    this.addSql(`drop type "shops"."stock_change_kind";`);
  }

}
