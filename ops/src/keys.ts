import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
// The keys module alone, not the kit's index: the CLI must not load GraphQL, the ORM and every subgraph.
import { generateKeyPairPem, privateKeyFromPem } from '@lilong/kit/src/auth/keys';

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

/** Where the demo identity provider keeps its signing keys (see demo-idp.ts). */
export const demoIdpKeyFile = (dir: string): string => path.join(dir, 'demo-idp.json');
