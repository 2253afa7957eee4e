/**
 * The upload queue's durable store: one file per report, keyed by the report id.
 *
 * On-disk layout (format version 1):
 *
 * ```
 * <dir>/
 *   .lock                  owner: {"pid","host","since","nonce"} (see lock.ts); removed on close
 *   items/
 *     <id>.wsjf            one report: line 1 = header JSON (see `DataHeader`), "\n", then the
 *                          report as WSJF JSON (exactly `header.bytes` bytes, no newline inside)
 *     <id>.state           optional: the item's latest state (see `StateRecord`); applies only
 *                          when its `gen` equals the header's `gen`, otherwise it is stale
 *     <id>.<n>.tmp         a file being written; never read, removed at open
 *   corrupt/               data files that could not be read at open are moved here, never deleted
 * ```
 *
 * `<id>` is the report's WSJF id (a UUID), lower-cased, so queueing the same report again
 * (after a crash, or a re-conversion) replaces the same file: the queue never holds two copies
 * of one report, and the server overwrites a report sent twice.
 *
 * Every write is: write `<name>.<n>.tmp`, fsync it, rename it over `<name>`, fsync the
 * directory (directory fsyncs of concurrent writes are batched into one). A reader therefore
 * sees the old file or the complete new one, never a torn one. Enqueue writes exactly one
 * data file (header + report); later state changes (attempts, backoff, failed, completed)
 * write only the small `.state` file, so a 10 MB report is never rewritten to count an attempt.
 * Replacing a report writes a new data file with a new `gen`, which makes the old `.state`
 * stale in one atomic step.
 *
 * "Sending" exists only in memory: after a crash every item is pending, failed or completed
 * as last written, so nothing is ever stuck in flight. Removing an item unlinks `<id>.wsjf`
 * first; if a crash undoes or interrupts a removal, the report is pending again and is sent
 * again, which is harmless (same id).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isUuid, parseReport, reportToJson, type WsjfReport } from '@tswats/sdk';
import type { QueueState } from '../types.js';
import { QueueClosedError, QueueReportIdError } from './errors.js';
import { DirSyncer, isNodeError, mapLimit, noop, writeAll } from './fs-util.js';
import { acquireDirLock, type DirLock } from './lock.js';
import type { EnqueueMeta, EnqueueResult, ListFilter, PurgeOptions, QueueItem, QueueItemError, QueueStoreHandle } from './types.js';

const FORMAT = 1;
const DATA_EXT = '.wsjf';
const STATE_EXT = '.state';
const TMP_EXT = '.tmp';
/** Header lines longer than this are not ours: the file is treated as corrupt. */
const MAX_HEADER_BYTES = 1 << 20;
/** Files read at once while loading the index at open. */
const OPEN_PARALLELISM = 32;

/** Line 1 of a data file. Written once per enqueue; never changed afterwards. */
interface DataHeader {
  v: number;
  /** The key: the report id, lower-cased. */
  id: string;
  /** The report id as the report spells it. */
  reportId: string;
  /** Changes with every new payload; `.state` files of another gen are stale. */
  gen: string;
  state: QueueState;
  priority: number;
  createdAt: number;
  /** Enqueue order (increasing within a queue directory): orders items queued in the same ms. */
  seq: number;
  updatedAt: number;
  /** Since when the item waits (expiry is measured from here; a manual retry restarts it). */
  pendingSince: number;
  attempts: number;
  nextAttemptAt: number;
  /** Length of the report JSON that follows the header line. */
  bytes: number;
  /** SHA-256 (hex) of the report JSON. */
  hash: string;
  source?: { file: string; folder?: string };
}

/** Content of `<id>.state`. */
interface StateRecord {
  v: number;
  gen: string;
  state: QueueState;
  priority: number;
  updatedAt: number;
  pendingSince: number;
  attempts: number;
  nextAttemptAt: number;
  lastError?: QueueItemError;
  completedAt?: number;
}

/** The mutable part of an item that `update()` may change. */
export type EntryPatch = Partial<
  Pick<Entry, 'state' | 'priority' | 'updatedAt' | 'pendingSince' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'completedAt'>
>;

/** What an `update()` decision asks for. */
export type EntryChange =
  | { kind: 'set'; patch: EntryPatch; /** fsync the state file (default true). */ durable?: boolean }
  | { kind: 'remove' };

/** One item as the store and the uploader keep it in memory. */
export interface Entry {
  readonly id: string;
  reportId: string;
  gen: string;
  hash: string;
  bytes: number;
  state: QueueState;
  priority: number;
  createdAt: number;
  seq: number;
  updatedAt: number;
  pendingSince: number;
  attempts: number;
  nextAttemptAt: number;
  lastError: QueueItemError | undefined;
  source: { file: string; folder?: string } | undefined;
  completedAt: number | undefined;
  /** In memory only: an upload is in flight. */
  sending: boolean;
  /** In memory only: connection failures of this item in a row (not attempts). */
  strikes: number;
  /** In memory only: gone from the store (stale references ignore it). */
  removed: boolean;
}

/** A report checked and serialised for the store, before any disk work. */
export interface PreparedReport {
  key: string;
  reportId: string;
  payload: Buffer;
  hash: string;
}

/** Turns a report into its key and stored bytes; throws for a report without a valid id. */
export function prepareReport(report: WsjfReport): PreparedReport {
  const reportId = (report as { id?: unknown } | null)?.id;
  if (!isUuid(reportId)) {
    throw new QueueReportIdError(
      reportId === undefined || reportId === null || reportId === ''
        ? 'cannot queue a report without an id: set the WSJF `id` (a UUID) before queueing'
        : `cannot queue a report with id ${JSON.stringify(reportId)}: the WSJF \`id\` must be a UUID`,
    );
  }
  const payload = Buffer.from(reportToJson(report), 'utf8');
  return { key: reportId.toLowerCase(), reportId, payload, hash: createHash('sha256').update(payload).digest('hex') };
}

/** A public snapshot of an entry. */
export function toQueueItem(e: Entry): QueueItem {
  const item: QueueItem = {
    id: e.id,
    state: e.state,
    priority: e.priority,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    attempts: e.attempts,
    nextAttemptAt: e.nextAttemptAt,
    bytes: e.bytes,
    sending: e.sending,
  };
  if (e.lastError) item.lastError = { ...e.lastError };
  if (e.source) item.source = { ...e.source };
  if (e.completedAt !== undefined) item.completedAt = e.completedAt;
  return item;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isQueueState(v: unknown): v is QueueState {
  return v === 'pending' || v === 'failed' || v === 'completed';
}

function checkHeader(h: unknown, key: string): h is DataHeader {
  if (!h || typeof h !== 'object') return false;
  const o = h as Record<string, unknown>;
  return (
    o.v === FORMAT &&
    o.id === key &&
    typeof o.reportId === 'string' &&
    typeof o.gen === 'string' &&
    isQueueState(o.state) &&
    typeof o.hash === 'string' &&
    ['priority', 'createdAt', 'seq', 'updatedAt', 'pendingSince', 'attempts', 'nextAttemptAt', 'bytes'].every((k) => isFiniteNumber(o[k]))
  );
}

function checkState(s: unknown): s is StateRecord {
  if (!s || typeof s !== 'object') return false;
  const o = s as Record<string, unknown>;
  return (
    o.v === FORMAT &&
    typeof o.gen === 'string' &&
    isQueueState(o.state) &&
    ['priority', 'updatedAt', 'pendingSince', 'attempts', 'nextAttemptAt'].every((k) => isFiniteNumber(o[k]))
  );
}

/** Reads the header line of a data file and checks the file's length against it. */
async function readHeader(file: string, key: string): Promise<DataHeader> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    let chunk = 4096;
    for (;;) {
      const len = Math.min(chunk, size);
      const buf = Buffer.alloc(len);
      const { bytesRead } = await fh.read(buf, 0, len, 0);
      const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
      if (nl >= 0) {
        const header = JSON.parse(buf.toString('utf8', 0, nl)) as unknown;
        if (!checkHeader(header, key)) throw new Error('header is not a queue header of format 1');
        if (nl + 1 + header.bytes !== size) {
          throw new Error(`length ${size} does not match the header (${nl + 1} + ${header.bytes} bytes)`);
        }
        return header;
      }
      if (len >= size || len >= MAX_HEADER_BYTES) throw new Error('no header line');
      chunk *= 16;
    }
  } finally {
    await fh.close();
  }
}

/** Options of {@link QueueStore.open}. */
export interface QueueStoreOpenOptions {
  /** Where recovery notes go (quarantined files, stale temp files). */
  log?: Logger;
}

/**
 * The queue directory: the index in memory, every change written through to disk.
 * Used by the upload queue, and alone (without uploading) by the CLI via {@link openQueueStore}.
 */
export class QueueStore {
  readonly dir: string;
  readonly itemsDir: string;
  readonly entries = new Map<string, Entry>();
  /** Called after every in-memory change of an entry (also for removals: `entry.removed`). */
  onChange: ((entry: Entry) => void) | undefined;
  private readonly countsByState: Record<QueueState, number> = { pending: 0, failed: 0, completed: 0 };
  private readonly chains = new Map<string, Promise<void>>();
  private readonly log: Logger | undefined;
  private lock: DirLock | undefined;
  private syncer: DirSyncer | undefined;
  private tmpSeq = 0;
  private maxSeq = 0;
  private closed = false;

  private constructor(dir: string, log: Logger | undefined) {
    this.dir = dir;
    this.itemsDir = join(dir, 'items');
    this.log = log;
  }

  /** Creates the directory if needed, takes its lock and loads the index (recovering from a crash). */
  static async open(dir: string, options: QueueStoreOpenOptions = {}): Promise<QueueStore> {
    const store = new QueueStore(dir, options.log);
    await mkdir(store.itemsDir, { recursive: true });
    store.lock = await acquireDirLock(dir);
    try {
      await store.load();
      store.syncer = await DirSyncer.open(store.itemsDir);
    } catch (err) {
      await store.lock.release().catch(noop);
      throw err;
    }
    return store;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  counts(): Record<QueueState, number> {
    return { ...this.countsByState };
  }

  count(state: QueueState): number {
    return this.countsByState[state];
  }

  get(id: string): QueueItem | undefined {
    const e = this.entries.get(id.toLowerCase());
    return e ? toQueueItem(e) : undefined;
  }

  /** Oldest first (by `createdAt`, then enqueue order). */
  list(filter: ListFilter = {}): QueueItem[] {
    const out: Entry[] = [];
    for (const e of this.entries.values()) if (!filter.state || e.state === filter.state) out.push(e);
    out.sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq);
    const limited = filter.limit !== undefined && filter.limit >= 0 ? out.slice(0, filter.limit) : out;
    return limited.map(toQueueItem);
  }

  /** The stored report JSON text of an item. */
  async readPayload(id: string): Promise<string> {
    const key = id.toLowerCase();
    if (!this.entries.has(key)) throw new Error(`no queued report with id ${id}`);
    const buf = await readFile(this.dataPath(key));
    const nl = buf.indexOf(0x0a);
    let header: Partial<DataHeader> | undefined;
    try {
      header = nl > 0 ? (JSON.parse(buf.toString('utf8', 0, nl)) as Partial<DataHeader>) : undefined;
    } catch {
      header = undefined;
    }
    if (!header || header.bytes !== buf.length - nl - 1) throw new Error(`the stored report ${id} is damaged (${this.dataPath(key)})`);
    return buf.toString('utf8', nl + 1);
  }

  async readReport(id: string): Promise<WsjfReport> {
    return parseReport(await this.readPayload(id), { source: `queue item ${id}` });
  }

  /**
   * Writes a report (new, or replacing the stored one with the same id). Durable when it resolves.
   * `admit` runs inside the item's lock just before the write, with the current entry; it may
   * throw to refuse (capacity) and returns a function called when the write is over.
   */
  async put(prepared: PreparedReport, meta: EnqueueMeta, admit?: (existing: Entry | undefined) => () => void): Promise<EnqueueResult> {
    this.assertOpen();
    if (!isFiniteNumber(meta.priority)) throw new TypeError(`priority must be a number, got ${String(meta.priority)}`);
    const { key } = prepared;
    return this.locked(key, async () => {
      const existing = this.entries.get(key);
      if (existing && existing.state === 'completed' && existing.hash === prepared.hash) {
        return { id: key, created: false, state: 'completed' as const };
      }
      const done = admit?.(existing);
      try {
        const now = Date.now();
        const header: DataHeader = {
          v: FORMAT,
          id: key,
          reportId: prepared.reportId,
          gen: randomBytes(6).toString('hex'),
          state: 'pending',
          priority: meta.priority,
          createdAt: existing?.createdAt ?? now,
          seq: existing?.seq ?? ++this.maxSeq,
          updatedAt: now,
          // A pending item keeps its age and backoff; a failed or completed one starts afresh.
          pendingSince: existing?.state === 'pending' ? existing.pendingSince : now,
          attempts: existing && existing.state !== 'completed' ? existing.attempts : 0,
          nextAttemptAt: existing?.state === 'pending' ? existing.nextAttemptAt : now,
          bytes: prepared.payload.length,
          hash: prepared.hash,
        };
        const source = meta.source ?? existing?.source;
        if (source) header.source = source;
        let syncError: unknown;
        await this.writeFile(this.dataPath(key), [Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), prepared.payload], false);
        try {
          await this.syncer?.sync();
        } catch (err) {
          syncError = err;
        }
        // The file is in place whatever the directory fsync said: the index must show it.
        const entry = existing ?? this.newEntry(header);
        if (existing) {
          const keepError = existing.state === 'pending';
          Object.assign(existing, {
            reportId: header.reportId,
            gen: header.gen,
            hash: header.hash,
            bytes: header.bytes,
            priority: header.priority,
            updatedAt: header.updatedAt,
            pendingSince: header.pendingSince,
            attempts: header.attempts,
            nextAttemptAt: header.nextAttemptAt,
            lastError: keepError ? existing.lastError : undefined,
            completedAt: undefined,
            source: header.source,
          });
          this.setState(existing, 'pending');
        } else {
          this.entries.set(key, entry);
          this.countsByState.pending++;
        }
        this.onChange?.(entry);
        if (syncError) throw syncError;
        return { id: key, created: existing === undefined, state: 'pending' as const };
      } finally {
        done?.();
      }
    });
  }

  /**
   * Changes one item under its lock. `decide` sees the current entry (synchronously, inside
   * the lock) and returns the change, or undefined for none. The change is applied in memory
   * first, then written; a write error is thrown after the memory change (the caller logs it).
   * Returns the entry after the change, or undefined when nothing changed.
   */
  async update(id: string, decide: (e: Entry) => EntryChange | undefined): Promise<Entry | undefined> {
    this.assertOpen();
    const key = id.toLowerCase();
    return this.locked(key, async () => {
      const e = this.entries.get(key);
      if (!e) return undefined;
      const change = decide(e);
      if (!change) return undefined;
      if (change.kind === 'remove') {
        this.entries.delete(key);
        this.countsByState[e.state]--;
        e.removed = true;
        this.onChange?.(e);
        // The data file first: without it, a left-over state file is stale and ignored.
        await unlink(this.dataPath(key)).catch((err: unknown) => {
          if (!isNodeError(err, 'ENOENT')) throw err;
        });
        await unlink(this.statePath(key)).catch(noop);
        return e;
      }
      const { state, ...rest } = change.patch;
      Object.assign(e, rest);
      if (state) this.setState(e, state);
      this.onChange?.(e);
      const record: StateRecord = {
        v: FORMAT,
        gen: e.gen,
        state: e.state,
        priority: e.priority,
        updatedAt: e.updatedAt,
        pendingSince: e.pendingSince,
        attempts: e.attempts,
        nextAttemptAt: e.nextAttemptAt,
      };
      if (e.lastError) record.lastError = e.lastError;
      if (e.completedAt !== undefined) record.completedAt = e.completedAt;
      await this.writeFile(this.statePath(key), [Buffer.from(JSON.stringify(record), 'utf8')], change.durable !== false);
      return e;
    });
  }

  /** failed -> pending with attempts reset. */
  async retry(id: string): Promise<boolean> {
    const now = Date.now();
    const e = await this.update(id, (x) =>
      x.state === 'failed'
        ? {
            kind: 'set',
            patch: { state: 'pending', attempts: 0, nextAttemptAt: now, pendingSince: now, updatedAt: now, lastError: undefined },
          }
        : undefined,
    );
    return e !== undefined;
  }

  async retryAllFailed(): Promise<number> {
    const ids = [...this.entries.values()].filter((e) => e.state === 'failed').map((e) => e.id);
    let n = 0;
    await mapLimit(ids, 16, async (id) => {
      if (await this.retry(id)) n++;
    });
    return n;
  }

  /** Removes the items of one state older than `olderThanMs` (items being sent are skipped). */
  async purge(options: PurgeOptions): Promise<number> {
    this.assertOpen();
    const cutoff = Date.now() - Math.max(0, options.olderThanMs);
    const stamp = (e: Entry): number =>
      e.state === 'pending' ? e.createdAt : e.state === 'failed' ? e.updatedAt : (e.completedAt ?? e.updatedAt);
    const matches = (e: Entry): boolean => e.state === options.state && !e.sending && (options.olderThanMs <= 0 || stamp(e) <= cutoff);
    const ids = [...this.entries.values()].filter(matches).map((e) => e.id);
    let n = 0;
    await mapLimit(ids, 16, async (id) => {
      if (await this.update(id, (e) => (matches(e) ? { kind: 'remove' } : undefined))) n++;
    });
    // Make the removals durable, so purged items do not come back after a power loss.
    if (n > 0) await this.syncer?.sync();
    return n;
  }

  /** Waits for running writes, then releases the lock. Later calls throw QueueClosedError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
    await this.syncer?.close();
    await this.lock?.release();
  }

  private assertOpen(): void {
    if (this.closed) throw new QueueClosedError();
  }

  private setState(e: Entry, state: QueueState): void {
    if (e.state === state) return;
    this.countsByState[e.state]--;
    this.countsByState[state]++;
    e.state = state;
  }

  private dataPath(key: string): string {
    return join(this.itemsDir, `${key}${DATA_EXT}`);
  }

  private statePath(key: string): string {
    return join(this.itemsDir, `${key}${STATE_EXT}`);
  }

  /** Serialises work on one item id. */
  private locked<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(key);
    const run = prev ? prev.then(fn) : fn();
    const settled = run.then(noop, noop);
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return run;
  }

  /** temp file, fsync, rename. `syncDir` adds a (batched) directory fsync. */
  private async writeFile(file: string, buffers: Buffer[], syncDir: boolean): Promise<void> {
    const tmp = `${file.slice(0, file.lastIndexOf('.'))}.${++this.tmpSeq}${TMP_EXT}`;
    try {
      const fh = await open(tmp, 'w');
      try {
        await writeAll(fh, buffers);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
    } catch (err) {
      await unlink(tmp).catch(noop);
      throw err;
    }
    if (syncDir) await this.syncer?.sync();
  }

  private newEntry(h: DataHeader): Entry {
    return {
      id: h.id,
      reportId: h.reportId,
      gen: h.gen,
      hash: h.hash,
      bytes: h.bytes,
      state: h.state,
      priority: h.priority,
      createdAt: h.createdAt,
      seq: h.seq,
      updatedAt: h.updatedAt,
      pendingSince: h.pendingSince,
      attempts: h.attempts,
      nextAttemptAt: h.nextAttemptAt,
      lastError: undefined,
      source: h.source,
      completedAt: undefined,
      sending: false,
      strikes: 0,
      removed: false,
    };
  }

  /** Builds the index from the files; removes temp files and stale state files; quarantines damaged ones. */
  private async load(): Promise<void> {
    // Left-overs of lock attempts in the queue directory itself (old ones only: a fresh one
    // may belong to a process trying to take the lock right now).
    for (const name of await readdir(this.dir)) {
      if (!/^\.lock\..+\.(tmp|stale)$/.test(name)) continue;
      const file = join(this.dir, name);
      const info = await stat(file).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > 60_000) await unlink(file).catch(noop);
    }
    const names = await readdir(this.itemsDir);
    const dataKeys: string[] = [];
    const stateKeys: string[] = [];
    let tmpRemoved = 0;
    for (const name of names) {
      if (name.endsWith(TMP_EXT)) {
        await unlink(join(this.itemsDir, name)).catch(noop);
        tmpRemoved++;
      } else if (name.endsWith(DATA_EXT)) dataKeys.push(name.slice(0, -DATA_EXT.length));
      else if (name.endsWith(STATE_EXT)) stateKeys.push(name.slice(0, -STATE_EXT.length));
    }
    if (tmpRemoved > 0) this.log?.info({ component: 'queue', removed: tmpRemoved }, 'removed unfinished temp files of an earlier run');
    await mapLimit(dataKeys, OPEN_PARALLELISM, async (key) => {
      const file = this.dataPath(key);
      try {
        if (!isUuid(key) || key !== key.toLowerCase()) throw new Error('file name is not a lower-case report id');
        const header = await readHeader(file, key);
        this.entries.set(key, this.newEntry(header));
      } catch (err) {
        if (isNodeError(err, 'ENOENT')) return;
        await this.quarantine(key, err);
      }
    });
    await mapLimit(stateKeys, OPEN_PARALLELISM, async (key) => {
      const e = this.entries.get(key);
      const file = this.statePath(key);
      let record: unknown;
      try {
        record = e ? (JSON.parse(await readFile(file, 'utf8')) as unknown) : undefined;
      } catch {
        record = undefined;
      }
      if (!e || !checkState(record) || record.gen !== e.gen) {
        // No data file, a replaced payload (other gen), or damaged: the data header is the truth.
        await unlink(file).catch(noop);
        return;
      }
      e.state = record.state;
      e.priority = record.priority;
      e.updatedAt = record.updatedAt;
      e.pendingSince = record.pendingSince;
      e.attempts = record.attempts;
      e.nextAttemptAt = record.nextAttemptAt;
      e.lastError = record.lastError;
      e.completedAt = record.completedAt;
    });
    for (const e of this.entries.values()) {
      this.countsByState[e.state]++;
      if (e.seq > this.maxSeq) this.maxSeq = e.seq;
    }
  }

  private async quarantine(key: string, err: unknown): Promise<void> {
    const dir = join(this.dir, 'corrupt');
    const name = `${key}${DATA_EXT}`;
    await mkdir(dir, { recursive: true });
    await rename(join(this.itemsDir, name), join(dir, `${Date.now()}-${name}`));
    await unlink(this.statePath(key)).catch(noop);
    this.log?.error(
      { component: 'queue', reportId: key, err: err instanceof Error ? err.message : String(err) },
      `queue file ${name} cannot be read; moved to ${dir}`,
    );
  }
}

/**
 * Opens the queue directory without uploading, for the CLI when no service runs. Takes the
 * same lock as the service, so it fails with QueueLockedError while the service runs.
 */
export async function openQueueStore(dir: string, options: QueueStoreOpenOptions = {}): Promise<QueueStoreHandle> {
  const store = await QueueStore.open(dir, options);
  return {
    dir,
    counts: () => store.counts(),
    list: (filter) => store.list(filter),
    get: (id) => store.get(id),
    readReport: (id) => store.readReport(id),
    retry: (id) => store.retry(id),
    retryAllFailed: () => store.retryAllFailed(),
    purge: (options) => store.purge(options),
    close: () => store.close(),
  };
}
