import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HUB_ASSERTION_HEADER } from '@lilong/kit';
import { TestCluster } from '../src/cluster';
import { startEmbeddedPostgres } from '../src/embedded-pg';
import { DEMO_COMMUNITIES } from '../src/seed';
import { timeSeries } from './stats';

const COMMUNITY_FIELDS = `compounds { name kind householdCount } shops { name kind products { name unit priceFen stock { available } } } volunteers { displayName skills vehicleSeats zone available }`;

/**
 * The sub-district query through the hub against the same data asked of one node directly.
 *   A: the sub-district overview through the hub (every demo community, three subgraphs each)
 *   B: one community's overview through the hub
 *   C: the same community asked directly at its node: its three subgraphs in parallel, with a hub assertion
 * Runs on DATABASE_URL's server, else an embedded PostgreSQL. `npm run bench -- federation [iterations]`
 */
export async function benchFederation(iterations = 200): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  let stopPg: (() => Promise<void>) | undefined;
  let home: string | undefined;
  if (!adminUrl) {
    home = mkdtempSync(path.join(os.tmpdir(), 'lilong-bench-'));
    chmodSync(home, 0o755);
    const pg = await startEmbeddedPostgres({ dataDir: path.join(home, 'pg'), persistent: false });
    adminUrl = pg.adminUrl;
    stopPg = pg.stop;
  }
  const cluster = await TestCluster.start({ communities: DEMO_COMMUNITIES }, adminUrl);
  try {
    const code = DEMO_COMMUNITIES[0]!.code;
    const overview = `{ communities { code name status ${COMMUNITY_FIELDS} } }`;
    const one = `query($c: String!) { community(code: $c) { code name status ${COMMUNITY_FIELDS} } }`;
    const check = (answer: { errors?: unknown[] }) => {
      if (answer.errors) throw new Error(`bench query failed: ${JSON.stringify(answer.errors).slice(0, 300)}`);
    };
    const direct = async () => {
      const rep = { representations: [{ __typename: 'Community', code }] };
      const bodies: [string, string][] = [
        ['groups', 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Community { compounds { name kind householdCount } } } }'],
        ['shops', 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Community { shops { name kind products { name unit priceFen stock { available } } } } } }'],
        ['volunteers', 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Community { volunteers { displayName skills vehicleSeats zone available } } } }'],
      ];
      await Promise.all(
        bodies.map(async ([subgraph, query]) => {
          const response = await fetch(`${cluster.nodeUrl(code)}/${subgraph}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [HUB_ASSERTION_HEADER]: cluster.assertionFor(code) },
            body: JSON.stringify({ query, variables: rep }),
          });
          check((await response.json()) as { errors?: unknown[] });
        }),
      );
    };
    const warmup = Math.min(30, iterations);
    const a = await timeSeries(iterations, warmup, async () => check(await cluster.query(overview)));
    const b = await timeSeries(iterations, warmup, async () => check(await cluster.query(one, { c: code })));
    const c = await timeSeries(iterations, warmup, direct);
    console.log(`federation bench: ${DEMO_COMMUNITIES.length} communities, ${iterations} sequential requests each (ms)`);
    console.table({ 'A hub, sub-district overview': a, 'B hub, one community': b, 'C node direct, one community': c });
    console.log(`ratio B/C (hub overhead, same data): ${(b.p50 / c.p50).toFixed(2)}x at p50, ${(b.mean / c.mean).toFixed(2)}x mean`);
    console.log(`ratio A/C (whole sub-district vs one node): ${(a.p50 / c.p50).toFixed(2)}x at p50, ${(a.mean / c.mean).toFixed(2)}x mean`);
  } finally {
    await cluster.stop();
    await stopPg?.();
    if (home) rmSync(home, { recursive: true, force: true });
  }
}
