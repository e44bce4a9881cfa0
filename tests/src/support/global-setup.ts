import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildConsole, consoleBuildState } from '../../../ops/src/console-build';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../../ops/src/embedded-pg';

declare global {
  // eslint-disable-next-line no-var
  var __LILONG_TEST_PG__: EmbeddedPostgresHandle | undefined;
  // eslint-disable-next-line no-var
  var __LILONG_TEST_PG_DIR__: string | undefined;
}

/**
 * Tests run on a real PostgreSQL: the server in DATABASE_URL when set (CI: the machine's, at 127.0.0.1:5432),
 * else an embedded one started here for this run. Each test file then creates and drops its own databases.
 */
export default async function globalSetup(): Promise<void> {
  // The console test loads the built data console; `npm install` builds it, a checkout without it is built here.
  if (consoleBuildState() === 'missing') await buildConsole();
  if (process.env.DATABASE_URL) {
    process.env.LILONG_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const parent = mkdtempSync(path.join(os.tmpdir(), 'lilong-test-pg-'));
  // When run as root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
  chmodSync(parent, 0o755);
  const dataDir = path.join(parent, 'data');
  globalThis.__LILONG_TEST_PG_DIR__ = parent;
  globalThis.__LILONG_TEST_PG__ = await startEmbeddedPostgres({ dataDir, persistent: false });
  process.env.LILONG_TEST_ADMIN_URL = globalThis.__LILONG_TEST_PG__.adminUrl;
}
