import { generateKeyPairSync } from 'node:crypto';
import { DEFAULT_DATABASE_LIMITS, DEFAULT_DOCUMENT_LIMITS, DEFAULT_REQUEST_LIMITS } from '@lilong/kit';
import { ConfigError, nodeConfigFromEnv } from '../config';

const base = {
  LILONG_COMMUNITY: 'xinhua-3',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/xinhua_3',
  LILONG_HUB_PUBLIC_KEY: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
};

it('limits every request, document and database wait by default', () => {
  const config = nodeConfigFromEnv(base);
  expect(config.requestLimits).toEqual(DEFAULT_REQUEST_LIMITS);
  expect(config.documentLimits).toEqual(DEFAULT_DOCUMENT_LIMITS);
  expect(config.databaseLimits).toEqual(DEFAULT_DATABASE_LIMITS);
  expect(DEFAULT_REQUEST_LIMITS).toEqual({ queryMs: 3000, mutationMs: 20_000, maxFields: 100_000 });
  expect(DEFAULT_DATABASE_LIMITS).toEqual({ statementTimeoutMs: 3000, writeStatementTimeoutMs: 15_000, acquireTimeoutMs: 15_000, connectTimeoutMs: 5000, idleInTransactionTimeoutMs: 60_000 });
});

it('takes each limit from its variable', () => {
  const config = nodeConfigFromEnv({
    ...base,
    LILONG_NODE_QUERY_BUDGET_MS: '5000',
    LILONG_NODE_MAX_FIELDS: '250000',
    LILONG_NODE_MAX_DEPTH: '40',
    DATABASE_STATEMENT_TIMEOUT_MS: '4000',
    DATABASE_ACQUIRE_TIMEOUT_MS: '2500',
  });
  expect(config.requestLimits).toMatchObject({ queryMs: 5000, maxFields: 250_000 });
  expect(config.documentLimits).toMatchObject({ maxDepth: 40 });
  expect(config.databaseLimits).toMatchObject({ statementTimeoutMs: 4000, acquireTimeoutMs: 2500 });
});

it.each([
  ['DATABASE_STATEMENT_TIMEOUT_MS', 'soon'],
  ['DATABASE_ACQUIRE_TIMEOUT_MS', '0'],
  ['LILONG_NODE_MAX_FIELDS', '-1'],
  ['LILONG_NATS_STREAM', 'events.all'],
  ['LILONG_NATS_PREFIX', 'a b'],
])('stops start-up on a bad %s, naming it', (name, value) => {
  const env = { ...base, LILONG_NATS_URL: 'nats://127.0.0.1:4222', [name]: value };
  expect(() => nodeConfigFromEnv(env)).toThrow(ConfigError);
  expect(() => nodeConfigFromEnv(env)).toThrow(name);
});

it('publishes events to a broker only when LILONG_NATS_URL names one', () => {
  expect(nodeConfigFromEnv(base).eventBroker).toBeUndefined();
  expect(nodeConfigFromEnv({ ...base, LILONG_NATS_URL: 'nats://nats:4222' }).eventBroker).toEqual({ url: 'nats://nats:4222', stream: 'LILONG_EVENTS', prefix: 'lilong' });
  expect(nodeConfigFromEnv({ ...base, LILONG_NATS_URL: 'nats://a:4222,nats://b:4222', LILONG_NATS_STREAM: 'SUBDISTRICT_7', LILONG_NATS_PREFIX: 'xh' }).eventBroker).toEqual({ url: 'nats://a:4222,nats://b:4222', stream: 'SUBDISTRICT_7', prefix: 'xh' });
});
