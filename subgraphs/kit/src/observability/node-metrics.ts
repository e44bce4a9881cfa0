/**
 * A community node's metrics, on its own registry: requests by subgraph, operation and outcome with their latency,
 * and, read when scraped, each database pool's use, the job runner's lag and the outbox's.
 */
import type { MikroORM } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Gauge, type Registry } from 'prom-client';
import type { JobRunner } from '../jobs/runner';
import type { Logger } from '../log';
import { OUTBOX_SCHEMA } from '../outbox/outbox';
import { createRegistry, OperationLabels, RequestMetrics } from './metrics';

export const NODE_METRICS_PREFIX = 'lilong_node_';

/** The part of knex's pool (tarn) read for metrics. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

/** The connection pool under a MikroORM (knex's tarn pool), if it has one yet. */
function tarnPoolOf(orm: MikroORM<PostgreSqlDriver>): TarnPool | undefined {
  const pool = (orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
  return pool && typeof pool.numUsed === 'function' ? pool : undefined;
}

export interface NodeMetricsSources {
  community: string;
  /** Each domain's ORM (and the outbox's), by the label its pool is shown under. */
  orms: () => Iterable<[string, MikroORM<PostgreSqlDriver>]>;
  jobs?: JobRunner;
  /** The outbox's ORM, to read its head; and the sequence its publisher has put in the broker, when there is one. */
  outbox?: MikroORM<PostgreSqlDriver>;
  publishedSequence?: () => number | undefined;
  log: Pick<Logger, 'warn'>;
  /** @default false (see RegistryOptions.processMetrics) */
  processMetrics?: boolean;
}

/**
 * Paths of a node that are not a subgraph, as the `subgraph` label shows them: what a caller is (`access`), the
 * relay's steps (`relay`), event reads (`events`).
 */
export class NodeMetrics {
  readonly registry: Registry;
  private readonly requests: RequestMetrics<'subgraph' | 'operation'>;
  private readonly operations = new OperationLabels();

  constructor(sources: NodeMetricsSources) {
    this.registry = createRegistry({ prefix: NODE_METRICS_PREFIX, defaultLabels: { community: sources.community }, processMetrics: sources.processMetrics });
    this.requests = new RequestMetrics(this.registry, NODE_METRICS_PREFIX, ['subgraph', 'operation'], 'Requests the node');
    const registers = [this.registry];
    new Gauge({
      name: `${NODE_METRICS_PREFIX}db_pool_connections`,
      help: "Connections of each database pool (a domain's, the outbox's, the job runner's) by state: used (checked out) or free (idle).",
      labelNames: ['pool', 'state'],
      registers,
      collect() {
        this.reset();
        for (const [name, stats] of poolStats(sources)) {
          this.set({ pool: name, state: 'used' }, stats.used);
          this.set({ pool: name, state: 'free' }, stats.free);
        }
      },
    });
    new Gauge({
      name: `${NODE_METRICS_PREFIX}db_pool_waiting`,
      help: 'Requests waiting for a connection of each database pool (all in use).',
      labelNames: ['pool'],
      registers,
      collect() {
        this.reset();
        for (const [name, stats] of poolStats(sources)) this.set({ pool: name }, stats.waiting);
      },
    });
    new Gauge({
      name: `${NODE_METRICS_PREFIX}db_pool_max`,
      help: 'Most connections each database pool opens.',
      labelNames: ['pool'],
      registers,
      collect() {
        this.reset();
        for (const [name, stats] of poolStats(sources)) this.set({ pool: name }, stats.max);
      },
    });
    if (sources.jobs) {
      const jobs = sources.jobs;
      // Both read by one query per scrape; the second gauge reads what the first's collect found.
      let lag: { due: number; oldestDueSeconds: number } | undefined;
      new Gauge({
        name: `${NODE_METRICS_PREFIX}jobs_due`,
        help: 'Background jobs whose time has come that no worker has started yet.',
        registers,
        async collect() {
          lag = await jobs.lag().catch((error: unknown) => {
            sources.log.warn('job lag could not be read for the metrics', { detail: (error as Error).message });
            return undefined;
          });
          this.set(lag?.due ?? 0);
        },
      });
      new Gauge({
        name: `${NODE_METRICS_PREFIX}jobs_oldest_due_seconds`,
        help: 'How long the oldest due job that no worker has started has waited past its run_at, in seconds (0: none).',
        registers,
        collect() {
          this.set(lag?.oldestDueSeconds ?? 0);
        },
      });
    }
    if (sources.outbox) {
      const outbox = sources.outbox;
      let head: number | undefined;
      new Gauge({
        name: `${NODE_METRICS_PREFIX}outbox_head_sequence`,
        help: "Sequence number of the community's last committed event.",
        registers,
        async collect() {
          head = await outbox.em
            .fork()
            .getConnection()
            .execute<{ seq: string }[]>(`select "seq" from "${OUTBOX_SCHEMA}"."head" where "id" = 1`)
            .then((rows) => Number(rows[0]?.seq ?? 0), () => undefined);
          if (head !== undefined) this.set(head);
        },
      });
      if (sources.publishedSequence) {
        const published = sources.publishedSequence;
        new Gauge({
          name: `${NODE_METRICS_PREFIX}outbox_unpublished_events`,
          help: 'Committed events not yet in the event broker (outbox head minus the last published sequence).',
          registers,
          collect() {
            const last = published();
            if (head !== undefined && last !== undefined) this.set(Math.max(0, head - last));
          },
        });
      }
    }
  }

  /** One request served: `operation` as the GraphQL layer named it (normalised here), `outcome` ok or a code. */
  observe(subgraph: string, operation: string | undefined, outcome: string, seconds: number): void {
    this.requests.observe({ subgraph, operation: this.operations.label(plannerOperationName(operation)) }, outcome, seconds);
  }
}

/**
 * The client's operation name inside the hub planner's fetch name (`SubDistrict__shops__2` -> `SubDistrict`): the
 * fetches of one client operation count together, whatever their number.
 */
export function plannerOperationName(name: string | undefined): string | undefined {
  return name?.replace(/__[a-z]+__\d+$/, '');
}

function* poolStats(sources: NodeMetricsSources): Iterable<[string, { used: number; free: number; waiting: number; max: number }]> {
  for (const [name, orm] of sources.orms()) {
    const pool = tarnPoolOf(orm);
    if (pool) yield [name, { used: pool.numUsed(), free: pool.numFree(), waiting: pool.numPendingAcquires(), max: pool.max }];
  }
  const jobs = sources.jobs?.poolStats();
  if (jobs) yield ['jobs', jobs];
}
