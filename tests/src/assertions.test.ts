/**
 * A community node accepts a hub assertion once, on the path it was signed for, for a short time only: a leaked or
 * replayed assertion, or a long-lived one signed with the real hub key, reaches no data.
 */
import { generateKeyPairSync } from 'node:crypto';
import { signAssertion, signingKey, type Caller, type SigningKey } from '@lilong/kit';
import { subgraphPath } from '@lilong/schema';
import { TEST_COMMUNITIES } from '../../ops/src/seed';
import { TestCluster } from './support/cluster';

let cluster: TestCluster;
let hubKey: SigningKey;
const alpha = TEST_COMMUNITIES[0]!;
const GROUPS = subgraphPath('groups');
const SHOPS = subgraphPath('shops');
const staff: Caller = { identity: { issuer: 'lilong-test-idp', subject: 'staff' }, grants: [{ role: 'subdistrict' }] };

beforeAll(async () => {
  cluster = await TestCluster.start({ communities: [alpha] });
  // The cluster's hub key, to sign as the hub does (TestCluster keeps it private to the hub it starts).
  hubKey = await signingKey(cluster['hubKey'].privateKey);
});

afterAll(async () => {
  await cluster?.stop();
});

async function callNode(path: string, assertion: string | undefined) {
  const response = await fetch(`${cluster.nodeUrl(alpha.code)}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(assertion ? { 'x-lilong-assertion': assertion } : {}) },
    body: JSON.stringify({ query: `{ compounds(community: "${alpha.code}") { name } }` }),
  });
  const body = (await response.json()) as { data?: any; errors?: { message: string; extensions: Record<string, unknown> }[] };
  return { status: response.status, ...body };
}

function expectRefused(answer: Awaited<ReturnType<typeof callNode>>, reason: string) {
  expect(answer.status).toBe(401);
  expect(answer.data).toBeUndefined();
  const error = answer.errors![0]!;
  expect(error.extensions).toMatchObject({ code: 'HUB_ASSERTION_REQUIRED', reason });
  expect(error.message).toMatch(/only answers the sub-district hub/);
  expect(error.extensions.messageZh).toMatch(/只接受街道枢纽/);
  // The Chinese message is Chinese throughout: no reason code or English word leaks into it.
  expect(error.extensions.messageZh).not.toMatch(/[A-Za-z]/);
}

it('the hub signs a fresh assertion per request and path: every subgraph of the node answers through it', async () => {
  const answer = await cluster.query(`{ communities { code compounds { name } shops { name } volunteers { displayName } } }`);
  expect(answer.errors).toBeUndefined();
  expect(answer.data.communities[0].compounds.length).toBe(alpha.compounds.length);
  expect(answer.data.communities[0].shops.length).toBe(alpha.shops.length);
  // The same query again: new assertions, none refused as a replay.
  expect((await cluster.query(`{ communities { code compounds { name } shops { name } volunteers { displayName } } }`)).errors).toBeUndefined();
});

it('accepts an assertion once: the same one sent again is refused as replayed', async () => {
  const assertion = await signAssertion(staff, alpha.code, hubKey, { path: GROUPS });
  const first = await callNode(GROUPS, assertion);
  expect(first.status).toBe(200);
  expect(first.data.compounds.length).toBe(alpha.compounds.length);
  expectRefused(await callNode(GROUPS, assertion), 'replayed');
});

it('refuses an assertion on a path it was not signed for, or signed for no path', async () => {
  const forGroups = await signAssertion(staff, alpha.code, hubKey, { path: GROUPS });
  expectRefused(await callNode(SHOPS, forGroups), 'wrong-path');
  // A refused assertion leaves no trace: on its own path it is still good, once.
  expect((await callNode(GROUPS, forGroups)).status).toBe(200);
  expectRefused(await callNode(GROUPS, await signAssertion(staff, alpha.code, hubKey)), 'wrong-path');
});

it('refuses an assertion valid for longer than 60 s, even signed with the hub key', async () => {
  const tenYears = 10 * 365 * 24 * 3600;
  expectRefused(await callNode(GROUPS, await signAssertion(staff, alpha.code, hubKey, { path: GROUPS, lifetimeSeconds: tenYears })), 'lifetime-too-long');
  expectRefused(await callNode(GROUPS, await signAssertion(staff, alpha.code, hubKey, { path: GROUPS, lifetimeSeconds: 61 })), 'lifetime-too-long');
  expect((await callNode(GROUPS, await signAssertion(staff, alpha.code, hubKey, { path: GROUPS, lifetimeSeconds: 60 }))).status).toBe(200);
});

it('allows 5 s of clock difference, not more', async () => {
  const signedAgo = (seconds: number) => signAssertion(staff, alpha.code, hubKey, { path: GROUPS, now: Date.now() - seconds * 1000, lifetimeSeconds: 30 });
  // Expired 3 s ago: within the allowance.
  expect((await callNode(GROUPS, await signedAgo(33))).status).toBe(200);
  // Expired 6 s and 20 s ago.
  expectRefused(await callNode(GROUPS, await signedAgo(36)), 'expired');
  expectRefused(await callNode(GROUPS, await signedAgo(50)), 'expired');
  // Issued 10 s in the future: the hub's clock is ahead.
  expectRefused(await callNode(GROUPS, await signedAgo(-10)), 'not-yet-valid');
});

it('refuses an assertion for another community and a request without one', async () => {
  expectRefused(await callNode(GROUPS, await signAssertion(staff, 'beta', hubKey, { path: GROUPS })), 'wrong-audience');
  expectRefused(await callNode(GROUPS, undefined), 'missing');
  expectRefused(await callNode(GROUPS, 'not.a.jwt'), 'malformed');
});

it('refuses an assertion signed with a key the node does not trust, or forged under the hub key’s ID', async () => {
  const stranger = await signingKey(generateKeyPairSync('ed25519').privateKey);
  expectRefused(await callNode(GROUPS, await signAssertion(staff, alpha.code, stranger, { path: GROUPS })), 'unknown-key');
  // The hub key's ID in the header, but another key's signature.
  expectRefused(await callNode(GROUPS, await signAssertion(staff, alpha.code, { ...stranger, kid: hubKey.kid }, { path: GROUPS })), 'bad-signature');
  // Without a key ID at all.
  expectRefused(await callNode(GROUPS, await signAssertion(staff, alpha.code, { ...hubKey, kid: undefined as unknown as string }, { path: GROUPS })), 'unknown-key');
});
