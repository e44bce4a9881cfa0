import { Migration } from '@mikro-orm/migrations';

export class Migration20261203115532_shops extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "shops"."unmet_search" ("day" date not null, "term" text not null, "count" int not null, "last_searched_at" timestamptz not null, constraint "unmet_search_pkey" primary key ("day", "term"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "shops"."unmet_search" cascade;`);
  }

}
