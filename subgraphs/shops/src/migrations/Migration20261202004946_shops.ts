import { Migration } from '@mikro-orm/migrations';

export class Migration20261202004946_shops extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "shops"."idempotency_record" drop constraint "idempotency_record_pkey";`);

    this.addSql(`alter table "shops"."idempotency_record" add constraint "idempotency_record_pkey" primary key ("key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "shops"."idempotency_record" drop constraint "idempotency_record_pkey";`);

    this.addSql(`alter table "shops"."idempotency_record" add constraint "idempotency_record_pkey" primary key ("subject", "key");`);
  }

}
