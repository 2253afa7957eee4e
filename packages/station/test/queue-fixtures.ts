/**
 * Plain fixtures of the upload queue tests (no vitest imports: the crash test's child
 * process uses them too).
 */
import { createUutReport, type UutReport } from '@tswats/sdk';
import type { QueueConfig } from '../src/types.js';

export function queueConfig(dir: string, over: Partial<QueueConfig> = {}): QueueConfig {
  return {
    dir,
    concurrency: 2,
    maxItems: 10_000,
    resumeAt: 8_000,
    minFreeBytes: 0,
    maxAgeMs: 0,
    keepCompletedMs: 60_000,
    retry: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0.2 },
    ...over,
  };
}

/** A small valid UUT report. */
export function uut(serial: string, value = 5): UutReport {
  const b = createUutReport({
    partNumber: 'PN-QUEUE',
    revision: 'A',
    serialNumber: serial,
    processCode: 10,
    stationName: 'ST-Q',
    location: 'Lab',
    purpose: 'Development',
    operator: 'tester',
    start: new Date('2026-03-01T10:00:00Z'),
  });
  b.root.addNumeric('V', { value, unit: 'V', compOp: 'GELE', lowLimit: 4.5, highLimit: 5.5 });
  return b.build();
}
