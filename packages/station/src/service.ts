/**
 * The station service: wires the file pipeline (watch -> settle -> convert), the durable
 * upload queue, the reference cache, the status server and systemd notification together.
 * `startStation(config)` returns a handle with `status()` and `close()`; the CLI's
 * `tswats station run` is a thin layer over it (plus signal handling, in run.ts).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { VERSION, WatsClient, createReferenceCache, type ReferenceCache, type Logger as SdkLogger } from '@tswats/sdk';
import { FileCacheStorage } from '@tswats/sdk/node';
import type { ConvertOptions } from '@tswats/converters';
import { createFilePipeline, type FilePipeline } from './pipeline/index.js';
import { openUploadQueue, type UploadQueue } from './queue/index.js';
import { createStatusServer, type StatusServer } from './http/status-server.js';
import { createStationMetrics, type StationMetrics } from './http/metrics.js';
import { createSystemdNotifier } from './systemd/sd-notify.js';
import { closeLogger, createLogger } from './log.js';
import type { FolderConfig, LastError, ServiceState, StationConfig, StationStatus } from './types.js';

export interface StartStationOptions {
  /** Where the service logs. @default a pino logger from `config.log` that redacts the tokens */
  log?: Logger;
  /** Environment for systemd notification (NOTIFY_SOCKET, WATCHDOG_USEC). @default process.env */
  env?: Record<string, string | undefined>;
}

export interface StationHandle {
  readonly config: StationConfig;
  /** The status server's URL, when it runs. */
  readonly statusUrl: string | undefined;
  readonly queue: UploadQueue;
  readonly pipeline: FilePipeline;
  readonly log: Logger;
  status(): StationStatus;
  /** Resolves when no file is waiting or converting and no report is pending or sending. */
  whenIdle(): Promise<void>;
  /**
   * Stops watching, lets in-flight conversions and uploads finish for up to `graceMs`
   * (then abandons them safely: their files and queue items stay and are picked up at the
   * next start), and closes everything. Safe to call twice.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

const MAX_LAST_ERRORS = 20;

/** Starts the station service with a resolved configuration. */
export async function startStation(config: StationConfig, options: StartStationOptions = {}): Promise<StationHandle> {
  const secrets = [config.server.token, config.http.token].filter((s): s is string => !!s);
  const log = options.log ?? createLogger(config.log, secrets);
  const startedAt = new Date();
  let state: ServiceState = 'starting';
  const lastErrors: LastError[] = [];
  const recordError = (e: Omit<LastError, 'at'>) => {
    lastErrors.unshift({ at: new Date().toISOString(), ...e });
    if (lastErrors.length > MAX_LAST_ERRORS) lastErrors.length = MAX_LAST_ERRORS;
  };

  const client = new WatsClient({
    baseUrl: config.server.baseUrl,
    token: config.server.token,
    timeout: config.server.timeoutMs,
    logger: sdkLogger(log.child({ component: 'sdk' })),
    logLevel: 'warn',
    userAgentSuffix: `tswats-station/${VERSION}`,
  });
  const cache = createReferenceCache(client, {
    storage: new FileCacheStorage(join(config.cacheDir, 'reference-cache.json')),
    refreshIntervalMs: 600_000,
    request: { maxRetries: 0, timeout: Math.min(config.server.timeoutMs, 15_000) },
  });

  const started: { close(): Promise<void> | void }[] = [];
  const closeStarted = async () => {
    for (const c of started.reverse()) await Promise.resolve(c.close()).catch(() => {});
  };

  let queue: UploadQueue;
  try {
    queue = await openUploadQueue({ config: config.queue, client, log: log.child({ component: 'queue' }), pingIntervalMs: config.server.pingIntervalMs });
  } catch (err) {
    await cache.close();
    throw err;
  }
  started.push({ close: () => queue.close({ graceMs: 0 }) });
  started.push(cache);

  const pipeline = createFilePipeline({
    folders: config.folders,
    conversion: config.conversion,
    watch: config.watch,
    stateDir: config.stateDir,
    log: log.child({ component: 'pipeline' }),
    enqueue: async (reports, { folder, file }) => {
      await queue.enqueueMany(reports, { priority: folder.priority, source: { file, folder: folder.name } });
    },
    optionsFor: (folder) => optionsFor(folder, cache),
  });

  // Back-pressure: a full queue (or disk) pauses conversion; files wait in their folders.
  queue.on('accepting', (accepting: boolean) => {
    if (accepting) {
      log.info({ component: 'station' }, 'queue accepting again: conversion resumes');
      if (state === 'paused') state = 'running';
      pipeline.resume();
    } else {
      log.warn({ component: 'station', queue: queue.counts() }, 'queue full: conversion paused until it drains (files wait in their folders)');
      if (state === 'running') state = 'paused';
      pipeline.pause();
    }
  });
  queue.on('offline', () => {
    recordError({ component: 'server', message: `server unreachable: ${queue.lastServerError ?? 'no answer'}` });
    log.warn({ component: 'station', server: config.server.baseUrl }, 'WATS server unreachable: reports are kept in the queue until it answers');
  });
  queue.on('online', () => log.info({ component: 'station', server: config.server.baseUrl }, 'WATS server reachable: draining the queue'));
  queue.on('failed', (item: { id: string; lastError?: { message: string }; source?: { file: string } }) => {
    recordError({ component: 'queue', message: item.lastError?.message ?? 'upload failed', reportId: item.id, ...(item.source ? { file: item.source.file } : {}) });
  });
  pipeline.on('failed', (e: { folder: FolderConfig | string; file: string; error: { reason?: string; message?: string } }) => {
    recordError({ component: 'pipeline', message: e.error.reason ?? e.error.message ?? 'conversion failed', file: e.file });
  });

  const metrics: StationMetrics = createStationMetrics(() => status());
  pipeline.on('converted', (e: { folder: FolderConfig | string; format: string; durationMs?: number }) => {
    if (e.durationMs !== undefined) metrics.observeConversion(folderName(e.folder), e.format, e.durationMs / 1000, 'ok');
  });
  queue.on('uploaded', (item: { durationMs?: number }) => {
    if (item.durationMs !== undefined) metrics.observeUpload(item.durationMs / 1000, 'ok');
  });

  let cacheAgeSeconds: number | null = null;
  const refreshCacheAge = async () => {
    const s = await cache.status().catch(() => undefined);
    const ages = s?.entries.map((e) => e.ageMs) ?? [];
    cacheAgeSeconds = ages.length ? Math.round(Math.max(...ages) / 1000) : null;
  };
  const cacheTimer = setInterval(() => void refreshCacheAge(), 30_000);
  cacheTimer.unref();
  started.push({ close: () => clearInterval(cacheTimer) });

  function status(): StationStatus {
    const counts = queue.counts();
    const oldest = queue.oldestPendingAt();
    const totals = pipeline.totals();
    const q = queue.stats();
    return {
      state,
      version: VERSION,
      startedAt: startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      station: config.station,
      server: {
        url: config.server.baseUrl,
        reachable: queue.online,
        ...(queue.lastCheckAt ? { lastCheckAt: new Date(queue.lastCheckAt).toISOString() } : {}),
        ...(queue.lastServerError ? { lastError: queue.lastServerError } : {}),
      },
      queue: {
        counts,
        sending: queue.sendingCount(),
        oldestPendingAgeSeconds: oldest === undefined ? null : Math.max(0, Math.round((Date.now() - oldest) / 1000)),
        accepting: queue.isAccepting(),
        maxItems: config.queue.maxItems,
      },
      folders: pipeline.status(),
      totals: {
        filesConverted: totals.filesConverted,
        filesFailed: totals.filesFailed,
        reportsQueued: totals.reportsQueued,
        reportsUploaded: q.uploaded,
        uploadFailures: q.uploadFailures,
      },
      lastErrors: lastErrors.slice(),
      cache: { ageSeconds: cacheAgeSeconds },
    };
  }

  let http: StatusServer | undefined;
  const notifier = createSystemdNotifier({ env: options.env ?? process.env, log: log.child({ component: 'systemd' }), isHealthy: () => state !== 'error' && state !== 'stopped' });
  try {
    if (config.http.enabled) {
      http = await createStatusServer({
        config: config.http,
        status,
        metrics,
        log: log.child({ component: 'http' }),
        actions: {
          listQueue: (filter) => queue.list(filter),
          retry: (id) => queue.retry(id),
          retryAllFailed: () => queue.retryAllFailed(),
          purge: (o) => queue.purge(o),
          runNow: () => void pipeline.rescan().catch((err) => log.warn({ component: 'station', err }, 'rescan failed')),
        },
      });
      const server = http;
      started.push({ close: () => server.close() });
    }
    queue.start();
    await pipeline.start();
    started.push({ close: () => pipeline.close({ graceMs: 0 }) });
  } catch (err) {
    notifier.close();
    await closeStarted();
    throw err;
  }
  state = queue.isAccepting() ? 'running' : 'paused';
  void refreshCacheAge();
  // Warm the process cache when folders name processes, so they resolve offline later.
  if (config.folders.some((f) => f.processName)) void cache.getProcesses().catch(() => {});
  notifier.ready(`watching ${config.folders.length} folder(s); queue ${queue.counts().pending} pending`);
  log.info(
    { component: 'station', version: VERSION, station: config.station.name, server: config.server.baseUrl, folders: config.folders.map((f) => f.path), status: http?.url, queue: queue.counts() },
    'station running',
  );

  let closing: Promise<void> | undefined;
  const handle: StationHandle = {
    config,
    statusUrl: http?.url,
    queue,
    pipeline,
    log,
    status,
    whenIdle: async () => {
      for (;;) {
        await pipeline.whenIdle();
        await queue.whenIdle();
        // A conversion may have queued reports while we waited for the queue; check both again.
        if (pipeline.status().every((f) => f.waiting === 0 && f.converting === 0) && queue.counts().pending === 0 && queue.sendingCount() === 0) return;
      }
    },
    close: (opts = {}) => {
      closing ??= (async () => {
        const graceMs = opts.graceMs ?? 10_000;
        state = 'draining';
        http?.setDraining(true);
        notifier.stopping();
        log.info({ component: 'station', graceMs }, 'stopping: no new files; finishing in-flight work');
        await pipeline.close({ graceMs }).catch((err) => log.error({ component: 'station', err }, 'pipeline close failed'));
        await queue.close({ graceMs }).catch((err) => log.error({ component: 'station', err }, 'queue close failed'));
        clearInterval(cacheTimer);
        await cache.close().catch(() => {});
        await http?.close().catch(() => {});
        notifier.close();
        state = 'stopped';
        log.info({ component: 'station' }, 'stopped');
        if (!options.log) await closeLogger(log); // ours: flush it; a caller's logger is the caller's
      })();
      return closing;
    },
  };
  return handle;
}

function folderName(f: FolderConfig | string): string {
  return typeof f === 'string' ? f : f.name;
}

/** Converter options of a folder; a process name is resolved to its code through the (offline) cache. */
async function optionsFor(folder: FolderConfig, cache: ReferenceCache): Promise<ConvertOptions> {
  if (!folder.processName) return folder.options;
  const code = await resolveProcessCode(folder.processName, cache);
  return { ...folder.options, processCode: code };
}

/** Looks a process (test operation) name up in the server's process list, cached for offline use. */
export async function resolveProcessCode(name: string, cache: ReferenceCache): Promise<number> {
  let result;
  try {
    result = await cache.getProcesses<unknown[]>();
  } catch (err) {
    throw new Error(
      `cannot resolve process "${name}": the server is unreachable and no process list is cached yet (the station must reach the server once): ${(err as Error).message}`,
      { cause: err },
    );
  }
  const list = Array.isArray(result.value) ? (result.value as Record<string, unknown>[]) : [];
  const wanted = name.trim().toLowerCase();
  const hit = list.find((p) => typeof p.name === 'string' && p.name.trim().toLowerCase() === wanted);
  const code = hit?.code;
  if (typeof code !== 'number') {
    const known = list.map((p) => `${String(p.name)} (${String(p.code)})`).join(', ');
    throw new Error(`process "${name}" is not defined on the server${known ? `; known: ${known}` : ''}`);
  }
  return code;
}

/** The SDK logs through pino: message first, details as a field. */
function sdkLogger(log: Logger): SdkLogger {
  const at =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (message: string, ...rest: unknown[]) =>
      rest.length ? log[level]({ details: rest }, message) : log[level](message);
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
