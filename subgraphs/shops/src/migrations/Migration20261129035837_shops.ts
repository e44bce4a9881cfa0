import { Migration } from '@mikro-orm/migrations';

export class Migration20261129035837_shops extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "shops"."idempotency_record" add column "result_ids" integer[] null;`);
    // Keys already used keep their answer: a retry after the upgrade still replays instead of running again.
    this.addSql(`update "shops"."idempotency_record" set "result_ids" = array["result_id"] where "result_id" is not null;`);

    this.addSql(`alter table "shops"."idempotency_record" drop column "result_id";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "shops"."idempotency_record" add column "result_id" int4 null;`);
    // Only single-record answers fit the old column. Keys of list answers stay, with no result: a retry with one
    // is then refused (CONFLICT) rather than applied a second time.
    this.addSql(`update "shops"."idempotency_record" set "result_id" = "result_ids"[1] where cardinality("result_ids") = 1;`);

    this.addSql(`alter table "shops"."idempotency_record" drop column "result_ids";`);
  }

}
