import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HUB_ASSERTION_HEADER, signAssertion, signingKey, type Caller, type Role } from '@lilong/kit';
import { createDatabase, dropDatabase, scratchName } from '../src/db';
import { mintWithKeyFile } from '../src/demo-idp';
import { DEMO_ISSUER, demoSubject } from '../src/demo-people';
import { embeddedAdminUrl, runEmbedded } from '../src/embedded-run';
import { postToNode } from '../../gateway/src/routing/node-http';
import { demoIdpKeyFile, readPrivateKey } from '../src/keys';

const SIGN_UP = `mutation($i: SignUpInput!) { signUp(input: $i) { id } }`;

interface Round {
  path: string;
  signUps: number;
  succeeded: number;
  refused: number;
  failed: number;
  seconds: number;
  perSecond: number;
  reserved: number;
  onHand: number;
  oversold: number;
  /** CPU ms per sign-up of the hub, the merchant's node and PostgreSQL (all its processes), over the round. */
  cpuMsHub: number;
  cpuMsNode: number;
  cpuMsPg: number;
  /** What the node's database sessions waited on during the round, most sampled first (pg_stat_activity every 50 ms). */
  waits: string;
}

/**
 * Sign-ups per second on one hot product (every household after the same units), in three rounds: through the hub
 * as each resident's first request (the hub first asks every community where they have records), through the hub
 * after each resident opened the order (as the app's 接龙 page does first; untimed), and straight to the merchant's
 * node; with the oversell count (must be 0) and CPU ms per sign-up of the hub, the node and PostgreSQL; and
 * pgbench's single-row update rate on the same PostgreSQL, as the ceiling one row lock allows. Runs on `npm start`'s own layout (embedded PostgreSQL, a process
 * per community node, the hub), driven from this process over HTTP.
 * `npm run bench -- signups [signUps] [concurrency]`
 */
export async function benchSignUps(total = 1000, concurrency = 32): Promise<void> {
  const run = await runEmbedded();
  const rounds: Round[] = [];
  let pgbenchFigure = '';
  try {
    const idpKeyFile = demoIdpKeyFile(path.join(run.home, 'keys'));
    const hubKey = await signingKey(readPrivateKey(path.join(run.home, 'keys/hub.pem')));
    const directory = JSON.parse(readFileSync(path.join(run.home, 'directory.json'), 'utf8')) as { communities: { code: string; url: string }[] };
    /** A token from the run's demo identity provider: it names the person; the communities' records say what they are. */
    const token = (subject: string) => mintWithKeyFile(idpKeyFile, DEMO_ISSUER, subject, { expiresInSeconds: 3600 });
    const query = async (q: string, variables: Record<string, unknown>, bearer?: string) => {
      const response = await fetch(run.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) }, body: JSON.stringify({ query: q, variables }) });
      const answer = (await response.json()) as { data?: any; errors?: unknown[] };
      if (answer.errors) throw new Error(JSON.stringify(answer.errors).slice(0, 400));
      return answer.data;
    };
    const info = await query(`{ communities { code groups { id compound { id } leaderHouseholdId } shops { id } } }`, {});
    const [home, , merchantCommunity] = info.communities as { code: string; groups: any[]; shops: { id: string }[] }[];
    const group = home!.groups[0];
    const shopId = merchantCommunity!.shops[0]!.id;
    const nodeUrl = directory.communities.find((c) => c.code === merchantCommunity!.code)!.url;
    // The seeded merchant, leader and committee staff (see demo-people.ts).
    const merchant = await token(demoSubject('merchant-of', shopId));
    const leader = await token(demoSubject('leader-of', group.id));
    const committee = await token(demoSubject('committee-of', home!.code));
    const units = Math.floor(total * 0.6);
    /**
     * `total` households in the group's compound, each with a resident recorded by the committee (a household's
     * address comes from its record), the token of each and the role the home community's records give them: made
     * before the clock starts.
     */
    const residents = async (round: number) => {
      const made: { household: string; token: string; role: Extract<Role, { role: 'resident' }> }[] = [];
      for (let start = 0; start < total; start += concurrency) {
        const batch = Array.from({ length: Math.min(concurrency, total - start) }, (_, i) => start + i);
        made.push(
          ...(await Promise.all(
            batch.map(async (n) => {
              const registered = await query(
                `mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { id building address compound { id } } }`,
                { i: { compoundId: group.compound.id, building: `bench${round}`, unit: String(Math.floor(n / 100) + 1), room: String(n), tenure: 'TENANT' } },
                committee,
              );
              const h = registered.registerHousehold as { id: string; building: string; address: string; compound: { id: string } };
              const subject = `bench:resident:${h.id}`;
              await query(
                `mutation($i: GrantMembershipInput!) { grantMembership(input: $i) { id } }`,
                { i: { community: home!.code, person: { issuer: DEMO_ISSUER, subject }, kind: 'RESIDENT', householdId: h.id } },
                committee,
              );
              return {
                household: h.id,
                token: await token(subject),
                role: { role: 'resident' as const, household: h.id, compound: h.compound.id, building: h.building, address: h.address },
              };
            }),
          )),
        );
      }
      return made;
    };

    // 'cold': each resident's sign-up is their first request to the hub, which first asks every community where they
    // have records (its census, HomeCommunities); 'hub': each resident opened the order first, as the app's 接龙 page
    // does (untimed), so the hub knows their home community and asks only it for their roles.
    for (const via of ['cold', 'hub', 'node'] as const) {
      const added = await query(`mutation($i: AddProductInput!) { addProduct(input: $i) { id stock { version } } }`, { i: { shopId, name: `抢购 ${via}`, unit: '份', priceFen: 100 } }, merchant);
      const productId = added.addProduct.id as string;
      await query(`mutation($i: SetStockInput!) { setStock(input: $i) { id } }`, { i: { productId, onHand: units, expectedVersion: added.addProduct.stock.version } }, merchant);
      const opened = await query(
        `mutation($i: OpenGroupOrderInput!) { openGroupOrder(input: $i) { id } }`,
        { i: { shopId, groupId: group.id, title: `bench ${via}`, deadline: new Date(Date.now() + 3600_000).toISOString(), minimumKind: 'HOUSEHOLDS', minimum: 1, handOut: 'PICKUP_AT_SHOP', productIds: [productId] } },
        leader,
      );
      const orderId = opened.openGroupOrder.id as string;
      const people = await residents(via === 'cold' ? 1 : via === 'hub' ? 2 : 3);
      if (via === 'hub') {
        for (let start = 0; start < total; start += concurrency) {
          await Promise.all(people.slice(start, start + concurrency).map((p) => query(`query($id: ID!) { groupOrder(id: $id) { id status mySignUp { id } } }`, { id: orderId }, p.token)));
        }
      }
      const body = (n: number) => JSON.stringify({ query: SIGN_UP, variables: { i: { orderId, householdId: people[n]!.household, lines: [{ productId, quantity: 1 }] } } });
      // Straight to the node, the assertion carries what the hub would: the identity and the home community's roles.
      const caller = (n: number): Caller => ({ identity: { issuer: DEMO_ISSUER, subject: `bench:resident:${people[n]!.household}` }, grants: [], roles: [people[n]!.role] });
      // The clients' HTTP is the hub's own (kept-alive sockets, no WHATWG streams): the clients share this machine's two
      // cores with what is measured, so they should take as little of them as they can.
      const send = async (n: number): Promise<'ok' | 'refused' | 'failed'> => {
        const response =
          via !== 'node'
            ? await postToNode(run.url, { 'content-type': 'application/json', authorization: `Bearer ${people[n]!.token}` }, body(n), AbortSignal.timeout(60_000), 1 << 20)
            : await postToNode(
                `${nodeUrl}/shops/graphql`,
                { 'content-type': 'application/json', [HUB_ASSERTION_HEADER]: await signAssertion(caller(n), merchantCommunity!.code, hubKey, { path: '/shops/graphql' }) },
                body(n),
                AbortSignal.timeout(60_000),
                1 << 20,
              );
        const answer = JSON.parse(response.text) as { errors?: { extensions?: { code?: string } }[] };
        if (!answer.errors) return 'ok';
        return answer.errors[0]?.extensions?.code === 'INSUFFICIENT_STOCK' ? 'refused' : 'failed';
      };
      let next = 0;
      const outcomes: string[] = [];
      const sampling = sampleWaits(embeddedAdminUrl(run));
      const state = run.state()!;
      const watched = { hub: [state.hub!.pid!], node: [state.nodes[merchantCommunity!.code]!.pid!], pg: postgresPids(state.postgres!) };
      const cpuBefore = { hub: cpuMs(watched.hub), node: cpuMs(watched.node), pg: cpuMs(watched.pg) };
      const began = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) outcomes.push(await send(next++));
        }),
      );
      const ended = process.hrtime.bigint();
      const seconds = Number(ended - began) / 1e9;
      // The round's window on the monotonic clock CPU profiles use (LILONG_NODE_FLAGS="--cpu-prof ..."), in µs.
      if (process.env.LILONG_NODE_FLAGS?.includes('--cpu-prof')) console.error(`profile window ${via}: ${began / 1000n} ${ended / 1000n}`);
      const perSignUp = (ms: number) => Math.round((ms / total) * 100) / 100;
      const cpu = { hub: perSignUp(cpuMs(watched.hub) - cpuBefore.hub), node: perSignUp(cpuMs(watched.node) - cpuBefore.node), pg: perSignUp(cpuMs([...new Set([...watched.pg, ...postgresPids(state.postgres!)])]) - cpuBefore.pg) };
      const waits = await sampling.stop();
      const stock = (await query(`query($id: ID!) { product(id: $id) { stock { onHand reserved } } }`, { id: productId })).product.stock;
      const succeeded = outcomes.filter((o) => o === 'ok').length;
      rounds.push({
        path: via === 'cold' ? 'through the hub, first request' : via === 'hub' ? 'through the hub, order opened first' : 'straight to the node',
        signUps: total,
        succeeded,
        refused: outcomes.filter((o) => o === 'refused').length,
        failed: outcomes.filter((o) => o === 'failed').length,
        seconds: Math.round(seconds * 100) / 100,
        perSecond: Math.round(total / seconds),
        reserved: stock.reserved,
        onHand: stock.onHand,
        // Units promised beyond the shelf, or promised without a successful sign-up to show for it.
        oversold: Math.max(0, stock.reserved - stock.onHand) + Math.max(0, stock.reserved - succeeded),
        cpuMsHub: via === 'node' ? 0 : cpu.hub,
        cpuMsNode: cpu.node,
        cpuMsPg: cpu.pg,
        waits,
      });
    }
    pgbenchFigure = await pgbench(embeddedAdminUrl(run), concurrency);
  } finally {
    await run.stop();
  }
  console.log(`sign-ups on one hot product: ${total} sign-ups of 1 unit each against ${Math.floor(total * 0.6)} units, ${concurrency} concurrent clients`);
  console.log('layout: npm start (embedded PostgreSQL 17, one process per community node, the hub), on this machine');
  console.table(rounds);
  console.log(`pgbench on the same PostgreSQL, one row updated by ${concurrency} clients for 10 s: ${pgbenchFigure}`);
}

/** CPU time (user + system) the processes used so far, ms, from /proc (Linux). */
function cpuMs(pids: number[]): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  return pids.reduce((sum, pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      return sum;
    }
  }, 0);
}

/** The postmaster and its children (backends, WAL writer, ...), from /proc. */
function postgresPids(postmaster: number): number[] {
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(postmaster);
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

/**
 * Samples what the server's client sessions are doing every 50 ms until stopped: a session running is counted as
 * CPU, one waiting under its wait event (Lock:transactionid, LWLock:WALWrite, IO:WALSync, ...), one idle in a
 * transaction as "idle in transaction" (the node holding locks while it works). Gives the top five, each as the
 * mean number of sessions found in that state.
 */
function sampleWaits(adminUrl: string): { stop(): Promise<string> } {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const client = new Client({ connectionString: adminUrl });
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ what: string }>(
        `select case when state = 'active' and wait_event is null then 'CPU'
                     when state = 'active' then wait_event_type || ':' || wait_event
                     else state end as what
         from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid() and state <> 'idle'`,
      );
      samples++;
      for (const { what } of rows) counts.set(what, (counts.get(what) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop.finally(() => client.end());
      if (counts.size === 0) return 'none';
      return [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([what, n]) => `${what} ${(n / samples).toFixed(1)}`)
        .join(', ');
    },
  };
}

/** pgbench on a scratch database of the same server: one row updated by every client, for 10 s. */
async function pgbench(adminUrl: string, clients: number): Promise<string> {
  const url = new URL(adminUrl);
  const name = scratchName('lilong_pgbench');
  await createDatabase(adminUrl, name);
  const env = { ...process.env, PGHOST: url.hostname, PGPORT: url.port || '5432', PGUSER: decodeURIComponent(url.username), PGPASSWORD: decodeURIComponent(url.password), PGDATABASE: name };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lilong-pgbench-'));
  const script = path.join(dir, 'hot-row.sql');
  writeFileSync(script, 'update pgbench_accounts set abalance = abalance + 1 where aid = 1;\n');
  try {
    execFileSync('pgbench', ['-i', '-s', '1', '-q'], { env, stdio: 'ignore' });
    const out = execFileSync('pgbench', ['-n', '-c', String(clients), '-j', '2', '-T', '10', '-f', script], { env, encoding: 'utf8' });
    const tps = /tps = ([\d.]+)/.exec(out)?.[1];
    return tps ? `${Math.round(Number(tps))} updates/s` : out.trim().split('\n').slice(-3).join(' ');
  } catch (error) {
    return `pgbench failed (is it installed?): ${(error as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(adminUrl, name);
  }
}
