/**
 * The VTE → WATS sync engine. A pass (`runOnce`) reads runs in keyset batches, reads the steps of
 * a batch in one go, maps, uploads with bounded concurrency, then does the same for repairs.
 *
 * Completeness rules:
 * - The watermark moves only over the unbroken prefix of a batch whose records were uploaded,
 *   skipped (ledger) or dead-lettered, never past a record still unsent; it is written after the
 *   ledger and the dead letters of that prefix are durable.
 * - A record that cannot be mapped or that WATS refuses (4xx) goes to the dead-letter folder and
 *   does not block the rest. WATS unavailable (after the SDK's retries) or a database that stays
 *   unreachable (after the engine's SQL backoff) stops the pass: the next one resumes there.
 * - Normal passes re-read the guard band behind the watermark (late commits) and stop at now
 *   minus the settle delay (runs still being written).
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { WsjfReport } from '@tswats/sdk';
import type { VteLocalTimestamp } from '../db/types.js';
import { classifyUploadError, DEFAULT_SQL_RETRY, withSqlRetry, type SqlRetryPolicy } from './classify.js';
import { DeadLetterFolder, mappingDeadLetter, type DeadLetterInput } from './dlq.js';
import { VteSyncBusyError } from './errors.js';
import { repairAdapter, runAdapter, type KindAdapter } from './kinds.js';
import { openSyncState, type SyncState, type SyncWatermark, type VteSyncKind } from './state.js';
import { compareLocal, maxLocal, minLocal, shiftLocal, toLocal } from './time.js';
import type {
  GapRisk, GapRiskReport, ReplayResult, RunOnceParams, SyncAbort, SyncFailure, SyncKindSummary, SyncSummary, VteSyncEvents, VteSyncLogger,
  VteSyncMode, VteSyncOptions, VteSyncStatus,
} from './types.js';

const MAX_FAILURES = 100;
const SILENT: VteSyncLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Opens the state directory (taking its lock) and returns the engine; `close()` releases the lock. */
export async function createVteSync(options: VteSyncOptions): Promise<VteSync> {
  const state = await openSyncState(options.stateDir);
  try {
    const dlq = await DeadLetterFolder.open(state.deadLetterDir);
    return new VteSync(options, state, dlq);
  } catch (err) {
    await state.close();
    throw err;
  }
}

type Outcome = 'skipped' | 'skippedDeadLetter' | 'uploaded' | 'deadLettered' | 'mapped' | 'mapFailed' | 'unsent';

interface PassContext {
  mode: VteSyncMode;
  summary: SyncSummary;
  signal: AbortSignal | undefined;
}

/** The engine. Events: `batch`, `uploaded`, `deadLettered`, `retry`, `pass`. */
export class VteSync extends EventEmitter<VteSyncEvents> {
  /** The dead-letter folder (`list()`, `get(guid)`). */
  readonly deadLetters: DeadLetterFolder;
  readonly #o: Required<Pick<VteSyncOptions, 'uploadConcurrency' | 'guardBandMs' | 'settleMs' | 'gapWindowMs'>> & { batchSize: number };
  readonly #options: VteSyncOptions;
  readonly #state: SyncState;
  readonly #log: VteSyncLogger;
  readonly #sqlRetry: SqlRetryPolicy;
  readonly #now: () => Date;
  readonly #zone: string;
  readonly #startAt: VteLocalTimestamp;
  readonly #adapters: { run: KindAdapter<unknown>; repair: KindAdapter<unknown> };
  #busy = false;
  #closed = false;
  #lastPass: SyncSummary | undefined;

  constructor(options: VteSyncOptions, state: SyncState, dlq: DeadLetterFolder) {
    super();
    this.#options = options;
    this.#state = state;
    this.deadLetters = dlq;
    this.#log = options.log ?? SILENT;
    this.#o = {
      batchSize: positive('batchSize', options.batchSize ?? options.config.batchSize),
      uploadConcurrency: positive('uploadConcurrency', options.uploadConcurrency ?? 4),
      guardBandMs: nonNegative('guardBandMs', options.guardBandMs ?? 600_000),
      settleMs: nonNegative('settleMs', options.settleMs ?? 30_000),
      gapWindowMs: nonNegative('gapWindowMs', options.gapWindowMs ?? 86_400_000),
    };
    this.#sqlRetry = { ...DEFAULT_SQL_RETRY, ...options.sqlRetry };
    this.#now = options.now ?? (() => new Date());
    this.#zone = options.config.timeZone;
    this.#startAt = toLocal(options.startAt, this.#zone);
    this.#adapters = {
      run: runAdapter(options.source, options.config) as KindAdapter<unknown>,
      repair: repairAdapter(options.source, options.config) as KindAdapter<unknown>,
    };
  }

  /** The persisted watermark of a kind (undefined before its first pass). */
  watermark(kind: VteSyncKind): SyncWatermark | undefined {
    return this.#state.watermark(kind);
  }

  status(): VteSyncStatus {
    return {
      running: this.#busy,
      watermarks: { run: this.#state.watermark('run'), repair: this.#state.watermark('repair') },
      deadLetters: this.deadLetters.size,
      ledger: { run: this.#state.ledger('run').size, repair: this.#state.ledger('repair').size },
      lastPass: this.#lastPass,
    };
  }

  /** One pass: runs, then repairs. Resolves with the summary also when it stopped early (`aborted`). */
  async runOnce(params: RunOnceParams = {}): Promise<SyncSummary> {
    const mode = params.mode ?? 'normal';
    if (!['normal', 'dry-run', 'backfill', 'force'].includes(mode)) throw new TypeError(`unknown sync mode ${JSON.stringify(mode)}`);
    if ((mode === 'backfill' || mode === 'force') && params.since === undefined) throw new TypeError(`${mode} needs a range start (since)`);
    return this.#exclusive(async () => {
      const t0 = performance.now();
      const queries0 = this.#options.source.stats().queries;
      const settled = this.#local(this.#now().getTime() - this.#o.settleMs);
      const until = params.until === undefined ? settled : minLocal(toLocal(params.until, this.#zone), settled);
      const since = params.since === undefined ? undefined : toLocal(params.since, this.#zone);
      const summary: SyncSummary = {
        mode, range: { since, until }, runs: emptyKind(this.#state.watermark('run')), repairs: emptyKind(this.#state.watermark('repair')),
        queries: 0, batches: 0, startedAt: this.#now().toISOString(), durationMs: 0, failures: [], aborted: undefined,
      };
      const ctx: PassContext = { mode, summary, signal: params.signal };
      const kinds = params.kinds ?? ['run', 'repair'];
      for (const kind of ['run', 'repair'] as const) {
        if (!kinds.includes(kind) || summary.aborted) continue;
        const useWatermark = since === undefined && (mode === 'normal' || mode === 'dry-run');
        const mark = this.#state.watermark(kind);
        let from: VteLocalTimestamp | undefined = since;
        if (useWatermark) from = mark ? maxLocal(this.#startAt, shiftLocal(mark.timestamp, -this.#o.guardBandMs, this.#zone)) : this.#startAt;
        if (kind === 'run') summary.range.since = from;
        if (from !== undefined && compareLocal(from, until) >= 0) continue;
        await this.#syncKind(this.#adapters[kind], ctx, { since: from, until, mark: useWatermark ? mark : undefined });
        if (mode === 'normal') await this.#pruneLedger(kind);
      }
      summary.queries = this.#options.source.stats().queries - queries0;
      summary.batches = summary.runs.batches + summary.repairs.batches;
      summary.durationMs = Math.round(performance.now() - t0);
      this.#lastPass = summary;
      const log = { mode, runs: summary.runs, repairs: summary.repairs, queries: summary.queries, durationMs: summary.durationMs };
      if (summary.aborted) this.#log.warn({ ...log, aborted: { ...summary.aborted, error: undefined } }, `VTE sync pass stopped early: ${summary.aborted.reason}`);
      else this.#log.info(log, 'VTE sync pass done');
      this.emit('pass', summary);
      return summary;
    });
  }

  async #syncKind(adapter: KindAdapter<unknown>, ctx: PassContext, range: { since: string | undefined; until: string; mark: SyncWatermark | undefined }): Promise<void> {
    const { mode, summary } = ctx;
    const ks = adapter.kind === 'run' ? summary.runs : summary.repairs;
    const ledger = this.#state.ledger(adapter.kind);
    const mark = range.mark;
    // Whether the stream has gone past the watermark. Timestamps are compared here; at an equal
    // timestamp only the watermark's own GUID tells (GUID order belongs to the database).
    let passed = mark === undefined;
    let after: SyncWatermark | undefined;
    for (;;) {
      if (ctx.signal?.aborted) {
        summary.aborted = { kind: adapter.kind, stage: 'stopped', reason: 'stopped by the caller' };
        return;
      }
      let items: unknown[];
      try {
        items = await this.#sql(() => adapter.read({ after, since: range.since, until: range.until, limit: this.#o.batchSize }), ctx.signal);
      } catch (err) {
        summary.aborted = { kind: adapter.kind, stage: 'read', reason: `reading ${adapter.kind}s failed: ${message(err)}`, error: err };
        return;
      }
      if (items.length === 0) return;
      ks.batches++;
      ks.read += items.length;
      const keys = items.map((it) => adapter.key(it));
      const beyond = keys.map((k) => {
        if (passed) return true;
        const c = compareLocal(k.timestamp, mark!.timestamp);
        if (c > 0) return (passed = true);
        if (c === 0 && k.guid === mark!.guid) passed = true;
        return false;
      });

      const outcomes: Outcome[] = items.map(() => 'unsent');
      const pending: number[] = [];
      keys.forEach((k, i) => {
        if (mode !== 'force' && ledger.has(k.guid)) outcomes[i] = 'skipped';
        else if (mode !== 'force' && this.deadLetters.has(k.guid)) outcomes[i] = 'skippedDeadLetter';
        else pending.push(i);
      });

      const reports = new Map<number, WsjfReport>();
      let stop: SyncAbort | undefined;
      if (pending.length > 0) {
        let mapper: ((item: unknown) => WsjfReport) | undefined;
        try {
          mapper = await this.#sql(() => adapter.prepare(pending.map((i) => items[i])), ctx.signal);
        } catch (err) {
          stop = { kind: adapter.kind, stage: 'read', reason: `reading ${adapter.kind} details failed: ${message(err)}`, error: err };
        }
        for (const i of mapper ? pending : []) {
          try {
            reports.set(i, mapper!(items[i]));
            outcomes[i] = mode === 'dry-run' ? 'mapped' : 'unsent';
            ks.mapped++;
          } catch (err) {
            ks.mappingFailed++;
            const input = mappingDeadLetter(adapter.kind, { ...keys[i]!, indexGuid: adapter.indexGuid(items[i]) }, err);
            this.#noteFailure(summary, input);
            if (mode === 'dry-run') outcomes[i] = 'mapFailed';
            else {
              await this.#deadLetter(input);
              ks.deadLettered++;
              outcomes[i] = 'deadLettered';
            }
          }
        }
      }

      const uploadedKeys: SyncWatermark[] = [];
      if (mode !== 'dry-run' && !stop) {
        const queue = [...reports.keys()];
        stop = await this.#uploadAll(adapter.kind, queue.map((i) => ({ key: keys[i]!, indexGuid: adapter.indexGuid(items[i]), report: reports.get(i)! })), ctx, (j, result) => {
          const i = queue[j]!;
          outcomes[i] = result;
          if (result === 'uploaded') uploadedKeys.push(keys[i]!);
        });
      }
      // Durable before the watermark moves past them.
      await ledger.add(uploadedKeys);

      let batchSkipped = 0;
      let batchDead = 0;
      for (const o of outcomes) {
        if (o === 'skipped') ks.skipped++, batchSkipped++;
        else if (o === 'skippedDeadLetter') ks.skippedDeadLetter++, batchSkipped++;
        else if (o === 'uploaded') ks.uploaded++;
        else if (o === 'deadLettered') batchDead++;
      }
      if (mode === 'normal') {
        let next: SyncWatermark | undefined;
        for (let i = 0; i < items.length && outcomes[i] !== 'unsent'; i++) if (beyond[i]) next = keys[i];
        if (next) {
          await this.#state.setWatermark(adapter.kind, next);
          ks.watermarkAfter = next;
        }
      }
      this.emit('batch', {
        kind: adapter.kind, mode, batch: ks.batches, read: items.length, uploaded: uploadedKeys.length, skipped: batchSkipped, deadLettered: batchDead,
        watermark: this.#state.watermark(adapter.kind),
      });
      this.#log.debug({ kind: adapter.kind, batch: ks.batches, read: items.length, uploaded: uploadedKeys.length, watermark: ks.watermarkAfter }, 'VTE sync batch');
      if (stop) {
        summary.aborted = stop;
        return;
      }
      if (items.length < this.#o.batchSize) return;
      after = keys[keys.length - 1];
    }
  }

  /**
   * Uploads with bounded concurrency; a permanent refusal is dead-lettered, a transient failure
   * (or the signal) stops new uploads and is returned. `done(j, outcome)` is told about each.
   */
  async #uploadAll(
    kind: VteSyncKind,
    work: { key: SyncWatermark; indexGuid: string; report: WsjfReport }[],
    ctx: PassContext | undefined,
    done: (j: number, outcome: 'uploaded' | 'deadLettered' | 'unsent') => void,
  ): Promise<SyncAbort | undefined> {
    let next = 0;
    let stop: SyncAbort | undefined;
    const ks = ctx ? (kind === 'run' ? ctx.summary.runs : ctx.summary.repairs) : undefined;
    const worker = async () => {
      while (next < work.length && !stop) {
        if (ctx?.signal?.aborted) {
          stop ??= { kind, stage: 'stopped', reason: 'stopped by the caller' };
          return;
        }
        const j = next++;
        const w = work[j]!;
        try {
          const res = await this.#options.client.reports.submit(w.report, this.#options.maxRetries === undefined ? {} : { maxRetries: this.#options.maxRetries });
          if (this.deadLetters.has(w.key.guid)) await this.deadLetters.remove(w.key.guid);
          done(j, 'uploaded');
          this.emit('uploaded', { kind, guid: w.key.guid, reportId: res.id, attempts: res.attempts });
        } catch (err) {
          const f = classifyUploadError(err);
          if (f.kind === 'stop') {
            stop ??= { kind, stage: 'upload', reason: f.reason, guid: w.key.guid, error: err };
            done(j, 'unsent');
            return;
          }
          const input: DeadLetterInput = {
            kind, guid: w.key.guid, indexGuid: w.indexGuid, timestamp: w.key.timestamp, stage: 'upload', reason: f.reason,
            ...(f.status === undefined ? {} : { status: f.status }), ...(f.serverMessage === undefined ? {} : { serverMessage: f.serverMessage }),
          };
          await this.#deadLetter(input);
          if (ctx) this.#noteFailure(ctx.summary, input);
          if (ks) ks.deadLettered++;
          done(j, 'deadLettered');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.uploadConcurrency, work.length) }, worker));
    return stop;
  }

  /**
   * Records older than the guard band behind the watermark (up to `gapWindowMs` further back)
   * that were never uploaded nor dead-lettered: committed after the guard band had passed them,
   * so normal passes will not pick them up. Fix with a backfill of their range.
   */
  async checkGapRisk(): Promise<GapRiskReport> {
    const report: GapRiskReport = { windows: { run: undefined, repair: undefined }, checked: 0, risks: [] };
    for (const kind of ['run', 'repair'] as const) {
      const mark = this.#state.watermark(kind);
      if (!mark) continue;
      const to = shiftLocal(mark.timestamp, -this.#o.guardBandMs, this.#zone);
      const from = maxLocal(this.#startAt, shiftLocal(to, -this.#o.gapWindowMs, this.#zone));
      report.windows[kind] = { from, to };
      if (compareLocal(from, to) >= 0) continue;
      const adapter = this.#adapters[kind];
      const ledger = this.#state.ledger(kind);
      let after: SyncWatermark | undefined;
      for (;;) {
        const items = await this.#sql(() => adapter.read({ after, since: from, until: to, limit: this.#o.batchSize }));
        for (const it of items) {
          const k = adapter.key(it);
          report.checked++;
          if (!ledger.has(k.guid) && !this.deadLetters.has(k.guid)) {
            const risk: GapRisk = { kind, guid: k.guid, indexGuid: adapter.indexGuid(it), timestamp: k.timestamp };
            report.risks.push(risk);
          }
        }
        if (items.length < this.#o.batchSize) break;
        after = adapter.key(items[items.length - 1]);
      }
    }
    if (report.risks.length) this.#log.warn({ risks: report.risks.length, windows: report.windows }, 'VTE records older than the guard band were never synced');
    return report;
  }

  /**
   * Re-reads dead-lettered records from the database (after the data or config was fixed), maps
   * and uploads them; a success removes the dead letter, a failure updates it. Runs before repairs.
   */
  async replay(ids: readonly string[] | 'all'): Promise<ReplayResult> {
    return this.#exclusive(async () => {
      const result: ReplayResult = { uploaded: [], failed: [], missing: [], notFound: [], aborted: undefined };
      const entries = [];
      if (ids === 'all') entries.push(...(await this.deadLetters.list()));
      else {
        for (const id of ids) {
          const e = await this.deadLetters.get(id.toLowerCase());
          if (e) entries.push(e);
          else result.notFound.push(id.toLowerCase());
        }
      }
      for (const kind of ['run', 'repair'] as const) {
        const guids = entries.filter((e) => e.kind === kind).map((e) => e.guid);
        if (guids.length === 0 || result.aborted) continue;
        const adapter = this.#adapters[kind];
        let items: unknown[];
        let mapper: (item: unknown) => WsjfReport;
        try {
          items = await this.#sql(() => adapter.byGuid(guids));
          mapper = await this.#sql(() => adapter.prepare(items));
        } catch (err) {
          result.aborted = { kind, stage: 'read', reason: `reading ${kind}s failed: ${message(err)}`, error: err };
          break;
        }
        const found = new Set(items.map((it) => adapter.key(it).guid));
        result.missing.push(...guids.filter((g) => !found.has(g)));
        const work: { key: SyncWatermark; indexGuid: string; report: WsjfReport }[] = [];
        for (const it of items) {
          const key = adapter.key(it);
          try {
            work.push({ key, indexGuid: adapter.indexGuid(it), report: mapper(it) });
          } catch (err) {
            const input = mappingDeadLetter(kind, { ...key, indexGuid: adapter.indexGuid(it) }, err);
            await this.#deadLetter(input);
            result.failed.push({ guid: key.guid, reason: input.reason });
          }
        }
        const uploaded: SyncWatermark[] = [];
        result.aborted = await this.#uploadAll(kind, work, undefined, (j, outcome) => {
          const w = work[j]!;
          if (outcome === 'uploaded') uploaded.push(w.key);
          else if (outcome === 'deadLettered') result.failed.push({ guid: w.key.guid, reason: 'refused by WATS (see the dead letter)' });
        });
        await this.#state.ledger(kind).add(uploaded);
        result.uploaded.push(...uploaded.map((k) => k.guid));
      }
      this.#log.info({ uploaded: result.uploaded.length, failed: result.failed.length, missing: result.missing.length }, 'VTE dead-letter replay done');
      return result;
    });
  }

  /** Releases the state lock and closes the ledgers (not the source or the client). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#state.close();
  }

  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('the VTE sync is closed');
    if (this.#busy) throw new VteSyncBusyError();
    this.#busy = true;
    try {
      return await fn();
    } finally {
      this.#busy = false;
    }
  }

  #sql<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withSqlRetry(fn, this.#sqlRetry, ({ attempt, delayMs, error }) => {
      this.#log.warn({ attempt, delayMs, err: message(error) }, 'VTE database read failed; retrying');
      this.emit('retry', { stage: 'sql', attempt, delayMs, error });
    }, signal);
  }

  async #deadLetter(input: DeadLetterInput): Promise<void> {
    const entry = await this.deadLetters.add(input, this.#now());
    this.#log.warn({ kind: entry.kind, guid: entry.guid, stage: entry.stage, field: entry.field, status: entry.status }, `VTE ${entry.kind} dead-lettered: ${entry.reason}`);
    this.emit('deadLettered', entry);
  }

  #noteFailure(summary: SyncSummary, input: DeadLetterInput): void {
    if (summary.failures.length >= MAX_FAILURES) return;
    const f: SyncFailure = { kind: input.kind, guid: input.guid, timestamp: input.timestamp, stage: input.stage, reason: input.reason };
    if (input.field !== undefined) f.field = input.field;
    if (input.status !== undefined) f.status = input.status;
    summary.failures.push(f);
  }

  async #pruneLedger(kind: VteSyncKind): Promise<void> {
    const mark = this.#state.watermark(kind);
    if (!mark) return;
    await this.#state.ledger(kind).prune(shiftLocal(mark.timestamp, -(this.#o.guardBandMs + this.#o.gapWindowMs), this.#zone));
  }

  #local(ms: number): VteLocalTimestamp {
    return toLocal(new Date(ms), this.#zone);
  }
}

function emptyKind(mark: SyncWatermark | undefined): SyncKindSummary {
  return {
    read: 0, mapped: 0, uploaded: 0, skipped: 0, skippedDeadLetter: 0, mappingFailed: 0, deadLettered: 0, batches: 0,
    watermarkBefore: mark, watermarkAfter: mark,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function positive(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be zero or more, got ${v}`);
  return v;
}
