import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
// The JWT module alone, not the kit's index: `npm run token` must not load GraphQL, the ORM and every
// subgraph (seconds of start-up) to sign one token.
import { generateKeyPairPem, privateKeyFromPem, signJwt } from '@lilong/kit/src/auth/jws';
import type { Role } from '@lilong/kit/src/auth/claims';

/** Issuer name of the demo identity provider whose tokens the embedded hub accepts. */
export const DEMO_ISSUER = 'lilong-demo-idp';

export interface KeyFiles {
  privateKey: string;
  publicKey: string;
}

/** A key pair kept in `<dir>/<name>.pem` and `<dir>/<name>.pub.pem`, created on first use. */
export function ensureKeyPair(dir: string, name: string): KeyFiles {
  const files = { privateKey: path.join(dir, `${name}.pem`), publicKey: path.join(dir, `${name}.pub.pem`) };
  if (!existsSync(files.privateKey) || !existsSync(files.publicKey)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = generateKeyPairPem();
    writeFileSync(files.privateKey, pair.privateKey, { mode: 0o600 });
    writeFileSync(files.publicKey, pair.publicKey);
  }
  return files;
}

export function readPrivateKey(file: string): KeyObject {
  return privateKeyFromPem(readFileSync(file, 'utf8'));
}

/**
 * A demo bearer token for the hub, signed by the demo identity provider, valid from now for `hours`
 * (the hub allows `TOKEN_CLOCK_ALLOWANCE_SECONDS` of clock difference on either side; see token-args.ts).
 */
export function mintDemoToken(issuerKey: KeyObject, roles: Role[], sub: string, hours: number, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  return signJwt({ iss: DEMO_ISSUER, aud: 'lilong-hub', sub, roles, iat, exp: iat + Math.round(hours * 3600) }, issuerKey);
}
