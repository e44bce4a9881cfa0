/**
 * Live events through a NATS JetStream broker, the production path for several hub replicas and many communities:
 * each node publishes its outbox to the stream (each event once, in order, even across a SIGKILL), and the hub
 * follows the stream instead of long-polling the nodes. The same scenarios as the embedded default
 * (support/subscription-scenarios.ts), then what the stream itself holds.
 *
 * Needs NATS with JetStream: LILONG_TEST_NATS_URL (CI sets it; a server that does not answer then fails the file),
 * else nats://127.0.0.1:4222 if it answers; without one the file says so and skips.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connectBroker, eventSubject, SEQUENCE_HEADER, type BrokerConnection, type EventBrokerConfig } from '@lilong/kit';
import { headOf } from './support/live';
import { subscriptionScenarios } from './support/subscription-scenarios';
import { eventually } from './support/sub-district';

const required = process.env.LILONG_TEST_NATS_URL;
const url = required ?? 'nats://127.0.0.1:4222';

/** Whether something listens at the URL's port; synchronous, since jest declares tests synchronously. */
function answers(address: string): boolean {
  const { hostname, port } = new URL(address);
  const probe = `require('net').createConnection({host:${JSON.stringify(hostname)},port:${Number(port || 4222)}}).on('connect',()=>process.exit(0)).on('error',()=>process.exit(1)).setTimeout(2000,()=>process.exit(1))`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 5000 }).status === 0;
}

const up = answers(url);
if (!up && !required) console.warn(`subscriptions-nats: nothing answers at ${url}; set LILONG_TEST_NATS_URL to a NATS server with JetStream to run these tests`);

if (!up) {
  it('needs a NATS server with JetStream', () => {
    // Skipped only where none was asked for; in CI (LILONG_TEST_NATS_URL set) a missing server fails.
    expect(required).toBeUndefined();
  });
} else {
  // Each run its own stream and subjects, deleted afterwards: files and runs never see each other's events.
  const suffix = randomUUID().slice(0, 8);
  const broker: EventBrokerConfig = { url, stream: `LILONG_TEST_${suffix}`, prefix: `test${suffix}` };
  const { cluster } = subscriptionScenarios({ eventBroker: broker });
  let connection: BrokerConnection | undefined;

  afterAll(async () => {
    if (!connection) return;
    await connection.jsm.streams.delete(broker.stream).catch(() => undefined);
    await connection.nc.close();
  });

  describe('the stream', () => {
    it("holds each community's events exactly once, in outbox order, after the SIGKILL and both restarts above", async () => {
      connection = await connectBroker(broker, 'lilong-test');
      for (const community of ['alpha', 'beta']) {
        const head = await headOf(cluster(), community);
        const subject = eventSubject(broker, community);
        // The publisher may still be a moment behind the outbox.
        const count = async () => (await connection!.jsm.streams.info(broker.stream, { subjects_filter: subject })).state.subjects?.[subject] ?? 0;
        await eventually(count, (n) => n >= head, 15_000);
        expect([community, await count()]).toEqual([community, head]);
        const sequences: number[] = [];
        const info = await connection.jsm.streams.info(broker.stream);
        for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
          const message = await connection.jsm.streams.getMessage(broker.stream, { seq });
          if (message?.subject === subject) sequences.push(Number(message.header?.get(SEQUENCE_HEADER)));
        }
        expect([community, sequences]).toEqual([community, Array.from({ length: head }, (_, i) => i + 1)]);
      }
    });
  });
}
