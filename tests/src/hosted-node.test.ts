/**
 * Several communities' nodes in one process (LILONG_COMMUNITIES_FILE, subgraphs/node/src/hosted.ts), as an operator
 * hosting small committees runs it: plain `node`, each community on its own port and database behind the hub.
 */
import { connect, createServer, type Server } from 'node:net';
import { TestCluster, type NodeProcess } from '../../ops/src/cluster';
import { dropDatabase, scratchName, withDatabase } from '../../ops/src/db';
import { lookUp, stockedProduct } from './support/sub-district';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({ background: false });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

const SUB_DISTRICT = `{ communities { code shops { name } } }`;
const codesWith = (answer: any) => (answer.data.communities as any[]).filter((c) => Array.isArray(c.shops) && c.shops.length > 0).map((c) => c.code).sort();

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('one process hosting alpha and beta, and a third community whose database does not exist yet', () => {
  let hosted: NodeProcess & { file: string };
  const lateDatabase = scratchName('hosted_late');
  let latePort: number;
  // delta-9's PostgreSQL "comes up later": a port where nothing listens until the test opens a proxy to the real one.
  let databasePort: number;
  let proxy: Server | undefined;
  const admin = () => process.env.LILONG_TEST_ADMIN_URL!;

  afterAll(async () => {
    hosted?.child.kill('SIGKILL');
    await hosted?.exited;
    await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
    await dropDatabase(admin(), lateDatabase);
  });

  const stocked = new Map<string, { product: string; merchant: string }>();

  beforeAll(async () => {
    // Products and merchants recorded while the test's own process still serves alpha and beta.
    const ids = await lookUp(cluster);
    for (const code of ['alpha', 'beta']) {
      const shop = ids.get(code)!.shops[0]!.id;
      stocked.set(code, { product: await stockedProduct(cluster, shop, { name: `托管大米 ${code}`, onHand: 7 }), merchant: await cluster.token([{ role: 'merchant', shop }]) });
    }
    // delta-9's database does not answer: the process starts the others and keeps retrying it.
    latePort = await freePort();
    databasePort = await freePort();
    const late = new URL(withDatabase(admin(), lateDatabase));
    late.port = String(databasePort);
    late.hostname = '127.0.0.1';
    hosted = await cluster.runHosted(['alpha', 'beta'], [{ community: 'delta-9', databaseUrl: late.toString(), port: latePort }]);
  }, 60_000);

  it('serves both through the hub, each from its own database, reads and writes', async () => {
    const answer = await cluster.query(SUB_DISTRICT);
    expect(answer.errors).toBeUndefined();
    expect(codesWith(answer)).toEqual(['alpha', 'beta', 'gamma']);
    for (const [code, { product, merchant }] of stocked) {
      const changed = await cluster.query(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id } }`, { i: { productId: product, delta: code === 'alpha' ? 3 : 5, reason: '到货' } }, merchant);
      expect(changed.errors).toBeUndefined();
      const read = await cluster.query(`query($id: ID!) { product(id: $id) { name stock { onHand } shop { community { code } } } }`, { id: product });
      expect(read.errors).toBeUndefined();
      expect(read.data.product).toMatchObject({ name: `托管大米 ${code}`, stock: { onHand: code === 'alpha' ? 10 : 12 }, shop: { community: { code } } });
    }
    // Only gamma is still served from the test's own process.
    expect([...cluster.nodes.keys()]).toEqual(['gamma']);
  });

  it("answers each community's probes on its own port", async () => {
    for (const code of ['alpha', 'beta']) {
      const ready = await fetch(`${cluster.nodeUrl(code)}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', community: code });
    }
  });

  it('keeps serving while the broken community is retried, and says so', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(hosted.child.exitCode).toBeNull();
    expect(hosted.stderr()).toMatch(/community could not start; the others serve; retrying/);
    expect(hosted.stderr()).toContain('delta-9');
    expect((await cluster.query(SUB_DISTRICT)).errors).toBeUndefined();
    await expect(fetch(`http://127.0.0.1:${latePort}/livez`)).rejects.toThrow();
  });

  it('starts the late community once its database is there, without a restart', async () => {
    const real = new URL(admin());
    proxy = createServer((socket) => {
      const upstream = connect(Number(real.port || 5432), real.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy!.listen(databasePort, '127.0.0.1', resolve));
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = await fetch(`http://127.0.0.1:${latePort}/readyz`).then((r) => r.status, () => 0);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${latePort}/readyz`)).json()).toMatchObject({ status: 'ok', community: 'delta-9' });
  }, 40_000);

  it('is one crash domain: the process killed, every community it hosted is unavailable, and only those', async () => {
    hosted.child.kill('SIGKILL');
    await hosted.exited;
    const answer = await cluster.query(SUB_DISTRICT);
    expect(codesWith(answer)).toEqual(['gamma']);
    const down = (answer.errors ?? []).filter((e) => e.extensions?.code === 'COMMUNITY_UNAVAILABLE').map((e) => e.extensions!.community);
    expect([...new Set(down)].sort()).toEqual(['alpha', 'beta']);
    await cluster.restartNode('alpha');
    await cluster.restartNode('beta');
  });
});

it('stops on SIGTERM after closing every node it hosts', async () => {
  const hosted = await cluster.runHosted(['alpha', 'beta']);
  expect((await fetch(`${cluster.nodeUrl('beta')}/livez`)).status).toBe(200);
  hosted.child.kill('SIGTERM');
  expect(await hosted.exited).toBe('0');
  await expect(fetch(`${cluster.nodeUrl('beta')}/livez`)).rejects.toThrow();
  await cluster.restartNode('alpha');
  await cluster.restartNode('beta');
}, 60_000);

it('refuses a communities file that lists a community twice, naming the entry, and exits 1', async () => {
  await expect(cluster.runHosted(['alpha'], [{ community: 'alpha', databaseUrl: 'postgres://postgres@127.0.0.1:5432/x', port: 0 }])).rejects.toThrow(
    /exited \(1\) before it was ready: configuration: LILONG_COMMUNITIES_FILE communities\[1\]: community alpha is listed twice/,
  );
  await cluster.restartNode('alpha');
}, 60_000);
