import { byStart } from './dataset.js';
import type { ReportFacts } from './report-facts.js';

/**
 * Yield KPIs of a set of UUT reports, as WATS defines them ("Statistics and calculations in
 * WATS"). A *unit* is a serial number + part number in one test operation; its *runs* are its
 * reports in start order.
 *
 * - `fpCount`: units that passed their first run; `spCount`: passed within two runs;
 *   `tpCount`: within three; `lpCount`: units whose last run passed (final yield).
 * - `fpy`/`spy`/`tpy`/`lpy`: those counts in % of `unitCount`.
 * - `testReportCount`: reports; `testYieldCount`: passed reports; `testYield`: their %.
 * - `*FailCount`: units not (yet) passed at that point; `retestCount`: reports beyond each
 *   unit's first; `ppm*`: the failing share in parts per million (rounded).
 * - Only `Passed` is a pass: Failed, Error and Terminated runs all count against yield.
 */
export const YIELD_KPIS = [
  'unitCount', 'fpCount', 'spCount', 'tpCount', 'lpCount', 'fpy', 'spy', 'tpy', 'lpy',
  'testYieldCount', 'testReportCount', 'testYield', 'firstUtc', 'lastUtc',
  'fpFailCount', 'spFailCount', 'tpFailCount', 'lpFailCount', 'retestCount',
  'ppmFpy', 'ppmSpy', 'ppmTpy', 'ppmLpy', 'ppmTestYield',
] as const;

export type YieldKpi = (typeof YIELD_KPIS)[number];
export type YieldKpis = Record<YieldKpi, number | string>;

function unitKey(r: ReportFacts): string {
  return `${r.serialNumber.toUpperCase()}\u0000${r.partNumber.toUpperCase()}\u0000${r.processCode}`;
}

/** Runs of each unit among the given reports, each in start order. */
export function unitRuns(reports: ReportFacts[]): ReportFacts[][] {
  const units = new Map<string, ReportFacts[]>();
  for (const r of reports) {
    const key = unitKey(r);
    const runs = units.get(key) ?? [];
    runs.push(r);
    units.set(key, runs);
  }
  return [...units.values()].map((runs) => runs.sort(byStart));
}

const pct = (part: number, whole: number): number => (whole === 0 ? 0 : (part / whole) * 100);
const ppm = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round(((whole - part) / whole) * 1e6));

/** The KPIs of a non-empty set of UUT reports. */
export function yieldKpis(reports: ReportFacts[]): YieldKpis {
  const units = unitRuns(reports);
  const passedWithin = (n: number): number => units.filter((runs) => runs.slice(0, n).some((r) => r.result === 'P')).length;
  const unitCount = units.length;
  const fp = passedWithin(1);
  const sp = passedWithin(2);
  const tp = passedWithin(3);
  const lp = units.filter((runs) => runs[runs.length - 1]!.result === 'P').length;
  const reportCount = reports.length;
  const passedReports = reports.filter((r) => r.result === 'P').length;
  let first = Infinity;
  let last = -Infinity;
  for (const r of reports) {
    first = Math.min(first, r.startMs);
    last = Math.max(last, r.startMs);
  }
  return {
    unitCount,
    fpCount: fp,
    spCount: sp,
    tpCount: tp,
    lpCount: lp,
    fpy: pct(fp, unitCount),
    spy: pct(sp, unitCount),
    tpy: pct(tp, unitCount),
    lpy: pct(lp, unitCount),
    testYieldCount: passedReports,
    testReportCount: reportCount,
    testYield: pct(passedReports, reportCount),
    firstUtc: new Date(first).toISOString(),
    lastUtc: new Date(last).toISOString(),
    fpFailCount: unitCount - fp,
    spFailCount: unitCount - sp,
    tpFailCount: unitCount - tp,
    lpFailCount: unitCount - lp,
    retestCount: reportCount - unitCount,
    ppmFpy: ppm(fp, unitCount),
    ppmSpy: ppm(sp, unitCount),
    ppmTpy: ppm(tp, unitCount),
    ppmLpy: ppm(lp, unitCount),
    ppmTestYield: ppm(passedReports, reportCount),
  };
}
