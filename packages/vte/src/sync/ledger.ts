/**
 * The upload ledger: GUIDs already sent (or checked as sent), with their local timestamps. The
 * guard-band re-read skips them instead of uploading them again (which would be harmless, the
 * ids being stable, but wasteful), and `checkGapRisk` compares against them.
 *
 * On disk: one line per record, `<timestamp>\t<guid>\n`, appended and fsynced once per batch,
 * before the watermark moves. A line torn by a crash is dropped at open. Entries older than the
 * retention (guard band + gap-check window behind the watermark) are pruned by an atomic rewrite.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { VteLocalTimestamp } from '../db/types.js';
import { writeFileAtomic } from './fs-atomic.js';
import { compareLocal } from './time.js';

/** One ledger record: the record's keyset position. */
export interface LedgerEntry {
  timestamp: VteLocalTimestamp;
  guid: string;
}

export class SyncLedger {
  readonly path: string;
  readonly #entries = new Map<string, VteLocalTimestamp>();
  #fh: FileHandle | undefined;

  private constructor(path: string) {
    this.path = path;
  }

  /** Loads the ledger at `path` (created when missing). */
  static async open(path: string): Promise<SyncLedger> {
    const ledger = new SyncLedger(path);
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
    for (const line of complete.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) ledger.#entries.set(line.slice(tab + 1).toLowerCase(), line.slice(0, tab));
    }
    // A torn last line (crash mid-append) would glue onto the next append: rewrite without it.
    if (complete.length !== text.length) await writeFileAtomic(path, complete);
    ledger.#fh = await open(path, 'a');
    return ledger;
  }

  get size(): number {
    return this.#entries.size;
  }

  has(guid: string): boolean {
    return this.#entries.has(guid.toLowerCase());
  }

  /** Records `entries` durably (one append + fsync). */
  async add(entries: readonly LedgerEntry[]): Promise<void> {
    const fresh = entries.filter((e) => this.#entries.get(e.guid.toLowerCase()) !== e.timestamp);
    if (fresh.length === 0) return;
    const fh = this.#handle();
    await fh.appendFile(fresh.map((e) => `${e.timestamp}\t${e.guid.toLowerCase()}\n`).join(''), 'utf8');
    await fh.datasync();
    for (const e of fresh) this.#entries.set(e.guid.toLowerCase(), e.timestamp);
  }

  /** Forgets entries older than `before`; rewrites the file when anything went. Returns how many. */
  async prune(before: VteLocalTimestamp): Promise<number> {
    const keep: string[] = [];
    let removed = 0;
    for (const [guid, ts] of this.#entries) {
      if (compareLocal(ts, before) < 0) removed++;
      else keep.push(`${ts}\t${guid}\n`);
    }
    if (removed === 0) return 0;
    await this.#handle().close();
    this.#fh = undefined;
    await writeFileAtomic(this.path, keep.join(''));
    for (const [guid, ts] of [...this.#entries]) if (compareLocal(ts, before) < 0) this.#entries.delete(guid);
    this.#fh = await open(this.path, 'a');
    return removed;
  }

  async close(): Promise<void> {
    const fh = this.#fh;
    this.#fh = undefined;
    await fh?.close();
  }

  #handle(): FileHandle {
    if (!this.#fh) throw new Error(`the ledger ${this.path} is closed`);
    return this.#fh;
  }
}
