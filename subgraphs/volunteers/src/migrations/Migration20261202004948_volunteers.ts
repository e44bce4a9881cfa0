import { Migration } from '@mikro-orm/migrations';

export class Migration20261202004948_volunteers extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "volunteers"."idempotency_record" drop constraint "idempotency_record_pkey";`);

    this.addSql(`alter table "volunteers"."idempotency_record" add constraint "idempotency_record_pkey" primary key ("key");`);

    this.addSql(`alter table "volunteers"."volunteer" drop constraint volunteer_vehicle_seats_check;`);

    this.addSql(`alter table "volunteers"."volunteer" add constraint volunteer_vehicle_seats_check check(vehicle_seats between 0 and 8);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "volunteers"."idempotency_record" drop constraint "idempotency_record_pkey";`);

    this.addSql(`alter table "volunteers"."idempotency_record" add constraint "idempotency_record_pkey" primary key ("subject", "key");`);

    this.addSql(`alter table "volunteers"."volunteer" drop constraint volunteer_vehicle_seats_check;`);

    this.addSql(`alter table "volunteers"."volunteer" add constraint volunteer_vehicle_seats_check check((vehicle_seats >= 0) AND (vehicle_seats <= 8));`);
  }

}
