/**
 * The station's file pipeline: watch folders → stable files → convert (worker threads, with a
 * timeout) → reports into the durable upload queue → post-action the source (Done / zip /
 * delete / keep), or move it to Error with a `<name>.error.json`.
 *
 * Order of trust: a source file is touched only after `enqueue` resolved (its reports are
 * durable), and every touch goes through the post-action journal, so a crash at any moment
 * ends with the file post-actioned exactly once (an interrupted action is completed at the
 * next start; a file whose reports were queued but whose action never started is converted
 * again, giving the same content-derived report ids).
 */
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, isAbsolute } from 'node:path';
import type { Logger } from 'pino';
import { ConversionError, type ConversionWarning, type ConvertOptions } from '@tswats/converters';
import type { WsjfReport } from '@tswats/sdk';
import type { ConversionConfig, FolderConfig, FolderStatus, LastError, WatchConfig } from '../types.js';
import { ConverterPoolError } from '../convert/errors.js';
import { createConverterPool, type ConverterPool, type ConvertJobResult } from '../convert/pool.js';
import { errorCode, sameIdentity, statIdentity, type FileIdentity } from '../files/fs-utils.js';
import { openPostActions, type FileErrorInfo, type PostActions } from '../files/post-action.js';
import { createFolderFilter, type FolderFilter } from '../watch/filter.js';
import { createFolderWatcher, type FolderWatcher } from '../watch/folder-watcher.js';
import { companionFolderOf, isInCompanionFolder, scanFolder } from '../watch/scan.js';
import { createStabilityTracker, type StabilityTracker, type StableFile } from '../watch/stability.js';
import { ReadyQueue } from './ready-queue.js';

export interface FilePipelineOptions {
  folders: readonly FolderConfig[];
  conversion: ConversionConfig;
  watch: WatchConfig;
  /** Folder for the post-action journal and the keep ledger (created if missing). */
  stateDir: string;
  /** Logs with `{component: 'pipeline', folder, file}`. */
  log: Logger;
  /**
   * Puts the reports in the durable queue; resolves when durable. Rejects with an error whose
   * `code === 'STATION_ERR_QUEUE_FULL'` when the queue is full: the file then stays where it
   * is and is tried again after resume(). Any other rejection: the file stays, the error is
   * recorded and it is tried again later (it is not the file's fault).
   */
  enqueue(reports: WsjfReport[], ctx: { folder: FolderConfig; file: string }): Promise<void>;
  /** Converter options for a folder. May reject: treated like an enqueue failure. */
  optionsFor(folder: FolderConfig): Promise<ConvertOptions>;
  /**
   * First delay (ms) before a file whose options, enqueue or converter module failed is tried
   * again; doubles per attempt up to 10 minutes. Also the retry delay of failed post-actions.
   * @default 30000
   */
  retryDelayMs?: number;
  /**
   * While the queue is full, the held files are tried again this often (ms) even without
   * resume(), in case nobody calls it. 0 = only on resume(). @default 60000
   */
  heldRetryMs?: number;
}

/** `converted`: a file's reports are in the queue and the file was post-actioned. */
export interface FileConvertedEvent {
  /** Watch folder name. */
  folder: string;
  /** The source file's path when it was found. */
  file: string;
  format: string;
  reportIds: string[];
  warnings: ConversionWarning[];
  /** Where the file (or its zip) went; the file itself for `keep`; undefined for `delete`. */
  target: string | undefined;
  /** From picking the file up to finishing its post-action (ms). */
  durationMs: number;
}

/** `failed`: a file could not be converted and was moved to Error. */
export interface FileFailedEvent {
  folder: string;
  file: string;
  /** The content of the `.error.json` sidecar. */
  error: FileErrorInfo;
  /** Where the file went in the Error folder (undefined when the move itself failed; retried). */
  target: string | undefined;
}

/** Events: `converted` (FileConvertedEvent), `failed` (FileFailedEvent), `idle` (no payload). */
export interface FilePipeline extends EventEmitter {
  /** Completes unfinished post-actions, scans every folder (files found are scheduled), then watches. */
  start(): Promise<void>;
  /** Lists every folder now (what the periodic rescan does), e.g. after files were copied in while events were missed. */
  rescan(): Promise<void>;
  /** Takes no new conversions (in-flight ones finish). */
  pause(): void;
  /** Takes conversions again, and retries the files held back by a full queue. */
  resume(): void;
  status(): FolderStatus[];
  totals(): { filesConverted: number; filesFailed: number; reportsQueued: number };
  /**
   * Resolves when no file is settling, waiting for a slot, converting, or waiting for a retry
   * (held by a full queue or a failed enqueue). While paused, waiting files keep it pending.
   */
  whenIdle(): Promise<void>;
  /**
   * Stops watching; in-flight conversions get `graceMs` (default 10000) to finish, then their
   * workers are terminated (the files stay and are converted at the next start).
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** Files past conversion that are queueing reports / post-actioning at once (beyond the conversion slots). */
const MAX_FINISHING = 16;

type EntryState = 'settling' | 'ready' | 'converting' | 'held' | 'retry';

interface Entry {
  path: string;
  folder: FolderRuntime;
  state: EntryState;
  priority: number;
  seq: number;
  identity: FileIdentity | undefined;
  /** Retries after failures that are not the file's fault. */
  attempts: number;
  timer: NodeJS.Timeout | undefined;
  /** A watcher event arrived while it was converting. */
  changed: boolean;
}

interface FolderRuntime {
  config: FolderConfig;
  filter: FolderFilter;
  watcher: FolderWatcher | undefined;
  converted: number;
  failed: number;
  reports: number;
  lastFile: string | undefined;
  lastError: LastError | undefined;
}

const MAX_RETRY_DELAY_MS = 10 * 60_000;

export function createFilePipeline(options: FilePipelineOptions): FilePipeline {
  const emitter = new EventEmitter() as FilePipeline;
  const log = 'component' in options.log.bindings() ? options.log : options.log.child({ component: 'pipeline' });
  const retryDelayMs = options.retryDelayMs ?? 30_000;
  const heldRetryMs = options.heldRetryMs ?? 60_000;
  const concurrency = Math.max(1, Math.floor(options.conversion.concurrency));

  const excludedDirs = [
    ...options.folders.flatMap((f) => [f.doneFolder, f.errorFolder]),
    ...options.folders.map((f) => f.path),
  ];
  const folders: FolderRuntime[] = options.folders.map((config) => ({
    config,
    filter: createFolderFilter({
      root: config.path,
      include: config.include,
      exclude: config.exclude,
      recursive: config.recursive,
      excludedDirs,
    }),
    watcher: undefined,
    converted: 0,
    failed: 0,
    reports: 0,
    lastFile: undefined,
    lastError: undefined,
  }));

  const entries = new Map<string, Entry>();
  const ready = new ReadyQueue<Entry>();
  const inflight = new Set<Promise<void>>();
  const idleWaiters: (() => void)[] = [];
  const totals = { filesConverted: 0, filesFailed: 0, reportsQueued: 0 };
  let pool: ConverterPool | undefined;
  let postActions: PostActions | undefined;
  let running = 0;
  let busy = 0; // scans and stable-batch checks in progress
  let seq = 0;
  let paused = false;
  let blocked = false; // the queue said it is full
  let started = false;
  let closing = false;
  let abandoned = false; // close() stopped waiting for in-flight work
  let closed: Promise<void> | undefined;
  let wasIdle = true;
  let rescanTimer: NodeJS.Timeout | undefined;
  let heldTimer: NodeJS.Timeout | undefined;
  let recoverTimer: NodeJS.Timeout | undefined;

  const fileLog = (folder: FolderRuntime, file: string) => log.child({ folder: folder.config.name, file });

  const recordError = (folder: FolderRuntime, message: string, file?: string) => {
    folder.lastError = { at: new Date().toISOString(), component: 'pipeline', message, ...(file ? { file } : {}) };
  };

  // ---- idle tracking -------------------------------------------------------------------

  const isIdle = () => entries.size === 0 && running === 0 && busy === 0;
  const checkIdle = () => {
    const idle = isIdle();
    if (idle && !wasIdle) emitter.emit('idle');
    wasIdle = idle;
    if (idle) for (const resolve of idleWaiters.splice(0)) resolve();
  };
  const busyWhile = async <T>(fn: () => Promise<T>): Promise<T> => {
    busy++;
    wasIdle = false;
    try {
      return await fn();
    } finally {
      busy--;
      checkIdle();
    }
  };

  // ---- discovery and stability ---------------------------------------------------------

  const tracker: StabilityTracker = createStabilityTracker({
    onStable: (files) => void busyWhile(() => onStable(files)),
    onGone: (path) => {
      const e = entries.get(path);
      if (e?.state === 'settling') entries.delete(path);
      checkIdle();
    },
    onError: (path, err) => {
      const e = entries.get(path);
      if (e) fileLog(e.folder, path).warn({ err }, 'cannot check whether the file is complete; trying again');
    },
  });

  const discover = (folder: FolderRuntime, path: string, identity?: FileIdentity) => {
    if (closing || !postActions) return;
    if (!folder.filter.accepts(path)) return;
    if (postActions.isPending(path)) return; // an unfinished post-action owns it
    const e = entries.get(path);
    if (e) {
      if (e.state === 'settling') tracker.track(path, folder.config.settleMs);
      else if (e.state === 'converting') e.changed = true;
      return; // ready/held/retry: the identity check before enqueueing catches changes
    }
    if (identity && postActions.isKept(path, identity)) return;
    entries.set(path, { path, folder, state: 'settling', priority: folder.config.priority, seq: 0, identity: undefined, attempts: 0, timer: undefined, changed: false });
    wasIdle = false;
    tracker.track(path, folder.config.settleMs);
  };

  const gone = (path: string) => {
    const e = entries.get(path);
    if (!e) return;
    if (e.state === 'settling' || e.state === 'ready') {
      tracker.forget(path);
      entries.delete(path);
      checkIdle();
    }
  };

  const onStable = async (files: StableFile[]) => {
    const batch: Entry[] = [];
    for (const f of [...files].sort((a, b) => a.identity.mtimeMs - b.identity.mtimeMs)) {
      const e = entries.get(f.path);
      if (!e || e.state !== 'settling' || !postActions) continue;
      if (postActions.isKept(f.path, f.identity) || (e.folder.config.recursive && (await isInCompanionFolder(e.folder.config.path, f.path)))) {
        entries.delete(f.path);
        continue;
      }
      e.identity = f.identity;
      batch.push(e);
    }
    for (const e of batch) {
      if (entries.get(e.path) !== e || e.state !== 'settling') continue;
      e.state = 'ready';
      e.seq = seq++;
      ready.push(e);
    }
    dispatch();
  };

  // ---- conversion ----------------------------------------------------------------------

  const dispatch = () => {
    // `running` counts conversion slots (worker threads); a file gives its slot back once the
    // worker is done, and queues its reports and post-actions it (fsync-bound work) while the
    // next file converts. At most MAX_FINISHING files are in that second phase at once.
    while (!paused && !blocked && !closing && running < concurrency && inflight.size < concurrency + MAX_FINISHING && ready.size > 0) {
      const e = ready.pop()!;
      if (entries.get(e.path) !== e || e.state !== 'ready') continue;
      e.state = 'converting';
      e.changed = false;
      running++;
      wasIdle = false;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        running--;
        dispatch();
      };
      const job: Promise<void> = processFile(e, release)
        .catch((err: unknown) => {
          fileLog(e.folder, e.path).error({ err }, 'unexpected pipeline error; the file stays and is tried again later');
          recordError(e.folder, `unexpected error: ${(err as Error)?.message ?? String(err)}`, e.path);
          if (entries.get(e.path) === e) retryLater(e);
        })
        .finally(() => {
          inflight.delete(job);
          if (!released) {
            released = true;
            running--;
          }
          dispatch();
          checkIdle();
        });
      inflight.add(job);
    }
  };

  const drop = (e: Entry) => {
    if (e.timer) clearTimeout(e.timer);
    if (entries.get(e.path) === e) entries.delete(e.path);
  };

  const retrack = (e: Entry) => {
    e.state = 'settling';
    e.changed = false;
    tracker.track(e.path, e.folder.config.settleMs);
  };

  /** Not the file's fault (options, queue, converter module): the file stays and is tried again later. */
  const retryLater = (e: Entry, err?: unknown, what?: string) => {
    e.attempts++;
    const delay = Math.min(retryDelayMs * 2 ** (e.attempts - 1), MAX_RETRY_DELAY_MS);
    if (err !== undefined) {
      const message = `${what ?? 'failed'}: ${(err as Error)?.message ?? String(err)}`;
      recordError(e.folder, message, e.path);
      fileLog(e.folder, e.path).warn({ err, retryInMs: delay }, `${what ?? 'failed'}; the file stays and is tried again later`);
    }
    if (closing) return drop(e);
    e.state = 'retry';
    e.timer = setTimeout(() => {
      e.timer = undefined;
      if (entries.get(e.path) === e && e.state === 'retry' && !closing) retrack(e);
    }, delay);
  };

  const hold = (e: Entry) => {
    e.state = 'held';
    if (!blocked) fileLog(e.folder, e.path).warn('upload queue full: conversions wait until it accepts reports again (files stay in their folders)');
    blocked = true;
    if (heldRetryMs > 0 && !heldTimer && !closing) {
      heldTimer = setTimeout(() => {
        heldTimer = undefined;
        releaseHeld();
        dispatch();
      }, heldRetryMs);
    }
  };

  const releaseHeld = () => {
    blocked = false;
    if (heldTimer) clearTimeout(heldTimer);
    heldTimer = undefined;
    for (const e of entries.values()) {
      if (e.state !== 'held') continue;
      e.state = 'ready';
      ready.push(e); // keeps its seq: it goes before files that became ready later
    }
  };

  const targetDirFor = (base: string, e: Entry) => {
    const rel = relative(e.folder.config.path, dirname(e.path));
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? join(base, rel) : base;
  };

  const errorInfo = (folder: FolderConfig, file: string, err: unknown): FileErrorInfo => {
    const base = { time: new Date().toISOString(), file, folder: folder.name, converter: folder.converterModule ?? folder.converter };
    if (err instanceof ConversionError) {
      return { ...base, ...(err.format ? { format: err.format } : {}), code: err.code, reason: err.reason, ...(err.position ? { position: err.position } : {}), message: err.message };
    }
    if (err instanceof ConverterPoolError) return { ...base, code: err.code, reason: err.reason, message: err.message };
    const message = (err as Error)?.message ?? String(err);
    return { ...base, code: 'CONVERT_ERR_INTERNAL', reason: message, message: `${file}: ${message}` };
  };

  const processFile = async (e: Entry, release: () => void): Promise<void> => {
    const folder = e.folder;
    const cfg = folder.config;
    const flog = fileLog(folder, e.path);
    const t0 = Date.now();
    const identity = e.identity!;

    let convertOptions: ConvertOptions;
    try {
      convertOptions = await options.optionsFor(cfg);
    } catch (err) {
      return retryLater(e, err, 'converter options unavailable');
    }
    if (closing) return drop(e);

    let result: ConvertJobResult;
    try {
      result = await pool!.convert({ path: e.path, converter: cfg.converter, converterModule: cfg.converterModule, options: convertOptions });
      release();
    } catch (err) {
      release();
      if (err instanceof ConverterPoolError) {
        if (err.code === 'STATION_ERR_CONVERTER_POOL_CLOSED') return drop(e); // shutting down: converted at next start
        if (err.code === 'STATION_ERR_CONVERTER_LOAD' || err.code === 'STATION_ERR_CONVERT_WORKER_START') return retryLater(e, err, 'converter unavailable');
      } else if (!(err instanceof ConversionError)) {
        return retryLater(e, err, 'conversion failed unexpectedly');
      }
      const now = await statIdentity(e.path);
      if (!now) return drop(e); // vanished (moved away by someone else)
      if (!sameIdentity(now, identity) || e.changed) return retrack(e); // changed under us: judge the new content
      const companion = (err as { needsFolder?: boolean }).needsFolder ? await companionFolderOf(e.path) : undefined;
      return fail(e, identity, errorInfo(cfg, e.path, err), companion);
    }

    // The reports must be those of the file as it is now.
    const now = await statIdentity(e.path);
    if (!now) return drop(e);
    if (!sameIdentity(now, identity) || e.changed) return retrack(e);
    const companion = result.needsFolder ? await companionFolderOf(e.path) : undefined;
    if (result.reports.length === 0) {
      const info: FileErrorInfo = { ...errorInfo(cfg, e.path, new Error('no reports in file')), format: result.format, code: 'STATION_ERR_NO_REPORTS', reason: 'no reports in file', message: `${e.path}: no reports in file` };
      return fail(e, identity, info, companion);
    }

    try {
      await options.enqueue(result.reports, { folder: cfg, file: e.path });
    } catch (err) {
      if (errorCode(err) === 'STATION_ERR_QUEUE_FULL') return hold(e);
      return retryLater(e, err, 'could not queue the reports');
    }
    // close() gave up waiting: leave the file; the next start converts it again (same report ids).
    if (abandoned) return drop(e);
    const n = result.reports.length;
    totals.reportsQueued += n;
    folder.reports += n;

    // The reports are durable: now, and only now, the source may be touched.
    let target: string | undefined;
    try {
      const outcome = await postActions!.postAction({ action: cfg.postAction, source: e.path, identity, targetDir: targetDirFor(cfg.doneFolder, e), folder: cfg.name, ...(companion ? { companion } : {}) });
      target = cfg.postAction === 'delete' ? undefined : outcome.target;
      if (outcome.status !== 'done') flog.warn({ status: outcome.status }, 'the file changed before its post-action; it will be looked at again');
    } catch (err) {
      flog.error({ err }, `post-action "${cfg.postAction}" failed; reports are queued; it is completed later`);
      recordError(folder, `post-action ${cfg.postAction} failed: ${(err as Error)?.message ?? String(err)}`, e.path);
      scheduleRecovery();
    }
    drop(e);
    folder.converted++;
    folder.lastFile = e.path;
    totals.filesConverted++;
    const event: FileConvertedEvent = { folder: cfg.name, file: e.path, format: result.format, reportIds: result.reports.map((r) => String(r.id)), warnings: result.warnings, target, durationMs: Date.now() - t0 };
    flog.info({ format: result.format, reports: n, warnings: result.warnings.length, target, durationMs: event.durationMs }, 'converted');
    emitter.emit('converted', event);
  };

  const fail = async (e: Entry, identity: FileIdentity, info: FileErrorInfo, companion: string | undefined) => {
    const folder = e.folder;
    const cfg = folder.config;
    const flog = fileLog(folder, e.path);
    let target: string | undefined;
    try {
      const outcome = await postActions!.moveToError({ source: e.path, identity, targetDir: targetDirFor(cfg.errorFolder, e), folder: cfg.name, error: info, ...(companion ? { companion } : {}) });
      target = outcome.target;
    } catch (err) {
      flog.error({ err }, 'cannot move the failed file to the Error folder; trying again later');
      scheduleRecovery();
    }
    drop(e);
    folder.failed++;
    folder.lastFile = e.path;
    recordError(folder, info.message, e.path);
    totals.filesFailed++;
    flog.warn({ code: info.code, reason: info.reason, position: info.position, target }, 'conversion failed: file moved to Error');
    emitter.emit('failed', { folder: cfg.name, file: e.path, error: info, target } satisfies FileFailedEvent);
  };

  // ---- post-action recovery ------------------------------------------------------------

  let recovering: Promise<void> | undefined;
  const recover = () =>
    (recovering ??= (async () => {
      try {
        const { completed, failed } = await postActions!.recover();
        if (completed.length) log.info({ completed: completed.map((i) => ({ kind: i.kind, file: i.source })) }, 'completed unfinished post-actions');
        for (const { intent, error } of failed) {
          log.error({ err: error, folder: intent.folder, file: intent.source, kind: intent.kind }, 'unfinished post-action failed again; retrying later');
          const f = folders.find((x) => x.config.name === intent.folder);
          if (f) recordError(f, `post-action ${intent.kind} failed: ${(error as Error)?.message ?? String(error)}`, intent.source);
        }
        if (failed.length) scheduleRecovery();
      } finally {
        recovering = undefined;
      }
    })());

  function scheduleRecovery() {
    if (recoverTimer || closing) return;
    recoverTimer = setTimeout(() => {
      recoverTimer = undefined;
      if (!closing) void recover().catch((err: unknown) => log.error({ err }, 'post-action recovery failed'));
    }, retryDelayMs);
    recoverTimer.unref();
  }

  // ---- scanning ------------------------------------------------------------------------

  /**
   * Lists every folder, then hands all files found to the tracker in one go, so files found
   * together settle together and reach the ready queue in one batch (priority order holds
   * across folders even for the first conversions).
   */
  const scanAll = () =>
    busyWhile(async () => {
      const found = await Promise.all(
        folders.map(async (folder) => {
          try {
            return await scanFolder(folder.filter);
          } catch (err) {
            log.error({ err, folder: folder.config.name }, 'cannot scan the watch folder');
            recordError(folder, `cannot scan: ${(err as Error)?.message ?? String(err)}`);
            return [];
          }
        }),
      );
      for (const [i, files] of found.entries()) for (const f of files) discover(folders[i]!, f.path, f.identity);
    });

  // ---- public --------------------------------------------------------------------------

  emitter.start = async () => {
    if (started) throw new Error('the file pipeline was already started');
    started = true;
    await busyWhile(async () => {
      await mkdir(options.stateDir, { recursive: true });
      postActions = await openPostActions({
        stateDir: options.stateDir,
        warn: (message, details) => log.warn(details, message),
      });
      if (postActions.pendingCount > 0) await recover();
      pool = createConverterPool({ concurrency, timeoutMs: options.conversion.timeoutMs });

      // Watchers first (so nothing created during the scan is missed), then the scan.
      await Promise.all(
        folders.map(async (folder) => {
          try {
            await mkdir(folder.config.path, { recursive: true });
          } catch (err) {
            log.error({ err, folder: folder.config.name }, 'watch folder missing and cannot be created');
            recordError(folder, `watch folder missing: ${(err as Error)?.message ?? String(err)}`);
          }
          const w = createFolderWatcher({
            root: folder.config.path,
            recursive: folder.config.recursive,
            pollIntervalMs: options.watch.pollIntervalMs,
            isIgnored: folder.filter.isIgnored,
          });
          folder.watcher = w;
          w.on('file', (path: string) => discover(folder, path));
          w.on('gone', (path: string) => gone(path));
          w.on('error', (err: Error) => {
            log.warn({ err, folder: folder.config.name }, 'watcher error (the periodic rescan covers missed files)');
            recordError(folder, `watcher: ${err.message}`);
          });
          await w.ready;
          if (closing) await w.close();
        }),
      );
      if (closing) return;
      await scanAll();
      if (options.watch.rescanIntervalMs > 0) {
        let rescanning = false;
        rescanTimer = setInterval(() => {
          if (closing || rescanning) return; // a slow share: never two rescans at once
          rescanning = true;
          void scanAll().finally(() => (rescanning = false));
          if (postActions!.pendingCount > 0) void recover().catch(() => undefined);
        }, options.watch.rescanIntervalMs);
        rescanTimer.unref();
      }
      log.info({ folders: folders.map((f) => f.config.name), waiting: entries.size }, 'watching');
    });
  };

  emitter.rescan = async () => {
    if (!started || closing) return;
    if (postActions!.pendingCount > 0) await recover().catch(() => undefined);
    await scanAll();
  };

  emitter.pause = () => {
    paused = true;
  };

  emitter.resume = () => {
    paused = false;
    releaseHeld();
    dispatch();
    checkIdle();
  };

  emitter.status = () =>
    folders.map((f) => {
      let waiting = 0;
      let converting = 0;
      for (const e of entries.values()) {
        if (e.folder !== f) continue;
        if (e.state === 'converting') converting++;
        else waiting++;
      }
      return {
        name: f.config.name,
        path: f.config.path,
        converter: f.config.converterModule ?? f.config.converter,
        priority: f.config.priority,
        waiting,
        converting,
        converted: f.converted,
        failed: f.failed,
        reports: f.reports,
        ...(f.lastFile ? { lastFile: f.lastFile } : {}),
        ...(f.lastError ? { lastError: f.lastError } : {}),
      };
    });

  emitter.totals = () => ({ ...totals });

  emitter.whenIdle = () =>
    new Promise<void>((resolve) => {
      if (isIdle()) resolve();
      else idleWaiters.push(resolve);
    });

  emitter.close = (opts = {}) =>
    (closed ??= (async () => {
      closing = true;
      const graceMs = opts.graceMs ?? 10_000;
      for (const t of [rescanTimer, heldTimer, recoverTimer]) if (t) clearTimeout(t);
      tracker.close();
      await Promise.all(folders.map((f) => f.watcher?.close().catch(() => undefined)));
      for (const e of [...entries.values()]) if (e.state !== 'converting') drop(e);
      if (inflight.size > 0 && graceMs > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
        clearTimeout(timer);
      }
      await pool?.close(); // running conversions fail with POOL_CLOSED; their files stay
      // Queued reports still get their post-action, unless the queue hangs: everything is
      // journaled, so giving up here is safe (the file is converted again at the next start).
      if (inflight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          Promise.allSettled([...inflight]).then(() => true),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(false), Math.max(graceMs, 5000)))),
        ]);
        clearTimeout(timer);
        if (!finished) {
          abandoned = true;
          log.warn({ files: inflight.size }, 'stopped waiting for in-flight files (enqueue did not return); they are converted again at the next start');
        }
      }
      await recovering?.catch(() => undefined);
      entries.clear();
      for (const resolve of idleWaiters.splice(0)) resolve();
      checkIdle();
      log.info(totals, 'file pipeline closed');
    })());

  return emitter;
}
