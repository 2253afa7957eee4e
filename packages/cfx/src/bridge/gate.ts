/**
 * The WATS gate: every WATS call goes through it. When a call fails in a way that says "WATS is
 * not there right now" (connection errors, 5xx, 429 after the SDK's own retries; 401/403), the
 * gate closes: callers wait, the receiver stops granting credit, and after a backoff one call
 * is let through as the probe. When it succeeds the gate opens for everyone.
 */
import { APIConnectionError, APIError, AuthenticationError, PermissionDeniedError } from '@tswats/sdk';

export type GateState = 'open' | 'down' | 'unauthorized';

/** Is this failure about WATS being unavailable (retry later) rather than about the request? */
export function unavailability(e: unknown): 'down' | 'unauthorized' | undefined {
  if (e instanceof AuthenticationError || e instanceof PermissionDeniedError) return 'unauthorized';
  if (e instanceof APIConnectionError) return 'down'; // includes time-outs
  if (e instanceof APIError) {
    const s = e.status;
    if (s === 408 || s === 425 || s === 429 || (s !== undefined && s >= 500)) return 'down';
  }
  return undefined;
}

export interface GateOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  onChange?(state: GateState, reason: string | undefined): void;
}

export class WatsGate {
  state: GateState = 'open';
  reason: string | undefined;
  since = Date.now();
  private delay: number;
  private probing = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<() => void>();
  private closed = false;

  private readonly options: GateOptions;

  constructor(options: GateOptions) {
    this.options = options;
    this.delay = options.initialDelayMs;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /**
   * Runs `fn` through the gate, retrying while WATS is unavailable, until it succeeds, fails
   * for another reason, or `signal` aborts (then rejects with the signal's reason).
   */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (;;) {
      const isProbe = await this.pass(signal);
      try {
        const v = await fn();
        if (isProbe || this.state !== 'open') this.open();
        return v;
      } catch (e) {
        const why = unavailability(e);
        if (why === undefined) {
          if (isProbe) this.open(); // WATS answered: it is there
          throw e;
        }
        this.trip(why, e instanceof Error ? e.message : String(e), isProbe);
      }
    }
  }

  /** Stops all waiting (they reject with `reason`). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  /** Resolves when the caller may go: true when it goes as the probe. */
  private pass(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.closed) return Promise.reject(new Error('the bridge is closing'));
    if (this.state === 'open') return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      const wake = () => {
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        if (this.closed) return reject(new Error('the bridge is closing'));
        if (this.state === 'open') return resolve(false);
        if (!this.probing && this.timer === undefined) {
          this.probing = true;
          return resolve(true);
        }
        this.waiters.add(wake); // not our turn: wait again
        signal?.addEventListener('abort', onAbort, { once: true });
      };
      const onAbort = () => {
        this.waiters.delete(wake);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(wake);
      if (this.timer === undefined && !this.probing) queueMicrotask(wake);
    });
  }

  private trip(state: 'down' | 'unauthorized', reason: string, wasProbe: boolean): void {
    if (wasProbe) this.probing = false;
    const changed = this.state !== state;
    if (this.state === 'open') {
      this.since = Date.now();
      this.delay = this.options.initialDelayMs;
    } else if (wasProbe) {
      this.delay = Math.min(this.options.maxDelayMs, this.delay * 2);
    }
    this.state = state;
    this.reason = reason;
    if (changed) this.options.onChange?.(state, reason);
    if (this.timer === undefined && !this.probing && !this.closed) {
      // Unauthorized: a person has to fix the token; probe no faster than every 30 s.
      const base = state === 'unauthorized' ? Math.max(this.delay, Math.min(30_000, this.options.maxDelayMs)) : this.delay;
      const wait = Math.round(base * (0.8 + Math.random() * 0.4));
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.wakeOne();
      }, wait);
      this.timer.unref?.();
    }
  }

  private wakeOne(): void {
    const first = this.waiters.values().next().value;
    if (first) first();
  }

  private open(): void {
    this.probing = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    const changed = this.state !== 'open';
    this.state = 'open';
    this.reason = undefined;
    this.delay = this.options.initialDelayMs;
    this.since = Date.now();
    if (changed) this.options.onChange?.('open', undefined);
    for (const w of [...this.waiters]) w();
  }
}
