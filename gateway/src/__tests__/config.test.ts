import { generateKeyPairSync } from 'node:crypto';
import { HubConfigError, hubConfigFromEnv } from '../config';

const privateKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ LILONG_DIRECTORY: '/dev/null', LILONG_HUB_PRIVATE_KEY: privateKey, ...extra });

describe('hubConfigFromEnv: LILONG_MERGE_INFLIGHT', () => {
  it('merges identical in-flight reads unless told not to', () => {
    expect(hubConfigFromEnv(env()).link.mergeInflight).toBe(true);
    expect(hubConfigFromEnv(env({ LILONG_MERGE_INFLIGHT: '' })).link.mergeInflight).toBe(true);
    expect(hubConfigFromEnv(env({ LILONG_MERGE_INFLIGHT: 'true' })).link.mergeInflight).toBe(true);
  });

  it('turns merging off with false or 0', () => {
    expect(hubConfigFromEnv(env({ LILONG_MERGE_INFLIGHT: 'false' })).link.mergeInflight).toBe(false);
    expect(hubConfigFromEnv(env({ LILONG_MERGE_INFLIGHT: '0' })).link.mergeInflight).toBe(false);
  });

  it('stops start-up on any other spelling, naming the variable', () => {
    expect(() => hubConfigFromEnv(env({ LILONG_MERGE_INFLIGHT: 'off' }))).toThrow(HubConfigError);
    expect(() => hubConfigFromEnv(env({ LILONG_MERGE_INFLIGHT: 'off' }))).toThrow('LILONG_MERGE_INFLIGHT must be true or false, got "off"');
  });
});
