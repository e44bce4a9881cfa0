/**
 * The production build, as a deployment runs it: `npm run build` (tsc -b; incremental, so a build CI made first is
 * reused), then two community nodes and the hub as plain `node <package>/dist/main.js` processes (no TypeScript
 * hook), configured through the environment, keys and directory as files, against the test PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DIST_ENTRIES, startFromDist, type DistSubDistrict } from '../../ops/src/dist-run';
import { REPO_ROOT } from '../../ops/src/paths';

let run: DistSubDistrict;

interface Answer<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function ask<T>(query: string): Promise<Answer<T>> {
  const response = await fetch(run.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await response.json()) as Answer<T>;
}

beforeAll(async () => {
  // The root's `npm run build` minus the console (global setup builds that): tsc -b over every production package.
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
  } catch (error) {
    throw new Error(`npm run build failed:\n${String((error as { stdout?: Buffer }).stdout ?? error)}`);
  }
  run = await startFromDist({ adminUrl: process.env.LILONG_TEST_ADMIN_URL! });
}, 240_000);

afterAll(async () => {
  await run?.stop();
}, 60_000);

describe('the production build (dist/)', () => {
  it('runs the hub and each node as plain node on its dist entry, without the TypeScript hook', () => {
    const started = [[run.hub, DIST_ENTRIES.hub] as const, ...[...run.nodes.values()].map((n) => [n, DIST_ENTRIES.node] as const)];
    for (const [proc, entry] of started) {
      // (The title each sets for `ps` overwrites /proc/<pid>/cmdline, so the command is read where it was spawned.)
      expect(proc.child.spawnargs).toEqual([process.execPath, path.join(REPO_ROOT, entry)]);
      const environ = readFileSync(`/proc/${proc.child.pid}/environ`, 'utf8').split('\0');
      expect(environ.filter((v) => v.startsWith('NODE_OPTIONS='))).toEqual([]);
    }
    // The hook compiles with swc's native module; a node never loads it otherwise (the hub does, for the verifier).
    for (const node of run.nodes.values()) expect(readFileSync(`/proc/${node.child.pid}/maps`, 'utf8')).not.toMatch(/swc/);
  });

  it('keeps decorator metadata, which type-graphql and MikroORM read at run time', () => {
    const built = readFileSync(path.join(REPO_ROOT, 'subgraphs/shops/dist/product/product.entity.js'), 'utf8');
    expect(built).toContain('__metadata("design:type"');
  });

  it('answers a federated query from every node: entities from each database, merged by the hub', async () => {
    const answer = await ask<{ communities: { code: string; status: string; shops: { name: string; products: { name: string; stock: { available: number } }[] }[] }[] }>(
      '{ communities { code status shops { name products { name stock { available } } } } }',
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.communities.map((c) => [c.code, c.status])).toEqual([
      ['alpha', 'ACTIVE'],
      ['beta', 'ACTIVE'],
    ]);
    const alpha = answer.data!.communities[0]!;
    expect(alpha.shops.map((s) => s.name)).toEqual(expect.arrayContaining(['甲副食品店', '甲药房']));
    expect(alpha.shops.find((s) => s.name === '甲副食品店')!.products).toContainEqual({ name: '东北大米 5kg', stock: { available: 20 } });
    expect(answer.data!.communities[1]!.shops.length).toBeGreaterThan(0);
  });

  it('fans a search out to every node and merges the answers cheapest first', async () => {
    const answer = await ask<{ searchStock: { priceFen: number; shop: { community: { code: string } } }[] }>(
      '{ searchStock(text: "米", first: 10) { priceFen shop { community { code } } } }',
    );
    expect(answer.errors).toBeUndefined();
    const hits = answer.data!.searchStock;
    expect(new Set(hits.map((h) => h.shop.community.code))).toEqual(new Set(['alpha', 'beta']));
    expect(hits.map((h) => h.priceFen)).toEqual([...hits.map((h) => h.priceFen)].sort((a, b) => a - b));
  });

  it('turns bad input into a coded, bilingual error', async () => {
    const answer = await ask('{ shop(id: "nowhere:Shop:1") { name } }');
    expect(answer.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code: 'UNKNOWN_COMMUNITY', messageZh: expect.any(String) }));
  });

  it('answers the liveness and readiness probes of hub and nodes', async () => {
    for (const target of [run.hub, ...run.nodes.values()]) {
      expect([target.name, (await fetch(`${target.url}/livez`)).status]).toEqual([target.name, 200]);
      expect([target.name, (await fetch(`${target.url}/readyz`)).status]).toEqual([target.name, 200]);
    }
  });

  it('serves the notice verifier, whose browser code is compiled from the sources beside the build', async () => {
    const response = await fetch(`${run.hub.url}/verify/assets/check.js`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^export /m);
  });
});
