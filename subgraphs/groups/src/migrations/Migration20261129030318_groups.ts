import { Migration } from '@mikro-orm/migrations';

export class Migration20261129030318_groups extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "groups";`);
    this.addSql(`create type "groups"."compound_kind" as enum ('LANE_HOUSES', 'OLD_PUBLIC_HOUSING', 'COMMODITY_HOUSING', 'LONG_TERM_RENTAL', 'SHOPFRONT_DWELLINGS', 'OTHER');`);
    this.addSql(`create type "groups"."tenure" as enum ('OWNER', 'TENANT', 'OTHER');`);
    this.addSql(`create table "groups"."compound" ("id" serial primary key, "name" text not null, "kind" "groups"."compound_kind" not null, "address" text not null, "lat" double precision not null, "lng" double precision not null, "created_at" timestamptz not null default now());`);

    this.addSql(`create table "groups"."household" ("id" serial primary key, "compound_id" int not null, "building" text not null, "unit" text not null default '', "room" text not null, "tenure" "groups"."tenure" not null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "groups"."household" add constraint "household_compound_id_building_unit_room_unique" unique ("compound_id", "building", "unit", "room");`);

    this.addSql(`create table "groups"."mutual_aid_group" ("id" serial primary key, "name" text not null, "compound_id" int not null, "leader_id" int not null, "created_at" timestamptz not null default now());`);

    this.addSql(`alter table "groups"."household" add constraint "household_compound_id_foreign" foreign key ("compound_id") references "groups"."compound" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "groups"."mutual_aid_group" add constraint "mutual_aid_group_compound_id_foreign" foreign key ("compound_id") references "groups"."compound" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "groups"."mutual_aid_group" add constraint "mutual_aid_group_leader_id_foreign" foreign key ("leader_id") references "groups"."household" ("id") on update cascade on delete restrict;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "groups"."household" drop constraint "household_compound_id_foreign";`);

    this.addSql(`alter table "groups"."mutual_aid_group" drop constraint "mutual_aid_group_compound_id_foreign";`);

    this.addSql(`alter table "groups"."mutual_aid_group" drop constraint "mutual_aid_group_leader_id_foreign";`);

    this.addSql(`drop table if exists "groups"."compound" cascade;`);

    this.addSql(`drop table if exists "groups"."household" cascade;`);

    this.addSql(`drop table if exists "groups"."mutual_aid_group" cascade;`);

    this.addSql(`drop type "groups"."compound_kind";`);
    this.addSql(`drop type "groups"."tenure";`);
    this.addSql(`drop schema if exists "groups";`);
  }

}
