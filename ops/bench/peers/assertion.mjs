// The hub's assertion, signed by a peer gateway exactly as the Lilong hub signs one for every HTTP request to a
// community node (subgraphs/kit/src/auth/assertion.ts `signAssertion`, for the anonymous caller the benchmark's
// queries run as): a compact JWS, EdDSA with the hub's Ed25519 key through `jose` (the hub's library and version),
// protected header { alg, kid: the key's RFC 7638 thumbprint, typ: JWT }, claims { grants: [], path } plus
// iss lilong-hub, aud lilong-node:<community>, iat, exp = iat + 30 s, and a random 16-byte `jti` the node accepts
// once. `path` is the node path of that request (e.g. /shops/graphql): a node refuses an assertion for another path.
// Env: LILONG_HUB_PRIVATE_KEY_FILE (PKCS#8 PEM), LILONG_COMMUNITY (@default xinhua-1).
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';

export const ASSERTION_HEADER = 'x-lilong-assertion';
const ISSUER = 'lilong-hub';
const LIFETIME_SECONDS = 30;

const keyFile = process.env.LILONG_HUB_PRIVATE_KEY_FILE;
if (!keyFile) throw new Error('LILONG_HUB_PRIVATE_KEY_FILE must name the hub private key (PEM)');
const KEY = createPrivateKey(readFileSync(keyFile, 'utf8'));
if (KEY.asymmetricKeyType !== 'ed25519') throw new Error(`the hub key must be Ed25519, not ${KEY.asymmetricKeyType}`);
const KID = await calculateJwkThumbprint(await exportJWK(createPublicKey(KEY)), 'sha256');
const AUDIENCE = `lilong-node:${process.env.LILONG_COMMUNITY ?? 'xinhua-1'}`;

/** A fresh assertion for one upstream request to `url` (its path is signed in); sign again for every request. */
export function signAssertion(url) {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ grants: [], path: new URL(url).pathname })
    .setProtectedHeader({ alg: 'EdDSA', kid: KID, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + LIFETIME_SECONDS)
    .setJti(randomBytes(16).toString('base64url'))
    .sign(KEY);
}
