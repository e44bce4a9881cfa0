/** The communities file of a process hosting several communities: what it accepts, and every refusal, by name. */
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '../config';
import { HOSTED_POOL_SIZE, hostedConfigsFromEnv, MAX_HOSTED_COMMUNITIES } from '../hosted';

const hubKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
const noticeKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const env = { LILONG_COMMUNITIES_FILE: '/etc/lilong/communities.json', LILONG_HUB_PUBLIC_KEY: hubKey, HOST: '0.0.0.0', LILONG_NODE_QUERY_BUDGET_MS: '5000' };

/** Reads the file as if `files` were on disk. */
function configsOf(file: unknown, files: Record<string, string> = {}, extraEnv: Record<string, string> = {}) {
  const disk: Record<string, string> = { '/etc/lilong/communities.json': typeof file === 'string' ? file : JSON.stringify(file), ...files };
  return hostedConfigsFromEnv({ ...env, ...extraEnv }, (path) => {
    if (!(path in disk)) throw new Error(`ENOENT: no such file, open '${path}'`);
    return disk[path]!;
  });
}

const entry = (community: string, port: number, more: Record<string, unknown> = {}) => ({ community, databaseUrl: `postgres://lilong@db/${community.replace('-', '_')}`, port, ...more });

it('is off without LILONG_COMMUNITIES_FILE: one node from the environment', () => {
  expect(hostedConfigsFromEnv({ LILONG_COMMUNITY: 'xinhua-3' })).toBeUndefined();
});

it('gives each community its own database, port, notice key and pool, and the shared settings to all', () => {
  const configs = configsOf(
    { communities: [entry('xinhua-3', 4103, { noticeKeyFile: '/run/secrets/x3.pem' }), { community: 'xinhua-4', databaseUrlFile: '/run/secrets/x4-db', port: 4104, poolSize: 3 }] },
    { '/run/secrets/x3.pem': noticeKey, '/run/secrets/x4-db': 'postgres://lilong:secret@db/xinhua_4\n' },
  )!;
  expect(configs.map((c) => [c.community, c.databaseUrl, c.port, c.poolSize])).toEqual([
    ['xinhua-3', 'postgres://lilong@db/xinhua_3', 4103, HOSTED_POOL_SIZE],
    ['xinhua-4', 'postgres://lilong:secret@db/xinhua_4', 4104, 3],
  ]);
  expect(configs[0]!.noticeKey?.asymmetricKeyType).toBe('ed25519');
  expect(configs[1]!.noticeKey).toBeUndefined();
  for (const c of configs) {
    expect(c.host).toBe('0.0.0.0');
    expect(c.requestLimits?.queryMs).toBe(5000);
    expect(c.hubPublicKeys).toHaveLength(1);
  }
});

it.each([
  ['not JSON', '{ communities: ', /cannot be read as JSON/],
  ['no list', { places: [] }, /must hold \{ "communities": \[ \.\.\. \] \} with at least one community/],
  ['an empty list', { communities: [] }, /at least one community/],
  ['too many', { communities: Array.from({ length: MAX_HOSTED_COMMUNITIES + 1 }, (_, i) => entry(`c-${i + 1}`, 5000 + i)) }, /hosts at most 100/],
  ['an entry that is not an object', { communities: ['xinhua-3'] }, /communities\[0\] must be an object/],
  ['an unknown field', { communities: [entry('xinhua-3', 4103, { pool: 2 })] }, /communities\[0\] has unknown field\(s\) pool/],
  ['a bad community code', { communities: [entry('Xinhua 3', 4103)] }, /communities\[0\]: community must be a community code/],
  ['a bad database URL', { communities: [{ community: 'xinhua-3', databaseUrl: 'mysql://db', port: 4103 }] }, /communities\[0\]: databaseUrl must be a postgres:\/\/ URL/],
  ['both database URL and file', { communities: [entry('xinhua-3', 4103, { databaseUrlFile: '/x' })] }, /both databaseUrl and databaseUrlFile/],
  ['a missing database URL file', { communities: [{ community: 'xinhua-3', databaseUrlFile: '/run/secrets/none', port: 4103 }] }, /databaseUrlFile \(\/run\/secrets\/none\) cannot be read/],
  ['a port out of range', { communities: [entry('xinhua-3', 70000)] }, /communities\[0\]: port must be 0-65535/],
  ['a port as text', { communities: [entry('xinhua-3', '4103' as unknown as number)] }, /communities\[0\]\.port must be a number/],
  ['a pool too large', { communities: [entry('xinhua-3', 4103, { poolSize: 500 })] }, /communities\[0\]: poolSize must be 1-200/],
  ['a community twice', { communities: [entry('xinhua-3', 4103), entry('xinhua-3', 4104)] }, /communities\[1\]: community xinhua-3 is listed twice/],
  ['a port twice', { communities: [entry('xinhua-3', 4103), entry('xinhua-4', 4103)] }, /communities\[1\]: port 4103 is given to two communities/],
  ['a missing notice key file', { communities: [entry('xinhua-3', 4103, { noticeKeyFile: '/run/secrets/none.pem' })] }, /communities\[0\]\.noticeKeyFile \(\/run\/secrets\/none\.pem\) cannot be read/],
  ['a notice key that is not one', { communities: [entry('xinhua-3', 4103, { noticeKeyFile: '/etc/lilong/communities.json' })] }, /communities\[0\]: noticeKeyFile is not a valid PEM private key/],
])('refuses %s, naming where', (_what, file, message) => {
  expect(() => configsOf(file)).toThrow(ConfigError);
  expect(() => configsOf(file)).toThrow(message);
});

it('refuses one-community variables beside the file, which would be ambiguous', () => {
  expect(() => configsOf({ communities: [entry('xinhua-3', 4103)] }, {}, { DATABASE_URL: 'postgres://db/x', PORT: '4000' })).toThrow(/unset DATABASE_URL, PORT/);
});

it('lets several communities take any free port (0) each', () => {
  expect(configsOf({ communities: [entry('xinhua-3', 0), entry('xinhua-4', 0)] })!.map((c) => c.port)).toEqual([0, 0]);
});
