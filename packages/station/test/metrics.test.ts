/** Station metrics: read from the status snapshot at scrape time, on their own registry. */
import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createStationMetrics } from '../src/http/metrics.js';
import type { StationStatus } from '../src/types.js';
import { sampleStatus } from './http.fixtures.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text format samples (comments skipped). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

function typeOf(text: string, name: string): string | undefined {
  return new RegExp(`^# TYPE ${name} (\\w+)$`, 'm').exec(text)?.[1];
}

describe('createStationMetrics', () => {
  it('exposes gauges from the status snapshot, with the tswats_station_ prefix', async () => {
    const metrics = createStationMetrics(() => sampleStatus());
    const text = await metrics.text();
    const s = parse(text);

    expect(s.every((x) => x.name.startsWith('tswats_station_'))).toBe(true);
    expect(value(s, 'tswats_station_queue_items', { state: 'pending' })).toBe(5);
    expect(value(s, 'tswats_station_queue_items', { state: 'failed' })).toBe(2);
    expect(value(s, 'tswats_station_queue_items', { state: 'completed' })).toBe(40);
    expect(value(s, 'tswats_station_queue_sending')).toBe(1);
    expect(value(s, 'tswats_station_queue_oldest_pending_age_seconds')).toBe(42);
    expect(value(s, 'tswats_station_queue_accepting')).toBe(1);
    expect(value(s, 'tswats_station_queue_max_items')).toBe(10_000);
    expect(value(s, 'tswats_station_server_up')).toBe(1);
    expect(value(s, 'tswats_station_folder_waiting', { folder: 'ict' })).toBe(2);
    expect(value(s, 'tswats_station_folder_converting', { folder: 'ict' })).toBe(1);
    expect(value(s, 'tswats_station_folder_waiting', { folder: 'final' })).toBe(0);
    expect(value(s, 'tswats_station_state', { state: 'running' })).toBe(1);
    expect(value(s, 'tswats_station_state', { state: 'paused' })).toBe(0);
    expect(value(s, 'tswats_station_cache_age_seconds')).toBe(120);
    expect(value(s, 'tswats_station_info', { version: '0.1.0', station: 'line1-ict' })).toBe(1);
    expect(typeOf(text, 'tswats_station_queue_items')).toBe('gauge');
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('exposes the status totals as real counters named _total', async () => {
    const metrics = createStationMetrics(() => sampleStatus());
    const text = await metrics.text();
    const s = parse(text);

    for (const name of ['files_converted_total', 'files_failed_total', 'reports_queued_total', 'reports_uploaded_total', 'upload_failures_total']) {
      expect(typeOf(text, `tswats_station_${name}`)).toBe('counter');
    }
    expect(value(s, 'tswats_station_files_converted_total', { folder: 'ict' })).toBe(40);
    expect(value(s, 'tswats_station_files_converted_total', { folder: 'final' })).toBe(7);
    expect(value(s, 'tswats_station_files_failed_total', { folder: 'ict' })).toBe(3);
    expect(value(s, 'tswats_station_reports_queued_total')).toBe(50);
    expect(value(s, 'tswats_station_reports_uploaded_total')).toBe(45);
    expect(value(s, 'tswats_station_upload_failures_total')).toBe(6);
  });

  it('reads a fresh snapshot on every scrape, once per scrape, and drops folders that are gone', async () => {
    let current: StationStatus = sampleStatus();
    let calls = 0;
    const metrics = createStationMetrics(() => {
      calls++;
      return current;
    });
    await metrics.text();
    expect(calls).toBe(1);

    current = sampleStatus({
      state: 'paused',
      server: { url: 'https://wats.example.com', reachable: null },
      queue: { counts: { pending: 9, failed: 0, completed: 0 }, sending: 0, oldestPendingAgeSeconds: null, accepting: false, maxItems: 9 },
      folders: [current.folders[0]!],
      totals: { filesConverted: 60, filesFailed: 3, reportsQueued: 70, reportsUploaded: 61, uploadFailures: 6 },
      cache: { ageSeconds: null },
    });
    const s = parse(await metrics.text());
    expect(calls).toBe(2);
    expect(value(s, 'tswats_station_state', { state: 'paused' })).toBe(1);
    expect(value(s, 'tswats_station_state', { state: 'running' })).toBe(0);
    expect(value(s, 'tswats_station_server_up')).toBe(0);
    expect(value(s, 'tswats_station_queue_accepting')).toBe(0);
    expect(value(s, 'tswats_station_queue_items', { state: 'pending' })).toBe(9);
    expect(value(s, 'tswats_station_queue_oldest_pending_age_seconds')).toBe(0);
    expect(value(s, 'tswats_station_cache_age_seconds')).toBe(-1);
    expect(value(s, 'tswats_station_reports_uploaded_total')).toBe(61);
    expect(value(s, 'tswats_station_folder_waiting', { folder: 'final' })).toBeUndefined();
    expect(value(s, 'tswats_station_files_converted_total', { folder: 'final' })).toBeUndefined();
  });

  it('records conversion and upload durations in histograms', async () => {
    const metrics = createStationMetrics(() => sampleStatus());
    metrics.observeConversion('ict', 'i3070', 0.03, 'ok');
    metrics.observeConversion('ict', 'i3070', 2, 'ok');
    metrics.observeConversion('ict', 'i3070', 0.2, 'failed');
    metrics.observeUpload(0.3, 'ok');
    metrics.observeUpload(12, 'offline');
    metrics.observeUpload(Number.NaN, 'retry');
    const text = await metrics.text();
    const s = parse(text);

    expect(typeOf(text, 'tswats_station_conversion_duration_seconds')).toBe('histogram');
    const ok = { folder: 'ict', format: 'i3070', outcome: 'ok' };
    expect(value(s, 'tswats_station_conversion_duration_seconds_count', ok)).toBe(2);
    expect(value(s, 'tswats_station_conversion_duration_seconds_sum', ok)).toBeCloseTo(2.03);
    expect(value(s, 'tswats_station_conversion_duration_seconds_bucket', { ...ok, le: '0.05' })).toBe(1);
    expect(value(s, 'tswats_station_conversion_duration_seconds_bucket', { ...ok, le: '+Inf' })).toBe(2);
    expect(value(s, 'tswats_station_conversion_duration_seconds_count', { outcome: 'failed' })).toBe(1);
    expect(value(s, 'tswats_station_upload_duration_seconds_count', { outcome: 'ok' })).toBe(1);
    expect(value(s, 'tswats_station_upload_duration_seconds_bucket', { outcome: 'offline', le: '10' })).toBe(0);
    expect(value(s, 'tswats_station_upload_duration_seconds_count', { outcome: 'offline' })).toBe(1);
    // A duration that is not a number is counted as 0 s rather than corrupting the sum.
    expect(value(s, 'tswats_station_upload_duration_seconds_sum', { outcome: 'retry' })).toBe(0);
  });

  it('includes the default process metrics, prefixed', async () => {
    const s = parse(await createStationMetrics(() => sampleStatus()).text());
    expect(value(s, 'tswats_station_process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(value(s, 'tswats_station_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('keeps to its own registry, so two instances live side by side and the global one stays empty', async () => {
    const a = createStationMetrics(() => sampleStatus());
    const b = createStationMetrics(() => sampleStatus({ totals: { ...sampleStatus().totals, reportsUploaded: 1 } }));
    expect(a.registry).not.toBe(b.registry);
    expect(value(parse(await a.text()), 'tswats_station_reports_uploaded_total')).toBe(45);
    expect(value(parse(await b.text()), 'tswats_station_reports_uploaded_total')).toBe(1);
    expect(globalRegistry.getMetricsAsArray().filter((m) => m.name.startsWith('tswats_station_'))).toEqual([]);
  });

  it('answers a direct registry scrape too, reading the status itself', async () => {
    const metrics = createStationMetrics(() => sampleStatus());
    const s = parse(await metrics.registry.metrics());
    expect(value(s, 'tswats_station_queue_items', { state: 'pending' })).toBe(5);
  });
});
