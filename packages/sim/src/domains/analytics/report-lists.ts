import { formatHeaderDate } from '../../wsjf/dates.js';
import { processName } from '../../processes.js';
import { compact } from './group-by.js';
import type { ReportFacts } from './report-facts.js';

/**
 * Report lists: the `ReportHeader` rows of `App/UutReport`, `App/UurReport` and
 * `App/SerialNumberHistory` (the same fields the header query returns), and the unit-history
 * entries of the internal `Survey/GetUnitReportHistory`.
 */
export function reportHeader(r: ReportFacts, run: number): Record<string, unknown> {
  const e = r.entry;
  return { ...e.summary.fields, timeStamp: e.timeStamp, run, receiveCount: e.receiveCount, reportSize: Math.ceil(e.size / 1024) };
}

/**
 * What `details=true` adds to a unit-history entry: the sub units and misc infos of the
 * report, its failed test steps (Failed, Error or Terminated; sequence calls left out) with
 * their `¶` paths, and a repair report's failures. The SDK derives the same from WSJF when it
 * has to fall back to public routes.
 */
export function unitHistoryDetails(r: ReportFacts): Record<string, unknown> {
  return {
    subUnits: r.subUnits.map((u) => compact({ partNumber: u.partNumber, serialNumber: u.serialNumber, revision: u.revision, partType: u.partType })),
    miscInfo: r.miscInfo.map((m) => ({ description: m.description, value: m.value })),
    failedSteps: r.steps
      .filter((s) => !s.isSequence && ['F', 'E', 'T'].includes(s.status))
      .map((s) => ({ path: s.path, name: s.name, stepType: s.stepType, status: s.status })),
    failures: (r.uur?.failures ?? []).map((f) =>
      compact({ category: f.category ?? '', code: f.code ?? '', componentRef: f.comRef, functionBlock: f.funcBlock, comment: f.comment }),
    ),
  };
}

/**
 * One entry of the internal unit history, named as WATS's `SnHistoryReport` model (internal
 * API document); header values come from the same summary the header query uses, so the
 * public fallback of the SDK sees the same values.
 */
export function unitHistoryEntry(r: ReportFacts, details: boolean): Record<string, unknown> {
  const f = r.entry.summary.fields;
  const testCode = r.uur?.testProcessCode;
  const entry = compact({
    uuid: r.id,
    serialNumber: f.serialNumber,
    partNumber: f.partNumber,
    revision: f.revision,
    reportType: f.reportType,
    reportTypeText: r.type === 'T' ? 'UUT' : 'UUR',
    start: f.start,
    startUtc: f.start,
    status: f.result,
    process: f.processName,
    testProcess: testCode === undefined ? undefined : processName(testCode),
    operator: f.userName,
    stationName: f.stationName,
    location: f.location,
    purpose: f.purpose,
    batchNumber: f.batchNumber,
    fixtureId: f.fixtureId,
    executionTime: f.executionTime,
    comment: f.comment,
    errorMessage: f.errorMessage,
    swFilename: f.swFilename,
    swVersion: f.swVersion,
    causedUutFailure: f.causedUutFailure,
    finalizeDateUtc: r.uur?.finalizeMs === undefined ? undefined : formatHeaderDate(r.uur.finalizeMs),
  });
  if (details) entry.details = unitHistoryDetails(r);
  return entry;
}
