import { Client } from 'pg';
import type { Logger } from '../log';
import { OUTBOX_CHANNEL } from './outbox';

/**
 * Wakes the node's waiting event reads when the outbox grows: one LISTEN connection per node (opened on the first
 * wait, reopened after a failure), and a one-second look in any case, so a lost notification or a lost connection
 * delays an event by a second at most, never forever.
 */
export class OutboxWaiter {
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly waiting = new Set<() => void>();
  private closed = false;
  private retryAt = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly log: Pick<Logger, 'warn'>,
    private readonly applicationName = 'lilong-node:outbox-listen',
  ) {}

  /** Whether close() was called: waits return at once, and readers should answer with what they have. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves when an event may have been written, or after `ms` (at most one second between looks). */
  async wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || ms <= 0) return;
    void this.listen();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(ms, 1000));
      this.waiting.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    for (const done of [...this.waiting]) done();
  }

  private listen(): Promise<void> {
    if (this.client || this.closed || Date.now() < this.retryAt) return Promise.resolve();
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      const client = new Client({ connectionString: this.databaseUrl, application_name: this.applicationName, connectionTimeoutMillis: 5000 });
      const lost = (error?: Error) => {
        if (this.client === client) this.client = undefined;
        this.retryAt = Date.now() + 1000;
        if (error && !this.closed) this.log.warn('outbox notifications lost; reading every second until they are back', { detail: error.message });
        client.end().catch(() => undefined);
      };
      client.on('error', lost);
      client.on('end', () => lost());
      client.on('notification', () => this.wake());
      try {
        await client.connect();
        await client.query(`listen ${OUTBOX_CHANNEL}`);
        if (this.closed) {
          await client.end();
          return;
        }
        this.client = client;
      } catch (error) {
        lost(error as Error);
      }
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
