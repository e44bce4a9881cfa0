/**
 * A worker process of `npm run bench -- hundred`: hosts several community nodes in one process, each
 * `createCommunityNode` from @lilong/node on its own port and its own database, with no background work (no job
 * runner, no outbox pruning) and small pools. For each community it applies the domains' migrations (timed
 * separately), starts the node, and seeds the simulated data through `seedCommunity`. Started by the bench with an
 * IPC channel (`node -r ops/register.js -r ops/src/child-guard.ts worker.ts`): it stops when the bench goes.
 */
import { publicKeysFromPem, createLogger, migrateDomain, openDomainOrm } from '@lilong/kit';
import { createCommunityNode, DOMAIN_MODULES, type CommunityNode } from '@lilong/node';
import { seedCommunity, type SeedOrms } from '../../src/seed';
import { simulatedCommunity, simulatedCode } from './communities';
import type { FromWorker, HostedCommunity, ToWorker } from './protocol';

/** How long a stop may wait for the nodes to close before the process exits anyway, in ms. */
const STOP_GRACE_MS = 5000;

const nodes: CommunityNode[] = [];
const send = (message: FromWorker) => process.send?.(message);
const rssMb = () => process.memoryUsage().rss / 2 ** 20;

/** Applies every domain's committed migrations to the community's database; returns how many were applied. */
async function migrate(code: string, databaseUrl: string, poolSize: number): Promise<number> {
  let applied = 0;
  for (const module of DOMAIN_MODULES) {
    const orm = await openDomainOrm({ domain: module.name, databaseUrl, entities: module.entities, migrations: module.migrations, poolSize, applicationName: `lilong-bench:${code}/migrate` });
    try {
      applied += (await migrateDomain(orm, module.name)).length;
    } finally {
      await orm.close();
    }
  }
  return applied;
}

async function host(community: HostedCommunity, total: number, hubPublicKeyPem: string, poolSize: number, issuer: string): Promise<void> {
  const code = simulatedCode(community.index);
  const began = performance.now();
  const migrations = await migrate(code, community.databaseUrl, poolSize);
  const migrated = performance.now();
  const node = await createCommunityNode(
    { community: code, databaseUrl: community.databaseUrl, hubPublicKeys: publicKeysFromPem(hubPublicKeyPem), port: 0, host: '127.0.0.1', poolSize },
    { logger: createLogger(`node:${code}`, 'error'), background: false },
  );
  nodes.push(node);
  const url = await node.listen();
  const started = performance.now();
  const orms = Object.fromEntries([...node.subgraphs].map(([name, s]) => [name, s.orm])) as SeedOrms;
  const summary = await seedCommunity(orms, code, simulatedCommunity(community.index, total), issuer);
  send({
    kind: 'node',
    code,
    url,
    migrations,
    migrateMs: migrated - began,
    startMs: started - migrated,
    seedMs: performance.now() - started,
    seedSkipped: summary.skipped,
  });
}

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) process.exit(code);
  stopping = true;
  setTimeout(() => process.exit(code), STOP_GRACE_MS).unref();
  for (const node of nodes) node.http.closeAllConnections();
  await Promise.allSettled(nodes.map((n) => n.close()));
  process.exit(code);
}

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.on('message', (message: ToWorker) => {
  if (message.kind === 'stop') {
    void stop(0);
    return;
  }
  void (async () => {
    try {
      // One community after the other: the machine's cores are shared by every worker and PostgreSQL.
      for (const community of message.communities) await host(community, message.total, message.hubPublicKeyPem, message.poolSize, message.issuer);
      send({ kind: 'ready', rssMb: rssMb() });
    } catch (error) {
      send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      await stop(1);
    }
  })();
});
process.title = 'lilong-bench-worker';
// The child guard unrefs the channel (a finished process must not linger); this one waits on the bench's orders.
process.channel?.ref();
send({ kind: 'loaded', rssMb: rssMb() });
