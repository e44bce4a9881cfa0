import { Migration } from '@mikro-orm/migrations';

export class Migration20261201213842_volunteers extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "volunteers"."idempotency_record" add column "result_rows" jsonb null, add column "answer" jsonb null, add column "answer_shape" text null;`);

    this.addSql(`alter table "volunteers"."volunteer" drop constraint volunteer_vehicle_seats_check;`);

    this.addSql(`alter table "volunteers"."volunteer" add constraint volunteer_vehicle_seats_check check(vehicle_seats between 0 and 8);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "volunteers"."idempotency_record" drop column "result_rows", drop column "answer", drop column "answer_shape";`);

    this.addSql(`alter table "volunteers"."volunteer" drop constraint volunteer_vehicle_seats_check;`);

    this.addSql(`alter table "volunteers"."volunteer" add constraint volunteer_vehicle_seats_check check((vehicle_seats >= 0) AND (vehicle_seats <= 8));`);
  }

}
