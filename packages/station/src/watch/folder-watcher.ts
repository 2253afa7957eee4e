/**
 * Watches one folder for new, changed and moved-in files. It reports paths only; whether a
 * file is an input and when it is complete is decided by the filter and the stability tracker.
 *
 * OS events come from `fs.watch` (inotify, FSEvents, ReadDirectoryChangesW), which names the
 * entry that changed: each event costs one `lstat` of that entry, whatever the folder holds.
 * (chokidar re-reads the whole directory on every event, which made a folder of 10,000 waiting
 * files cost O(n²): each delete or move triggered a 10,000-entry listing.) Polling mode, for
 * network shares where events are unreliable, lists the folder every `pollIntervalMs` and
 * reports files whose size or mtime changed.
 */
import { EventEmitter } from 'node:events';
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface FolderWatcherOptions {
  /** Absolute path of the folder. */
  root: string;
  recursive: boolean;
  /** Poll every this many ms instead of using OS events (network shares). 0 = OS events. */
  pollIntervalMs: number;
  /** Paths never to report or enter (the folder filter's `isIgnored`). */
  isIgnored(path: string, isDir?: boolean): boolean;
}

/** Events: `file` (path: added, changed or moved in), `gone` (path), `error` (Error). */
export interface FolderWatcher extends EventEmitter {
  /** Resolves once events flow (polling: once the first listing is taken). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export function createFolderWatcher(options: FolderWatcherOptions): FolderWatcher {
  const emitter = new EventEmitter() as FolderWatcher;
  let closed = false;
  const emitError = (err: unknown) => {
    if (!closed && emitter.listenerCount('error') > 0) emitter.emit('error', err instanceof Error ? err : new Error(String(err)));
  };

  /** Every file below `dir` that is not ignored, with a size:mtime key. */
  const list = async (dir: string, out: Map<string, string>): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (dir === options.root) emitError(err);
      return;
    }
    for (const e of entries) {
      if (closed) return;
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (options.recursive && !options.isIgnored(full, true)) await list(full, out);
        continue;
      }
      if (options.isIgnored(full, false)) continue;
      try {
        const st = await stat(full);
        if (st.isFile()) out.set(full, `${st.size}:${st.mtimeMs}`);
      } catch {
        // gone between the listing and the stat
      }
    }
  };

  let close: () => Promise<void>;
  let ready: Promise<void>;

  if (options.pollIntervalMs > 0) {
    let known = new Map<string, string>();
    let busy = false;
    const poll = async () => {
      const now = new Map<string, string>();
      await list(options.root, now);
      if (closed) return;
      for (const [path, key] of now) if (known.get(path) !== key) emitter.emit('file', path);
      for (const path of known.keys()) if (!now.has(path)) emitter.emit('gone', path);
      known = now;
    };
    // The first listing only sets the baseline: the pipeline scans the folder itself at start.
    ready = list(options.root, known).then(() => undefined);
    const timer = setInterval(() => {
      if (busy || closed) return;
      busy = true;
      void poll()
        .catch(emitError)
        .finally(() => (busy = false));
    }, options.pollIntervalMs);
    close = async () => {
      closed = true;
      clearInterval(timer);
    };
  } else {
    // Events for the same entry arrive in bursts (every write of a file being copied): look
    // at each path once per turn of the event loop.
    const pending = new Set<string>();
    let scheduled = false;
    const look = async (path: string) => {
      let st;
      try {
        st = await lstat(path);
      } catch {
        if (!closed) emitter.emit('gone', path);
        return;
      }
      if (closed) return;
      if (st.isDirectory()) {
        // A folder moved in (recursive watch): its files are new to us.
        if (!options.recursive || options.isIgnored(path, true)) return;
        const found = new Map<string, string>();
        await list(path, found);
        for (const p of found.keys()) if (!closed) emitter.emit('file', p);
        return;
      }
      if ((st.isFile() || st.isSymbolicLink()) && !options.isIgnored(path, false)) emitter.emit('file', path);
    };
    const flush = () => {
      scheduled = false;
      const paths = [...pending];
      pending.clear();
      for (const p of paths) void look(p).catch(emitError);
    };
    const rescan = async () => {
      const found = new Map<string, string>();
      await list(options.root, found);
      for (const p of found.keys()) if (!closed) emitter.emit('file', p);
    };
    let watcher: FSWatcher | undefined;
    try {
      watcher = fsWatch(options.root, { recursive: options.recursive, persistent: true }, (_event, filename) => {
        if (closed) return;
        if (filename === null || filename === undefined) {
          // The OS did not say what changed (some platforms, overflowed queues): look at all.
          void rescan().catch(emitError);
          return;
        }
        const path = join(options.root, filename.toString());
        if (options.isIgnored(path)) return;
        pending.add(path);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
      watcher.on('error', emitError);
    } catch (err) {
      // A folder that cannot be watched (missing, permissions): the periodic rescan still runs.
      queueMicrotask(() => emitError(err));
    }
    ready = Promise.resolve();
    close = async () => {
      closed = true;
      watcher?.close();
    };
  }

  Object.defineProperty(emitter, 'ready', { value: ready });
  emitter.close = () => close();
  return emitter;
}
