import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ANONYMOUS_CALLER, publicJwk, type Caller } from '@lilong/kit';
import { GraphQLError } from 'graphql';
import { SignJWT, base64url, decodeJwt, decodeProtectedHeader } from 'jose';
import { DemoIdentityProvider, mintWithKeyFile } from '../../../ops/src/demo-idp';
import {
  BEARER_REFUSAL_REASONS,
  BearerVerifier,
  HUB_AUDIENCE,
  parseTrustConfig,
  type BearerRefusalReason,
  type IssuerConfig,
} from '../auth/bearer';

const now = () => Math.floor(Date.now() / 1000);
const DAY = 24 * 3600;
const bearer = (token: string) => `Bearer ${token}`;

function expectCaller(result: Caller | GraphQLError): Caller {
  if (result instanceof GraphQLError) throw new Error(`expected a caller, got a refusal: ${result.message} (${String(result.extensions.reason)})`);
  return result;
}

function expectRefused(result: Caller | GraphQLError, reason: BearerRefusalReason): void {
  expect(result).toBeInstanceOf(GraphQLError);
  const error = result as GraphQLError;
  expect(error.extensions.reason).toBe(reason);
  expect(error.extensions.code).toBe('UNAUTHENTICATED');
  expect(error.extensions.http).toEqual({ status: 401 });
  expect(error.message).toMatch(/^The bearer token was refused: .+\.$/);
  expect(String(error.extensions.messageZh)).toMatch(/^令牌无效：.+。$/);
}

/** A token with a hand-made header and payload and the given signature part (base64url). */
function handMade(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const part = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${part(header)}.${part(payload)}.${signature}`;
}

/** A port on which nothing listens (a server was there a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
}

describe('BearerVerifier', () => {
  let ed: DemoIdentityProvider;
  let rsa: DemoIdentityProvider;
  let verifier: BearerVerifier;

  beforeAll(async () => {
    ed = await DemoIdentityProvider.start();
    rsa = await DemoIdentityProvider.start({ algorithm: 'RS256' });
    verifier = new BearerVerifier({
      issuers: [
        { issuer: ed.issuer, jwksUri: ed.jwksUri, algorithms: ['EdDSA'] },
        { issuer: rsa.issuer, jwksUri: rsa.jwksUri, algorithms: ['RS256'] },
      ],
      grants: [
        { issuer: ed.issuer, subject: 'staff-0042', grant: { role: 'subdistrict' } },
        { issuer: ed.issuer, clientId: 'market-app', grant: { role: 'partner', app: 'market' } },
      ],
    });
  });

  afterAll(async () => {
    await Promise.all([ed.stop(), rsa.stop()]);
  });

  it('takes a request without Authorization header as anonymous', async () => {
    expect(await verifier.verify(undefined)).toBe(ANONYMOUS_CALLER);
  });

  it('accepts an EdDSA token: the identity is issuer + subject, with no grants', async () => {
    const caller = expectCaller(await verifier.verify(bearer(await ed.mint('resident-7'))));
    expect(caller).toEqual({ identity: { issuer: ed.issuer, subject: 'resident-7' }, grants: [] });
    expect(ed.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(HUB_AUDIENCE).toBe('lilong-hub');
  });

  it('accepts RS256 tokens through the JWKS and, after a key rotation, refetches it for the new kid', async () => {
    const provider = await DemoIdentityProvider.start({ algorithm: 'RS256' });
    try {
      const own = new BearerVerifier({ issuers: [{ issuer: provider.issuer, jwksUri: provider.jwksUri, jwksCooldownSeconds: 0 }], grants: [] });
      expect(expectCaller(await own.verify(bearer(await provider.mint('a')))).identity).toEqual({ issuer: provider.issuer, subject: 'a' });
      const fetched = provider.requests;
      expect(fetched).toBe(1);
      // The cached key set serves the old kid without a fetch.
      expectCaller(await own.verify(bearer(await provider.mint('a'))));
      expect(provider.requests).toBe(fetched);

      const oldKid = provider.currentKid;
      const newKid = await provider.rotate();
      expect(newKid).not.toBe(oldKid);
      const token = await provider.mint('b');
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: newKid, typ: 'JWT' });
      expect(expectCaller(await own.verify(bearer(token))).identity).toEqual({ issuer: provider.issuer, subject: 'b' });
      expect(provider.requests).toBe(fetched + 1);
      // The old key is still published until retired.
      expectCaller(await own.verify(bearer(await provider.mint('c', { kid: oldKid }))));
    } finally {
      await provider.stop();
    }
  });

  it('accepts tokens of an issuer configured with a static key set, without fetching anything', async () => {
    const provider = await DemoIdentityProvider.start({ algorithm: 'ES256', issuer: 'https://static.example.org' });
    try {
      const own = new BearerVerifier({ issuers: [{ issuer: provider.issuer, jwks: provider.jwks() }], grants: [] });
      const caller = expectCaller(await own.verify(bearer(await provider.mint('s-1'))));
      expect(caller.identity).toEqual({ issuer: 'https://static.example.org', subject: 's-1' });
      expect(provider.requests).toBe(0);
    } finally {
      await provider.stop();
    }
  });

  it('refuses alg "none"', async () => {
    const token = handMade({ alg: 'none', typ: 'JWT' }, { iss: ed.issuer, sub: 'x', aud: HUB_AUDIENCE, iat: now(), exp: now() + 600 });
    expectRefused(await verifier.verify(bearer(token)), 'algorithm-not-allowed');
  });

  it('refuses HS256 signed with the public key as the HMAC secret, and an algorithm outside the issuer allow-list', async () => {
    for (const provider of [ed, rsa]) {
      const jwk = provider.jwks().keys[0]!;
      const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
      const payload = { iss: provider.issuer, sub: 'x', aud: HUB_AUDIENCE, iat: now(), exp: now() + 600 };
      for (const secret of [pem, JSON.stringify(jwk)]) {
        const token = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: jwk.kid }).sign(new TextEncoder().encode(secret));
        expectRefused(await verifier.verify(bearer(token)), 'algorithm-not-allowed');
      }
    }
    // An RS256 token claiming the EdDSA-only issuer.
    const foreign = await rsa.mint('x', { claims: { iss: ed.issuer } });
    expectRefused(await verifier.verify(bearer(foreign)), 'algorithm-not-allowed');
  });

  it('refuses a tampered payload (another subject, the same signature)', async () => {
    const token = await ed.mint('resident-7');
    const [header, , signature] = token.split('.') as [string, string, string];
    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...decodeJwt(token), sub: 'staff-0042' }))}.${signature}`;
    expectRefused(await verifier.verify(bearer(tampered)), 'bad-signature');
  });

  it('refuses a token signed with a key its issuer never published', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const { kid } = await publicJwk(privateKey);
    const token = await new SignJWT({ iss: ed.issuer, sub: 'x', aud: HUB_AUDIENCE, iat: now(), exp: now() + 600 })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
      .sign(privateKey);
    expectRefused(await verifier.verify(bearer(token)), 'unknown-key');
  });

  it('refuses a token for another audience', async () => {
    expectRefused(await verifier.verify(bearer(await ed.mint('x', { audience: 'some-other-api' }))), 'wrong-audience');
    expectRefused(await verifier.verify(bearer(await ed.mint('x', { claims: { aud: undefined } }))), 'wrong-audience');
  });

  it('refuses an expired token (beyond the clock allowance)', async () => {
    expectRefused(await verifier.verify(bearer(await ed.mint('x', { issuedAt: now() - 7200, expiresInSeconds: 3600 }))), 'expired');
    // Within the 30 s allowance it still passes.
    expectCaller(await verifier.verify(bearer(await ed.mint('x', { issuedAt: now() - 610, expiresInSeconds: 600 }))));
  });

  it('refuses a token not valid yet: nbf or iat in the future', async () => {
    expectRefused(await verifier.verify(bearer(await ed.mint('x', { notBefore: now() + 3600 }))), 'not-yet-valid');
    expectRefused(await verifier.verify(bearer(await ed.mint('x', { issuedAt: now() + 3600 }))), 'not-yet-valid');
  });

  it('refuses a token issued more than 30 days ago, even if it has not expired', async () => {
    const token = await ed.mint('x', { issuedAt: now() - 31 * DAY, expiresInSeconds: 40 * DAY });
    const result = await verifier.verify(bearer(token));
    expectRefused(result, 'too-old');
    expect((result as GraphQLError).message).toContain('30 days');
  });

  it('refuses a token from an issuer that is not configured', async () => {
    expectRefused(await verifier.verify(bearer(await ed.mint('x', { claims: { iss: 'https://id.elsewhere.example' } }))), 'unknown-issuer');
    expectRefused(await verifier.verify(bearer(await ed.mint('x', { claims: { iss: undefined } }))), 'unknown-issuer');
  });

  it('refuses a token without a subject, or with an empty one', async () => {
    expectRefused(await verifier.verify(bearer(await ed.mint('x', { claims: { sub: undefined } }))), 'no-subject');
    expectRefused(await verifier.verify(bearer(await ed.mint(''))), 'no-subject');
  });

  it('refuses with jwks-unavailable when the key set cannot be fetched: connection refused, error status, timeout', async () => {
    const broken = http500();
    const silent = createServer(() => undefined); // accepts, never answers
    const uris = { refused: `http://127.0.0.1:${await closedPort()}/jwks.json`, status: await listen(broken), timeout: await listen(silent) };
    try {
      const warnings: unknown[] = [];
      const issuers: IssuerConfig[] = Object.entries(uris).map(([name, jwksUri]) => ({ issuer: `https://${name}.example`, jwksUri }));
      const own = new BearerVerifier({ issuers, grants: [] }, { logger: { warn: (message, fields) => warnings.push({ message, fields }) } });
      for (const name of Object.keys(uris)) {
        expectRefused(await own.verify(bearer(await ed.mint('x', { claims: { iss: `https://${name}.example` } }))), 'jwks-unavailable');
      }
      expect(warnings).toHaveLength(3);
    } finally {
      silent.closeAllConnections();
      await Promise.all([broken, silent].map((s) => new Promise((resolve) => s.close(resolve))));
    }
  });

  it('refuses a header that is not "Bearer <JWT>" as malformed, never as anonymous', async () => {
    for (const header of ['Basic dXNlcjpwYXNz', '', 'Bearer', 'Bearer not-a-jwt', 'Bearer a.b.c', `Bearer ${await ed.mint('x')} extra`]) {
      expectRefused(await verifier.verify(header), 'malformed');
    }
    // The scheme is case-insensitive.
    expectCaller(await verifier.verify(`bearer ${await ed.mint('x')}`));
  });

  it('gives sub-district staff the subdistrict grant', async () => {
    expect(expectCaller(await verifier.verify(bearer(await ed.mint('staff-0042')))).grants).toEqual([{ role: 'subdistrict' }]);
  });

  it('gives a token issued to a partner app (azp or client_id) the partner grant', async () => {
    for (const claims of [{ azp: 'market-app' }, { client_id: 'market-app' }]) {
      const caller = expectCaller(await verifier.verify(bearer(await ed.mint('resident-7', { claims }))));
      expect(caller).toEqual({ identity: { issuer: ed.issuer, subject: 'resident-7' }, grants: [{ role: 'partner', app: 'market' }] });
    }
    expect(expectCaller(await verifier.verify(bearer(await ed.mint('resident-7', { claims: { azp: 'other-app' } })))).grants).toEqual([]);
  });

  it('gives no grant to the same subject from another issuer: the identity is issuer + subject', async () => {
    const caller = expectCaller(await verifier.verify(bearer(await rsa.mint('staff-0042', { claims: { azp: 'market-app' } }))));
    expect(caller).toEqual({ identity: { issuer: rsa.issuer, subject: 'staff-0042' }, grants: [] });
  });

  it('signs offline from a persisted key file that the provider reuses', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lilong-idp-'));
    try {
      const keyFile = path.join(dir, 'keys', 'demo-idp.json');
      const first = await DemoIdentityProvider.start({ keyFile, issuer: 'https://demo.example' });
      const kid = first.currentKid;
      await first.stop();
      const again = await DemoIdentityProvider.start({ keyFile, issuer: 'https://demo.example' });
      try {
        expect(again.currentKid).toBe(kid);
        const own = new BearerVerifier({ issuers: [{ issuer: again.issuer, jwksUri: again.jwksUri }], grants: [] });
        const token = await mintWithKeyFile(keyFile, 'https://demo.example', 'offline-1');
        expect(expectCaller(await own.verify(bearer(token))).identity).toEqual({ issuer: 'https://demo.example', subject: 'offline-1' });
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves an OpenID-style discovery document', async () => {
    const answer = await fetch(`${ed.baseUrl}/.well-known/openid-configuration`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ issuer: ed.issuer, jwks_uri: ed.jwksUri });
    const jwks = (await (await fetch(ed.jwksUri)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: ed.currentKid, alg: 'EdDSA', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('names every refusal reason once', () => {
    expect(new Set(BEARER_REFUSAL_REASONS).size).toBe(BEARER_REFUSAL_REASONS.length);
  });
});

function http500(): Server {
  return createServer((_req, res) => res.writeHead(500).end('down'));
}

describe('parseTrustConfig', () => {
  const key = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
  const issuer = (extra: Record<string, unknown> = {}) => ({ issuer: 'https://id.example.org', jwksUri: 'https://id.example.org/jwks.json', ...extra });

  it('reads a full configuration, also as JSON text', () => {
    const config = {
      issuers: [issuer(), { issuer: 'https://partners.example.org', jwks: { keys: [key] }, algorithms: ['EdDSA'], maxTokenAgeSeconds: 3600 }],
      grants: [
        { issuer: 'https://id.example.org', subject: 'staff-1', grant: { role: 'subdistrict' } },
        { issuer: 'https://partners.example.org', clientId: 'market-app', grant: { role: 'partner', app: 'market' } },
      ],
    };
    expect(parseTrustConfig(JSON.stringify(config))).toEqual(config);
    expect(parseTrustConfig({ issuers: [] })).toEqual({ issuers: [], grants: [] });
  });

  it('refuses an issuer entry without issuer', () => {
    expect(() => parseTrustConfig({ issuers: [{ jwksUri: 'https://id.example.org/jwks.json' }] })).toThrow(/^issuers\[0\]\.issuer must be a non-empty string/);
  });

  it('refuses both jwksUri and jwks, and neither', () => {
    expect(() => parseTrustConfig({ issuers: [issuer({ jwks: { keys: [key] } })] })).toThrow(/^issuers\[0\] must have exactly one of "jwksUri" and "jwks"/);
    expect(() => parseTrustConfig({ issuers: [{ issuer: 'https://id.example.org' }] })).toThrow(/^issuers\[0\] must have exactly one/);
  });

  it('refuses "#" in an issuer', () => {
    expect(() => parseTrustConfig({ issuers: [issuer({ issuer: 'https://id.example.org#x' })] })).toThrow(/^issuers\[0\]\.issuer must not contain "#"/);
  });

  it('refuses an algorithm outside EdDSA, ES256, RS256', () => {
    for (const alg of ['HS256', 'none', 'ES384']) {
      expect(() => parseTrustConfig({ issuers: [issuer({ algorithms: ['EdDSA', alg] })] })).toThrow(/^issuers\[0\]\.algorithms\[1\] must be one of EdDSA, ES256, RS256/);
    }
  });

  it('refuses a duplicate issuer', () => {
    expect(() => parseTrustConfig({ issuers: [issuer(), issuer()] })).toThrow(/^issuers\[1\]\.issuer repeats "https:\/\/id\.example\.org"/);
  });

  it('refuses plain http to another host, private keys in jwks, unknown fields, and grants for unknown issuers', () => {
    expect(() => parseTrustConfig({ issuers: [issuer({ jwksUri: 'http://id.example.org/jwks.json' })] })).toThrow(/^issuers\[0\]\.jwksUri must use https/);
    expect(() => parseTrustConfig({ issuers: [issuer({ jwksUri: 'http://127.0.0.1:8080/jwks.json' })] })).not.toThrow();
    expect(() => parseTrustConfig({ issuers: [{ issuer: 'x', jwks: { keys: [{ ...key, d: 'secret' }] } }] })).toThrow(/^issuers\[0\]\.jwks\.keys\[0\] must be a public key/);
    expect(() => parseTrustConfig({ issuers: [issuer({ jwks_uri: 'x' })] })).toThrow(/^issuers\[0\] has unknown field\(s\) "jwks_uri"/);
    expect(() => parseTrustConfig({ issuers: [issuer()], grants: [{ issuer: 'https://other.example', subject: 's', grant: { role: 'subdistrict' } }] })).toThrow(
      /^grants\[0\]\.issuer names "https:\/\/other\.example"/,
    );
    expect(() => parseTrustConfig({ issuers: [issuer()], grants: [{ issuer: 'https://id.example.org', subject: 's', grant: { role: 'committee' } }] })).toThrow(/^grants\[0\]\.grant must be/);
  });
});
