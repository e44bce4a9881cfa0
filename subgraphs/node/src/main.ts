/**
 * Runs one community node: `LILONG_COMMUNITY=xinhua-3 DATABASE_URL=... LILONG_HUB_PUBLIC_KEY_FILE=... node -r ops/register.js subgraphs/node/src/main.ts`
 *
 * Or several communities in this one process (small committees on one host, see hosted.ts):
 * `LILONG_COMMUNITIES_FILE=/etc/lilong/communities.json LILONG_HUB_PUBLIC_KEY_FILE=... node dist/main.js`.
 */
import { boundHeapGrowth, createLogger, tracingFromEnv } from '@lilong/kit';
import { ConfigError, nodeConfigFromEnv } from './config';
import { CommunityHost, hostedConfigsFromEnv } from './hosted';
import { createCommunityNode } from './node';

/** Lets the process stop once: SIGTERM / SIGINT run `close`, then exit 0 (1 when closing failed). */
function stopOnSignals(log: ReturnType<typeof createLogger>, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    close().then(
      () => process.exit(0),
      (error) => {
        log.error('stop failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function hostSeveral(): Promise<boolean> {
  const configs = hostedConfigsFromEnv();
  if (!configs) return false;
  const log = createLogger('node-host');
  const tracings = new Map(configs.map((c) => [c.community, tracingFromEnv(`lilong-node-${c.community}`)]));
  const host = new CommunityHost(configs, {
    log,
    tracingFor: (code) => tracings.get(code)!,
    // The process's own metrics (memory, event loop) once, on the first community's /metrics: they describe the process.
    node: (_code, index) => ({ processMetrics: index === 0 }),
    // The launcher and operators read one line per community as it comes up (a community retrying prints its own later).
    onServing: (community, url) => process.stdout.write(`${JSON.stringify({ ready: true, community, url })}\n`),
  });
  stopOnSignals(log, async () => {
    await host.close();
    await Promise.allSettled([...tracings.values()].map((t) => t.shutdown()));
  });
  await host.start();
  const status = host.status();
  log.info('hosting', { communities: status.length, serving: status.filter((s) => s.state === 'serving').length, retrying: status.filter((s) => s.state === 'retrying').map((s) => s.community) });
  return true;
}

async function main(): Promise<void> {
  boundHeapGrowth();
  if (await hostSeveral()) return;
  const config = nodeConfigFromEnv();
  const log = createLogger(`node:${config.community}`);
  // Traces only with OTEL_EXPORTER_OTLP_ENDPOINT set (docs/observability.md).
  const tracing = tracingFromEnv(`lilong-node-${config.community}`);
  const node = await createCommunityNode(config, { logger: log, tracing, processMetrics: true });
  const url = await node.listen();
  log.info('listening', { url });
  // The launcher reads this line to learn the port.
  process.stdout.write(`${JSON.stringify({ ready: true, community: config.community, url })}\n`);
  stopOnSignals(log, () => node.close().then(() => tracing.shutdown().catch(() => undefined)));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? `configuration: ${error.message}` : (error as Error).stack}\n`);
  process.exit(1);
});
