/**
 * Decides when a file is complete: its size and modification time (and those of its companion
 * folder, for Klippel) stayed the same for the folder's settle time, and it can be opened
 * (Windows refuses to open a file another process holds exclusively). A half-written file
 * is therefore never handed on. Files that become stable at about the same time are handed
 * on together, so the pipeline can order them by priority.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, identityOf, isNotFound, type FileIdentity } from '../files/fs-utils.js';
import { companionFolderOf } from './scan.js';

export interface StableFile {
  path: string;
  /** The file as it was when found stable (what was converted). */
  identity: FileIdentity;
}

export interface StabilityTrackerOptions {
  /** Called with every file found stable in one check round (at least one). */
  onStable(files: StableFile[]): void;
  /** Called when a tracked file disappears. */
  onGone?(path: string): void;
  /** Called when a check fails for another reason (the file stays tracked). */
  onError?(path: string, error: unknown): void;
  /**
   * Files due within this many ms of each other are checked in one round (so files found by
   * one scan reach the pipeline together). @default 50
   */
  batchWindowMs?: number;
}

export interface StabilityTracker {
  /**
   * Starts watching a file, or notes that it changed (a watcher event): it is stable once
   * unchanged for `settleMs` from now.
   */
  track(path: string, settleMs: number): void;
  /** Stops watching a file. */
  forget(path: string): void;
  has(path: string): boolean;
  /** Files being watched. */
  readonly size: number;
  /** Paths being watched. */
  paths(): IterableIterator<string>;
  close(): void;
}

interface Entry {
  path: string;
  settleMs: number;
  /** Last observed signature; undefined until first observed. */
  key: string | undefined;
  dueAt: number;
  /** Bumped by every track() call, so a change during a check is not missed. */
  version: number;
}

/** Size/mtime/inode of a file plus count, total size and newest mtime of its companion folder. */
async function signature(path: string): Promise<{ key: string; identity: FileIdentity } | undefined> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  if (!st.isFile()) return undefined;
  const identity = identityOf(st);
  let key = `${identity.size}:${identity.mtimeMs}:${identity.ino}`;
  const companion = await companionFolderOf(path);
  if (companion) {
    let count = 0;
    let bytes = 0;
    let newest = 0;
    for (const e of await readdir(companion, { withFileTypes: true }).catch(() => [])) {
      const s = await stat(join(companion, e.name)).catch(() => undefined);
      if (!s) continue;
      count++;
      bytes += s.size;
      newest = Math.max(newest, s.mtimeMs);
    }
    key += `|${count}:${bytes}:${newest}`;
  }
  return { key, identity };
}

/** False while another process holds the file so that we cannot read it (Windows sharing locks). */
async function openable(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'r');
    await fh.close();
    return true;
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EBUSY' || code === 'EPERM' || code === 'EACCES' || code === 'EAGAIN') return false;
    throw err;
  }
}

export function createStabilityTracker(options: StabilityTrackerOptions): StabilityTracker {
  const window = options.batchWindowMs ?? 50;
  const entries = new Map<string, Entry>();
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let running = false;
  let closed = false;

  const arm = (at: number) => {
    if (closed || running || at >= timerAt) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => void tick(), Math.max(0, at - Date.now()));
  };

  const observe = async (entry: Entry) => {
    const version = entry.version;
    try {
      const sig = await signature(entry.path);
      if (entry.key === undefined && entries.get(entry.path) === entry && entry.version === version) entry.key = sig?.key;
    } catch {
      // the first check will try again
    }
  };

  const tick = async () => {
    timer = undefined;
    timerAt = Infinity;
    if (closed) return;
    running = true;
    const now = Date.now();
    const due = [...entries.values()].filter((e) => e.dueAt <= now);
    const stable: StableFile[] = [];
    await Promise.all(
      due.map(async (entry) => {
        const version = entry.version;
        try {
          const sig = await signature(entry.path);
          if (entries.get(entry.path) !== entry) return; // forgotten meanwhile
          if (!sig) {
            entries.delete(entry.path);
            options.onGone?.(entry.path);
            return;
          }
          if (entry.version !== version) return; // changed while we looked
          if (sig.key !== entry.key) {
            entry.key = sig.key;
            entry.dueAt = Date.now() + entry.settleMs;
            return;
          }
          if (!(await openable(entry.path))) {
            entry.dueAt = Date.now() + entry.settleMs;
            return;
          }
          if (entries.get(entry.path) !== entry || entry.version !== version) return;
          entries.delete(entry.path);
          stable.push({ path: entry.path, identity: sig.identity });
        } catch (err) {
          if (entries.get(entry.path) === entry) entry.dueAt = Date.now() + entry.settleMs;
          options.onError?.(entry.path, err);
        }
      }),
    );
    running = false;
    if (closed) return;
    if (stable.length) options.onStable(stable);
    let next = Infinity;
    for (const e of entries.values()) next = Math.min(next, e.dueAt);
    if (next !== Infinity) arm(next + window);
  };

  return {
    track(path, settleMs) {
      if (closed) return;
      const now = Date.now();
      const existing = entries.get(path);
      if (existing) {
        existing.version++;
        existing.settleMs = settleMs;
        existing.dueAt = now + settleMs;
        existing.key = undefined; // re-observed now, compared again at dueAt
        void observe(existing);
        arm(existing.dueAt + window);
        return;
      }
      const entry: Entry = { path, settleMs, key: undefined, dueAt: now + settleMs, version: 0 };
      entries.set(path, entry);
      void observe(entry);
      arm(entry.dueAt + window);
    },
    forget(path) {
      entries.delete(path);
    },
    has: (path) => entries.has(path),
    get size() {
      return entries.size;
    },
    paths: () => entries.keys(),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      entries.clear();
    },
  };
}
