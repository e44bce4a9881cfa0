/**
 * The demo's databases made ready for `npm start`: each community's created, migrated and seeded, then the demo group
 * orders and pools across communities. Loaded by the launcher only when some database needs it (a first start, or a
 * run stopped half-way): it brings the ORM, every domain and the seed.
 */
import { documentSigner, migrateDomain, openDomainOrm, openOutbox } from '@lilong/kit';
import { DOMAIN_MODULES } from '@lilong/node';
import { createDatabase, withDatabase } from './db';
import { DEMO_ISSUER } from './demo-people';
import { readPrivateKey } from './keys';
import { seedCommunity, seedDemoBorrowing, seedDemoOrders, seedSummaryLine, type DemoCommunity, type SeedOrms } from './seed';

/** A community database's three domain ORMs, connected and migrated; the caller closes them. */
export async function openCommunityOrms(url: string) {
  // The outbox first: the seed's changes write their events there, as the node's would.
  await (await openOutbox({ databaseUrl: url })).close();
  return Promise.all(
    DOMAIN_MODULES.map(async (m) => {
      const orm = await openDomainOrm({ domain: m.name, databaseUrl: url, entities: m.entities, migrations: m.migrations, poolSize: 2 });
      await migrateDomain(orm, m.name);
      return [m.name, orm] as const;
    }),
  );
}

type CommunityOrms = Awaited<ReturnType<typeof openCommunityOrms>>;

export interface DemoDatabase {
  community: DemoCommunity;
  /** The database's name on the embedded server. */
  database: string;
  /** Whether it exists already (else it is created). */
  exists: boolean;
  /** The community's notice key (PEM file): the seeded notices and digests are signed with it. */
  noticeKeyFile: string;
}

export interface PreparedDemo {
  /** Each community's database URL and its seeding line, in the order given. */
  communities: { url: string; line: string }[];
  /** What the demo orders and the borrowed volunteer came to, or why they could not be seeded. */
  orderLines: string[];
  /** Whether everything was seeded (or already there): a launcher marks the databases done only then. */
  complete: boolean;
}

/**
 * Creates, migrates and seeds each community's database (idempotent: existing data is kept), then seeds the demo
 * orders across communities on the same connections. A failure of the orders is reported, not fatal: the
 * sub-district runs without them, and the next start tries again.
 */
export async function prepareDemoData(adminUrl: string, databases: DemoDatabase[], progress: (step: string) => void = () => undefined): Promise<PreparedDemo> {
  const opened: CommunityOrms[] = [];
  try {
    const communities = await Promise.all(
      databases.map(async ({ community, database, exists, noticeKeyFile }) => {
        const url = exists ? withDatabase(adminUrl, database) : await createDatabase(adminUrl, database);
        const opening = await openCommunityOrms(url);
        opened.push(opening);
        const orms = Object.fromEntries(opening) as SeedOrms;
        const summary = await seedCommunity(orms, community.code, community, undefined, await documentSigner(readPrivateKey(noticeKeyFile)));
        return { url, line: seedSummaryLine(summary), orms };
      }),
    );
    progress('communities prepared');
    const ormsByCommunity = new Map(databases.map((d, i) => [d.community.code, communities[i]!.orms]));
    let complete = true;
    const orderLines: string[] = [];
    try {
      orderLines.push(...(await seedDemoOrders(ormsByCommunity)));
      try {
        orderLines.push(...(await seedDemoBorrowing(ormsByCommunity, DEMO_ISSUER)));
      } catch (error) {
        complete = false;
        orderLines.push(`demo borrowed volunteer not seeded 未能生成跨社区借调: ${(error as Error).message}`);
      }
    } catch (error) {
      complete = false;
      orderLines.push(`demo group orders not seeded 未能生成演示团购: ${(error as Error).message}`);
    }
    progress('demo orders prepared');
    return { communities: communities.map(({ url, line }) => ({ url, line })), orderLines, complete };
  } finally {
    await Promise.all(opened.flat().map(([, orm]) => orm.close()));
  }
}
