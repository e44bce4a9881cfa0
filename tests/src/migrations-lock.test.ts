/**
 * Two replicas of a node starting at the same moment on a new database: both migrate, one after the other under the
 * migration advisory lock, so every migration is applied exactly once and neither start fails. A restart applies
 * nothing, and a newer build applies only its new migrations.
 */
import { migrateDomain, openDomainOrm, OUTBOX_SCHEMA, outboxMigrations, type DomainOrmOptions } from '@lilong/kit';
import { Migration } from '@mikro-orm/migrations';
import { createDatabase, dropDatabase, scratchName } from '../../ops/src/db';

const adminUrl = process.env.LILONG_TEST_ADMIN_URL!;
let name: string;
let url: string;

beforeAll(async () => {
  name = scratchName('migrate_lock');
  url = await createDatabase(adminUrl, name);
});

afterAll(async () => {
  await dropDatabase(adminUrl, name);
});

it('applies each migration once when replicas migrate together, and neither fails', async () => {
  const open = () => openDomainOrm({ domain: OUTBOX_SCHEMA, databaseUrl: url, entities: [], migrations: outboxMigrations, poolSize: 2 });
  const replicas = await Promise.all([open(), open(), open()]);
  try {
    const applied = await Promise.all(replicas.map((orm) => migrateDomain(orm, OUTBOX_SCHEMA)));
    // One replica applied them all; the others found nothing left.
    const names = outboxMigrations.map((m) => m.name);
    expect(applied.filter((a) => a.length > 0)).toEqual([names]);
    expect(applied.filter((a) => a.length === 0)).toHaveLength(2);
    const rows = (await replicas[0]!.em.fork().getConnection().execute(`select name from "${OUTBOX_SCHEMA}".mikro_orm_migrations order by id`)) as { name: string }[];
    expect(rows.map((r) => r.name)).toEqual(names);
  } finally {
    await Promise.all(replicas.map((orm) => orm.close()));
  }
});

class ProbeTable extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table "probe"."item" ("id" int primary key);');
  }
}
class ProbeRow extends Migration {
  override async up(): Promise<void> {
    this.addSql('insert into "probe"."item" ("id") values (1);');
  }
}

it('applies nothing to an up-to-date database, and only what a newer build adds', async () => {
  const open = (migrations: DomainOrmOptions['migrations']) => openDomainOrm({ domain: 'probe', databaseUrl: url, entities: [], migrations, poolSize: 2 });
  const older = await open([{ name: 'Probe20261201', class: ProbeTable }]);
  try {
    expect(await migrateDomain(older, 'probe')).toEqual(['Probe20261201']);
    // A restart of the same build: nothing to do.
    expect(await migrateDomain(older, 'probe')).toEqual([]);
  } finally {
    await older.close();
  }
  const newer = await open([
    { name: 'Probe20261201', class: ProbeTable },
    { name: 'Probe20261204', class: ProbeRow },
  ]);
  try {
    expect(await migrateDomain(newer, 'probe')).toEqual(['Probe20261204']);
    expect(await migrateDomain(newer, 'probe')).toEqual([]);
    const rows = (await newer.em.fork().getConnection().execute('select id from "probe"."item"')) as { id: number }[];
    expect(rows).toEqual([{ id: 1 }]);
  } finally {
    await newer.close();
  }
});
