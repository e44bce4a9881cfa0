import { fork } from 'node:child_process';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { EntityManager } from '@mikro-orm/postgresql';
import { connectBroker, emitEvent, type EventBrokerConfig } from '@lilong/kit';
import { createClient } from 'graphql-sse';
import { TestCluster } from '../src/cluster';
import { benchDatabase } from '../src/embedded-run';
import { TEST_COMMUNITIES } from '../src/seed';
import { summarize } from './stats';

function must(answer: { data?: any; errors?: unknown[] }): any {
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data;
}

const heapAfterGc = (): number => {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
};

/**
 * `npm run bench -- live [changes] [idle]`: live events.
 * 1. The outbox: how many events per second one node's outbox takes, 16 writers each committing transactions of
 *    one event (the counter row serialises them, by design: gapless, in commit order).
 * 2. Commit to subscriber: `changes` stock adjustments through the hub, one after the other, followed by one SSE
 *    subscriber through the hub; for each, the time from the event's write (just before its commit) to its arrival
 *    at the subscriber, p50/p99.
 * 3. `idle` idle WebSocket subscribers (another process), and the hub's heap growth per 1,000 of them.
 * Layout: the test cluster (hub and nodes in this process, real HTTP between them) on the PostgreSQL of
 * DATABASE_URL, or on npm start's embedded one when DATABASE_URL is not set. With LILONG_BENCH_NATS_URL, events go
 * through that NATS JetStream server (a stream of the run's own, deleted after) instead of the nodes' `/events`.
 */
export async function benchLive(changes = 300, idle = 1000): Promise<void> {
  const database = await benchDatabase();
  const adminUrl = database.adminUrl;
  const natsUrl = process.env.LILONG_BENCH_NATS_URL;
  const run = Date.now().toString(36);
  const eventBroker: EventBrokerConfig | undefined = natsUrl ? { url: natsUrl, stream: `LILONG_BENCH_${run}`, prefix: `bench${run}` } : undefined;
  console.log(JSON.stringify({ bench: 'live', path: eventBroker ? `NATS JetStream ${natsUrl}` : 'node /events (embedded default)' }));
  const cluster = await TestCluster.start({ communities: TEST_COMMUNITIES.filter((c) => c.code === 'alpha'), relayIntervalMs: 0, eventBroker }, adminUrl);
  try {
    // 1. The outbox alone.
    const orm = cluster.nodes.get('alpha')!.subgraphs.get('info')!.orm;
    const writers = 16;
    const seconds = 5;
    let written = 0;
    const until = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (Date.now() < until) {
          await orm.em.fork().transactional(async (em) => {
            emitEvent(em as unknown as EntityManager, { type: 'NOTICE_PUBLISHED', subjects: { notice: 'alpha:Notice:0' }, data: { bench: true } });
          });
          written += 1;
        }
      }),
    );
    console.log(JSON.stringify({ bench: 'outbox', writers, seconds, events: written, eventsPerSecond: Math.round(written / seconds) }));

    // 2. Commit to subscriber, through the hub.
    const shopId = `alpha:Shop:1`;
    const merchant = await cluster.token([{ role: 'merchant', shop: shopId }], 'bench-live-merchant');
    const product = must(await cluster.query(`mutation($i: AddProductInput!) { addProduct(input: $i) { id } }`, { i: { shopId, name: '基准大米', unit: '袋', priceFen: 3000 } }, merchant)).addProduct
      .id as string;
    must(await cluster.query(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id } }`, { i: { productId: product, delta: 1000, reason: 'bench' } }, merchant));
    const base = cluster.url.replace(/\/graphql$/, '');
    const sse = createClient({ url: `${base}/graphql/stream`, retryAttempts: 0 });
    const latencies: number[] = [];
    let received = 0;
    let resolveAll: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (resolveAll = resolve));
    const ready = new Promise<void>((resolve) => {
      let first = true;
      sse.subscribe(
        { query: `subscription($p: ID!) { productStock(productId: $p) { id at type product { stock { onHand } } } }`, variables: { p: product } },
        {
          next: (result: any) => {
            const event = result.data?.productStock;
            if (!event) return;
            if (first) {
              first = false;
              resolve();
              return;
            }
            latencies.push(Date.now() - Date.parse(event.at));
            received += 1;
            if (received >= changes) resolveAll();
          },
          error: (error) => console.error('subscription failed', error),
          complete: () => undefined,
        },
      );
    });
    // The first change only proves the subscription is live.
    const adjust = (delta: number) => cluster.query(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id } }`, { i: { productId: product, delta, reason: 'bench' } }, merchant);
    const warm = setInterval(() => void adjust(1), 200);
    await ready;
    clearInterval(warm);
    await new Promise((r) => setTimeout(r, 500));
    received = 0;
    latencies.length = 0;
    for (let i = 0; i < changes; i += 1) must(await adjust(i % 2 === 0 ? 1 : -1));
    await Promise.race([all, new Promise((r) => setTimeout(r, 30_000))]);
    sse.dispose();
    console.log(JSON.stringify({ bench: 'commit-to-subscriber', changes, received, latencyMs: summarize(latencies) }));

    // 3. Idle subscribers' memory at the hub.
    const before = heapAfterGc();
    const rssBefore = process.memoryUsage().rss;
    const child = fork(path.join(__dirname, 'live-clients.js'), [`${base.replace(/^http/, 'ws')}/graphql`, String(idle), 'subscription { communityNotices(community: "alpha") { id } }'], { stdio: 'inherit' });
    await new Promise<void>((resolve, reject) => {
      child.on('message', (m: any) => (m.subscribed ? resolve() : m.error ? reject(new Error(m.error)) : undefined));
      child.on('exit', (code) => reject(new Error(`clients exited ${code}`)));
    });
    const deadline = Date.now() + 30_000;
    while (cluster.hub.openSubscriptions() < idle && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const open = cluster.hub.openSubscriptions();
    await new Promise((r) => setTimeout(r, 1000));
    const after = heapAfterGc();
    const rssAfter = process.memoryUsage().rss;
    console.log(
      JSON.stringify({
        bench: 'idle-subscribers',
        open,
        hubHeapGrowthMB: Math.round(((after - before) / 1024 / 1024) * 10) / 10,
        hubHeapPer1000MB: Math.round(((after - before) / open) * 1000 / 1024 / 1024 * 10) / 10,
        processRssGrowthMB: Math.round(((rssAfter - rssBefore) / 1024 / 1024) * 10) / 10,
      }),
    );
    child.removeAllListeners('exit');
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  } finally {
    await cluster.stop();
    if (eventBroker) {
      const broker = await connectBroker(eventBroker, 'lilong-bench');
      await broker.jsm.streams.delete(eventBroker.stream).catch(() => undefined);
      await broker.nc.close();
    }
    await database.stop();
  }
}
