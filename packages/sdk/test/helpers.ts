import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import { startSim, type SimHandle, type SimOptions } from '@tswats/sim';
import { WatsClient, createUutReport, type ClientOptions, type Logger, type UutReport } from '@tswats/sdk';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const open: SimHandle[] = [];

afterEach(async () => {
  const sims = open.splice(0);
  for (const sim of sims) {
    const violations = sim.contractViolations();
    await sim.close();
    // Every request the SDK sent and every answer it got must match the OpenAPI document.
    expect(violations).toEqual([]);
  }
});

/** Where the simulator notes which test called which operation; `npm run api-coverage` reads it. */
export const API_COVERAGE_FILE = fileURLToPath(new URL('../../../.tswats/api-coverage.jsonl', import.meta.url));
mkdirSync(dirname(API_COVERAGE_FILE), { recursive: true });

/** A simulator on 127.0.0.1:0 with contract checking, closed (and checked) after the test. */
export async function testSim(options: SimOptions = {}): Promise<SimHandle> {
  const sim = await startSim({ checkContract: true, coverageFile: API_COVERAGE_FILE, ...options });
  open.push(sim);
  return sim;
}

/** A client for the simulator with fast retries (tests use short real delays, not fake timers). */
export function clientFor(sim: SimHandle, options: ClientOptions = {}): WatsClient {
  // Names the calling test in every request, for the API coverage table.
  const state = expect.getState();
  const test = state.currentTestName
    ? `${relative(REPO_ROOT, state.testPath ?? '')} > ${state.currentTestName}`
    : undefined;
  return new WatsClient({
    baseUrl: sim.url,
    defaultHeaders: test ? { 'x-tswats-test': encodeURIComponent(test) } : {},
    retry: { initialDelayMs: 20, maxDelayMs: 100 },
    logLevel: 'off',
    ...options,
  });
}

/** A logger that keeps every line, to check what the SDK prints. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string, ...rest: unknown[]) => {
    lines.push([message, ...rest.map((r) => JSON.stringify(r))].join(' '));
  };
  return { lines, error: keep, warn: keep, info: keep, debug: keep };
}

const FIXTURES = new URL('./fixtures/wsjf/', import.meta.url);

/** A real WSJF file from the fixtures, as JSON.parse gives it. */
export function wsjfFixture(name: string): Record<string, unknown> {
  const text = readFileSync(new URL(name, FIXTURES), 'utf8').replace(/^\uFEFF/, '');
  return JSON.parse(text) as Record<string, unknown>;
}

export const WSJF_FIXTURES = [
  'example_report_from_server.json',
  'WATS - WSJF UUT Example file.json',
  'WATS - WSJF UUR Example file.json',
];

/** A small valid UUT with one numeric step (retry, transport and fetch tests). */
export function smallReport(serial: string, partNumber = 'PN-R'): UutReport {
  const b = createUutReport({ partNumber, revision: 'A', serialNumber: serial, processCode: 10, stationName: 'ST-1', location: 'Lab', purpose: 'Development' });
  b.root.addNumeric('V', { value: 5, unit: 'V', compOp: 'GELE', lowLimit: 4.5, highLimit: 5.5 });
  return b.build();
}
