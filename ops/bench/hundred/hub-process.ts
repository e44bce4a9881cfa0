/**
 * The hub process of `npm run bench -- hundred`: `createHub` from @lilong/gateway over the committed supergraph and
 * the directory the bench hands it (checked by the directory's own rules, `parseDirectory`), in a process of its
 * own so that its CPU time and memory are its own. Everything is the hub's default (link timeouts, circuit
 * breakers, operation limits, the relay sweeping every community) except the per-caller rate limit, which is off:
 * the load generator is one caller. Answers `counters` with the fetches it sent to community nodes. Started with an
 * IPC channel (`node -r ops/register.js -r ops/src/child-guard.ts hub-process.ts`): it stops when the bench goes.
 */
import { createLogger, privateKeyFromPem } from '@lilong/kit';
import { committedSchema, createHub, DEFAULT_LINK_OPTIONS, Directory, parseDirectory, type Hub } from '@lilong/gateway';
import type { FromHub, ToHub } from './protocol';

/** How long a stop may wait for the hub to close before the process exits anyway, in ms. */
const STOP_GRACE_MS = 5000;
/** Longest wait for every community of the directory to be verified and active, in ms. */
const VERIFY_MS = 90_000;

let hub: Hub | undefined;
const send = (message: FromHub) => process.send?.(message);
const sum = (counts: ReadonlyMap<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

async function start(message: Extract<ToHub, { kind: 'start' }>): Promise<void> {
  const entries = parseDirectory(JSON.stringify(message.directory), 'simulated directory');
  hub = await createHub(
    {
      port: 0,
      host: '127.0.0.1',
      directoryPath: '(in memory)',
      hubPrivateKey: privateKeyFromPem(message.hubPrivateKeyPem),
      trust: { issuers: [{ issuer: message.issuer, jwksUri: message.jwksUri }], grants: [] },
      ...committedSchema(),
      link: DEFAULT_LINK_OPTIONS,
      rateLimits: { perMinute: 0, trustProxy: false },
    },
    { directory: new Directory(entries), logger: createLogger('hub', 'error') },
  );
  const url = `${await hub.listen()}/graphql`;
  // Verifying a hundred nodes at once on a busy machine can time some out (their circuits then open for a while):
  // try again until every community is active, or VERIFY_MS has passed, so measurements start from a whole directory.
  const verifyUntil = Date.now() + VERIFY_MS;
  for (;;) {
    await hub.links.verifyAll();
    if (entries.every((e) => hub!.links.status(e.code) === 'ACTIVE') || Date.now() > verifyUntil) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const statuses = Object.fromEntries(entries.map((e) => [e.code, hub!.links.status(e.code)]));
  send({ kind: 'ready', url, statuses });
}

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) process.exit(code);
  stopping = true;
  setTimeout(() => process.exit(code), STOP_GRACE_MS).unref();
  hub?.http.closeAllConnections();
  await hub?.close().catch(() => undefined);
  process.exit(code);
}

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.on('message', (message: ToHub) => {
  if (message.kind === 'stop') void stop(0);
  else if (message.kind === 'counters') {
    const codes = hub?.directory.list().map((c) => c.code) ?? [];
    send({
      kind: 'counters',
      fetches: hub ? sum(hub.links.sent) : 0,
      accessLookups: hub ? sum(hub.links.accessAsked) : 0,
      active: codes.filter((c) => hub!.links.status(c) === 'ACTIVE').length,
    });
  } else {
    start(message).catch(async (error: unknown) => {
      send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      await stop(1);
    });
  }
});
process.title = 'lilong-bench-hub';
// The child guard unrefs the channel (a finished process must not linger); this one waits on the bench's orders.
process.channel?.ref();
