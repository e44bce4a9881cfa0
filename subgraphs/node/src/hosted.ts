/**
 * Several communities' nodes in one process, for an operator hosting many small residents' committees on one
 * machine (docs/hundred-communities.md, "Offering operators many small committees in one process"): each community
 * keeps its own database, its own notice key, its own port (its own `/livez`, `/readyz`, `/metrics`) and its own
 * hub audience; what they share is the process: one event loop, one crash domain, one code version.
 *
 * `LILONG_COMMUNITIES_FILE` names a JSON file:
 *
 * ```json
 * { "communities": [
 *     { "community": "xinhua-3", "databaseUrlFile": "/run/secrets/xinhua-3-db", "port": 4103, "noticeKeyFile": "/run/secrets/xinhua-3-notice.pem" },
 *     { "community": "xinhua-4", "databaseUrl": "postgres://lilong@db/xinhua_4", "port": 4104, "poolSize": 3 } ] }
 * ```
 *
 * Everything else (the hub's public keys, HOST, the limits, the broker, the metrics token) comes from the
 * environment as for one node and applies to every community; the entry's fields are checked by the same rules as
 * the single node's variables (`nodeConfigFromEnv`), so both modes accept and refuse the same values.
 *
 * A community whose node cannot start (its database unreachable, a failed migration) is retried with backoff
 * while the others serve: one committee's trouble is not every committee's outage.
 */
import { readFileSync } from 'node:fs';
import { createLogger, type Logger, type Tracing } from '@lilong/kit';
import { ConfigError, nodeConfigFromEnv, type NodeConfig } from './config';
import { createCommunityNode, type CommunityNode, type CommunityNodeOptions } from './node';

/** Most communities one process may host: past this, run another process (each costs ~10-15 MB and 13 connections). */
export const MAX_HOSTED_COMMUNITIES = 100;

/** Database connections per domain for a hosted community unless its entry says otherwise (5 domains x 2 + outbox 3). */
export const HOSTED_POOL_SIZE = 2;

/** Variables that name one community, which a communities file replaces. */
const PER_COMMUNITY_VARIABLES = ['LILONG_COMMUNITY', 'DATABASE_URL', 'PORT', 'LILONG_NOTICE_KEY', 'LILONG_NOTICE_KEY_FILE'] as const;

const FIELD_OF_VARIABLE: Record<string, string> = {
  LILONG_COMMUNITY: 'community',
  DATABASE_URL: 'databaseUrl',
  DATABASE_POOL_SIZE: 'poolSize',
  PORT: 'port',
  LILONG_NOTICE_KEY: 'noticeKeyFile',
};

const ENTRY_FIELDS = new Set(['community', 'databaseUrl', 'databaseUrlFile', 'port', 'noticeKeyFile', 'poolSize']);

/**
 * The configuration of each community `LILONG_COMMUNITIES_FILE` lists, or undefined when it is not set (one node
 * from the environment). Refuses, naming the entry and the field: a file that is not JSON, no or too many
 * communities, unknown fields, a community or port listed twice, and any value one node would refuse.
 */
export function hostedConfigsFromEnv(env: NodeJS.ProcessEnv = process.env, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): NodeConfig[] | undefined {
  const file = env.LILONG_COMMUNITIES_FILE;
  if (file === undefined || file === '') return undefined;
  const clash = PER_COMMUNITY_VARIABLES.filter((name) => env[name] !== undefined && env[name] !== '');
  if (clash.length > 0) throw new ConfigError(`LILONG_COMMUNITIES_FILE lists each community's own settings: unset ${clash.join(', ')}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(read(file));
  } catch (error) {
    throw new ConfigError(`LILONG_COMMUNITIES_FILE (${file}) cannot be read as JSON: ${(error as Error).message}`);
  }
  const entries = (parsed as { communities?: unknown } | null)?.communities;
  if (!Array.isArray(entries) || entries.length === 0) throw new ConfigError(`LILONG_COMMUNITIES_FILE (${file}) must hold { "communities": [ ... ] } with at least one community`);
  if (entries.length > MAX_HOSTED_COMMUNITIES) throw new ConfigError(`LILONG_COMMUNITIES_FILE lists ${entries.length} communities; one process hosts at most ${MAX_HOSTED_COMMUNITIES}`);
  const codes = new Set<string>();
  const ports = new Set<number>();
  return entries.map((raw, i) => {
    const where = `LILONG_COMMUNITIES_FILE communities[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${where} must be an object`);
    const entry = raw as Record<string, unknown>;
    const unknown = Object.keys(entry).filter((k) => !ENTRY_FIELDS.has(k));
    if (unknown.length > 0) throw new ConfigError(`${where} has unknown field(s) ${unknown.join(', ')} (known: ${[...ENTRY_FIELDS].join(', ')})`);
    const text = (field: string): string | undefined => {
      const value = entry[field];
      if (value === undefined) return undefined;
      if (typeof value !== 'string' || value === '') throw new ConfigError(`${where}.${field} must be a non-empty string`);
      return value;
    };
    const number = (field: string): string | undefined => {
      const value = entry[field];
      if (value === undefined) return undefined;
      if (typeof value !== 'number') throw new ConfigError(`${where}.${field} must be a number`);
      return String(value);
    };
    const urlFile = text('databaseUrlFile');
    if (urlFile && entry.databaseUrl !== undefined) throw new ConfigError(`${where} gives both databaseUrl and databaseUrlFile`);
    let databaseUrl = text('databaseUrl');
    if (urlFile) {
      try {
        databaseUrl = read(urlFile).trim();
      } catch (error) {
        throw new ConfigError(`${where}.databaseUrlFile (${urlFile}) cannot be read: ${(error as Error).message}`);
      }
    }
    const keyFile = text('noticeKeyFile');
    let noticeKey: string | undefined;
    if (keyFile) {
      try {
        noticeKey = read(keyFile);
      } catch (error) {
        throw new ConfigError(`${where}.noticeKeyFile (${keyFile}) cannot be read: ${(error as Error).message}`);
      }
    }
    let config: NodeConfig;
    try {
      config = nodeConfigFromEnv({
        ...env,
        LILONG_COMMUNITIES_FILE: undefined,
        LILONG_COMMUNITY: text('community') ?? '',
        DATABASE_URL: databaseUrl ?? '',
        PORT: number('port') ?? '0',
        DATABASE_POOL_SIZE: number('poolSize') ?? String(HOSTED_POOL_SIZE),
        LILONG_NOTICE_KEY: noticeKey,
        LILONG_NOTICE_KEY_FILE: undefined,
      });
    } catch (error) {
      // The one-node rules name their variables; here the entry's fields are what the operator wrote.
      const message = (error as Error).message.replace(/\b(LILONG_COMMUNITY|DATABASE_URL|DATABASE_POOL_SIZE|PORT|LILONG_NOTICE_KEY)\b/g, (name) => FIELD_OF_VARIABLE[name] ?? name);
      throw new ConfigError(`${where}: ${message}`);
    }
    if (codes.has(config.community)) throw new ConfigError(`${where}: community ${config.community} is listed twice`);
    codes.add(config.community);
    if (config.port !== 0) {
      if (ports.has(config.port)) throw new ConfigError(`${where}: port ${config.port} is given to two communities`);
      ports.add(config.port);
    }
    return config;
  });
}

export type HostedState =
  | { community: string; state: 'starting' }
  | { community: string; state: 'serving'; url: string }
  | { community: string; state: 'retrying'; error: string; attempts: number; nextAttemptInMs: number }
  | { community: string; state: 'stopped' };

export interface CommunityHostOptions {
  /** The host's own lines (which community started, which is retrying). @default createLogger('node-host') */
  log?: Logger;
  /** Each node's logger. @default createLogger(`node:<community>`) */
  loggerFor?: (community: string) => Logger;
  /** A tracing per community (its spans carry its own service name). */
  tracingFor?: (community: string) => Tracing;
  /** Passed to every node (background work, process metrics: on for one community only, since they describe the process). */
  node?: (community: string, index: number) => Omit<CommunityNodeOptions, 'logger' | 'tracing'>;
  /** How many nodes start at once (start-up is CPU: schemas, migrations check). @default 2 */
  startConcurrency?: number;
  /** Backoff between attempts for a community that failed to start, in ms: doubled from `firstMs` up to `maxMs`. */
  retry?: { firstMs: number; maxMs: number };
  /** Told each time a community starts serving. */
  onServing?: (community: string, url: string) => void;
}

const DEFAULT_RETRY = { firstMs: 1000, maxMs: 30_000 };

/** Runs the nodes of several communities in this process (see the module comment). */
export class CommunityHost {
  private readonly states = new Map<string, HostedState>();
  private readonly nodes = new Map<string, CommunityNode>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly log: Logger;
  private stopped = false;

  constructor(private readonly configs: readonly NodeConfig[], private readonly options: CommunityHostOptions = {}) {
    this.log = options.log ?? createLogger('node-host');
    for (const c of configs) this.states.set(c.community, { community: c.community, state: 'starting' });
  }

  /** Each community's state, in the order of the file. */
  status(): HostedState[] {
    return this.configs.map((c) => this.states.get(c.community)!);
  }

  /** The running node of a community, if it serves. */
  node(community: string): CommunityNode | undefined {
    return this.nodes.get(community);
  }

  /**
   * Starts every community, `startConcurrency` at a time; resolves once each has either started or failed its
   * first attempt (then retried in the background until `close`).
   */
  async start(): Promise<void> {
    const queue = this.configs.map((config, index) => ({ config, index }));
    const concurrency = Math.max(1, this.options.startConcurrency ?? 2);
    await Promise.all(
      Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
        for (let next = queue.shift(); next && !this.stopped; next = queue.shift()) await this.attempt(next.config, next.index, 1);
      }),
    );
  }

  private async attempt(config: NodeConfig, index: number, attempts: number): Promise<void> {
    if (this.stopped) return;
    const code = config.community;
    this.states.set(code, { community: code, state: 'starting' });
    try {
      const node = await createCommunityNode(config, {
        ...this.options.node?.(code, index),
        logger: this.options.loggerFor?.(code) ?? createLogger(`node:${code}`),
        tracing: this.options.tracingFor?.(code),
      });
      if (this.stopped) {
        await node.close();
        return;
      }
      const url = await node.listen();
      this.nodes.set(code, node);
      this.states.set(code, { community: code, state: 'serving', url });
      this.log.info('community serving', { community: code, url });
      this.options.onServing?.(code, url);
    } catch (error) {
      const retry = this.options.retry ?? DEFAULT_RETRY;
      const wait = Math.min(retry.maxMs, retry.firstMs * 2 ** (attempts - 1));
      const message = (error as Error).message ?? String(error);
      this.states.set(code, { community: code, state: 'retrying', error: message, attempts, nextAttemptInMs: wait });
      this.log.error('community could not start; the others serve; retrying', error, { community: code, attempts, nextAttemptInMs: wait });
      if (this.stopped) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.attempt(config, index, attempts + 1);
      }, wait);
      this.timers.add(timer);
    }
  }

  /** Stops retrying, and closes every node (each lets its in-flight requests finish). */
  async close(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const nodes = [...this.nodes];
    this.nodes.clear();
    await Promise.allSettled(nodes.map(([, node]) => node.close()));
    for (const c of this.configs) this.states.set(c.community, { community: c.community, state: 'stopped' });
  }
}
