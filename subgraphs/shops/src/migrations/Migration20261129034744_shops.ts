import { Migration } from '@mikro-orm/migrations';

export class Migration20261129034744_shops extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "shops"."pool_status" as enum ('OPEN', 'FORMED', 'FAILED');`);
    this.addSql(`create type "shops"."minimum_kind" as enum ('HOUSEHOLDS', 'QUANTITY');`);
    this.addSql(`create type "shops"."hand_out" as enum ('PICKUP_AT_SHOP', 'DELIVERY_TO_GATE');`);
    this.addSql(`create type "shops"."group_order_status" as enum ('OPEN', 'POOLED', 'FORMED', 'FAILED', 'CONFIRMED', 'HANDED_OVER');`);
    this.addSql(`create table "shops"."idempotency_record" ("subject" text not null, "key" text not null, "operation" text not null, "request_hash" text not null, "result_id" int null, "created_at" timestamptz not null default now(), constraint "idempotency_record_pkey" primary key ("subject", "key"));`);

    this.addSql(`create table "shops"."pool" ("id" serial primary key, "shop_id" int not null, "product_id" int not null, "pack_size" int not null, "minimum_packs" int not null, "deadline" timestamptz not null, "status" "shops"."pool_status" not null default 'OPEN', "status_reason" jsonb null, "packs" int null, "units_ordered" int null, "opened_by" text not null, "created_at" timestamptz not null default now(), "closed_at" timestamptz null);`);
    this.addSql(`create index "pool_status_deadline_index" on "shops"."pool" ("status", "deadline");`);

    this.addSql(`create table "shops"."group_order" ("id" serial primary key, "shop_id" int not null, "group_id" text not null, "compound_id" text not null, "leader_household_id" text not null, "title" text not null, "deadline" timestamptz not null, "minimum_kind" "shops"."minimum_kind" not null, "minimum" int not null, "hand_out" "shops"."hand_out" not null, "status" "shops"."group_order_status" not null default 'OPEN', "status_reason" jsonb null, "closed_at" timestamptz null, "opened_by" text not null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "group_order_group_id_index" on "shops"."group_order" ("group_id");`);
    this.addSql(`create index "group_order_status_deadline_index" on "shops"."group_order" ("status", "deadline");`);

    this.addSql(`create table "shops"."pool_entry" ("id" serial primary key, "pool_id" int not null, "order_id" int not null, "quantity" int not null, "tolerance" int not null, "joined_at" timestamptz not null default now(), "allocated" int null, "explanation" jsonb null);`);
    this.addSql(`alter table "shops"."pool_entry" add constraint "pool_entry_pool_id_order_id_unique" unique ("pool_id", "order_id");`);

    this.addSql(`create table "shops"."pool_entry_change" ("id" serial primary key, "entry_id" int not null, "at" timestamptz not null, "quantity" int not null, "tolerance" int not null);`);

    this.addSql(`create table "shops"."group_order_item" ("id" serial primary key, "order_id" int not null, "product_id" int not null);`);
    this.addSql(`alter table "shops"."group_order_item" add constraint "group_order_item_order_id_product_id_unique" unique ("order_id", "product_id");`);

    this.addSql(`create table "shops"."sign_up" ("id" serial primary key, "order_id" int not null, "household_id" text not null, "building" text not null, "address" text not null, "signed_up_by" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "withdrawn_at" timestamptz null);`);
    this.addSql(`create index "sign_up_household_id_index" on "shops"."sign_up" ("household_id");`);
    this.addSql(`alter table "shops"."sign_up" add constraint "sign_up_order_id_household_id_unique" unique ("order_id", "household_id");`);

    this.addSql(`create table "shops"."sign_up_line" ("id" serial primary key, "sign_up_id" int not null, "product_id" int not null, "quantity" int not null, "reserved" int not null default 0, "allocated" int null, "explanation" jsonb null);`);
    this.addSql(`alter table "shops"."sign_up_line" add constraint "sign_up_line_sign_up_id_product_id_unique" unique ("sign_up_id", "product_id");`);

    this.addSql(`alter table "shops"."pool" add constraint "pool_shop_id_foreign" foreign key ("shop_id") references "shops"."shop" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "shops"."pool" add constraint "pool_product_id_foreign" foreign key ("product_id") references "shops"."product" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "shops"."group_order" add constraint "group_order_shop_id_foreign" foreign key ("shop_id") references "shops"."shop" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "shops"."pool_entry" add constraint "pool_entry_pool_id_foreign" foreign key ("pool_id") references "shops"."pool" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "shops"."pool_entry" add constraint "pool_entry_order_id_foreign" foreign key ("order_id") references "shops"."group_order" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "shops"."pool_entry_change" add constraint "pool_entry_change_entry_id_foreign" foreign key ("entry_id") references "shops"."pool_entry" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "shops"."group_order_item" add constraint "group_order_item_order_id_foreign" foreign key ("order_id") references "shops"."group_order" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "shops"."group_order_item" add constraint "group_order_item_product_id_foreign" foreign key ("product_id") references "shops"."product" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "shops"."sign_up" add constraint "sign_up_order_id_foreign" foreign key ("order_id") references "shops"."group_order" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "shops"."sign_up_line" add constraint "sign_up_line_sign_up_id_foreign" foreign key ("sign_up_id") references "shops"."sign_up" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "shops"."sign_up_line" add constraint "sign_up_line_product_id_foreign" foreign key ("product_id") references "shops"."product" ("id") on update cascade on delete restrict;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "shops"."pool_entry" drop constraint "pool_entry_pool_id_foreign";`);

    this.addSql(`alter table "shops"."pool_entry" drop constraint "pool_entry_order_id_foreign";`);

    this.addSql(`alter table "shops"."group_order_item" drop constraint "group_order_item_order_id_foreign";`);

    this.addSql(`alter table "shops"."sign_up" drop constraint "sign_up_order_id_foreign";`);

    this.addSql(`alter table "shops"."pool_entry_change" drop constraint "pool_entry_change_entry_id_foreign";`);

    this.addSql(`alter table "shops"."sign_up_line" drop constraint "sign_up_line_sign_up_id_foreign";`);

    this.addSql(`drop table if exists "shops"."idempotency_record" cascade;`);

    this.addSql(`drop table if exists "shops"."pool" cascade;`);

    this.addSql(`drop table if exists "shops"."group_order" cascade;`);

    this.addSql(`drop table if exists "shops"."pool_entry" cascade;`);

    this.addSql(`drop table if exists "shops"."pool_entry_change" cascade;`);

    this.addSql(`drop table if exists "shops"."group_order_item" cascade;`);

    this.addSql(`drop table if exists "shops"."sign_up" cascade;`);

    this.addSql(`drop table if exists "shops"."sign_up_line" cascade;`);

    this.addSql(`drop type "shops"."pool_status";`);
    this.addSql(`drop type "shops"."minimum_kind";`);
    this.addSql(`drop type "shops"."hand_out";`);
    this.addSql(`drop type "shops"."group_order_status";`);
  }

}
