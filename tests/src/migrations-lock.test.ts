/**
 * Two replicas of a node starting at the same moment on a new database: both migrate, one after the other under the
 * migration advisory lock, so every migration is applied exactly once and neither start fails.
 */
import { migrateDomain, openDomainOrm, OUTBOX_SCHEMA, outboxMigrations } from '@lilong/kit';
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
