/** Runs the hub from environment configuration (see `hubConfigFromEnv`). */
import { createLogger } from '@lilong/kit';
import { HubConfigError, hubConfigFromEnv } from './config';
import { createHub } from './hub';

async function main(): Promise<void> {
  const log = createLogger('hub');
  const hub = await createHub(hubConfigFromEnv(), { logger: log });
  const url = await hub.listen();
  log.info('listening', { url });
  process.stdout.write(`${JSON.stringify({ ready: true, url })}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    hub.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof HubConfigError ? `configuration: ${error.message}` : (error as Error).stack}\n`);
  process.exit(1);
});
