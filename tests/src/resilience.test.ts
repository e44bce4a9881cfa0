/**
 * A community that is down degrades the hub's answer; it never takes the hub down.
 */
import { TestCluster } from './support/cluster';
import { eventually } from './support/sub-district';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({ breakerOpenMs: 300, timeoutMs: 1000 });
});

afterAll(async () => {
  await cluster?.stop();
});

const OVERVIEW = `{ communities { code status compounds { name } shops { name products { name } } volunteers { displayName } } }`;


it('answers with every other community and one error naming the one that is down, then recovers', async () => {
  const down = cluster.communities[1]!;
  const full = await cluster.query(OVERVIEW);
  expect(full.errors).toBeUndefined();

  await cluster.stopNode(down.code);
  const began = Date.now();
  const partial = await cluster.query(OVERVIEW);
  const elapsed = Date.now() - began;
  expect(partial.status).toBe(200);
  expect(elapsed).toBeLessThan(3000);
  for (const community of partial.data.communities as any[]) {
    const before = full.data.communities.find((c: any) => c.code === community.code);
    if (community.code === down.code) {
      expect(community).toMatchObject({ compounds: null, shops: null, volunteers: null });
    } else {
      expect(community).toEqual(before);
    }
  }
  expect(partial.errors).toHaveLength(1);
  expect(partial.errors![0]!.extensions).toMatchObject({ code: 'COMMUNITY_UNAVAILABLE', community: down.code });
  expect(partial.errors![0]!.extensions!.subgraphs.sort()).toEqual(['groups', 'shops', 'volunteers']);
  expect(partial.errors![0]!.message).toContain(down.code);

  // The circuit opens: the hub stops calling the dead node and says so in the directory.
  await cluster.query(OVERVIEW);
  const status = await cluster.query(`query($c: String!) { community(code: $c) { status statusDetail } }`, { c: down.code });
  expect(status.data.community.status).toBe('UNAVAILABLE');
  expect(status.data.community.statusDetail).toMatch(/CONNECTION_FAILED|CIRCUIT_OPEN/);

  await cluster.restartNode(down.code);
  const recovered = await eventually(
    () => cluster.query(OVERVIEW),
    (a) => a.errors === undefined && a.data.communities.every((c: any) => c.status === 'ACTIVE'),
    10_000,
  );
  expect(recovered.errors).toBeUndefined();
  expect(recovered.data).toEqual(full.data);
});

it('keeps routed queries to healthy communities working while one is down', async () => {
  const [alpha, beta] = cluster.communities;
  await cluster.stopNode(beta!.code);
  try {
    const answer = await cluster.query(`query($a: String!, $b: String!) { a: compounds(community: $a) { name } b: compounds(community: $b) { name } }`, {
      a: alpha!.code,
      b: beta!.code,
    });
    expect(answer.data.a.map((c: any) => c.name).sort()).toEqual(alpha!.compounds.map((c) => c.name).sort());
    expect(answer.data.b).toBeNull();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]).toMatchObject({ path: ['b'], extensions: { code: 'COMMUNITY_UNAVAILABLE', community: beta!.code } });
  } finally {
    await cluster.restartNode(beta!.code);
  }
});

describe('a community that answers badly', () => {
  const servers: import('node:http').Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  async function fakeNode(handler: import('node:http').RequestListener): Promise<string> {
    const { createServer } = await import('node:http');
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  }

  it.each([
    ['never answers', 'TIMEOUT', () => undefined],
    ['answers garbage', 'BAD_RESPONSE', (_req: any, res: any) => res.end('<html>proxy error</html>')],
  ])('one that %s degrades the answer with reason %s, within the timeout', async (what, reason, handler) => {
    const code = `broken-${what.split(' ')[0]}`;
    const url = await fakeNode(handler as import('node:http').RequestListener);
    const entries = [...cluster.hub.directory.list()];
    cluster.hub.directory.replace([...entries, { code, name: '故障社区', url, neighbours: [], noticeKeys: [], status: 'active' }]);
    try {
      const began = Date.now();
      const answer = await cluster.query(`{ communities { code compounds { name } } }`);
      expect(Date.now() - began).toBeLessThan(3000);
      const broken = answer.data.communities.find((c: any) => c.code === code);
      expect(broken.compounds).toBeNull();
      expect(answer.data.communities.filter((c: any) => c.compounds !== null)).toHaveLength(entries.length);
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors![0]!.extensions).toMatchObject({ code: 'COMMUNITY_UNAVAILABLE', community: code, reason });
    } finally {
      cluster.hub.directory.replace(entries);
    }
  });
});

it('follows directory changes without a restart', async () => {
  const entries = [...cluster.hub.directory.list()];
  const [first, ...rest] = entries;
  cluster.hub.directory.replace(rest);
  const without = await cluster.query(`{ communities { code shops { name } } }`);
  expect(without.data.communities.map((c: any) => c.code)).toEqual(rest.map((c) => c.code));
  cluster.hub.directory.replace(entries);
  const back = await cluster.query(`{ communities { code status shops { name } } }`);
  expect(back.errors).toBeUndefined();
  expect(back.data.communities.map((c: any) => c.code)).toEqual(entries.map((c) => c.code));
  expect(back.data.communities[0].shops.length).toBe(cluster.communities.find((c) => c.code === first!.code)!.shops.length);
});
