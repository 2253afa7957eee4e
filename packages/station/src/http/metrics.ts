/**
 * Prometheus metrics of the station, on a registry of their own (never prom-client's global
 * one, so two stations in one process, or tests, do not collide).
 *
 * Gauges and counters are not kept up to date by the components: they are read from one
 * status snapshot each time /metrics is scraped, so they can never drift from /status.
 * The counters come from the running totals of the snapshot and are exposed as real
 * Prometheus counters (`_total`); they restart from 0 when the process restarts, which
 * `rate()` handles. Only the duration histograms are fed as work happens.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ServiceState, StationStatus, QueueState } from '../types.js';

/** Every metric name starts with this. */
export const METRIC_PREFIX = 'tswats_station_';

const SERVICE_STATES: readonly ServiceState[] = ['starting', 'running', 'paused', 'draining', 'stopped', 'error'];
const QUEUE_STATES: readonly QueueState[] = ['pending', 'failed', 'completed'];

export type ConversionOutcome = 'ok' | 'failed';
export type UploadOutcome = 'ok' | 'retry' | 'failed' | 'offline';

export interface StationMetrics {
  /** The registry holding every station metric (and the default process metrics). */
  readonly registry: Registry;
  /** The Content-Type of {@link text}'s output (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /**
   * Records one conversion of a source file.
   * @param folder  the watch folder's name.
   * @param format  the converter that handled the file (`atml`, `wsjf`, ...).
   * @param seconds how long the conversion took.
   */
  observeConversion(folder: string, format: string, seconds: number, outcome: ConversionOutcome): void;
  /**
   * Records one upload attempt of a report. `retry`: failed, will be tried again;
   * `failed`: failed for good; `offline`: the server could not be reached.
   */
  observeUpload(seconds: number, outcome: UploadOutcome): void;
  /** Every metric in the Prometheus text format, gauges and counters read from `status()` now. */
  text(): Promise<string>;
}

/**
 * Creates the station's metrics.
 * @param status returns the current status snapshot; called at scrape time.
 */
export function createStationMetrics(status: () => StationStatus): StationMetrics {
  const registry = new Registry();
  const name = (n: string) => METRIC_PREFIX + n;

  // One snapshot serves every metric of a scrape made through text(); a direct
  // registry.metrics() call still works, each metric then reads status() itself.
  let scrape: StationStatus | undefined;
  const snapshot = () => scrape ?? status();

  const gauge = <L extends string>(n: string, help: string, labelNames: readonly L[], fill: (g: Gauge<L>, s: StationStatus) => void) =>
    new Gauge<L>({
      name: name(n),
      help,
      labelNames,
      registers: [registry],
      collect() {
        // Reset first: a folder removed from the config must disappear from the output.
        this.reset();
        fill(this, snapshot());
      },
    });

  const counter = <L extends string>(n: string, help: string, labelNames: readonly L[], fill: (c: Counter<L>, s: StationStatus) => void) =>
    new Counter<L>({
      name: name(n),
      help,
      labelNames,
      registers: [registry],
      collect() {
        // The totals are absolute values; set them by resetting and adding.
        this.reset();
        fill(this, snapshot());
      },
    });

  const bool = (v: boolean | null | undefined) => (v === true ? 1 : 0);
  const count = (v: number) => (Number.isFinite(v) && v > 0 ? v : 0);

  gauge('info', 'Always 1; the labels name the station and its version.', ['version', 'station'], (g, s) => {
    g.set({ version: s.version, station: s.station.name }, 1);
  });
  gauge('state', 'The service state: 1 for the current state, 0 for the others.', ['state'], (g, s) => {
    for (const st of SERVICE_STATES) g.set({ state: st }, st === s.state ? 1 : 0);
  });
  gauge('queue_items', 'Reports in the upload queue, by state.', ['state'], (g, s) => {
    for (const st of QUEUE_STATES) g.set({ state: st }, count(s.queue.counts[st] ?? 0));
  });
  gauge('queue_sending', 'Uploads in flight now.', [], (g, s) => g.set(count(s.queue.sending)));
  gauge('queue_oldest_pending_age_seconds', 'Age of the oldest pending report; 0 when nothing is pending.', [], (g, s) =>
    g.set(count(s.queue.oldestPendingAgeSeconds ?? 0)),
  );
  gauge('queue_accepting', '1 while the queue accepts new reports; 0 when it is full or the disk is low.', [], (g, s) =>
    g.set(bool(s.queue.accepting)),
  );
  gauge('queue_max_items', 'Waiting reports at which the queue stops accepting.', [], (g, s) => g.set(count(s.queue.maxItems)));
  gauge('server_up', '1 when the last check reached the WATS server; 0 when it failed or none was made yet.', [], (g, s) =>
    g.set(bool(s.server.reachable)),
  );
  gauge('folder_waiting', 'Files seen in a watch folder and waiting to settle or for a conversion slot.', ['folder'], (g, s) => {
    for (const f of s.folders) g.set({ folder: f.name }, count(f.waiting));
  });
  gauge('folder_converting', 'Files of a watch folder being converted now.', ['folder'], (g, s) => {
    for (const f of s.folders) g.set({ folder: f.name }, count(f.converting));
  });
  gauge('cache_age_seconds', 'Age of the reference cache (process list); -1 when there is none yet.', [], (g, s) =>
    g.set(s.cache.ageSeconds ?? -1),
  );
  gauge('uptime_seconds', 'Seconds since the service started.', [], (g, s) => g.set(count(s.uptimeSeconds)));

  counter('files_converted_total', 'Source files converted, by watch folder.', ['folder'], (c, s) => {
    for (const f of s.folders) c.inc({ folder: f.name }, count(f.converted));
  });
  counter('files_failed_total', 'Source files that failed to convert (moved to Error), by watch folder.', ['folder'], (c, s) => {
    for (const f of s.folders) c.inc({ folder: f.name }, count(f.failed));
  });
  counter('reports_queued_total', 'Reports put into the upload queue.', [], (c, s) => c.inc(count(s.totals.reportsQueued)));
  counter('reports_uploaded_total', 'Reports the WATS server accepted.', [], (c, s) => c.inc(count(s.totals.reportsUploaded)));
  counter('upload_failures_total', 'Failed upload attempts (retried or not).', [], (c, s) => c.inc(count(s.totals.uploadFailures)));

  const conversion = new Histogram<'folder' | 'format' | 'outcome'>({
    name: name('conversion_duration_seconds'),
    help: 'Time to convert one source file.',
    labelNames: ['folder', 'format', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const upload = new Histogram<'outcome'>({
    name: name('upload_duration_seconds'),
    help: 'Time of one upload attempt.',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });

  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  const seconds = (v: number) => (Number.isFinite(v) && v >= 0 ? v : 0);

  return {
    registry,
    contentType: registry.contentType,
    observeConversion(folder, format, secs, outcome) {
      conversion.observe({ folder, format, outcome }, seconds(secs));
    },
    observeUpload(secs, outcome) {
      upload.observe({ outcome }, seconds(secs));
    },
    async text() {
      scrape = status();
      try {
        return await registry.metrics();
      } finally {
        scrape = undefined;
      }
    },
  };
}
