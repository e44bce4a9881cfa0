import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { base64urlEncode, canonicalBytes, SIGNED_FORMAT, type PublishedKey, type SignedDocument, type SignedPayload } from '@lilong/schema';
import { keyIdOf } from './auth/keys';

/**
 * What a community node signs its notices and digests with: the community's Ed25519 notice key (not the hub's key,
 * which only vouches for callers). The directory publishes the public half; see `schema/src/signed.ts` for the format.
 */
export interface DocumentSigner {
  /** The key's ID (RFC 7638 thumbprint), as the directory lists it. */
  readonly kid: string;
  sign<P extends SignedPayload>(payload: P): SignedDocument<P>;
}

export async function documentSigner(privateKey: KeyObject): Promise<DocumentSigner> {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the notice key must be an Ed25519 private key');
  const kid = await keyIdOf(createPublicKey(privateKey));
  return {
    kid,
    sign: (payload) => ({ format: SIGNED_FORMAT, payload, kid, sig: base64urlEncode(sign(null, canonicalBytes(payload), privateKey)) }),
  };
}

/** The directory entry of a notice key: its public JWK and ID, valid from `validFrom`, open-ended, not revoked. */
export async function publishedNoticeKey(key: KeyObject, validFrom: string): Promise<PublishedKey> {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') throw new Error('a notice key must be Ed25519');
  return { kid: await keyIdOf(publicKey), jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, validFrom, validUntil: null, revokedAt: null };
}

export { nodeEd25519 } from './ed25519';
