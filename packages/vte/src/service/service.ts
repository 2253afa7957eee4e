/**
 * The VTE sync service (`tswats vte run`): a pass every `sync.intervalMs` (never two at once),
 * a pass on request (`runNow()`, POST /run, SIGUSR1), periodic database and WATS checks, a
 * status server with Prometheus metrics, e-mail alerts, and systemd notifications.
 */
import { VERSION, WatsClient } from '@tswats/sdk';
import { createLogger, createServiceStatusServer, createSystemdNotifier, type ServiceStatusServer, type SystemdNotifier } from '@tswats/station';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { VteConfig } from '../config/types.js';
import { openVteSource, type VteSource } from '../db/source.js';
import { createVteSync, type VteSync } from '../sync/sync.js';
import { localToInstant } from '../sync/time.js';
import type { SyncSummary } from '../sync/types.js';
import { createAlerter, type VteAlerter } from './alert.js';

export interface StartVteServiceOptions {
  /** @default a pino logger from `config.log` that redacts the secrets */
  log?: Logger;
  /** Listen for SIGUSR1 (run a pass now). @default true */
  handleSignals?: boolean;
  /** Environment of the systemd notifier. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** The clock (alerts, lag). @default Date.now */
  now?: () => number;
}

export interface VteServiceError {
  at: string;
  component: 'sync' | 'database' | 'wats' | 'alert';
  message: string;
}

export interface VteServiceStatus {
  state: 'running' | 'stopping';
  ready: boolean;
  reason?: string;
  version: string;
  startedAt: string;
  uptimeSeconds: number;
  /** When the last pass finished without stopping early. */
  lastSyncAt: string | null;
  lastPassAt: string | null;
  nextPassAt: string | null;
  passing: boolean;
  passes: number;
  /** Since start, runs and repairs together. */
  totals: { read: number; uploaded: number; skipped: number; deadLettered: number };
  /** Dead letters in the folder now. */
  deadLetters: number;
  watermarks: ReturnType<VteSync['status']>['watermarks'];
  /**
   * Seconds the sync is behind the newest VTE run: the newest run's timestamp minus the run watermark
   * (before the first watermark: minus the oldest run at or after startAt); 0 when in step or no runs;
   * null before the first check. Updated by every connectivity check.
   */
  lagSeconds: number | null;
  errors: number;
  lastErrors: VteServiceError[];
  database: { reachable: boolean | null; checkedAt: string | null; error?: string };
  wats: { url: string; reachable: boolean | null; checkedAt: string | null; error?: string };
  alerts: { enabled: boolean; sent: number; suppressed: number; failed: number; last: string | null };
  lastPass: SyncSummary | undefined;
}

export interface VteServiceHandle {
  /** `http://host:port` of the status server, undefined when `http.enabled` is false. */
  readonly url: string | undefined;
  readonly log: Logger;
  readonly sync: VteSync;
  status(): VteServiceStatus;
  /** Asks for a pass now (after the running one); false when one was already queued. */
  runNow(): boolean;
  /** Resolves after the next pass has finished. */
  nextPass(): Promise<SyncSummary>;
  /** Stops the schedule, lets the running pass finish its uploads in flight, closes everything. */
  close(): Promise<void>;
}

const MAX_LAST_ERRORS = 20;

export async function startVteService(config: VteConfig, options: StartVteServiceOptions = {}): Promise<VteServiceHandle> {
  if (!config.server.baseUrl) throw new Error('server.url is not set (or env WATS_BASE_URL)');
  const secrets = [config.server.token, config.http.token, config.database.password, config.alert?.smtp.password].filter((s): s is string => !!s);
  const log = options.log ?? createLogger(config.log, secrets);
  const now = options.now ?? Date.now;
  const startedAt = now();
  const client = new WatsClient({
    baseUrl: config.server.baseUrl,
    ...(config.server.token ? { token: config.server.token } : {}),
    timeout: config.server.timeoutMs,
    logLevel: 'off',
    userAgentSuffix: `tswats-vte/${VERSION}`,
  });
  const source: VteSource = await openVteSource(config);
  let sync: VteSync;
  try {
    sync = await createVteSync({
      config, source, client, stateDir: config.sync.stateDir, startAt: config.sync.startAt, guardBandMs: config.sync.guardBandMs,
      settleMs: config.sync.settleMs, uploadConcurrency: config.sync.uploadConcurrency, log: log.child({ component: 'sync' }),
    });
  } catch (err) {
    await source.close();
    throw err;
  }

  const lastErrors: VteServiceError[] = [];
  let errors = 0;
  let errorsSinceAlert = 0;
  const recordError = (component: VteServiceError['component'], message: string) => {
    errors++;
    errorsSinceAlert++;
    lastErrors.unshift({ at: new Date(now()).toISOString(), component, message });
    if (lastErrors.length > MAX_LAST_ERRORS) lastErrors.length = MAX_LAST_ERRORS;
    metrics.errors.inc({ component });
  };

  // Metrics: a registry of our own.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tswats_vte_process_' });
  const metrics = {
    records: new Counter({ name: 'tswats_vte_records_total', help: 'Records by kind and outcome since start.', labelNames: ['kind', 'outcome'] as const, registers: [registry] }),
    passes: new Counter({ name: 'tswats_vte_passes_total', help: 'Sync passes by result.', labelNames: ['result'] as const, registers: [registry] }),
    errors: new Counter({ name: 'tswats_vte_errors_total', help: 'Errors by component.', labelNames: ['component'] as const, registers: [registry] }),
    lastSync: new Gauge({ name: 'tswats_vte_last_sync_timestamp_seconds', help: 'End of the last pass that did not stop early.', registers: [registry] }),
    lag: new Gauge({ name: 'tswats_vte_lag_seconds', help: 'Seconds between the newest VTE run and the run watermark (0 when in step).', registers: [registry] }),
    deadLetters: new Gauge({ name: 'tswats_vte_dead_letters', help: 'Dead letters in the folder.', registers: [registry] }),
    up: new Gauge({ name: 'tswats_vte_up', help: '1 when the target answered the last check.', labelNames: ['target'] as const, registers: [registry] }),
    alerts: new Counter({ name: 'tswats_vte_alerts_total', help: 'Alert e-mails by result.', labelNames: ['result'] as const, registers: [registry] }),
  };

  const totals = { read: 0, uploaded: 0, skipped: 0, deadLettered: 0 };
  let passes = 0;
  let lastSyncAt: number | undefined;
  let lastPassAt: number | undefined;
  let progressAt = startedAt;
  let lagSeconds: number | null = null;
  const db: VteServiceStatus['database'] = { reachable: null, checkedAt: null };
  const wats: VteServiceStatus['wats'] = { url: config.server.baseUrl, reachable: null, checkedAt: null };
  const alerter: VteAlerter | undefined = config.alert ? createAlerter(config.alert, log.child({ component: 'alert' }), now) : undefined;
  let noProgressAlerted = false;

  sync.on('deadLettered', (e) => recordError('sync', `dead letter ${e.kind} ${e.guid}: ${e.reason}`));

  const notifier: SystemdNotifier = createSystemdNotifier({ log: log.child({ component: 'systemd' }), ...(options.env ? { env: options.env } : {}) });

  let state: VteServiceStatus['state'] = 'running';
  let running: Promise<SyncSummary> | undefined;
  let queued = false;
  let timer: NodeJS.Timeout | undefined;
  let nextPassAt: number | undefined;
  const abort = new AbortController();
  const waiters: ((s: SyncSummary) => void)[] = [];

  const checkAlerts = async () => {
    if (!alerter || !config.alert) return;
    const t = now();
    if (t - progressAt >= config.alert.noProgressAfterMs && !noProgressAlerted) {
      const since = new Date(progressAt).toISOString();
      const sentNow = await alerter.send(
        `no progress since ${since}`,
        `The VTE sync has not completed a pass since ${since}.\n\nRecent errors:\n${lastErrors.slice(0, 10).map((e) => `${e.at} ${e.component}: ${e.message}`).join('\n') || '(none)'}\n`,
      );
      metrics.alerts.inc({ result: sentNow ? 'sent' : 'suppressed' });
      if (sentNow) noProgressAlerted = true;
    }
    if (errorsSinceAlert >= config.alert.errorThreshold) {
      const n = errorsSinceAlert;
      const sentNow = await alerter.send(
        `${n} errors`,
        `The VTE sync recorded ${n} errors (threshold ${config.alert.errorThreshold}).\n\nRecent errors:\n${lastErrors.slice(0, 10).map((e) => `${e.at} ${e.component}: ${e.message}`).join('\n')}\n`,
      );
      metrics.alerts.inc({ result: sentNow ? 'sent' : 'suppressed' });
      if (sentNow) errorsSinceAlert = 0;
    }
  };

  const onPass = (s: SyncSummary) => {
    passes++;
    lastPassAt = now();
    for (const k of [s.runs, s.repairs]) {
      totals.read += k.read;
      totals.uploaded += k.uploaded;
      totals.skipped += k.skipped + k.skippedDeadLetter;
      totals.deadLettered += k.deadLettered;
    }
    for (const [kind, k] of [['run', s.runs], ['repair', s.repairs]] as const) {
      metrics.records.inc({ kind, outcome: 'read' }, k.read);
      metrics.records.inc({ kind, outcome: 'uploaded' }, k.uploaded);
      metrics.records.inc({ kind, outcome: 'skipped' }, k.skipped + k.skippedDeadLetter);
      metrics.records.inc({ kind, outcome: 'dead_lettered' }, k.deadLettered);
    }
    metrics.deadLetters.set(sync.deadLetters.size);
    if (s.aborted && s.aborted.stage !== 'stopped') {
      metrics.passes.inc({ result: 'stopped' });
      recordError(s.aborted.stage === 'read' ? 'database' : 'wats', `pass stopped (${s.aborted.stage}): ${s.aborted.reason}`);
    } else if (!s.aborted) {
      metrics.passes.inc({ result: 'complete' });
      lastSyncAt = lastPassAt;
      progressAt = lastPassAt;
      noProgressAlerted = false;
      metrics.lastSync.set(lastSyncAt / 1000);
    }
  };

  const schedule = (delay: number) => {
    if (state !== 'running') return;
    if (timer) clearTimeout(timer);
    nextPassAt = now() + delay;
    timer = setTimeout(() => void pass(), delay);
  };

  const pass = async (): Promise<void> => {
    if (state !== 'running') return;
    if (running) {
      queued = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = undefined;
    nextPassAt = undefined;
    running = sync.runOnce({ signal: abort.signal });
    try {
      const s = await running;
      onPass(s);
      for (const w of waiters.splice(0)) w(s);
      notifier.status(`last pass ${new Date(lastPassAt ?? now()).toISOString()}: ${s.runs.uploaded} runs uploaded${s.aborted ? ` (stopped: ${s.aborted.stage})` : ''}`);
    } catch (err) {
      recordError('sync', (err as Error).message);
      log.error({ err }, 'pass failed');
    } finally {
      running = undefined;
    }
    // The lag after the pass (the connectivity check measures it too); a failure shows in the next check.
    if (state === 'running') await measureLag().catch((err: unknown) => log.debug({ err }, 'lag measurement failed'));
    await checkAlerts().catch(() => {});
    if (queued) {
      queued = false;
      void pass();
    } else {
      schedule(config.sync.intervalMs);
    }
  };

  /**
   * Lag: the newest VTE run's timestamp minus the run watermark (both local VTE times, read in
   * `timeZone`). Before the first watermark the reference is the oldest run at or after startAt.
   */
  const measureLag = async () => {
    const newest = await source.readNewestRun();
    const mark = sync.watermark('run');
    let reference = mark?.timestamp;
    if (newest && reference === undefined) reference = (await source.readRunBatch({ since: config.sync.startAt, limit: 1 }))[0]?.timestamp;
    lagSeconds = newest && reference !== undefined
      ? Math.max(0, Math.round((localToInstant(newest.timestamp, config.timeZone) - localToInstant(reference, config.timeZone)) / 1000))
      : 0;
    metrics.lag.set(lagSeconds);
  };

  const check = async () => {
    const t = new Date(now()).toISOString();
    try {
      await measureLag();
      Object.assign(db, { reachable: true, checkedAt: t, error: undefined });
      metrics.up.set({ target: 'database' }, 1);
    } catch (err) {
      if (db.reachable !== false) log.warn({ err }, 'VTE database unreachable');
      Object.assign(db, { reachable: false, checkedAt: t, error: (err as Error).message });
      metrics.up.set({ target: 'database' }, 0);
      recordError('database', `check failed: ${(err as Error).message}`);
    }
    try {
      await client.app.version({ maxRetries: 0, timeout: 15_000 });
      Object.assign(wats, { reachable: true, checkedAt: t, error: undefined });
      metrics.up.set({ target: 'wats' }, 1);
    } catch (err) {
      if (wats.reachable !== false) log.warn({ err: (err as Error).message }, 'WATS unreachable');
      Object.assign(wats, { reachable: false, checkedAt: t, error: (err as Error).message });
      metrics.up.set({ target: 'wats' }, 0);
      recordError('wats', `check failed: ${(err as Error).message}`);
    }
    await checkAlerts().catch(() => {});
  };

  const status = (): VteServiceStatus => {
    const s = sync.status();
    const reason = state !== 'running' ? 'stopping' : db.reachable === false ? 'VTE database unreachable' : wats.reachable === false ? 'WATS unreachable' : undefined;
    const iso = (n: number | undefined) => (n === undefined ? null : new Date(n).toISOString());
    return {
      state, ready: reason === undefined, ...(reason ? { reason } : {}), version: VERSION, startedAt: new Date(startedAt).toISOString(),
      uptimeSeconds: Math.round((now() - startedAt) / 1000), lastSyncAt: iso(lastSyncAt), lastPassAt: iso(lastPassAt), nextPassAt: iso(nextPassAt),
      passing: s.running, passes, totals: { ...totals }, deadLetters: s.deadLetters, watermarks: s.watermarks, lagSeconds, errors,
      lastErrors: [...lastErrors], database: { ...db }, wats: { ...wats },
      alerts: { enabled: !!alerter, sent: alerter?.sent ?? 0, suppressed: alerter?.suppressed ?? 0, failed: alerter?.failed ?? 0, last: alerter?.last?.at ?? null },
      lastPass: s.lastPass,
    };
  };

  const runNow = (): boolean => {
    if (state !== 'running') return false;
    if (running) {
      const was = queued;
      queued = true;
      return !was;
    }
    void pass();
    return true;
  };

  let server: ServiceStatusServer | undefined;
  try {
    if (config.http.enabled) {
      server = await createServiceStatusServer({
        config: config.http, realm: 'tswats-vte', status, runNow, log: log.child({ component: 'http' }),
        metrics: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
      });
    }
  } catch (err) {
    await sync.close();
    await source.close();
    alerter?.close();
    throw err;
  }

  const onUsr1 = () => {
    log.info({}, 'SIGUSR1: pass now');
    runNow();
  };
  if (options.handleSignals ?? true) process.on('SIGUSR1', onUsr1);

  await check();
  const checkTimer = setInterval(() => void check(), config.sync.connectivityIntervalMs);
  checkTimer.unref();
  void pass();
  notifier.ready(`syncing to ${config.server.baseUrl}`);
  log.info({ server: config.server.baseUrl, status: server?.url, intervalMs: config.sync.intervalMs }, 'VTE sync service started');

  return {
    url: server?.url,
    log,
    sync,
    status,
    runNow,
    nextPass: () => new Promise((resolve) => waiters.push(resolve)),
    async close() {
      if (state === 'stopping') return;
      state = 'stopping';
      notifier.stopping();
      process.off('SIGUSR1', onUsr1);
      if (timer) clearTimeout(timer);
      clearInterval(checkTimer);
      abort.abort();
      await running?.catch(() => undefined);
      await server?.close();
      await sync.close();
      await source.close();
      alerter?.close();
      notifier.close();
      log.info({}, 'VTE sync service stopped');
    },
  };
}
