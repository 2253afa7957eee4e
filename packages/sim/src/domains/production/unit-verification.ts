/**
 * `GET /api/Production/UnitVerification`: a unit's grade, computed from the reports actually
 * submitted for it. The real server checks the processes its verification rules list (rules
 * are kept by internal routes); the simulator checks every test process the unit has UUT
 * reports in, ordered and indexed as the process table orders them (`processIndex` of
 * `GET /api/App/Processes`; codes it does not know come last, by code).
 *
 * Per process: `totalCount` UUT runs, `nonPassedCount` runs not Passed, `repairCount` UUR
 * reports naming that test process (`uur.processCode`, else the process of the UUT they refer
 * to); `status`, `startUtc` and `stationName` of the last run (by start time).
 *
 * Grade: `A` passes now, passed every process on the first run, in process order, never repaired;
 * `B` passes now without repairs; `C` passes now after repairs; `D` passed every process at
 * some point but not in the last run; `F` a process never passed. No reports: status
 * `Unknown`, no grade, no results.
 */
import { processByCode } from '../../processes.js';
import type { ReportStore, StoredReport } from '../../store/report-store.js';
import { sameName } from '../product/body.js';

interface Run {
  entry: StoredReport;
  code: number;
  passed: boolean;
}

function text(entry: StoredReport, field: string): string | undefined {
  const v = entry.summary.fields[field];
  return typeof v === 'string' ? v : undefined;
}

/** The unit's reports: serial number (and part number when given) match, ignoring case. */
export function reportsOfUnit(store: ReportStore, serialNumber: string, partNumber?: string): StoredReport[] {
  return store
    .list()
    .filter((e) => sameName(text(e, 'serialNumber'), serialNumber) && (partNumber === undefined || sameName(text(e, 'partNumber'), partNumber)));
}

/** The test process a UUR repaired: `uur.processCode`, else the process of the UUT it refers to. */
async function repairedProcess(store: ReportStore, uur: StoredReport, runs: Run[]): Promise<number | undefined> {
  const body = await store.get(uur.id);
  const info = body?.uur;
  const code = typeof info === 'object' && info !== null ? (info as Record<string, unknown>).processCode : undefined;
  if (typeof code === 'number' && Number.isInteger(code)) return code;
  const ref = uur.summary.fields.referencedUut;
  return runs.find((r) => r.entry.id === ref)?.code;
}

export async function verifyUnit(store: ReportStore, reports: StoredReport[]): Promise<Record<string, unknown>> {
  const runs: Run[] = reports
    .filter((e) => e.summary.fields.reportType === 'T' && typeof e.summary.fields.processCode === 'number')
    .map((entry) => ({ entry, code: entry.summary.fields.processCode as number, passed: entry.summary.fields.result === 'Passed' }))
    .sort((a, b) => a.entry.summary.startMs - b.entry.summary.startMs || a.entry.timeStamp - b.entry.timeStamp);
  const repairs = reports.filter((e) => e.summary.fields.reportType === 'R');
  if (runs.length === 0 && repairs.length === 0) {
    return {
      status: 'Unknown',
      allProcessesExecutedInCorrectOrder: false,
      allProcessesPassedFirstRun: false,
      allProcessesPassedAnyRun: false,
      allProcessesPassedLastRun: false,
      noRepairs: true,
      results: [],
    };
  }
  const repairedCodes = await Promise.all(repairs.map((r) => repairedProcess(store, r, runs)));
  // In the order of the process table (`GET /api/App/Processes`); unknown codes after, by code.
  const order = (code: number) => processByCode(code)?.processIndex ?? Number.MAX_SAFE_INTEGER;
  const codes = [...new Set(runs.map((r) => r.code))].sort((a, b) => order(a) - order(b) || a - b);
  const results = codes.map((code, position) => {
    const processIndex = processByCode(code)?.processIndex ?? position + 1;
    const mine = runs.filter((r) => r.code === code);
    const last = mine[mine.length - 1]!;
    const out: Record<string, unknown> = {
      processCode: code,
      processIndex,
      status: text(last.entry, 'result') ?? 'Unknown',
      startUtc: new Date(last.entry.summary.startMs).toISOString(),
      totalCount: mine.length,
      nonPassedCount: mine.filter((r) => !r.passed).length,
      repairCount: repairedCodes.filter((c) => c === code).length,
    };
    const name = text(last.entry, 'processName');
    if (name !== undefined) out.processName = name;
    const station = text(last.entry, 'stationName');
    if (station !== undefined) out.stationName = station;
    return { out, first: mine[0]!, last, anyPassed: mine.some((r) => r.passed) };
  });
  const firstStarts = results.map((r) => r.first.entry.summary.startMs);
  const inOrder = firstStarts.every((ms, i) => i === 0 || ms >= firstStarts[i - 1]!);
  const firstRun = results.length > 0 && results.every((r) => r.first.passed);
  const anyRun = results.length > 0 && results.every((r) => r.anyPassed);
  const lastRun = results.length > 0 && results.every((r) => r.last.passed);
  const noRepairs = repairs.length === 0;
  const grade = lastRun && firstRun && inOrder && noRepairs ? 'A' : lastRun && noRepairs ? 'B' : lastRun ? 'C' : anyRun ? 'D' : 'F';
  return {
    status: lastRun ? 'Passed' : 'Failed',
    grade,
    allProcessesExecutedInCorrectOrder: inOrder,
    allProcessesPassedFirstRun: firstRun,
    allProcessesPassedAnyRun: anyRun,
    allProcessesPassedLastRun: lastRun,
    noRepairs,
    results: results.map((r) => r.out),
  };
}
