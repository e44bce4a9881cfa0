export default async function globalTeardown(): Promise<void> {
  await globalThis.__LILONG_TEST_PG__?.stop();
}
