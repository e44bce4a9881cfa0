import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ANONYMOUS_CALLER, HUB_ASSERTION_HEADER, signAssertion, signingKey } from '@lilong/kit';
import { runEmbedded } from '../src/embedded-run';
import { readPrivateKey } from '../src/keys';
import { timeSeries } from './stats';

const COMMUNITY_FIELDS = `compounds { name kind householdCount } shops { name kind products { name unit priceFen stock { available } } } volunteers { displayName skills vehicleSeats zone available }`;

/**
 * The sub-district query through the hub against the same data asked of one node directly, on `npm start`'s own
 * layout (embedded PostgreSQL, a process per community node, the hub), driven from this process over HTTP.
 *   A: the sub-district overview through the hub (every demo community, three subgraphs each)
 *   B: one community's overview through the hub
 *   C: the same community asked directly at its node: its three subgraphs in parallel, with a hub assertion
 * `npm run bench -- federation [iterations]`
 */
export async function benchFederation(iterations = 200): Promise<void> {
  const run = await runEmbedded();
  try {
    const hubKey = await signingKey(readPrivateKey(path.join(run.home, 'keys/hub.pem')));
    const directory = JSON.parse(readFileSync(path.join(run.home, 'directory.json'), 'utf8')) as { communities: { code: string; url: string }[] };
    const { code, url: nodeUrl } = directory.communities[0]!;
    const query = async (q: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(run.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q, variables }) });
      check((await response.json()) as { errors?: unknown[] });
    };
    const overview = `{ communities { code name status ${COMMUNITY_FIELDS} } }`;
    const one = `query($c: String!) { community(code: $c) { code name status ${COMMUNITY_FIELDS} } }`;
    const direct = async () => {
      const rep = { representations: [{ __typename: 'Community', code }] };
      const bodies: [string, string][] = [
        ['groups', 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Community { compounds { name kind householdCount } } } }'],
        ['shops', 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Community { shops { name kind products { name unit priceFen stock { available } } } } } }'],
        ['volunteers', 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Community { volunteers { displayName skills vehicleSeats zone available } } } }'],
      ];
      await Promise.all(
        bodies.map(async ([subgraph, q]) => {
          const response = await fetch(`${nodeUrl}/${subgraph}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [HUB_ASSERTION_HEADER]: await signAssertion(ANONYMOUS_CALLER, code, hubKey, { path: `/${subgraph}/graphql` }) },
            body: JSON.stringify({ query: q, variables: rep }),
          });
          check((await response.json()) as { errors?: unknown[] });
        }),
      );
    };
    const warmup = Math.min(30, iterations);
    const a = await timeSeries(iterations, warmup, () => query(overview));
    const b = await timeSeries(iterations, warmup, () => query(one, { c: code }));
    const c = await timeSeries(iterations, warmup, direct);
    console.log(`federation bench: ${directory.communities.length} communities, ${iterations} sequential requests each (ms)`);
    console.log('layout: npm start (embedded PostgreSQL 17, one process per community node, the hub), on this machine');
    console.table({ 'A hub, sub-district overview': a, 'B hub, one community': b, 'C node direct, one community': c });
    console.log(`ratio B/C (hub overhead, same data): ${(b.p50 / c.p50).toFixed(2)}x at p50, ${(b.mean / c.mean).toFixed(2)}x mean`);
    console.log(`ratio A/C (whole sub-district vs one node): ${(a.p50 / c.p50).toFixed(2)}x at p50, ${(a.mean / c.mean).toFixed(2)}x mean`);
  } finally {
    await run.stop();
  }
}

function check(answer: { errors?: unknown[] }): void {
  if (answer.errors) throw new Error(`bench query failed: ${JSON.stringify(answer.errors).slice(0, 300)}`);
}
