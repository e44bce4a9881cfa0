/**
 * One request must never take the sub-district down: the hostile corpus (tests/src/hostile/corpus.ts, over a
 * thousand cases) against a test sub-district, each case followed by a `{ __typename }` probe. No answer may be a
 * 5xx, every error carries a code, nothing hangs, the hub keeps answering, and no healthy community's circuit
 * opens. (Timings are reported by `npm run bench -- hostile`, not asserted here.)
 */
import { TestCluster } from './support/cluster';
import { runHostile, summarize, type CaseResult } from './hostile/run';

let cluster: TestCluster;
let results: CaseResult[];

beforeAll(async () => {
  cluster = await TestCluster.start({ background: false });
  const token = await cluster.token(
    [
      { role: 'subdistrict' },
      ...cluster.communities.map((c) => ({ role: 'committee' as const, community: c.code })),
      { role: 'merchant', shop: `${cluster.communities[0]!.code}:Shop:1` },
    ],
    'hostile-tester',
  );
  results = await runHostile(cluster.url, { token, hangMs: 10_000 });
}, 600_000);

afterAll(async () => {
  await cluster?.stop();
});

const describeFaults = (rows: CaseResult[]) => rows.map((r) => `${r.hostile.category} / ${r.hostile.name}: ${r.fault ?? 'probe failed'}`);

it('sends at least 1,000 cases across every category', () => {
  const table = summarize(results);
  expect(table.all.cases).toBeGreaterThanOrEqual(1000);
  for (const category of ['transport', 'parse', 'validation', 'fragments', 'operations', 'arguments'] as const) {
    expect(table[category]?.cases ?? 0).toBeGreaterThan(10);
  }
});

it('answers every case without a 5xx, a hang, a non-JSON error body or an error without a code', () => {
  expect(describeFaults(results.filter((r) => r.fault))).toEqual([]);
});

it('keeps answering { __typename } after every case', () => {
  expect(describeFaults(results.filter((r) => !r.probeOk))).toEqual([]);
});

it('refuses fragment explosions and depth bombs with a limit code before planning', () => {
  const bombs = results.filter((r) => /^chain (2\d|30) x2 include\/skip$/.test(r.hostile.name));
  expect(bombs.length).toBeGreaterThan(5);
  for (const r of bombs) expect(r.status).toBe(400);
});

it('leaves every community verified and answering: no circuit opened for a healthy node', async () => {
  for (const { code } of cluster.communities) expect(cluster.hub.links.status(code)).toBe('ACTIVE');
  const answer = await cluster.query('{ communities { code status shops { name } } }');
  expect(answer.errors).toBeUndefined();
  expect(answer.data.communities.every((c: { status: string }) => c.status === 'ACTIVE')).toBe(true);
});
