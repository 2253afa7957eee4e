/** Status snapshots and an in-memory logger shared by the status server and metrics tests. */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { FolderStatus, StationStatus } from '../src/types.js';

/** A status snapshot of a running station with two folders; override what a test needs. */
export function sampleStatus(overrides: Partial<StationStatus> = {}): StationStatus {
  const folders: FolderStatus[] = [
    { name: 'ict', path: '/data/ict', converter: 'i3070', priority: 1, waiting: 2, converting: 1, converted: 40, failed: 3, reports: 41 },
    { name: 'final', path: '/data/final', converter: 'atml', priority: 5, waiting: 0, converting: 0, converted: 7, failed: 0, reports: 9 },
  ];
  return {
    state: 'running',
    version: '0.1.0',
    startedAt: '2026-01-01T00:00:00.000Z',
    uptimeSeconds: 3600,
    station: { name: 'line1-ict', location: 'Plant A', purpose: 'Production' },
    server: { url: 'https://wats.example.com', reachable: true, lastCheckAt: '2026-01-01T01:00:00.000Z' },
    queue: {
      counts: { pending: 5, failed: 2, completed: 40 },
      sending: 1,
      oldestPendingAgeSeconds: 42,
      accepting: true,
      maxItems: 10_000,
    },
    folders,
    totals: { filesConverted: 47, filesFailed: 3, reportsQueued: 50, reportsUploaded: 45, uploadFailures: 6 },
    lastErrors: [],
    cache: { ageSeconds: 120 },
    ...overrides,
  };
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger that keeps its lines (parsed). */
export function memoryLog(level: pino.LevelWithSilent = 'debug'): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      cb();
    },
  });
  return { log: pino({ level }, stream), lines };
}
