import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startSim, type SimHandle, type SimOptions } from '@tswats/sim';

const FIXTURES = new URL('../../sdk/test/fixtures/wsjf/', import.meta.url);

/** Real WSJF files shipped with the SDK's tests. */
export const FIXTURE_FILES = {
  uut: 'WATS - WSJF UUT Example file.json',
  uur: 'WATS - WSJF UUR Example file.json',
  server: 'example_report_from_server.json',
} as const;

export function fixtureBytes(name: keyof typeof FIXTURE_FILES): Buffer {
  return readFileSync(new URL(FIXTURE_FILES[name], FIXTURES));
}

export function fixture(name: keyof typeof FIXTURE_FILES): Record<string, unknown> {
  return JSON.parse(fixtureBytes(name).toString('utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
}

/** Starts a simulator for tests: loopback, free port, contract checking on. */
export function startTestSim(options: SimOptions = {}): Promise<SimHandle> {
  return startSim({ checkContract: true, ...options });
}

/** Fails the test if the simulator saw anything the OpenAPI document does not allow. */
export function expectNoViolations(sim: SimHandle): void {
  expect(sim.contractViolations()).toEqual([]);
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'tswats-sim-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface UutSpec {
  id?: string;
  sn?: string;
  pn?: string;
  rev?: string;
  processCode?: number;
  result?: string;
  start?: string;
  machineName?: string;
  user?: string;
  extra?: Record<string, unknown>;
}

/** A small but complete UUT report. */
export function makeUut(spec: UutSpec = {}): Record<string, unknown> {
  return {
    id: spec.id ?? randomUUID(),
    type: 'T',
    pn: spec.pn ?? 'PN-1',
    sn: spec.sn ?? 'SN-1',
    rev: spec.rev ?? 'A',
    processCode: spec.processCode ?? 10,
    result: spec.result ?? 'P',
    machineName: spec.machineName ?? 'Station-1',
    location: 'Lab',
    purpose: 'Production',
    start: spec.start ?? '2024-01-01T10:00:00+01:00',
    uut: { user: spec.user ?? 'operator', fixtureId: 'FX-1', execTime: 1.5 },
    root: {
      stepType: 'SequenceCall',
      name: 'MainSequence Callback',
      status: spec.result === 'F' ? 'F' : 'P',
      seqCall: { path: 'C:/seq/main.seq', name: 'main.seq', version: '1.2.3' },
      steps: [
        {
          stepType: 'ET_NLT',
          name: 'Voltage',
          status: 'P',
          numericMeas: [{ status: 'P', value: 5, unit: 'V', compOp: 'GELE', lowLimit: 4.5, highLimit: 5.5 }],
        },
      ],
    },
    ...spec.extra,
  };
}

/** POSTs a report (object or raw bytes) to the simulator. */
export function postReport(sim: SimHandle, report: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const body = typeof report === 'string' || Buffer.isBuffer(report) ? report : JSON.stringify(report);
  return fetch(`${sim.url}/api/Report/WSJF`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** GETs a JSON `/api` resource with query parameters encoded safely (`+` becomes %2B). */
export async function getJson(sim: SimHandle, path: string, query: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const qs = new URLSearchParams(query).toString();
  const res = await fetch(`${sim.url}${path}${qs ? `?${qs}` : ''}`, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** `Response.json()` typed loosely for assertions (Node's types say `unknown`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function json(res: Response): Promise<any> {
  return res.json();
}
