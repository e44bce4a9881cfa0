import { Migration } from '@mikro-orm/migrations';

export class Migration20261202034931_volunteers extends Migration {

  override async up(): Promise<void> {
    // Great-circle distances for matching (contrib modules shipped with PostgreSQL; both are trusted extensions).
    this.addSql(`create extension if not exists cube;`);
    this.addSql(`create extension if not exists earthdistance;`);
    this.addSql(`create type "volunteers"."trip_purpose" as enum ('CHEMOTHERAPY', 'DIALYSIS', 'PRENATAL_CHECK', 'MENTAL_HEALTH', 'INJURY', 'OTHER');`);
    this.addSql(`create type "volunteers"."care_kind" as enum ('MEDICINE_PICKUP', 'MEDICAL_TRIP', 'URGENT_HELP');`);
    this.addSql(`create type "volunteers"."urgency" as enum ('EMERGENCY', 'TODAY', 'SCHEDULED');`);
    this.addSql(`create type "volunteers"."care_status" as enum ('SUBMITTED', 'QUEUED', 'OFFERED', 'ACCEPTED', 'UNDER_WAY', 'DONE', 'FAILED', 'MERGED', 'REFERRED', 'DECLINED', 'CANCELLED');`);
    this.addSql(`create type "volunteers"."commitment_state" as enum ('HELD', 'RELEASED', 'DONE');`);
    this.addSql(`create table "volunteers"."care_series" ("id" serial primary key, "place_household_id" text not null, "place_compound_id" text not null, "place_building" text not null, "place_area" text not null, "place_address_label" text not null, "place_address" text not null, "place_lat" double precision not null, "place_lng" double precision not null, "purpose" "volunteers"."trip_purpose" not null, "destination" text not null, "weekdays" integer[] not null, "start_time" text not null, "duration_minutes" int not null, "first_day" text not null, "last_day" text not null, "passengers" int not null, "wheelchair" boolean not null, "return_trip" boolean not null, "contact_phone" text null, "notes" text not null default '', "requested_by" text not null, "created_until" text null, "created_at" timestamptz not null default now(), "stopped_at" timestamptz null);`);

    this.addSql(`create table "volunteers"."care_request" ("id" serial primary key, "place_household_id" text not null, "place_compound_id" text not null, "place_building" text not null, "place_area" text not null, "place_address_label" text not null, "place_address" text not null, "place_lat" double precision not null, "place_lng" double precision not null, "contact_phone" text null, "kind" "volunteers"."care_kind" not null, "purpose" "volunteers"."trip_purpose" null, "destination" text null, "prescriptions" text[] not null default '{}', "urgency" "volunteers"."urgency" not null, "window_start" timestamptz not null, "window_end" timestamptz not null, "passengers" int not null default 0, "wheelchair" boolean not null default false, "return_trip" boolean not null default false, "notes" text not null default '', "zone" text null, "status" "volunteers"."care_status" not null default 'SUBMITTED', "status_reason" text null, "merged_into_id" int null, "requested_by" text not null, "requested_via_delegation" text null, "series_id" int null, "volunteer_id" text null, "offer_expires_at" timestamptz null, "offer_count" int not null default 0, "triaged_at" timestamptz null, "offered_at" timestamptz null, "accepted_at" timestamptz null, "started_at" timestamptz null, "finished_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`);
    this.addSql(`create index "care_request_volunteer_id_index" on "volunteers"."care_request" ("volunteer_id");`);
    this.addSql(`create index "care_request_status_urgency_created_at_index" on "volunteers"."care_request" ("status", "urgency", "created_at");`);
    this.addSql(`alter table "volunteers"."care_request" add constraint "care_request_series_id_window_start_unique" unique ("series_id", "window_start");`);

    this.addSql(`create table "volunteers"."care_event" ("id" serial primary key, "request_id" int not null, "from" "volunteers"."care_status" null, "to" "volunteers"."care_status" not null, "actor" text not null, "by" text not null, "note" text null, "volunteer_id" text null, "at" timestamptz not null);`);

    this.addSql(`create table "volunteers"."compound_zone" ("compound_id" text not null, "zone" text not null, constraint "compound_zone_pkey" primary key ("compound_id"));`);

    this.addSql(`create table "volunteers"."protocol_step" ("id" serial primary key, "kind" "volunteers"."care_kind" not null, "position" int not null, "label" text not null, "label_en" text not null, "required" boolean not null);`);
    this.addSql(`alter table "volunteers"."protocol_step" add constraint "protocol_step_kind_position_unique" unique ("kind", "position");`);

    this.addSql(`create table "volunteers"."task_step" ("id" serial primary key, "request_id" int not null, "position" int not null, "label" text not null, "label_en" text not null, "required" boolean not null, "done_at" timestamptz null, "done_by" text null);`);
    this.addSql(`alter table "volunteers"."task_step" add constraint "task_step_request_id_position_unique" unique ("request_id", "position");`);

    this.addSql(`create table "volunteers"."shift" ("id" serial primary key, "volunteer_id" int not null, "starts_at" timestamptz not null, "ends_at" timestamptz not null);`);
    this.addSql(`create index "shift_volunteer_id_ends_at_index" on "volunteers"."shift" ("volunteer_id", "ends_at");`);

    this.addSql(`create table "volunteers"."care_commitment" ("id" serial primary key, "volunteer_id" int not null, "task_id" text not null, "hold_key" text not null, "window_start" timestamptz not null, "window_end" timestamptz not null, "state" "volunteers"."commitment_state" not null default 'HELD', "created_at" timestamptz not null default now(), "released_at" timestamptz null, "reason" text null);`);
    this.addSql(`create index "care_commitment_task_id_index" on "volunteers"."care_commitment" ("task_id");`);
    this.addSql(`alter table "volunteers"."care_commitment" add constraint "care_commitment_hold_key_unique" unique ("hold_key");`);
    this.addSql(`create index "care_commitment_volunteer_id_state_index" on "volunteers"."care_commitment" ("volunteer_id", "state");`);

    this.addSql(`alter table "volunteers"."care_request" add constraint "care_request_series_id_foreign" foreign key ("series_id") references "volunteers"."care_series" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "volunteers"."care_event" add constraint "care_event_request_id_foreign" foreign key ("request_id") references "volunteers"."care_request" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "volunteers"."task_step" add constraint "task_step_request_id_foreign" foreign key ("request_id") references "volunteers"."care_request" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "volunteers"."shift" add constraint "shift_volunteer_id_foreign" foreign key ("volunteer_id") references "volunteers"."volunteer" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "volunteers"."care_commitment" add constraint "care_commitment_volunteer_id_foreign" foreign key ("volunteer_id") references "volunteers"."volunteer" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "volunteers"."volunteer" add column "base_lat" double precision null, add column "base_lng" double precision null;`);
    this.addSql(`create index "care_event_request_id_index" on "volunteers"."care_event" ("request_id");`);
    this.addSql(`create index "care_request_place_household_id_index" on "volunteers"."care_request" ("place_household_id");`);
    // Volunteers registered before bases were kept set out from their compound's gate: a one-time read of the
    // groups domain's compounds of this same database (registration asks the groups domain from now on).
    this.addSql(`do $$ begin
      if to_regclass('groups.compound') is not null then
        update "volunteers"."volunteer" v set base_lat = c.lat, base_lng = c.lng
          from groups.compound c where v.base_lat is null and c.id::text = split_part(v.compound_id, ':', 3);
      end if;
    end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "volunteers"."care_request" drop constraint "care_request_series_id_foreign";`);

    this.addSql(`alter table "volunteers"."care_event" drop constraint "care_event_request_id_foreign";`);

    this.addSql(`alter table "volunteers"."task_step" drop constraint "task_step_request_id_foreign";`);

    this.addSql(`drop table if exists "volunteers"."care_series" cascade;`);

    this.addSql(`drop table if exists "volunteers"."care_request" cascade;`);

    this.addSql(`drop table if exists "volunteers"."care_event" cascade;`);

    this.addSql(`drop table if exists "volunteers"."compound_zone" cascade;`);

    this.addSql(`drop table if exists "volunteers"."protocol_step" cascade;`);

    this.addSql(`drop table if exists "volunteers"."task_step" cascade;`);

    this.addSql(`drop table if exists "volunteers"."shift" cascade;`);

    this.addSql(`drop table if exists "volunteers"."care_commitment" cascade;`);

    this.addSql(`alter table "volunteers"."volunteer" drop column "base_lat", drop column "base_lng";`);

    this.addSql(`drop type "volunteers"."trip_purpose";`);
    this.addSql(`drop type "volunteers"."care_kind";`);
    this.addSql(`drop type "volunteers"."urgency";`);
    this.addSql(`drop type "volunteers"."care_status";`);
    this.addSql(`drop type "volunteers"."commitment_state";`);
  }

}
