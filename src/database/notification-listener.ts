/**
 * A dedicated PostgreSQL connection that LISTENs on one channel and keeps
 * listening: on a lost connection it reconnects with back-off and calls
 * `onConnected` again, so the owner can rebuild whatever it may have missed.
 */
import { Logger } from '@nestjs/common';
import { Client } from 'pg';

export interface ListenerHandlers {
  /** Runs after every (re)connection, once LISTEN is active: rebuild state here. */
  onConnected(): Promise<void>;
  onMessage(payload: string): void;
}

const MAX_BACKOFF_MS = 5000;

export class NotificationListener {
  private readonly logger = new Logger(NotificationListener.name);
  private client: Client | null = null;
  private stopped = false;
  private connected = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly handlers: ListenerHandlers,
  ) {}

  /** Resolves once listening (the first time), rejects if the first connection fails. */
  async start(): Promise<void> {
    await this.connect();
  }

  get isListening(): boolean {
    return this.connected;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = null;
    this.connected = false;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 2000, application_name: 'wagmix-auth-listener' });
    client.on('notification', (msg) => {
      if (msg.channel === this.channel && msg.payload !== undefined) this.handlers.onMessage(msg.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.connected = true;
    this.attempt = 0;
    await this.handlers.onConnected();
  }

  private lost(client: Client, err: Error): void {
    if (this.client !== client || this.stopped) return;
    this.connected = false;
    this.client = null;
    client.end().catch(() => undefined);
    this.logger.warn(`LISTEN ${this.channel} lost (${err.message}); reconnecting`);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.connect().catch((err: unknown) => {
        const c = this.client;
        this.client = null;
        this.connected = false;
        c?.end().catch(() => undefined);
        this.logger.warn(`LISTEN ${this.channel} reconnect failed (${String(err)})`);
        this.scheduleRetry();
      });
    }, delay);
    this.retryTimer.unref();
  }
}
