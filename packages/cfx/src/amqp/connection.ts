/**
 * One AMQP 1.0 connection (rhea) with reconnect, a generation counter and state reporting.
 *
 * Delivery ids restart with every new session, so a delivery received before a reconnect must
 * never be settled after it (it could settle a different, new message). Everything received
 * carries the generation it arrived in; `isCurrent(generation)` tells whether it may be settled.
 */
import rhea, { type Connection, type EventContext } from 'rhea';
import { describeBroker, rheaConnectOptions, type BrokerSettings } from './settings.js';

/** What the connection reports to its owner. */
export interface ConnectionEvents {
  /** Opened (first time or after a reconnect). */
  onOpen?(generation: number): void;
  /** Lost; `error` says why; rhea reconnects unless the connection is being closed. */
  onDisconnect?(error: string): void;
}

/** A connection attempt that failed for good (bad credentials, `close()` before open…). */
export class BrokerConnectError extends Error {
  readonly code = 'CFX_ERR_BROKER';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerConnectError';
  }
}

/** Text of an rhea error/condition. */
export function amqpErrorText(e: unknown): string {
  if (e === undefined || e === null) return 'unknown error';
  if (typeof e === 'string') return e;
  const o = e as { condition?: unknown; description?: unknown; message?: unknown; code?: unknown };
  const parts = [o.condition, o.description ?? o.message, o.code].filter((x) => typeof x === 'string' && x !== '');
  return parts.length ? [...new Set(parts)].join(': ') : String(e);
}

export class BrokerConnection {
  readonly connection: Connection;
  readonly display: string;
  /** Bumped on every (re)open. */
  generation = 0;
  /** Times the connection opened. */
  get opens(): number {
    return this.generation;
  }
  connected = false;
  /** Disconnects seen after the first open. */
  reconnects = 0;
  lastError: string | undefined;
  private closing = false;
  /** Whether it reconnects after a loss. */
  readonly reconnect: boolean;

  constructor(settings: BrokerSettings, events: ConnectionEvents = {}, options: { reconnect?: boolean } = {}) {
    this.display = describeBroker(settings);
    this.reconnect = options.reconnect ?? true;
    const container = rhea.create_container({ id: settings.containerId });
    this.connection = container.connect(rheaConnectOptions(settings, options));
    this.connection.on('connection_open', () => {
      this.generation++;
      this.connected = true;
      this.lastError = undefined;
      events.onOpen?.(this.generation);
    });
    const lost = (ctx: EventContext) => {
      const err = amqpErrorText(ctx.error ?? ctx.connection?.error ?? 'connection lost');
      const was = this.connected;
      this.connected = false;
      this.lastError = err;
      if (was) this.reconnects++;
      if (!this.closing) events.onDisconnect?.(err);
    };
    this.connection.on('disconnected', lost);
    this.connection.on('connection_error', (ctx) => {
      this.lastError = amqpErrorText(ctx.connection?.error);
    });
    // rhea throws an unhandled 'error' when nobody listens; every error is reported through the above.
    this.connection.on('error', (ctx: EventContext) => {
      this.lastError = amqpErrorText(ctx.error);
    });
    this.connection.on('connection_close', () => {
      this.connected = false;
    });
  }

  /** Whether something received in `generation` may still be settled. */
  isCurrent(generation: number): boolean {
    return this.connected && generation === this.generation;
  }

  /**
   * Resolves once open. Rejects after `timeoutMs` with the last error (the connection keeps
   * trying unless closed).
   */
  waitOpen(timeoutMs: number): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.connection.removeListener('connection_open', onOpen);
        this.connection.removeListener('disconnected', onLost);
        if (err) reject(err);
        else resolve();
      };
      const onOpen = () => done();
      // Without reconnect a lost connection will not come back: fail now, not at the time-out.
      const onLost = () => {
        if (!this.reconnect || this.closing) done(new BrokerConnectError(`cannot connect to the broker at ${this.display}: ${this.lastError ?? 'connection refused'}`));
      };
      const timer = setTimeout(() => done(new BrokerConnectError(`cannot connect to the broker at ${this.display} within ${timeoutMs} ms: ${this.lastError ?? 'no answer'}`)), timeoutMs);
      this.connection.on('connection_open', onOpen);
      this.connection.on('disconnected', onLost);
    });
  }

  /** Closes the connection (no reconnect afterwards); resolves when closed or after 3 s. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const c = this.connection as unknown as { set_reconnect(r: boolean): void; scheduled_reconnect?: NodeJS.Timeout };
    c.set_reconnect(false);
    if (c.scheduled_reconnect !== undefined) {
      clearTimeout(c.scheduled_reconnect);
      c.scheduled_reconnect = undefined;
    }
    if (!this.connection.is_open()) {
      this.connection.close();
      (this.connection as unknown as { socket?: { destroy(): void } }).socket?.destroy();
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        (this.connection as unknown as { socket?: { destroy(): void } }).socket?.destroy();
        resolve();
      }, 3_000);
      const done = () => {
        clearTimeout(t);
        resolve();
      };
      this.connection.once('connection_close', done);
      this.connection.once('disconnected', done);
      this.connection.close();
    });
  }
}
