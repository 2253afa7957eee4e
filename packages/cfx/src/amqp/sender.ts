/**
 * A sender link whose `send` resolves only when the broker has accepted the message (the
 * broker settles it `accepted`). `rejected`, `released` (RabbitMQ 4.x: unroutable, nothing
 * bound; 3.x accepts and drops such a message) and `modified` reject the promise with the
 * broker's reason; so does a disconnect before the outcome. Waits for link credit instead of
 * overrunning it.
 */
import rhea, { type Delivery, type EventContext, type Message, type Sender } from 'rhea';
import { amqpErrorText, type BrokerConnection } from './connection.js';
import { v2ExchangeOf } from './settings.js';

/** The broker did not take a message; `outcome` says how. */
export class SendError extends Error {
  readonly code = 'CFX_ERR_SEND';
  readonly outcome: 'rejected' | 'released' | 'modified' | 'disconnected' | 'closed' | 'link-error';
  constructor(outcome: SendError['outcome'], message: string) {
    super(message);
    this.name = 'SendError';
    this.outcome = outcome;
  }
}

interface Pending {
  resolve(): void;
  reject(e: Error): void;
}

/** What to send: rhea's message fields, with a Buffer body sent as one Data section. */
export type OutgoingMessage = Omit<Message, 'body'> & { body: Buffer };

export class ConfirmingSender {
  readonly address: string;
  private readonly link: Sender;
  private readonly pending = new Map<Delivery, Pending>();
  private readonly waiters: (() => void)[] = [];
  /** RabbitMQ 4.x `/exchanges/x`: anonymous target, routing key per message in `to`. */
  private readonly v2Exchange: string | undefined;
  private linkError: string | undefined;
  private closed = false;

  private readonly conn: BrokerConnection;

  constructor(conn: BrokerConnection, address: string) {
    this.conn = conn;
    this.address = address;
    this.v2Exchange = v2ExchangeOf(address);
    const target = this.v2Exchange === undefined ? { address } : {};
    this.link = conn.connection.open_sender({ target, autosettle: true });
    const settle = (ctx: EventContext, outcome: 'accepted' | 'rejected' | 'released' | 'modified') => {
      const d = ctx.delivery;
      const p = d && this.pending.get(d);
      if (!d || !p) return;
      this.pending.delete(d);
      if (outcome === 'accepted') p.resolve();
      else {
        const remote = (d as unknown as { remote_state?: { error?: unknown } }).remote_state;
        const why =
          outcome === 'released'
            ? `the broker could not route the message sent to ${this.address} (nothing bound for its subject?)`
            : `the broker ${outcome} the message sent to ${this.address}${remote?.error ? `: ${amqpErrorText(remote.error)}` : ''}`;
        p.reject(new SendError(outcome, why));
      }
    };
    this.link.on('accepted', (ctx) => settle(ctx, 'accepted'));
    this.link.on('rejected', (ctx) => settle(ctx, 'rejected'));
    this.link.on('released', (ctx) => settle(ctx, 'released'));
    this.link.on('modified', (ctx) => settle(ctx, 'modified'));
    this.link.on('sendable', () => this.wake());
    this.link.on('sender_open', () => {
      this.linkError = undefined;
      this.wake();
    });
    this.link.on('sender_error', (ctx) => {
      this.linkError = amqpErrorText(ctx.sender?.error);
    });
    this.link.on('sender_close', () => this.failAll('link-error', `the broker closed the link to ${this.address}: ${this.linkError ?? 'no reason given'}`));
    conn.connection.on('disconnected', () => this.failAll('disconnected', `the broker connection was lost before ${this.address} confirmed the message`));
  }

  /** The last link error (e.g. `amqp:not-found` for a queue that does not exist). */
  get error(): string | undefined {
    return this.linkError;
  }

  /** Resolves when the link is attached, rejects after `timeoutMs` with the link error. */
  waitOpen(timeoutMs: number): Promise<void> {
    if (this.link.is_open()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onOpen = () => {
        clearTimeout(timer);
        this.link.removeListener('sender_close', onClose);
        this.conn.connection.removeListener('disconnected', onLost);
        resolve();
      };
      const onClose = () => {
        clearTimeout(timer);
        this.link.removeListener('sender_open', onOpen);
        this.conn.connection.removeListener('disconnected', onLost);
        reject(new SendError('link-error', `cannot send to ${this.address}: ${this.linkError ?? 'the broker closed the link'}`));
      };
      const onLost = () => {
        if (this.conn.reconnect) return;
        clearTimeout(timer);
        this.link.removeListener('sender_open', onOpen);
        this.link.removeListener('sender_close', onClose);
        reject(new SendError('disconnected', `cannot send to ${this.address}: the broker dropped the connection (${this.conn.lastError ?? 'no reason given'}); does ${this.address} exist?`));
      };
      const timer = setTimeout(() => {
        this.link.removeListener('sender_open', onOpen);
        this.link.removeListener('sender_close', onClose);
        this.conn.connection.removeListener('disconnected', onLost);
        reject(new SendError('link-error', `cannot send to ${this.address} within ${timeoutMs} ms: ${this.linkError ?? this.conn.lastError ?? 'no answer'}`));
      }, timeoutMs);
      this.link.once('sender_open', onOpen);
      this.link.once('sender_close', onClose);
      this.conn.connection.once('disconnected', onLost);
    });
  }

  /** Sends and resolves once the broker accepted. Rejects with {@link SendError}. */
  async send(message: OutgoingMessage, options: { signal?: AbortSignal } = {}): Promise<void> {
    while (!this.link.sendable()) {
      if (this.closed) throw new SendError('closed', `the sender to ${this.address} is closed`);
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(options.signal?.reason ?? new Error('aborted'));
        options.signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          options.signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
    const { body, ...rest } = message;
    const msg: Message = { ...rest, body: rhea.message.data_section(body) };
    if (this.v2Exchange !== undefined) {
      const key = message.subject;
      msg.to = key ? `/exchanges/${this.v2Exchange}/${encodeURIComponent(key)}` : `/exchanges/${this.v2Exchange}`;
    }
    return new Promise<void>((resolve, reject) => {
      const d = this.link.send(msg);
      this.pending.set(d, { resolve, reject });
    });
  }

  /** Messages sent but not yet confirmed. */
  get unconfirmed(): number {
    return this.pending.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failAll('closed', `the sender to ${this.address} was closed`);
    this.wake();
    try {
      this.link.close();
    } catch {
      /* connection already gone */
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private failAll(outcome: SendError['outcome'], message: string): void {
    if (this.pending.size === 0) return;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(new SendError(outcome, message));
  }
}
