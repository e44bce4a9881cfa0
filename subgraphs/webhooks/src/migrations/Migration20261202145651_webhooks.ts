import { Migration } from '@mikro-orm/migrations';

export class Migration20261202145651_webhooks extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "webhooks";`);
    this.addSql(`create type "webhooks"."webhook_delivery_outcome" as enum ('DELIVERED', 'RETRY_SCHEDULED', 'ENDPOINT_PAUSED', 'SUPERSEDED');`);
    this.addSql(`create type "webhooks"."webhook_status" as enum ('ACTIVE', 'PAUSED', 'REMOVED');`);
    this.addSql(`create type "webhooks"."webhook_paused_by" as enum ('PARTNER', 'COMMITTEE', 'FAILURES');`);
    this.addSql(`create table "webhooks"."idempotency_record" ("key" text not null, "subject" text not null, "operation" text not null, "request_hash" text not null, "result_ids" integer[] null, "result_rows" jsonb null, "answer" jsonb null, "answer_shape" text null, "created_at" timestamptz not null default now(), constraint "idempotency_record_pkey" primary key ("key"));`);

    this.addSql(`create table "webhooks"."delivery" ("id" serial primary key, "endpoint_id" int not null, "sequence" bigint not null, "event_type" text not null, "attempt" int not null, "attempted_at" timestamptz not null, "duration_ms" int not null, "http_status" int null, "error" text null, "outcome" "webhooks"."webhook_delivery_outcome" not null, "next_attempt_at" timestamptz null);`);
    this.addSql(`create index "delivery_attempted_at_index" on "webhooks"."delivery" ("attempted_at");`);
    this.addSql(`create index "delivery_endpoint_id_id_index" on "webhooks"."delivery" ("endpoint_id", "id");`);

    this.addSql(`create table "webhooks"."endpoint" ("id" serial primary key, "app" text not null, "created_by" text not null, "url" text not null, "description" text not null, "event_types" text[] not null, "secret" text not null, "previous_secret" text null, "previous_secret_until" timestamptz null, "secret_issued_at" timestamptz not null, "status" "webhooks"."webhook_status" not null default 'ACTIVE', "paused_by" "webhooks"."webhook_paused_by" null, "paused_at" timestamptz null, "paused_reason" text null, "cursor" bigint not null, "generation" int not null default 0, "failed_attempts" int not null default 0, "failing_since" timestamptz null, "next_attempt_at" timestamptz null, "lease_until" timestamptz null, "lease_token" text null, "last_delivered_at" timestamptz null, "created_at" timestamptz not null, "removed_at" timestamptz null);`);
    this.addSql(`create index "endpoint_status_next_attempt_at_index" on "webhooks"."endpoint" ("status", "next_attempt_at");`);
    this.addSql(`create index "endpoint_app_index" on "webhooks"."endpoint" ("app");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webhooks"."idempotency_record" cascade;`);

    this.addSql(`drop table if exists "webhooks"."delivery" cascade;`);

    this.addSql(`drop table if exists "webhooks"."endpoint" cascade;`);

    this.addSql(`drop type "webhooks"."webhook_delivery_outcome";`);
    this.addSql(`drop type "webhooks"."webhook_status";`);
    this.addSql(`drop type "webhooks"."webhook_paused_by";`);
    this.addSql(`drop schema if exists "webhooks";`);
  }

}
