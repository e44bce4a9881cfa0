import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__LILONG_TEST_PG__?.stop();
  if (globalThis.__LILONG_TEST_PG_DIR__) rmSync(globalThis.__LILONG_TEST_PG_DIR__, { recursive: true, force: true });
}
