import { Migration } from '@mikro-orm/migrations';

export class Migration20261129030319_shops extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "shops";`);
    this.addSql(`create type "shops"."shop_kind" as enum ('GROCERY', 'SUPERMARKET', 'PHARMACY', 'RESTAURANT', 'BAKERY', 'CAFE', 'FLORIST', 'FRUIT', 'OTHER');`);
    this.addSql(`create table "shops"."shop" ("id" serial primary key, "name" text not null, "kind" "shops"."shop_kind" not null, "address" text not null, "lat" double precision not null, "lng" double precision not null, "compound_id" text not null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "shop_compound_id_index" on "shops"."shop" ("compound_id");`);

    this.addSql(`create table "shops"."product" ("id" serial primary key, "shop_id" int not null, "name" text not null, "unit" text not null, "price_fen" int not null, "pack_size" int not null default 1, "on_hand" int not null default 0, "reserved" int not null default 0, "stock_version" int not null default 0, "stock_updated_at" timestamptz not null default now(), constraint product_reserved_check check (reserved >= 0 and reserved <= on_hand), constraint product_on_hand_check check (on_hand >= 0), constraint product_pack_size_check check (pack_size >= 1));`);

    this.addSql(`alter table "shops"."product" add constraint "product_shop_id_foreign" foreign key ("shop_id") references "shops"."shop" ("id") on update cascade on delete restrict;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "shops"."product" drop constraint "product_shop_id_foreign";`);

    this.addSql(`drop table if exists "shops"."shop" cascade;`);

    this.addSql(`drop table if exists "shops"."product" cascade;`);

    this.addSql(`drop type "shops"."shop_kind";`);
    this.addSql(`drop schema if exists "shops";`);
  }

}
