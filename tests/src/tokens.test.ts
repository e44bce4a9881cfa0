/**
 * Standard tokens through the hub: a second identity provider with RS256 keys from a JWKS, its key rotation picked
 * up without a restart, every kind of bad token refused with a code, and hub key rollover at the nodes.
 */
import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { signAssertion, signingKey } from '@lilong/kit';
import { DemoIdentityProvider } from '../../ops/src/demo-idp';
import { TestCluster, type GraphQLAnswer } from './support/cluster';

let cluster: TestCluster;
let partnerIdp: DemoIdentityProvider;
const nextHubKey = generateKeyPairSync('ed25519');

/** Who the hub and the node say the caller is: `myRoles` answers with the person as the community sees them. */
const WHO = `query { myRoles(community: "alpha") { person { issuer subject } memberships { kind } } }`;

const ask = (token: string) => fetch(cluster.url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify({ query: WHO }),
}).then(async (r) => ({ ...((await r.json()) as Omit<GraphQLAnswer, 'status'>), status: r.status, header: r.headers.get('www-authenticate') }));

async function refusedFor(token: string): Promise<string | undefined> {
  const answer = await ask(token);
  expect(answer.status).toBe(401);
  expect(answer.header).toContain('Bearer');
  expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(answer.errors?.[0]?.extensions?.messageZh).toMatch(/令牌无效/);
  return answer.errors?.[0]?.extensions?.reason;
}

beforeAll(async () => {
  partnerIdp = await DemoIdentityProvider.start({ issuer: 'https://id.partner.example', algorithm: 'RS256' });
  cluster = await TestCluster.start({
    communities: undefined,
    background: false,
    // Cooldown 0: this provider signs with a new key the moment it rotates; real ones publish the key first.
    trust: { issuers: [{ issuer: 'https://id.partner.example', jwksUri: partnerIdp.jwksUri, algorithms: ['RS256'], jwksCooldownSeconds: 0 }] },
    extraHubPublicKeys: [nextHubKey.publicKey],
  });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  await partnerIdp?.stop();
});

describe('a second identity provider (RS256, JWKS)', () => {
  it('is accepted, and its person is issuer + subject: the same subject from the test provider is someone else', async () => {
    await cluster.person([{ role: 'committee', community: 'alpha' }], 'same-subject');
    const fromPartner = await ask(await partnerIdp.mint('same-subject'));
    expect(fromPartner.errors).toBeUndefined();
    expect(fromPartner.data.myRoles).toEqual({ person: { issuer: 'https://id.partner.example', subject: 'same-subject' }, memberships: [] });
    const fromTest = await ask(await cluster.idp.mint('same-subject'));
    expect(fromTest.data.myRoles).toEqual({ person: { issuer: 'lilong-test-idp', subject: 'same-subject' }, memberships: [{ kind: 'COMMITTEE' }] });
  });

  it('picks up a rotated key without restarting the hub', async () => {
    expect((await ask(await partnerIdp.mint('before-rotation'))).errors).toBeUndefined();
    const fetched = partnerIdp.requests;
    const kid = await partnerIdp.rotate();
    const token = await partnerIdp.mint('after-rotation');
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid).toBe(kid);
    expect((await ask(token)).errors).toBeUndefined();
    expect(partnerIdp.requests).toBeGreaterThan(fetched);
  });
});

describe('bad tokens are refused with a code', () => {
  const header = (h: object) => Buffer.from(JSON.stringify(h)).toString('base64url');
  const payload = (extra: object = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return Buffer.from(JSON.stringify({ iss: 'lilong-test-idp', aud: 'lilong-hub', sub: 'mallory', iat: now, exp: now + 600, ...extra })).toString('base64url');
  };

  it('alg none', async () => {
    expect(await refusedFor(`${header({ alg: 'none', typ: 'JWT' })}.${payload()}.`)).toBe('algorithm-not-allowed');
  });

  it('HS256 signed with the provider’s public key as the secret', async () => {
    const jwk = cluster.idp.jwks().keys[0]!;
    const publicPem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const signed = `${header({ alg: 'HS256', typ: 'JWT', kid: jwk.kid })}.${payload()}`;
    const mac = createHmac('sha256', publicPem).update(signed).digest('base64url');
    expect(await refusedFor(`${signed}.${mac}`)).toBe('algorithm-not-allowed');
  });

  it('a tampered payload', async () => {
    const [h, , sig] = (await cluster.idp.mint('mallory')).split('.');
    expect(await refusedFor(`${h}.${payload({ sub: 'alpha-committee' })}.${sig}`)).toBe('bad-signature');
  });

  it('an unknown kid', async () => {
    const stray = generateKeyPairSync('ed25519');
    const token = await new SignJWT({ sub: 'mallory' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'not-published', typ: 'JWT' })
      .setIssuer('lilong-test-idp').setAudience('lilong-hub').setIssuedAt().setExpirationTime('10m')
      .sign(stray.privateKey);
    expect(await refusedFor(token)).toBe('unknown-key');
  });

  it('a wrong audience', async () => {
    expect(await refusedFor(await cluster.idp.mint('mallory', { audience: 'another-api' }))).toBe('wrong-audience');
  });

  it('an expired token (beyond the 30 s allowance)', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusedFor(await cluster.idp.mint('mallory', { issuedAt: now - 3600, expiresInSeconds: 3600 - 31 }))).toBe('expired');
  });

  it('an issuer the hub is not configured for', async () => {
    const stranger = await DemoIdentityProvider.start({ issuer: 'https://id.unknown.example' });
    try {
      expect(await refusedFor(await stranger.mint('mallory'))).toBe('unknown-issuer');
    } finally {
      await stranger.stop();
    }
  });

  it('no bearer scheme', async () => {
    const answer = await fetch(cluster.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Basic bWFsbG9yeTpwdw==' }, body: JSON.stringify({ query: WHO }) });
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as GraphQLAnswer).errors?.[0]?.extensions?.reason).toBe('malformed');
  });
});

describe('hub key rollover', () => {
  const call = async (assertion: string) => {
    const response = await fetch(`${cluster.nodeUrl('alpha')}/groups/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lilong-assertion': assertion },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLAnswer };
  };

  it('lets nodes accept the current and the next hub key at once, each by its kid, and refuses any other', async () => {
    const caller = { identity: { issuer: 'lilong-test-idp', subject: 'rollover' }, grants: [] };
    const path = { path: '/groups/graphql' };
    expect((await call(await signAssertion(caller, 'alpha', await signingKey(nextHubKey.privateKey), path))).status).toBe(200);
    expect((await call(await cluster.rawAssertion('alpha', 'groups', caller))).status).toBe(200);
    const other = await call(await signAssertion(caller, 'alpha', await signingKey(generateKeyPairSync('ed25519').privateKey), path));
    expect(other.status).toBe(401);
    expect(other.body.errors?.[0]?.extensions).toMatchObject({ code: 'HUB_ASSERTION_REQUIRED', reason: 'unknown-key' });
    // An assertion for alpha is worthless at beta.
    const elsewhere = await fetch(`${cluster.nodeUrl('beta')}/groups/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lilong-assertion': await cluster.rawAssertion('alpha', 'groups', caller) },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(((await elsewhere.json()) as GraphQLAnswer).errors?.[0]?.extensions?.reason).toBe('wrong-audience');
  });
});
