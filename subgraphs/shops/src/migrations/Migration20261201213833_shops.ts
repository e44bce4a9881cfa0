import { Migration } from '@mikro-orm/migrations';

export class Migration20261201213833_shops extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "shops"."idempotency_record" add column "result_rows" jsonb null, add column "answer" jsonb null, add column "answer_shape" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "shops"."idempotency_record" drop column "result_rows", drop column "answer", drop column "answer_shape";`);
  }

}
