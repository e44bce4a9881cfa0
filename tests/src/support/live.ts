/** Subscribers as partner apps and the console run them: GraphQL over SSE and over WebSocket, through the hub. */
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestCluster } from './cluster';

export type Transport = 'sse' | 'ws';

export interface Received {
  /** The result as the server sent it. */
  result: { data?: any; errors?: any[] };
  /** When it arrived (Date.now()). */
  at: number;
}

/** One subscription: what it has received so far, and whether it ended. */
export class Subscription {
  readonly received: Received[] = [];
  ended = false;
  failure: unknown;
  private waiters: (() => void)[] = [];

  constructor(private readonly stop: () => void) {}

  push(result: Received['result']): void {
    this.received.push({ result, at: Date.now() });
    this.notify();
  }

  finish(failure?: unknown): void {
    this.ended = true;
    this.failure = failure;
    this.notify();
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `done` holds of what was received (or the subscription ends); throws after `timeoutMs`. */
  async until(done: (received: Received[]) => boolean, timeoutMs = 10_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.received)) {
      if (this.ended) return this.received;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`subscription: condition not met within ${timeoutMs} ms; received ${JSON.stringify(this.received.map((r) => r.result))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** The data results (events), in arrival order. */
  events(field: string): any[] {
    return this.received.filter((r) => r.result.data?.[field]).map((r) => r.result.data[field]);
  }

  /** The error results (refusals, notices), in arrival order. */
  errors(): any[] {
    return this.received.flatMap((r) => r.result.errors ?? []);
  }

  close(): void {
    this.stop();
  }
}

/** A client of the hub's live endpoint over one transport, with a bearer token (or none). */
export class LiveClient {
  private readonly sse?: SseClient;
  private readonly ws?: WsClient;
  readonly wsClosed: { code: number; reason: string }[] = [];

  constructor(cluster: TestCluster, readonly transport: Transport, token?: string) {
    const base = cluster.url.replace(/\/graphql$/, '');
    const authorization = token ? `Bearer ${token}` : undefined;
    if (transport === 'sse') {
      this.sse = createSseClient({ url: `${base}/graphql/stream`, headers: authorization ? { authorization } : {}, retryAttempts: 0 });
    } else {
      this.ws = createWsClient({
        url: `${base.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: authorization ? { authorization } : {},
        retryAttempts: 0,
        lazy: true,
        on: { closed: (event) => this.wsClosed.push({ code: (event as { code: number }).code, reason: String((event as { reason?: unknown }).reason ?? '') }) },
      });
    }
  }

  subscribe(query: string, variables: Record<string, unknown> = {}): Subscription {
    let dispose: () => void = () => undefined;
    const subscription = new Subscription(() => dispose());
    const sink = {
      next: (value: unknown) => subscription.push(value as Received['result']),
      error: (error: unknown) => subscription.finish(error),
      complete: () => subscription.finish(),
    };
    dispose = this.sse ? this.sse.subscribe({ query, variables }, sink) : this.ws!.subscribe({ query, variables }, sink);
    return subscription;
  }

  async close(): Promise<void> {
    this.sse?.dispose();
    await this.ws?.dispose();
  }
}

/** The community's last event sequence number, read from its node's outbox (to subscribe from "now" without a race). */
export async function headOf(cluster: TestCluster, community: string): Promise<number> {
  const rows = (await cluster.nodes.get(community)!.subgraphs.get('groups')!.orm.em.fork().getConnection().execute('select seq from outbox.head where id = 1')) as { seq: string }[];
  return Number(rows[0]!.seq);
}
