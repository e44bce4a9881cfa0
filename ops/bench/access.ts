import path from 'node:path';
import { DEFAULT_QUERY } from '../../gateway/src/explorer/page';
import { mintWithKeyFile } from '../src/demo-idp';
import { DEMO_ISSUER, demoSubject } from '../src/demo-people';
import { runEmbedded } from '../src/embedded-run';
import { demoIdpKeyFile } from '../src/keys';
import { summarize, type LatencySummary } from './stats';

/** The community whose group the sign-ups go to (its order and its households are the bench's own). */
const COMMUNITY = 'panyu';

interface Answer {
  data?: any;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer;
}

function must(answer: Answer): any {
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data;
}

async function timed(n: number, run: () => Promise<void>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const began = performance.now();
    await run();
    ms.push(performance.now() - began);
  }
  return ms;
}

/**
 * `npm run bench -- access [rounds]`: what the membership checks cost, against `npm start`'s layout. Alternating
 * rounds of 50, sequential: the README's first query anonymous (no records read) and signed in (each node reads the
 * caller's records, and the hub asks every community's node for the caller's roles there), and a sign-up (a resident
 * changes the household's quantity on an open order: the node reads the records, the hub asks the others).
 * Compare with the same figures of a build before memberships (README: the note of the membership issue).
 */
export async function benchAccess(rounds = 6): Promise<void> {
  const run = await runEmbedded();
  try {
    const keyFile = demoIdpKeyFile(path.join(run.home, 'keys'));
    const token = (subject: string) => mintWithKeyFile(keyFile, DEMO_ISSUER, subject, { expiresInSeconds: 3600 });
    const committee = await token(demoSubject('committee-of', COMMUNITY));
    const ids = must(
      await post(
        run.url,
        `query($c: String!) { community(code: $c) { groups { id compound { id households { id } } leaderHouseholdId } shops { id products { id stock { available } } } } }`,
        { c: COMMUNITY },
        committee,
      ),
    ).community;
    const group = ids.groups[0];
    const household = group.compound.households.find((h: { id: string }) => h.id !== group.leaderHouseholdId).id as string;
    const product = ids.shops.flatMap((s: any) => s.products.map((p: any) => ({ shop: s.id, ...p }))).sort((a: any, b: any) => b.stock.available - a.stock.available)[0];
    const leader = await token(demoSubject('leader-of', group.id));
    const resident = await token(demoSubject('resident-of', household));
    const order = must(
      await post(
        run.url,
        `mutation($i: OpenGroupOrderInput!) { openGroupOrder(input: $i) { id } }`,
        { i: { shopId: product.shop, groupId: group.id, title: 'bench', deadline: new Date(Date.now() + 3_600_000).toISOString(), minimumKind: 'HOUSEHOLDS', minimum: 1, handOut: 'DELIVERY_TO_GATE', productIds: [product.id] } },
        leader,
      ),
    ).openGroupOrder.id as string;
    let quantity = 0;
    const signUp = async () => {
      quantity = quantity === 1 ? 2 : 1;
      must(await post(run.url, `mutation($i: SignUpInput!) { signUp(input: $i) { id } }`, { i: { orderId: order, householdId: household, lines: [{ productId: product.id, quantity }] } }, resident));
    };
    const query = (t?: string) => async () => void must(await post(run.url, DEFAULT_QUERY, {}, t));

    for (const warm of [query(), query(committee), signUp]) await timed(20, warm);
    const anonymous: number[] = [];
    const signedIn: number[] = [];
    const signUps: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      anonymous.push(...(await timed(50, query())));
      signedIn.push(...(await timed(50, query(committee))));
      signUps.push(...(await timed(50, signUp)));
    }
    const rows: Record<string, LatencySummary> = {
      'README first query, anonymous': summarize(anonymous),
      'README first query, signed in (committee-of panyu)': summarize(signedIn),
      'sign-up (resident changes quantity)': summarize(signUps),
    };
    console.log(`access bench: ${rounds} alternating rounds of 50, sequential, against npm start (ms)`);
    console.table(rows);
    const a = rows['README first query, anonymous']!;
    const s = rows['README first query, signed in (committee-of panyu)']!;
    console.log(`signed in / anonymous at p50: ${(s.p50 / a.p50).toFixed(3)}x`);
  } finally {
    await run.stop();
  }
}
