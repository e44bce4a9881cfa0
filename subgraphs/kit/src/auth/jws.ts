/**
 * Compact JWS with EdDSA (Ed25519) only. One algorithm, fixed on both sides, so a token cannot choose how it is
 * verified ("alg: none" and HMAC-with-a-public-key confusions are impossible by construction).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';

export interface JwtClaims {
  iss: string;
  aud: string;
  sub: string;
  /** Seconds since the epoch. */
  iat: number;
  /** Seconds since the epoch. */
  exp: number;
  [claim: string]: unknown;
}

const HEADER = base64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }));

function base64url(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

export function signJwt(claims: JwtClaims, privateKey: KeyObject): string {
  const payload = base64url(JSON.stringify(claims));
  const signature = sign(null, Buffer.from(`${HEADER}.${payload}`), privateKey);
  return `${HEADER}.${payload}.${signature.toString('base64url')}`;
}

export type JwtFailure = 'malformed' | 'bad-signature' | 'expired' | 'not-yet-valid' | 'wrong-audience' | 'wrong-issuer';

export class JwtError extends Error {
  constructor(readonly reason: JwtFailure) {
    super(`token rejected: ${reason}`);
  }
}

export interface VerifyOptions {
  /** Keys trusted to sign, by issuer. */
  issuers: ReadonlyMap<string, KeyObject>;
  audience: string;
  /** @default Date.now() */
  now?: number;
  /**
   * Tolerated clock difference, in seconds. The default suits identity providers' tokens, whose issuers' clocks the
   * hub does not control; hub assertions use a much smaller one (ASSERTION_CLOCK_SKEW_SECONDS). @default 30
   */
  clockSkewSeconds?: number;
}

export function verifyJwt(token: string, options: VerifyOptions): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) throw new JwtError('malformed');
  const [, payload, signature] = parts as [string, string, string];
  let claims: JwtClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JwtClaims;
  } catch {
    throw new JwtError('malformed');
  }
  if (typeof claims !== 'object' || claims === null || typeof claims.iss !== 'string') throw new JwtError('malformed');
  const key = options.issuers.get(claims.iss);
  if (!key) throw new JwtError('wrong-issuer');
  if (!verify(null, Buffer.from(`${HEADER}.${payload}`), key, Buffer.from(signature, 'base64url'))) {
    throw new JwtError('bad-signature');
  }
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const skew = options.clockSkewSeconds ?? 30;
  if (typeof claims.exp !== 'number' || claims.exp + skew < now) throw new JwtError('expired');
  if (typeof claims.iat !== 'number' || claims.iat - skew > now) throw new JwtError('not-yet-valid');
  if (claims.aud !== options.audience) throw new JwtError('wrong-audience');
  if (typeof claims.sub !== 'string') throw new JwtError('malformed');
  return claims;
}

export interface KeyPairPem {
  publicKey: string;
  privateKey: string;
}

export function generateKeyPairPem(): KeyPairPem {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export const publicKeyFromPem = (pem: string): KeyObject => createPublicKey(pem);
export const privateKeyFromPem = (pem: string): KeyObject => createPrivateKey(pem);
