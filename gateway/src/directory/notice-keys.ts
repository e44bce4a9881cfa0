import type { KeyDirectory } from '@lilong/schema';
import type { Directory } from './directory';

/**
 * The sub-district's notice keys as anyone may download them (`GET /notice-keys.json`): every community of the
 * directory with its keys, their validity and revocations. `npm run verify-notice --keys` checks notices offline
 * against a saved copy; the verifier page and the hub's own verdict read the same.
 */
export function keyDirectoryOf(directory: Directory): KeyDirectory {
  return {
    format: 'lilong-notice-keys/1',
    communities: directory.list().map((c) => ({ code: c.code, name: c.name, ...(c.nameEn ? { nameEn: c.nameEn } : {}), noticeKeys: c.noticeKeys })),
  };
}
