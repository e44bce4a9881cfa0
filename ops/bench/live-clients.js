'use strict';
/**
 * Idle subscribers for `npm run bench -- live`, in their own process so their memory is not the hub's: opens
 * `count` WebSocket connections to the hub, one subscription each, tells the parent when all are subscribed, and
 * stays until told to stop.
 */
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');

const [url, count, query] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const clients = [];
let connected = 0;

for (let i = 0; i < count; i += 1) {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    on: {
      connected: () => {
        connected += 1;
        if (connected === count) process.send({ subscribed: count });
      },
    },
  });
  client.subscribe({ query }, { next: () => undefined, error: (e) => process.send({ error: String(e && e.message ? e.message : e) }), complete: () => undefined });
  clients.push(client);
}

process.on('message', async (message) => {
  if (message === 'stop') {
    await Promise.allSettled(clients.map((c) => c.dispose()));
    process.exit(0);
  }
});
