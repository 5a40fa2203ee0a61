import pg from 'pg';
import type { Logger } from 'pino';

/**
 * PostgreSQL LISTEN on the outbox channel: the writing transaction NOTIFYs at commit, so every process
 * wakes within a round trip. Reconnects after errors; the poll timer covers the gap.
 */
export class OutboxListener {
  private client?: pg.Client;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly onEvent: () => void,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', () => this.onEvent());
    client.on('error', (err) => {
      this.log.warn({ err }, 'subscription LISTEN connection lost; reconnecting');
      client.end().catch(() => undefined);
      if (this.client === client) this.client = undefined;
      setTimeout(() => void this.start().catch(() => undefined), 1000).unref();
    });
    try {
      await client.connect();
      await client.query('LISTEN hms_subscription_event');
      this.client = client;
      this.onEvent();
    } catch (err) {
      this.log.warn({ err }, 'subscription LISTEN failed; polling only until it reconnects');
      client.end().catch(() => undefined);
      setTimeout(() => void this.start().catch(() => undefined), 1000).unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
  }
}
