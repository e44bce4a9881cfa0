import { Migration } from '@mikro-orm/migrations';

export class Migration20261202004944_groups extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "groups"."membership_kind" as enum ('RESIDENT', 'LEADER', 'DEPUTY', 'MERCHANT', 'VOLUNTEER', 'DISPATCHER', 'INFO_OFFICER', 'COMMITTEE');`);
    this.addSql(`create table "groups"."delegation" ("id" serial primary key, "household_id" int not null, "helper_issuer" text not null, "helper_subject" text not null, "scopes" text[] not null, "consent" text not null, "valid_from" timestamptz not null, "valid_until" timestamptz not null, "granted_by" text not null, "granted_at" timestamptz not null default now(), "revoked_at" timestamptz null, "revoked_by" text null);`);
    this.addSql(`create index "delegation_helper" on "groups"."delegation" ("helper_issuer", "helper_subject");`);

    this.addSql(`create table "groups"."household_code" ("id" serial primary key, "household_id" int not null, "code_hash" text not null, "issued_by" text not null, "created_at" timestamptz not null default now(), "expires_at" timestamptz not null, "used_at" timestamptz null, "used_by" text null);`);
    this.addSql(`alter table "groups"."household_code" add constraint "household_code_code_hash_unique" unique ("code_hash");`);

    this.addSql(`create table "groups"."membership" ("id" serial primary key, "person_issuer" text not null, "person_subject" text not null, "kind" "groups"."membership_kind" not null, "household_id" int null, "group_id" int null, "target_id" int null, "note" text null, "granted_by" text not null, "granted_at" timestamptz not null default now(), "revoked_at" timestamptz null, "revoked_by" text null);`);
    this.addSql(`create index "membership_person" on "groups"."membership" ("person_issuer", "person_subject");`);

    this.addSql(`alter table "groups"."delegation" add constraint "delegation_household_id_foreign" foreign key ("household_id") references "groups"."household" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "groups"."household_code" add constraint "household_code_household_id_foreign" foreign key ("household_id") references "groups"."household" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "groups"."membership" add constraint "membership_household_id_foreign" foreign key ("household_id") references "groups"."household" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "groups"."membership" add constraint "membership_group_id_foreign" foreign key ("group_id") references "groups"."mutual_aid_group" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "groups"."idempotency_record" drop constraint "idempotency_record_pkey";`);

    this.addSql(`alter table "groups"."idempotency_record" add constraint "idempotency_record_pkey" primary key ("key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "groups"."delegation" cascade;`);

    this.addSql(`drop table if exists "groups"."household_code" cascade;`);

    this.addSql(`drop table if exists "groups"."membership" cascade;`);

    this.addSql(`alter table "groups"."idempotency_record" drop constraint "idempotency_record_pkey";`);

    this.addSql(`alter table "groups"."idempotency_record" add constraint "idempotency_record_pkey" primary key ("subject", "key");`);

    this.addSql(`drop type "groups"."membership_kind";`);
  }

}
