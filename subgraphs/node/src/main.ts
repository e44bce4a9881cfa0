/**
 * Runs one community node: `LILONG_COMMUNITY=xinhua-3 DATABASE_URL=... LILONG_HUB_PUBLIC_KEY_FILE=... node -r ops/register.js subgraphs/node/src/main.ts`
 */
import { boundHeapGrowth, createLogger, tracingFromEnv } from '@lilong/kit';
import { ConfigError, nodeConfigFromEnv } from './config';
import { createCommunityNode } from './node';

async function main(): Promise<void> {
  boundHeapGrowth();
  const config = nodeConfigFromEnv();
  const log = createLogger(`node:${config.community}`);
  // Traces only with OTEL_EXPORTER_OTLP_ENDPOINT set (docs/observability.md).
  const tracing = tracingFromEnv(`lilong-node-${config.community}`);
  const node = await createCommunityNode(config, { logger: log, tracing, processMetrics: true });
  const url = await node.listen();
  log.info('listening', { url });
  // The launcher reads this line to learn the port.
  process.stdout.write(`${JSON.stringify({ ready: true, community: config.community, url })}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    node.close().then(() => tracing.shutdown().finally(() => process.exit(0)), (error) => {
      log.error('stop failed', error);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? `configuration: ${error.message}` : (error as Error).stack}\n`);
  process.exit(1);
});
