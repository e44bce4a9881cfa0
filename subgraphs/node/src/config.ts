import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import {
  DEFAULT_DATABASE_LIMITS,
  DEFAULT_DOCUMENT_LIMITS,
  DEFAULT_REQUEST_LIMITS,
  eventBrokerFromEnv,
  metricsTokenFromEnv,
  publicKeysFromPem,
  privateKeyFromPem,
  type DatabaseLimits,
  type DocumentLimits,
  type EventBrokerConfig,
  type RequestLimits,
} from '@lilong/kit';
import { isCommunityCode } from '@lilong/schema';

export interface NodeConfig {
  /** The community this node serves, e.g. `xinhua-3`. */
  community: string;
  /** PostgreSQL URL of the community's own database. */
  databaseUrl: string;
  /**
   * The hub public keys this node trusts, each known by its key ID (RFC 7638 thumbprint); requests without an
   * assertion one of them signed are refused. Several during a hub key rollover: the old and the new.
   */
  hubPublicKeys: KeyObject[];
  /**
   * The community's Ed25519 notice key (private), which signs its notices and digests; the directory publishes its
   * public half. Without one the node serves everything but publishing. LILONG_NOTICE_KEY(_FILE), PEM (PKCS#8).
   */
  noticeKey?: KeyObject;
  /** @default 0 (any free port) */
  port: number;
  /** @default "127.0.0.1" */
  host: string;
  /** Database connections per domain. @default 10 (DATABASE_POOL_SIZE) */
  poolSize?: number;
  /** Time and size each request may take. @default DEFAULT_REQUEST_LIMITS */
  requestLimits?: RequestLimits;
  /** Depth, size and tokens of the documents the node runs. @default DEFAULT_DOCUMENT_LIMITS */
  documentLimits?: DocumentLimits;
  /** Statement timeouts and the wait for a connection. @default DEFAULT_DATABASE_LIMITS */
  databaseLimits?: DatabaseLimits;
  /**
   * A NATS JetStream broker to publish the outbox to (LILONG_NATS_URL, LILONG_NATS_STREAM, LILONG_NATS_PREFIX), for
   * hubs that consume events from it instead of reading `/events`. @default none: the hub reads `/events`
   */
  eventBroker?: EventBrokerConfig;
  /**
   * A bearer token `/metrics` asks for (LILONG_METRICS_TOKEN). @default none: `/metrics` is open on the node's port,
   * like the probes (it holds counts, states and latencies, no personal data)
   */
  metricsToken?: string;
}

export class ConfigError extends Error {}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer ${min}-${max}, got "${raw}"`);
  return value;
}

/**
 * Node configuration from the environment: LILONG_COMMUNITY, DATABASE_URL, LILONG_HUB_PUBLIC_KEY (one PEM key, or
 * several one after the other during a hub key rollover) or LILONG_HUB_PUBLIC_KEY_FILE, LILONG_NOTICE_KEY(_FILE), PORT, HOST, DATABASE_POOL_SIZE; the request budget LILONG_NODE_QUERY_BUDGET_MS,
 * LILONG_NODE_MUTATION_BUDGET_MS, LILONG_NODE_MAX_FIELDS; the document limits LILONG_NODE_MAX_TOKENS,
 * LILONG_NODE_MAX_DEPTH, LILONG_NODE_MAX_SELECTIONS; the database limits DATABASE_STATEMENT_TIMEOUT_MS,
 * DATABASE_WRITE_STATEMENT_TIMEOUT_MS, DATABASE_ACQUIRE_TIMEOUT_MS, DATABASE_CONNECT_TIMEOUT_MS, DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS;
 * the event broker LILONG_NATS_URL, LILONG_NATS_STREAM, LILONG_NATS_PREFIX.
 * A bad value stops start-up with a message naming the variable.
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
  let hubPublicKeys: KeyObject[];
  try {
    hubPublicKeys = publicKeysFromPem(pem);
  } catch {
    throw new ConfigError('LILONG_HUB_PUBLIC_KEY is not a valid PEM public key');
  }
  if (hubPublicKeys.length === 0) throw new ConfigError('LILONG_HUB_PUBLIC_KEY holds no PEM public key (-----BEGIN PUBLIC KEY-----)');
  let noticePem = env.LILONG_NOTICE_KEY;
  if (!noticePem && env.LILONG_NOTICE_KEY_FILE) noticePem = readFileSync(env.LILONG_NOTICE_KEY_FILE, 'utf8');
  let noticeKey: KeyObject | undefined;
  if (noticePem) {
    try {
      noticeKey = privateKeyFromPem(noticePem);
    } catch {
      throw new ConfigError('LILONG_NOTICE_KEY is not a valid PEM private key');
    }
    if (noticeKey.asymmetricKeyType !== 'ed25519') throw new ConfigError('LILONG_NOTICE_KEY must be an Ed25519 private key');
  }
  const port = Number(env.PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be 0-65535, got "${env.PORT}"`);
  const poolSize = Number(env.DATABASE_POOL_SIZE ?? 10);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 200) throw new ConfigError(`DATABASE_POOL_SIZE must be 1-200, got "${env.DATABASE_POOL_SIZE}"`);
  let eventBroker: EventBrokerConfig | undefined;
  try {
    eventBroker = eventBrokerFromEnv(env);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const r = DEFAULT_REQUEST_LIMITS;
  const d = DEFAULT_DOCUMENT_LIMITS;
  const db = DEFAULT_DATABASE_LIMITS;
  return {
    community,
    metricsToken: metricsTokenFromEnv(env),
    databaseUrl,
    hubPublicKeys,
    noticeKey,
    port,
    host: env.HOST ?? '127.0.0.1',
    poolSize,
    eventBroker,
    requestLimits: {
      queryMs: intFrom(env, 'LILONG_NODE_QUERY_BUDGET_MS', r.queryMs, 100, 600_000),
      mutationMs: intFrom(env, 'LILONG_NODE_MUTATION_BUDGET_MS', r.mutationMs, 100, 600_000),
      maxFields: intFrom(env, 'LILONG_NODE_MAX_FIELDS', r.maxFields, 100, 100_000_000),
    },
    documentLimits: {
      maxTokens: intFrom(env, 'LILONG_NODE_MAX_TOKENS', d.maxTokens, 1000, 10_000_000),
      maxDepth: intFrom(env, 'LILONG_NODE_MAX_DEPTH', d.maxDepth, 5, 1000),
      maxSelections: intFrom(env, 'LILONG_NODE_MAX_SELECTIONS', d.maxSelections, 100, 10_000_000),
    },
    databaseLimits: {
      statementTimeoutMs: intFrom(env, 'DATABASE_STATEMENT_TIMEOUT_MS', db.statementTimeoutMs, 100, 3_600_000),
      writeStatementTimeoutMs: intFrom(env, 'DATABASE_WRITE_STATEMENT_TIMEOUT_MS', db.writeStatementTimeoutMs, 100, 3_600_000),
      acquireTimeoutMs: intFrom(env, 'DATABASE_ACQUIRE_TIMEOUT_MS', db.acquireTimeoutMs, 100, 600_000),
      connectTimeoutMs: intFrom(env, 'DATABASE_CONNECT_TIMEOUT_MS', db.connectTimeoutMs, 100, 600_000),
      idleInTransactionTimeoutMs: intFrom(env, 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', db.idleInTransactionTimeoutMs, 1000, 3_600_000),
    },
  };
}
