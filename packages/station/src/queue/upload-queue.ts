/**
 * The station's upload queue: reports are stored durably first (see queue-store.ts), then
 * uploaded in priority order (1 = highest, then oldest first) with at most `concurrency` in
 * flight. The queue owns the retry schedule; the SDK only classifies failures (classify.ts).
 *
 * - Connection failures and timeouts mean "server offline": nothing is sent until a probe
 *   (`GET /api/App/Version`, growing interval up to `retry.maxDelayMs`) gets an answer, and
 *   the items' attempts are not counted. Conversion goes on; the backlog drains on return.
 * - 408, 429 and 5xx back off per item (exponential, jittered, or the server's Retry-After;
 *   a 429/503 with Retry-After holds back every item until then).
 * - Other 4xx and invalid reports go to `failed` with the server's message, for a manual retry.
 * - Capacity: above `maxItems` waiting items (pending + failed) or below `minFreeBytes` of free
 *   disk the queue refuses new reports (QueueFullError) and emits `accepting(false)`; it never
 *   drops anything.
 */
import { EventEmitter } from 'node:events';
import { statfs } from 'node:fs/promises';
import type { Logger } from 'pino';
import { APIError, type WatsClient, type WsjfReport } from '@tswats/sdk';
import type { QueueConfig, QueueState } from '../types.js';
import { backoffMs, classifyFailure, errorMessage } from './classify.js';
import { QueueClosedError, QueueFullError } from './errors.js';
import { IndexedHeap } from './heap.js';
import { prepareReport, QueueStore, toQueueItem, type Entry, type EntryChange } from './queue-store.js';
import type { EnqueueMeta, EnqueueResult, ListFilter, PurgeOptions, QueueItem } from './types.js';

/** Options of {@link openUploadQueue}. */
export interface UploadQueueOptions {
  /** The resolved queue configuration (directory, capacity, retry schedule). */
  config: QueueConfig;
  /** An SDK client configured with baseUrl, token and timeout by the caller. */
  client: WatsClient;
  /** The station logger; lines carry `component: 'queue'` and `reportId`. */
  log: Logger;
  /** How often the server is checked while no upload is running (ms); 0 = never. */
  pingIntervalMs: number;
}

/** The item of an `uploaded` event: completed, with the upload's duration. */
export interface UploadedItem extends QueueItem {
  /** Time the successful upload took (ms). */
  durationMs: number;
}

/** Events of {@link UploadQueue}. */
export interface UploadQueueEvents {
  /** A report reached the server. */
  uploaded: [item: UploadedItem];
  /** A report moved to `failed` (permanent error, or expired). */
  failed: [item: QueueItem];
  /** A retryable failure (408, 429, 5xx); the item is sent again after `delayMs`. */
  retry: [item: QueueItem, delayMs: number];
  /** The server answers again (or for the first time). */
  online: [];
  /** The server stopped answering (connection failure or timeout). */
  offline: [];
  /** Whether new reports are accepted changed. */
  accepting: [accepting: boolean];
  /** Counts, states or connectivity changed. */
  change: [];
}

/** Totals since the queue was opened. */
export interface UploadQueueStats {
  /** Successful uploads. */
  uploaded: number;
  /** Items moved to `failed` by a permanent error (4xx, invalid report). */
  uploadFailures: number;
  /** Retryable failures (408, 429, 5xx) that were rescheduled. */
  retries: number;
  /** Pending items moved to `failed` because they were older than `maxAgeMs`. */
  expired: number;
}

interface InFlight {
  controller: AbortController;
  task: Promise<void>;
}

const EXPIRED_CODE = 'STATION_ERR_QUEUE_EXPIRED';
/** setTimeout cannot wait longer than this. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Refresh the free-disk figure after this many bytes were written since the last look. */
const DISK_RECHECK_BYTES = 16 * 1024 * 1024;
const DISK_RECHECK_MS = 1000;

function byPriorityThenAge(a: Entry, b: Entry): boolean {
  return a.priority !== b.priority ? a.priority < b.priority : a.createdAt !== b.createdAt ? a.createdAt < b.createdAt : a.seq < b.seq;
}

function byDueTime(a: Entry, b: Entry): boolean {
  return a.nextAttemptAt !== b.nextAttemptAt ? a.nextAttemptAt < b.nextAttemptAt : byPriorityThenAge(a, b);
}

/** The public view of an entry whose upload is over (it may still be flagged as sending). */
function snapshot(e: Entry): QueueItem {
  return { ...toQueueItem(e), sending: false };
}

function formatMs(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/**
 * The durable upload queue. Create it with {@link openUploadQueue}; `enqueue` works at once,
 * uploading begins with `start()`. Always `close()` it.
 */
export class UploadQueue extends EventEmitter<UploadQueueEvents> {
  private readonly store: QueueStore;
  private readonly config: QueueConfig;
  private readonly client: WatsClient;
  private readonly log: Logger;
  private readonly pingIntervalMs: number;

  private readonly ready = new IndexedHeap<Entry>(byPriorityThenAge);
  private readonly delayed = new IndexedHeap<Entry>(byDueTime);
  private readonly inflight = new Map<Entry, InFlight>();
  private readonly totals: UploadQueueStats = { uploaded: 0, uploadFailures: 0, retries: 0, expired: 0 };
  private readonly closeController = new AbortController();
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private idleWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  private started = false;
  private paused = false;
  private closing = false;
  private closePromise: Promise<void> | undefined;
  private pumpScheduled = false;

  private isOnline: boolean | null = null;
  private checkedAt: number | undefined;
  private serverError: string | undefined;
  private lastContactAt = 0;
  private probing: Promise<void> | undefined;
  private pinging: Promise<boolean> | undefined;
  /** A 429/503 with Retry-After holds back every item until then (epoch ms). */
  private holdUntil = 0;

  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private pingTimer: NodeJS.Timeout | undefined;
  private housekeepingTimer: NodeJS.Timeout | undefined;

  private accepting = true;
  private fullReason: 'items' | 'disk' | undefined;
  private reserved = 0;
  private diskFree: number | undefined;
  private diskCheckedAt = 0;
  private bytesSinceDiskCheck = 0;
  private diskCheck: Promise<void> | undefined;

  /** @internal Use {@link openUploadQueue}. */
  constructor(store: QueueStore, options: UploadQueueOptions) {
    super();
    this.store = store;
    this.config = options.config;
    this.client = options.client;
    const bindings = typeof options.log.bindings === 'function' ? options.log.bindings() : {};
    this.log = bindings.component === undefined ? options.log.child({ component: 'queue' }) : options.log;
    this.pingIntervalMs = options.pingIntervalMs;
    for (const e of store.entries.values()) this.index(e);
    store.onChange = (e) => this.onEntryChange(e);
  }

  /** @internal Reads the free disk space once, before the first enqueue. */
  async init(): Promise<void> {
    await this.refreshDisk();
    this.updateAccepting();
  }

  // ---- status ------------------------------------------------------------------------------

  /** Whether the server answered the last request or check; null before the first. */
  get online(): boolean | null {
    return this.isOnline;
  }

  /** When the server was last contacted (upload or check), epoch ms. */
  get lastCheckAt(): number | undefined {
    return this.checkedAt;
  }

  /** The last connection or server error message. */
  get lastServerError(): string | undefined {
    return this.serverError;
  }

  /** false while the queue refuses new reports (full, or low disk). */
  isAccepting(): boolean {
    return this.accepting;
  }

  counts(): Record<QueueState, number> {
    return this.store.counts();
  }

  /** Uploads in flight now. */
  sendingCount(): number {
    return this.inflight.size;
  }

  /** `createdAt` of the oldest pending item. */
  oldestPendingAt(): number | undefined {
    let oldest: number | undefined;
    for (const e of this.store.entries.values()) {
      if (e.state === 'pending' && (oldest === undefined || e.createdAt < oldest)) oldest = e.createdAt;
    }
    return oldest;
  }

  /** Items, oldest first (by `createdAt`). */
  list(filter?: ListFilter): QueueItem[] {
    return this.store.list(filter);
  }

  get(id: string): QueueItem | undefined {
    return this.store.get(id);
  }

  /** The stored report of an item. */
  readReport(id: string): Promise<WsjfReport> {
    return this.store.readReport(id);
  }

  stats(): UploadQueueStats {
    return { ...this.totals };
  }

  // ---- queueing ----------------------------------------------------------------------------

  /**
   * Stores a report for upload; durable when it resolves. The report's `id` is the key:
   * queueing the same id again replaces a pending or failed item's report (it becomes
   * pending), is a no-op for a completed item with the same content, and queues a completed
   * item with new content again.
   * @throws QueueFullError when the queue does not accept reports (replacing a waiting item is still allowed).
   * @throws QueueReportIdError when the report has no UUID `id`.
   */
  async enqueue(report: WsjfReport, meta: EnqueueMeta): Promise<EnqueueResult> {
    this.assertOpen();
    const prepared = prepareReport(report);
    const result = await this.store.put(prepared, meta, (existing) =>
      this.admit(existing && existing.state !== 'completed' ? 0 : 1),
    );
    this.wrote(prepared.payload.length);
    return result;
  }

  /**
   * Stores several reports (one source file's). Capacity and ids are checked for the whole
   * set before anything is written: the set is accepted or refused as a whole (an accepted
   * set may take the queue past `maxItems`; it then stops accepting).
   */
  async enqueueMany(reports: WsjfReport[], meta: EnqueueMeta): Promise<EnqueueResult[]> {
    this.assertOpen();
    const prepared = reports.map(prepareReport);
    const keys = new Set<string>();
    let added = 0;
    let bytes = 0;
    for (const p of prepared) {
      bytes += p.payload.length;
      if (keys.has(p.key)) continue;
      keys.add(p.key);
      const e = this.store.entries.get(p.key);
      if (!e || (e.state === 'completed' && e.hash !== p.hash)) added++;
    }
    const release = this.admit(added);
    let settled: PromiseSettledResult<EnqueueResult>[];
    try {
      settled = await Promise.allSettled(prepared.map((p) => this.store.put(p, meta)));
    } finally {
      release();
      this.wrote(bytes);
    }
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<EnqueueResult>).value);
  }

  /** failed -> pending with attempts reset; sent soon. false when no failed item has that id. */
  retry(id: string): Promise<boolean> {
    this.assertOpen();
    return this.store.retry(id);
  }

  /** Every failed item -> pending; returns how many. */
  retryAllFailed(): Promise<number> {
    this.assertOpen();
    return this.store.retryAllFailed();
  }

  /** Removes the items of one state older than `olderThanMs` (items in flight are skipped). */
  purge(options: PurgeOptions): Promise<number> {
    this.assertOpen();
    return this.store.purge(options);
  }

  // ---- running -----------------------------------------------------------------------------

  /** Begins uploading (and checking the server, expiring and cleaning up items). */
  start(): void {
    this.assertOpen();
    if (this.started) return;
    this.started = true;
    if (this.pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => this.idlePing(), this.pingIntervalMs);
      this.pingTimer.unref();
    }
    const hk = this.housekeepingIntervalMs();
    this.housekeepingTimer = setInterval(() => this.housekeep(), hk);
    this.housekeepingTimer.unref();
    this.housekeep();
    this.ping();
    this.schedulePump();
  }

  /** Stops starting uploads (those in flight finish). */
  pause(): void {
    this.paused = true;
    this.clearWake();
  }

  resume(): void {
    this.paused = false;
    this.schedulePump();
  }

  /** Resolves when nothing is pending and nothing is in flight. Rejects if the queue closes first. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    if (this.closing) return Promise.reject(new QueueClosedError());
    return new Promise((resolve, reject) => this.idleWaiters.push({ resolve, reject }));
  }

  /**
   * Stops scheduling; uploads in flight get `graceMs` (default 10000) to finish, then are
   * aborted (they stay pending: sending them again later is safe, same id). Waits for
   * running writes, clears timers and releases the lock.
   */
  close(options: { graceMs?: number } = {}): Promise<void> {
    this.closePromise ??= this.doClose(options.graceMs ?? 10_000);
    return this.closePromise;
  }

  private async doClose(graceMs: number): Promise<void> {
    this.closing = true;
    this.clearWake();
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.housekeepingTimer) clearInterval(this.housekeepingTimer);
    this.pingTimer = this.housekeepingTimer = undefined;
    this.closeController.abort();
    for (const s of this.sleeps) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.sleeps.clear();
    const tasks = [...this.inflight.values()].map((f) => f.task);
    if (tasks.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(tasks),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, graceMs));
        }),
      ]);
      clearTimeout(timer);
      for (const f of this.inflight.values()) f.controller.abort();
      await Promise.allSettled(tasks);
    }
    await Promise.allSettled([this.probing, this.pinging, this.diskCheck]);
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w.reject(new QueueClosedError('the upload queue closed before it was idle'));
    await this.store.close();
    this.ready.clear();
    this.delayed.clear();
  }

  // ---- scheduling --------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closing) throw new QueueClosedError();
  }

  private emitSafe<K extends keyof UploadQueueEvents>(event: K, ...args: UploadQueueEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: UploadQueueEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      this.log.error({ err, event }, 'an upload queue event listener threw');
    }
  }

  /** Puts an entry in the heap it belongs to (or none). */
  private index(e: Entry): void {
    this.ready.remove(e);
    this.delayed.remove(e);
    if (e.removed || e.state !== 'pending' || e.sending) return;
    if (e.nextAttemptAt <= Date.now()) this.ready.push(e);
    else this.delayed.push(e);
  }

  private onEntryChange(e: Entry): void {
    this.index(e);
    this.updateAccepting();
    this.emitSafe('change');
    this.checkIdle();
    this.schedulePump();
  }

  private isIdle(): boolean {
    return this.store.count('pending') === 0 && this.inflight.size === 0;
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w.resolve();
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.closing) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.started || this.paused || this.closing || this.isOnline === false) return;
    const now = Date.now();
    while (this.delayed.size > 0 && this.delayed.peek()!.nextAttemptAt <= now) this.ready.push(this.delayed.pop()!);
    if (this.holdUntil > now) {
      this.armWake(this.holdUntil);
      return;
    }
    while (this.inflight.size < Math.max(1, this.config.concurrency)) {
      const e = this.ready.pop();
      if (!e) break;
      if (this.isExpired(e, now)) {
        void this.expire(e);
        continue;
      }
      this.send(e);
    }
    const next = this.delayed.peek();
    if (next) this.armWake(next.nextAttemptAt);
  }

  private armWake(at: number): void {
    if (this.wakeTimer && this.wakeAt <= at) return;
    this.clearWake();
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Infinity;
      this.pump();
    }, Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now())));
  }

  private clearWake(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = Infinity;
  }

  // ---- uploading ---------------------------------------------------------------------------

  private send(e: Entry): void {
    e.sending = true;
    this.index(e);
    const controller = new AbortController();
    const gen = e.gen;
    const startedAt = Date.now();
    const task = (async () => {
      let error: unknown;
      let ok = false;
      try {
        const report = JSON.parse(await this.store.readPayload(e.id)) as WsjfReport;
        await this.client.reports.submit(report, { maxRetries: 0, signal: controller.signal });
        ok = true;
      } catch (err) {
        error = err;
      }
      await this.settle(e, gen, startedAt, ok, error);
    })();
    this.inflight.set(e, { controller, task });
    this.emitSafe('change');
  }

  private async settle(e: Entry, gen: string, startedAt: number, ok: boolean, error: unknown): Promise<void> {
    const now = Date.now();
    // The item stays "sending" (and its slot taken) until its outcome is written, so that
    // whenIdle() and close() wait for that write and nothing picks the item up meanwhile.
    const log = { reportId: e.id };
    try {
      if (ok) {
        this.contact(now);
        this.totals.uploaded++;
        e.strikes = 0;
        if (e.gen !== gen) {
          this.log.debug(log, 'uploaded an earlier version of a report that was queued again; sending the new one');
          return;
        }
        const keep = this.config.keepCompletedMs > 0;
        const attempts = e.attempts + 1;
        const item: UploadedItem = { ...snapshot(e), state: 'completed', attempts, completedAt: now, updatedAt: now, durationMs: now - startedAt };
        delete item.lastError;
        await this.store.update(e.id, (x): EntryChange | undefined =>
          x.gen !== gen
            ? undefined
            : keep
              ? { kind: 'set', patch: { state: 'completed', attempts: x.attempts + 1, completedAt: now, updatedAt: now, lastError: undefined } }
              : { kind: 'remove' },
        );
        this.log.info({ ...log, attempts, durationMs: item.durationMs }, 'report uploaded');
        this.emitSafe('uploaded', item);
        return;
      }
      const c = classifyFailure(error);
      if (c.kind === 'aborted') return;
      if (c.kind === 'auth') {
        this.log.error({ ...log, status: c.error.status, err: c.error.message }, 'upload refused: authentication failed; the queue holds every report until the server accepts the token');
        this.goOffline(c.error.message, now);
        return;
      }
      if (c.kind === 'offline') {
        // Not the report's fault: attempts stay. A report that keeps failing this way while
        // probes get answers (say, one too big for the timeout) is held back, in memory only,
        // so it cannot starve the others.
        e.strikes++;
        if (e.strikes >= 2) e.nextAttemptAt = Math.max(e.nextAttemptAt, now + backoffMs(this.config.retry, e.strikes - 1));
        this.log.warn({ ...log, err: c.error.message }, 'upload failed: server unreachable; the report stays queued');
        this.goOffline(c.error.message, now);
        return;
      }
      const answered = error instanceof APIError;
      if (answered) this.contact(now);
      e.strikes = 0;
      const lastError = { ...c.error, at: now };
      if (c.kind === 'retry') {
        this.serverError = c.error.message;
        const attempts = e.attempts + 1;
        const delay = c.retryAfterMs ?? backoffMs(this.config.retry, attempts);
        if (c.retryAfterMs !== undefined && (c.error.status === 429 || c.error.status === 503)) {
          this.holdUntil = Math.max(this.holdUntil, now + c.retryAfterMs);
        }
        this.totals.retries++;
        const changed = await this.store.update(e.id, (x) =>
          x.state === 'pending'
            ? { kind: 'set', patch: { attempts: x.attempts + 1, nextAttemptAt: now + delay, updatedAt: now, lastError } }
            : undefined,
        );
        this.log.warn({ ...log, attempts, status: c.error.status, delayMs: delay, err: c.error.message }, 'upload failed; will retry');
        if (changed) this.emitSafe('retry', snapshot(changed), delay);
        return;
      }
      // Permanent: the server (or validation) refused this report. Only for the payload we sent.
      const changed = await this.store.update(e.id, (x) =>
        x.gen === gen && x.state === 'pending'
          ? { kind: 'set', patch: { state: 'failed', attempts: x.attempts + 1, updatedAt: now, lastError } }
          : undefined,
      );
      if (changed) {
        this.totals.uploadFailures++;
        this.log.error({ ...log, status: c.error.status, code: c.error.code, err: c.error.message }, 'upload refused; the report is kept as failed for a manual retry');
        this.emitSafe('failed', snapshot(changed));
      }
    } catch (err) {
      this.log.error({ ...log, err: errorMessage(err) }, 'could not record the upload result in the queue directory');
    } finally {
      e.sending = false;
      this.inflight.delete(e);
      this.index(e);
      this.emitSafe('change');
      this.checkIdle();
      this.schedulePump();
    }
  }

  private isExpired(e: Entry, now: number): boolean {
    return this.config.maxAgeMs > 0 && e.state === 'pending' && now - e.pendingSince >= this.config.maxAgeMs;
  }

  private async expire(e: Entry): Promise<void> {
    const now = Date.now();
    const age = this.config.maxAgeMs;
    try {
      const changed = await this.store.update(e.id, (x) =>
        !x.sending && this.isExpired(x, now)
          ? {
              kind: 'set',
              patch: {
                state: 'failed',
                updatedAt: now,
                lastError: {
                  at: now,
                  message: `expired: not uploaded within ${formatMs(age)} (queue.maxAgeMs); kept for a manual retry`,
                  code: EXPIRED_CODE,
                  permanent: false,
                },
              },
            }
          : undefined,
      );
      if (changed) {
        this.totals.expired++;
        this.log.warn({ reportId: e.id, attempts: e.attempts }, 'report expired before it could be uploaded; kept as failed');
        this.emitSafe('failed', toQueueItem(changed));
      }
    } catch (err) {
      this.log.error({ reportId: e.id, err: errorMessage(err) }, 'could not record an expired report');
    } finally {
      this.index(e);
    }
  }

  // ---- server reachability -----------------------------------------------------------------

  private contact(now: number): void {
    this.checkedAt = now;
    this.lastContactAt = now;
    this.setOnline(true);
  }

  private setOnline(online: boolean): void {
    if (this.isOnline === online) return;
    this.isOnline = online;
    if (online) this.log.info('WATS server reachable');
    else this.log.warn({ err: this.serverError }, 'WATS server unreachable; uploads wait until it answers');
    this.emitSafe(online ? 'online' : 'offline');
    this.emitSafe('change');
    if (online) this.schedulePump();
    else this.clearWake();
  }

  private goOffline(message: string, now: number): void {
    this.serverError = message;
    this.checkedAt = now;
    this.setOnline(false);
    this.startProbe();
  }

  /**
   * Asks the server for its version. true when it answered at all (any HTTP status means it
   * is reachable; what it thinks of our reports is the uploads' business).
   */
  private async checkServer(): Promise<boolean> {
    try {
      await this.client.app.version({ maxRetries: 0, signal: this.closeController.signal });
      this.contact(Date.now());
      return true;
    } catch (err) {
      const c = classifyFailure(err);
      if (c.kind === 'aborted') return false;
      if (c.kind === 'auth') {
        // Reachable but refusing us: as good as offline for uploads.
        this.serverError = c.error.message;
        this.checkedAt = Date.now();
        return false;
      }
      if (err instanceof APIError) {
        this.serverError = c.error.message;
        this.contact(Date.now());
        return true;
      }
      this.serverError = c.error.message;
      this.checkedAt = Date.now();
      return false;
    }
  }

  /** The check at start and while idle. */
  private ping(): void {
    if (this.closing || this.pinging || this.probing) return;
    const p = this.checkServer();
    this.pinging = p;
    void p.then((answered) => {
      this.pinging = undefined;
      if (!answered && !this.closing) this.goOffline(this.serverError ?? 'no answer', Date.now());
    });
  }

  private idlePing(): void {
    if (!this.started || this.isOnline === false || this.inflight.size > 0) return;
    if (Date.now() - this.lastContactAt < this.pingIntervalMs) return;
    this.ping();
  }

  private startProbe(): void {
    if (this.probing || this.closing) return;
    this.probing = (async () => {
      const cap = Math.max(10, this.config.retry.maxDelayMs);
      let delay = Math.min(1000, cap);
      while (!this.closing && this.isOnline === false) {
        await this.sleep(Math.round(delay * (1 - Math.random() * Math.min(1, Math.max(0, this.config.retry.jitter)))));
        if (this.closing || this.isOnline !== false) break;
        if (await this.checkServer()) break;
        delay = Math.min(delay * 2, cap);
      }
    })().finally(() => {
      this.probing = undefined;
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleeps.add(entry);
    });
  }

  // ---- capacity and housekeeping -----------------------------------------------------------

  private waiting(): number {
    return this.store.count('pending') + this.store.count('failed');
  }

  private diskLow(): boolean {
    return this.diskFree !== undefined && this.diskFree - this.bytesSinceDiskCheck < this.config.minFreeBytes;
  }

  private updateAccepting(): void {
    const waiting = this.waiting();
    const low = this.diskLow();
    let accepting = this.accepting;
    if (accepting) {
      if (waiting >= this.config.maxItems) this.fullReason = 'items';
      else if (low) this.fullReason = 'disk';
      accepting = this.fullReason === undefined;
    } else if (low) this.fullReason = 'disk';
    else if ((this.fullReason === 'disk' && waiting < this.config.maxItems) || waiting <= this.config.resumeAt) {
      this.fullReason = undefined;
      accepting = true;
    } else this.fullReason = 'items';
    if (accepting === this.accepting) return;
    this.accepting = accepting;
    if (accepting) this.log.info({ waiting }, 'queue accepts reports again');
    else this.log.warn({ waiting, maxItems: this.config.maxItems, freeBytes: this.diskFree, reason: this.fullReason }, 'queue full: refusing new reports');
    this.emitSafe('accepting', accepting);
  }

  /** Reserves room for `added` new items, or throws QueueFullError; returns the release. */
  private admit(added: number): () => void {
    if (added === 0) return () => {};
    this.updateAccepting();
    const waiting = this.waiting() + this.reserved;
    if (!this.accepting || waiting >= this.config.maxItems) {
      const disk = this.fullReason === 'disk';
      throw new QueueFullError(
        disk
          ? `the upload queue refuses reports: less than ${this.config.minFreeBytes} bytes free on the disk of ${this.config.dir}`
          : `the upload queue is full: ${this.waiting()} reports waiting (maxItems ${this.config.maxItems}); ` +
              `it accepts again at ${this.config.resumeAt}`,
        disk ? 'disk' : 'items',
      );
    }
    this.reserved += added;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.reserved -= added;
    };
  }

  private wrote(bytes: number): void {
    this.bytesSinceDiskCheck += bytes;
    if (this.bytesSinceDiskCheck >= DISK_RECHECK_BYTES || Date.now() - this.diskCheckedAt >= DISK_RECHECK_MS) void this.refreshDisk();
    else if (this.diskLow()) this.updateAccepting();
  }

  private refreshDisk(): Promise<void> {
    this.diskCheck ??= (async () => {
      const before = this.bytesSinceDiskCheck;
      try {
        const s = await statfs(this.store.itemsDir);
        this.diskFree = Number(s.bavail) * Number(s.bsize);
        this.bytesSinceDiskCheck = Math.max(0, this.bytesSinceDiskCheck - before);
      } catch (err) {
        this.log.debug({ err: errorMessage(err) }, 'cannot read the free disk space of the queue directory');
      }
      this.diskCheckedAt = Date.now();
    })().finally(() => {
      this.diskCheck = undefined;
      if (!this.closing) this.updateAccepting();
    });
    return this.diskCheck;
  }

  private housekeepingIntervalMs(): number {
    const candidates = [5000];
    if (this.config.maxAgeMs > 0) candidates.push(this.config.maxAgeMs / 4);
    if (this.config.keepCompletedMs > 0) candidates.push(this.config.keepCompletedMs / 4);
    return Math.max(25, Math.round(Math.min(...candidates)));
  }

  /** Expires old pending items, removes completed ones past `keepCompletedMs`, re-reads free disk. */
  private housekeep(): void {
    if (this.closing) return;
    const now = Date.now();
    const keep = this.config.keepCompletedMs;
    for (const e of this.store.entries.values()) {
      if (e.state === 'pending' && !e.sending && this.isExpired(e, now)) void this.expire(e);
      else if (e.state === 'completed' && now - (e.completedAt ?? e.updatedAt) >= keep) {
        void this.store
          .update(e.id, (x) => (x.state === 'completed' && now - (x.completedAt ?? x.updatedAt) >= keep ? { kind: 'remove' } : undefined))
          .catch((err: unknown) => this.log.error({ reportId: e.id, err: errorMessage(err) }, 'could not remove a completed report'));
      }
    }
    void this.refreshDisk();
  }
}

/**
 * Opens the upload queue: creates the directory, takes its lock (QueueLockedError if a live
 * process holds it; a dead process's lock is taken over), recovers what a crash left behind
 * and loads the index. Uploading begins with `start()`.
 */
export async function openUploadQueue(options: UploadQueueOptions): Promise<UploadQueue> {
  const store = await QueueStore.open(options.config.dir, { log: options.log });
  const queue = new UploadQueue(store, options);
  try {
    await queue.init();
  } catch (err) {
    await store.close();
    throw err;
  }
  return queue;
}
