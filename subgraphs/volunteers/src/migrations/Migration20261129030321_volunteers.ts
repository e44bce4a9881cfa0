import { Migration } from '@mikro-orm/migrations';

export class Migration20261129030321_volunteers extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "volunteers";`);
    this.addSql(`create table "volunteers"."volunteer" ("id" serial primary key, "display_name" text not null, "skills" text[] not null, "vehicle_seats" int not null, "zone" text not null, "available" boolean not null default false, "compound_id" text not null, "home_household_id" text null, "active_tasks" int not null default 0, "updated_at" timestamptz not null default now(), "created_at" timestamptz not null default now(), constraint volunteer_vehicle_seats_check check (vehicle_seats between 0 and 8));`);
    this.addSql(`create index "volunteer_compound_id_index" on "volunteers"."volunteer" ("compound_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "volunteers"."volunteer" cascade;`);

    this.addSql(`drop schema if exists "volunteers";`);
  }

}
