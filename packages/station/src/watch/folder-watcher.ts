/**
 * Watches one folder for new, changed and moved-in files (chokidar: OS events, or polling for
 * network shares where events are unreliable). It reports paths only; whether a file is an
 * input and when it is complete is decided by the filter and the stability tracker.
 */
import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'chokidar';

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
  /** Resolves once the initial directory walk is done and events flow. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export function createFolderWatcher(options: FolderWatcherOptions): FolderWatcher {
  const emitter = new EventEmitter() as FolderWatcher;
  const polling = options.pollIntervalMs > 0;
  const fsw: FSWatcher = watch(options.root, {
    ignoreInitial: true, // the pipeline scans itself (so it can order and batch what it finds)
    persistent: true,
    depth: options.recursive ? undefined : 0,
    usePolling: polling,
    interval: polling ? options.pollIntervalMs : undefined,
    binaryInterval: polling ? options.pollIntervalMs : undefined,
    ignorePermissionErrors: true,
    ignored: (path: string, stats?: { isDirectory(): boolean }) => options.isIgnored(path, stats ? stats.isDirectory() : undefined),
  });
  let closed = false;
  const ready = new Promise<void>((resolve) => fsw.once('ready', () => resolve()));
  fsw.on('add', (path) => emitter.emit('file', path));
  fsw.on('change', (path) => emitter.emit('file', path));
  fsw.on('unlink', (path) => emitter.emit('gone', path));
  fsw.on('error', (err) => {
    if (!closed && emitter.listenerCount('error') > 0) emitter.emit('error', err instanceof Error ? err : new Error(String(err)));
  });
  Object.defineProperty(emitter, 'ready', { value: ready });
  emitter.close = async () => {
    closed = true;
    await fsw.close();
  };
  return emitter;
}
