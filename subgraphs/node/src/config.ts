import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { publicKeyFromPem } from '@lilong/kit';
import { isCommunityCode } from '@lilong/schema';

export interface NodeConfig {
  /** The community this node serves, e.g. `xinhua-3`. */
  community: string;
  /** PostgreSQL URL of the community's own database. */
  databaseUrl: string;
  /** The hub's public key; requests without an assertion it signed are refused. */
  hubPublicKey: KeyObject;
  /** @default 0 (any free port) */
  port: number;
  /** @default "127.0.0.1" */
  host: string;
  /** Database connections per domain. @default 10 (DATABASE_POOL_SIZE) */
  poolSize?: number;
}

export class ConfigError extends Error {}

/**
 * Node configuration from the environment: LILONG_COMMUNITY, DATABASE_URL, LILONG_HUB_PUBLIC_KEY (PEM) or
 * LILONG_HUB_PUBLIC_KEY_FILE, PORT, HOST. A bad value stops start-up with a message naming the variable.
 */
export function nodeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const community = env.LILONG_COMMUNITY ?? '';
  if (!isCommunityCode(community)) {
    throw new ConfigError(`LILONG_COMMUNITY must be a community code like "xinhua-3", got "${community}"`);
  }
  const databaseUrl = env.DATABASE_URL ?? '';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must be a postgres:// URL');
  let pem = env.LILONG_HUB_PUBLIC_KEY;
  if (!pem && env.LILONG_HUB_PUBLIC_KEY_FILE) pem = readFileSync(env.LILONG_HUB_PUBLIC_KEY_FILE, 'utf8');
  if (!pem) throw new ConfigError('LILONG_HUB_PUBLIC_KEY or LILONG_HUB_PUBLIC_KEY_FILE must hold the hub public key (PEM)');
  let hubPublicKey: KeyObject;
  try {
    hubPublicKey = publicKeyFromPem(pem);
  } catch {
    throw new ConfigError('LILONG_HUB_PUBLIC_KEY is not a valid PEM public key');
  }
  const port = Number(env.PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be 0-65535, got "${env.PORT}"`);
  const poolSize = Number(env.DATABASE_POOL_SIZE ?? 10);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 200) throw new ConfigError(`DATABASE_POOL_SIZE must be 1-200, got "${env.DATABASE_POOL_SIZE}"`);
  return { community, databaseUrl, hubPublicKey, port, host: env.HOST ?? '127.0.0.1', poolSize };
}
