import { Migration } from '@mikro-orm/migrations';

export class Migration20261201212547_shops extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter type "shops"."pool_status" add value if not exists 'PROPOSED' before 'OPEN';`);

    this.addSql(`alter type "shops"."pool_status" add value if not exists 'DECLINED' after 'FAILED';`);

    this.addSql(`alter table "shops"."pool" add column "accepted_at" timestamptz null, add column "accepted_by" text null;`);
    // Pools opened before merchants accepted them were open at once: they stay open, accepted when they were opened
    // (by nobody in particular: accepted_by stays null).
    this.addSql(`update "shops"."pool" set "accepted_at" = "created_at" where "accepted_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "shops"."pool" drop column "accepted_at", drop column "accepted_by";`);
  }

}
