import { createUurReport, createUutReport, type UurReport, type UutReport, type WatsClient } from '@tswats/sdk';

/** One test run of a unit, as the analytics tests describe it. */
export interface Run {
  sn: string;
  pn?: string;
  rev?: string;
  /** Test operation code. @default 50 (Final Function Test) */
  process?: number;
  station?: string;
  location?: string;
  /** Start, minutes before now (ignored when `start` is given). @default 60 */
  minutesAgo?: number;
  start?: Date;
  /** `uut.execTime`, seconds. */
  execTime?: number;
  /** The `Power¶3V3` measurement (GELE 3.2 .. 3.4). @default 3.3 (passes) */
  v3?: number;
  /** The `Boot` pass/fail step. @default true */
  boot?: boolean;
  /** The `Power¶Load¶¶10 %` multi-measurement (GELE 4.85 .. 5.15), when given. */
  load?: number;
  operator?: string;
  batch?: string;
  misc?: Array<[string, string]>;
  subUnits?: Array<{ pn: string; sn: string }>;
  id?: string;
}

/** A UUT whose result follows from its steps: `MainSequence Callback ▸ Power ▸ 3V3 [▸ Load]`, then `Boot`. */
export function testRun(run: Run): UutReport {
  const b = createUutReport({
    id: run.id,
    partNumber: run.pn ?? 'PSU-100',
    revision: run.rev ?? 'A',
    serialNumber: run.sn,
    processCode: run.process ?? 50,
    stationName: run.station ?? 'FCT-01',
    location: run.location ?? 'Line 1',
    purpose: 'Production',
    operator: run.operator ?? 'kari',
    start: run.start ?? new Date(Date.now() - (run.minutesAgo ?? 60) * 60_000),
    startOffsetMinutes: 0,
    execTime: run.execTime,
    batchSerialNumber: run.batch,
  });
  const power = b.root.addSequence('Power');
  power.addNumeric('3V3', { value: run.v3 ?? 3.3, unit: 'V', compOp: 'GELE', lowLimit: 3.2, highLimit: 3.4, totTime: 0.5 });
  if (run.load !== undefined) {
    power.addMultiNumeric('Load', [
      { name: '10 %', value: run.load, unit: 'V', compOp: 'GELE', lowLimit: 4.85, highLimit: 5.15 },
      { name: '90 %', value: 5, unit: 'V', compOp: 'GELE', lowLimit: 4.85, highLimit: 5.15 },
    ]);
  }
  b.root.addPassFail('Boot', run.boot ?? true);
  for (const [description, text] of run.misc ?? []) b.addMiscInfo(description, text);
  for (const u of run.subUnits ?? []) b.addSubUnit({ partNumber: u.pn, serialNumber: u.sn, revision: 'A', partType: 'PCBA' });
  return b.build();
}

/** A repair of a failed UUT. */
export function repairOf(uut: UutReport, failures: Array<{ category: string; code: string; comRef?: string; refStepId?: number }>, minutesAgo = 30): UurReport {
  const b = createUurReport({
    partNumber: uut.pn,
    revision: uut.rev,
    serialNumber: uut.sn,
    repairProcessCode: 500,
    testProcessCode: uut.processCode,
    refUut: uut.id,
    stationName: 'RW-01',
    location: 'Line 1',
    purpose: 'Repair',
    operator: 'ola',
    start: new Date(Date.now() - minutesAgo * 60_000),
    startOffsetMinutes: 0,
  });
  for (const f of failures) b.addFailure(f);
  return b.build();
}

/** Submits in order (so processing order follows the list). */
export async function submitAll(client: WatsClient, reports: Array<UutReport | UurReport>): Promise<void> {
  for (const r of reports) await client.reports.submit(r);
}

/** The step id of a step in a built UUT, found by name (depth-first). */
export function stepId(uut: UutReport, name: string): number {
  const stack: unknown[] = [uut.root];
  while (stack.length) {
    const s = stack.pop() as { name?: string; id?: number; steps?: unknown[] };
    if (s.name === name && typeof s.id === 'number') return s.id;
    stack.push(...(s.steps ?? []));
  }
  throw new Error(`no step ${name}`);
}
