/**
 * Signing keys and key IDs, with `jose`. A key's ID (`kid`) is its RFC 7638 JWK thumbprint, so it follows from the
 * key itself: nothing to configure, and two keys never share one.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';

export type SigningAlgorithm = 'EdDSA' | 'ES256' | 'RS256';

export interface KeyPairPem {
  publicKey: string;
  privateKey: string;
}

/** A new key pair in PEM (SPKI / PKCS#8): Ed25519 for EdDSA, P-256 for ES256, RSA 2048 for RS256. */
export function generateKeyPairPem(algorithm: SigningAlgorithm = 'EdDSA'): KeyPairPem {
  const pair =
    algorithm === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : algorithm === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export const publicKeyFromPem = (pem: string): KeyObject => createPublicKey(pem);
export const privateKeyFromPem = (pem: string): KeyObject => createPrivateKey(pem);

/** Every PEM public key in a text (one or several blocks, e.g. the old and the new hub key during a rollover). */
export function publicKeysFromPem(text: string): KeyObject[] {
  const blocks = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  return blocks.map((pem) => createPublicKey(pem));
}

/** The algorithm a key signs with. */
export function algorithmOf(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  throw new Error(`unsupported key type ${key.asymmetricKeyType ?? 'unknown'}`);
}

/** The public JWK of a key (private or public), with its `kid`, `alg` and `use: sig`. */
export async function publicJwk(key: KeyObject): Promise<JWK & { kid: string }> {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return { ...jwk, kid, alg: algorithmOf(publicKey), use: 'sig' };
}

/** The key ID of a key: its JWK thumbprint (RFC 7638, SHA-256, base64url). */
export async function keyIdOf(key: KeyObject): Promise<string> {
  return (await publicJwk(key)).kid;
}

/** A private key ready to sign: the key, its ID and its algorithm. */
export interface SigningKey {
  privateKey: KeyObject;
  kid: string;
  alg: SigningAlgorithm;
}

export async function signingKey(privateKey: KeyObject): Promise<SigningKey> {
  return { privateKey, kid: await keyIdOf(privateKey), alg: algorithmOf(createPublicKey(privateKey)) };
}

/** Public keys by key ID, e.g. the hub keys a node trusts. */
export async function keysById(keys: readonly KeyObject[]): Promise<ReadonlyMap<string, KeyObject>> {
  const entries = await Promise.all(keys.map(async (key) => [await keyIdOf(key), key] as const));
  return new Map(entries);
}
