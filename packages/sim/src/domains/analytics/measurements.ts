import { formatHeaderDate } from '../../wsjf/dates.js';
import { RESULT_WORDS } from '../../wsjf/report-summary.js';
import { compact, groupItems } from './group-by.js';
import { defined } from './json.js';
import { DateGrouping, periodLabel } from './periods.js';
import type { ReportFacts } from './report-facts.js';
import { capability, specLimits, summarize, timeStats } from './stats.js';
import { measurementPath, PATH_SEPARATOR, type NumericFact, type StepFact } from './step-facts.js';

/**
 * Numeric measurements by measurement path (`App/Measurements`, `App/AggregatedMeasurements`).
 * The answer has the shape of WATS's own `MeasurementGroup` model (internal API document):
 * one group per requested path (`groupName`) with the statistics of all its values, and
 * either the values themselves (`measurements`, WATS's `IndividualMeasurement` with its short
 * keys) or per-period aggregates (`aggregatedMeasurements`).
 */
export interface MeasurementPoint {
  report: ReportFacts;
  step: StepFact;
  m: NumericFact;
}

const DOUBLE = `${PATH_SEPARATOR}${PATH_SEPARATOR}`;

/** Splits `a¶b¶¶name;c¶d` into paths; `/` is not a separator (a step name may contain it). */
export function splitPaths(text: string | undefined): string[] {
  return (text ?? '').split(';').map((p) => p.trim()).filter((p) => p !== '');
}

function pointMatches(path: string, step: StepFact, m: NumericFact): boolean {
  const cut = path.indexOf(DOUBLE);
  const stepPath = cut < 0 ? path : path.slice(0, cut);
  if (step.path.toUpperCase() !== stepPath.toUpperCase()) return false;
  if (cut >= 0) return (m.name ?? '').toUpperCase() === path.slice(cut + 2).toUpperCase();
  return m.name === undefined || step.numeric.length === 1;
}

/** The measurements at each path, oldest first, the newest `maxCount` of each kept. */
export function collectMeasurements(reports: ReportFacts[], paths: string[], maxCount: number): Map<string, MeasurementPoint[]> {
  const out = new Map<string, MeasurementPoint[]>(paths.map((p) => [p, []]));
  for (const report of reports) {
    for (const step of report.steps) {
      for (const m of step.numeric) {
        for (const path of paths) if (pointMatches(path, step, m)) out.get(path)!.push({ report, step, m });
      }
    }
  }
  for (const [path, points] of out) if (points.length > maxCount) out.set(path, points.slice(points.length - maxCount));
  return out;
}

/** With no paths asked for: the numeric measurements that failed most often (top 10). */
export function mostFailedPaths(reports: ReportFacts[], limit = 10): string[] {
  const fails = new Map<string, { path: string; count: number }>();
  for (const report of reports) {
    for (const step of report.steps) {
      for (const m of step.numeric) {
        if (m.status !== 'F') continue;
        const path = measurementPath(step, m);
        const t = fails.get(path.toUpperCase()) ?? { path, count: 0 };
        t.count++;
        fails.set(path.toUpperCase(), t);
      }
    }
  }
  return [...fails.values()].sort((a, b) => b.count - a.count || a.path.localeCompare(b.path)).slice(0, limit).map((t) => t.path);
}

/** Statistics, capability, limits and times of a set of points (the fields a group and an aggregate share). */
function statistics(points: MeasurementPoint[]): Record<string, unknown> {
  const values = points.map((p) => p.m.value).filter((v): v is number => v !== undefined);
  const latest = points[points.length - 1]?.m;
  const s = summarize(values);
  const starts = points.map((p) => p.report.startMs);
  const row: Record<string, unknown> = {
    count: points.length,
    measCount: values.length,
    limit1: latest?.low,
    limit2: latest?.high,
    variabelLimit1: new Set(points.map((p) => p.m.low)).size > 1,
    variabelLimit2: new Set(points.map((p) => p.m.high)).size > 1,
    compOperator: latest?.compOp,
    unit: latest?.unit,
    minUtcStartTime: starts.length ? new Date(starts.reduce((a, b) => Math.min(a, b))).toISOString() : undefined,
    maxUtcStartTime: starts.length ? new Date(starts.reduce((a, b) => Math.max(a, b))).toISOString() : undefined,
    ...timeStats(points.map((p) => p.step.totTime)),
  };
  if (s) {
    const { count: _count, ...stats } = s;
    Object.assign(row, stats, capability(s, specLimits(latest?.compOp, latest?.low, latest?.high)));
  }
  return compact(row);
}

/** One value as WATS's `IndividualMeasurement` (v value, l/h limits, c operator, s serial number, g report id, …). */
function individual(p: MeasurementPoint): Record<string, unknown> {
  const r = p.report;
  return defined({
    v: p.m.value, l: p.m.low, h: p.m.high, c: p.m.compOp, u: p.m.unit,
    ms: p.m.status, ss: p.step.status, ts: RESULT_WORDS[r.result] ?? r.result, cuf: r.causedStep === p.step,
    d: formatHeaderDate(r.startMs), s: r.serialNumber, g: r.id, p: r.partNumber, r: r.revision, b: r.batchNumber,
    m: r.stationName, op: r.operator, to: r.processName, sf: r.swFilename, sv: r.swVersion, si: r.socketIndex,
    f: r.fixtureId, t: p.step.totTime,
  });
}

const STEP_COUNT: Record<string, string> = {
  P: 'stepPassCount', D: 'stepDoneCount', S: 'stepSkippedCount', T: 'stepTerminatedCount', F: 'stepFailCount', E: 'stepErrorCount',
};
const CAUSED: Record<string, string> = { F: 'stepCausedUutFailFailed', E: 'stepCausedUutFailError', T: 'stepCausedUutFailTerminated' };

/** Per-period aggregate: step outcome counts plus the statistics of the period's values. */
function aggregate(period: string | undefined, points: MeasurementPoint[]): Record<string, unknown> {
  const counts: Record<string, number> = {
    stepTotalCount: points.length, stepPassCount: 0, stepDoneCount: 0, stepSkippedCount: 0, stepTerminatedCount: 0,
    stepFailCount: 0, stepErrorCount: 0, stepOtherCount: 0,
    stepCausedUutFailFailed: 0, stepCausedUutFailError: 0, stepCausedUutFailTerminated: 0,
  };
  for (const p of points) {
    counts[STEP_COUNT[p.step.status] ?? 'stepOtherCount']!++;
    const caused = CAUSED[p.report.result];
    if (caused && p.report.causedStep === p.step) counts[caused]!++;
  }
  counts.stepNonSuccessCount = counts.stepFailCount! + counts.stepErrorCount! + counts.stepTerminatedCount!;
  counts.stepCausedUutFail = counts.stepCausedUutFailFailed! + counts.stepCausedUutFailError! + counts.stepCausedUutFailTerminated!;
  return compact({ period, ...counts, ...statistics(points) });
}

/** The answer of `App/Measurements` (`mode: 'values'`) or `App/AggregatedMeasurements`. */
export function measurementGroups(
  byPath: Map<string, MeasurementPoint[]>,
  mode: 'values' | 'aggregated',
  grouping: number = DateGrouping.none,
): Record<string, unknown>[] {
  return [...byPath].map(([path, points]) => {
    const group: Record<string, unknown> = { groupName: path, ...statistics(points) };
    if (mode === 'values') {
      group.measurements = points.map(individual);
    } else {
      const periods = groupItems(points, ['period'], (p) => periodLabel(p.report.startMs, grouping));
      group.aggregatedMeasurements = periods.map((g) => aggregate(g.values.period as string | undefined, g.items));
    }
    return group;
  });
}
