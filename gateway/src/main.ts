/**
 * Runs the hub from environment configuration (see `hubConfigFromEnv`):
 * `PORT=4000 LILONG_DIRECTORY=... LILONG_HUB_PRIVATE_KEY_FILE=... node -r ./ops/register.js gateway/src/main.ts`.
 * Prints `{"ready":true,"url":...}` on stdout once listening (the launcher waits for it).
 * SIGTERM or SIGINT stops it: open requests get STOP_GRACE_MS to finish; a second signal exits at once. SIGHUP reads
 * the directory file again at once.
 */
import { boundHeapGrowth, createLogger, tracingFromEnv } from '@lilong/kit/src/hub';
import { HubConfigError, hubConfigFromEnv } from './config';
import { createHub } from './hub';

/** How long a stop may wait for requests in flight before they are cut off, in ms. */
const STOP_GRACE_MS = 5000;

async function main(): Promise<void> {
  // `ps` shows this instead of the long command line, so an operator can find the hub: `ps aux | grep lilong-`.
  process.title = 'lilong-hub';
  boundHeapGrowth();
  const log = createLogger('hub');
  const config = hubConfigFromEnv();
  // Traces only with OTEL_EXPORTER_OTLP_ENDPOINT set (docs/observability.md).
  const tracing = tracingFromEnv('lilong-hub');
  const hub = await createHub(config, { logger: log, tracing, processMetrics: true });
  // As daemons do with their configuration: the directory is read again at once (it is also polled every second).
  // Before the ready line, so that whoever waits for it may signal.
  process.on('SIGHUP', () => {
    log.info('SIGHUP: reading the directory again');
    hub.reloadDirectory();
  });
  const url = await hub.listen();
  log.info('listening', { url, pid: process.pid });
  process.stdout.write(`${JSON.stringify({ ready: true, url })}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info('stopping', { signal });
    // A slow or stuck caller must not hold the stop: after the grace, open requests are cut off.
    setTimeout(() => {
      log.warn('stop took too long; cutting open requests', { graceMs: STOP_GRACE_MS });
      hub.http.closeAllConnections();
      process.exit(1);
    }, STOP_GRACE_MS).unref();
    hub.close().then(
      // The spans still buffered go out before the process does.
      () => tracing.shutdown().finally(() => process.exit(0)),
      (error) => {
        log.error('stop failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof HubConfigError ? `configuration: ${error.message}` : (error as Error).stack}\n`);
  process.exit(1);
});
