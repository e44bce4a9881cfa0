/**
 * Messages between the bench (`ops/bench/hundred.ts`) and its children over Node's IPC channel: the worker
 * processes hosting community nodes (`worker.ts`) and the hub process (`hub-process.ts`).
 */

/** One community a worker is to host, on a database the bench has created. */
export interface HostedCommunity {
  /** 0-based index into the simulated sub-district (`simulatedCommunity`). */
  index: number;
  databaseUrl: string;
}

export type ToWorker =
  | { kind: 'start'; communities: HostedCommunity[]; total: number; hubPublicKeyPem: string; poolSize: number; issuer: string }
  | { kind: 'stop' };

export type FromWorker =
  /** Sent first: the process with its modules loaded and no node yet. */
  | { kind: 'loaded'; rssMb: number }
  | {
      kind: 'node';
      code: string;
      url: string;
      /** Migrations applied now (0 when the database was already up to date) and the time they took. */
      migrations: number;
      migrateMs: number;
      /** createCommunityNode: ORMs, schemas, servers (its own migration check finds nothing to do). */
      startMs: number;
      seedMs: number;
      /** The database already held the community's data (a kept run). */
      seedSkipped: boolean;
    }
  | { kind: 'ready'; rssMb: number }
  | { kind: 'failed'; message: string };

/** The hub's directory as the bench hands it over: the document `parseDirectory` reads. */
export interface DirectoryDocument {
  communities: { code: string; name: string; nameEn?: string; url: string; neighbours: string[]; status: 'active' }[];
}

export type ToHub =
  | { kind: 'start'; directory: DirectoryDocument; hubPrivateKeyPem: string; issuer: string; jwksUri: string }
  | { kind: 'counters' }
  | { kind: 'stop' };

export interface HubCounters {
  /** GraphQL fetches sent to community nodes for client operations (after merging identical reads in flight). */
  fetches: number;
  /** Role look-ups (`/access`) sent to community nodes for signed-in callers. */
  accessLookups: number;
  /** Communities the hub counts as available now. */
  active: number;
}

export type FromHub =
  | { kind: 'ready'; url: string; statuses: Record<string, string> }
  | ({ kind: 'counters' } & HubCounters)
  | { kind: 'failed'; message: string };
