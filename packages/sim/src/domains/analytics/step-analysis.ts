import { defined } from './json.js';
import type { ReportFacts } from './report-facts.js';
import { capability, specLimits, summarize, timeStats } from './stats.js';
import type { NumericFact, StepFact } from './step-facts.js';

/**
 * Test step analysis: one row per step path (the root sequence left out), with how often the
 * step ran and ended in each status, how often it caused the UUT to fail, and its step times.
 * A step with numeric measurements gives one row per measurement instead, which adds the
 * measurement's statistics and capability (see `stats.ts`) and its latest limits.
 */
const STATUS_COUNTS: Record<string, string> = {
  P: 'stepPassedCount',
  D: 'stepDoneCount',
  S: 'stepSkippedCount',
  F: 'stepFailedCount',
  E: 'stepErrorCount',
  T: 'stepTerminatedCount',
};

const CAUSED: Record<string, string> = { F: 'stepCausedUutFailed', E: 'stepCausedUutError', T: 'stepCausedUutTerminated' };

interface Occurrence {
  report: ReportFacts;
  step: StepFact;
}

function stepCounts(occurrences: Occurrence[]): Record<string, number> {
  const counts: Record<string, number> = {
    stepCount: occurrences.length,
    stepPassedCount: 0, stepDoneCount: 0, stepSkippedCount: 0, stepFailedCount: 0, stepErrorCount: 0,
    stepTerminatedCount: 0, stepOtherCount: 0,
    stepCausedUutFailed: 0, stepCausedUutError: 0, stepCausedUutTerminated: 0,
  };
  for (const { report, step } of occurrences) {
    const key = STATUS_COUNTS[step.status] ?? 'stepOtherCount';
    counts[key]!++;
    const caused = CAUSED[report.result];
    if (caused && report.causedStep === step) counts[caused]!++;
  }
  counts.stepFailedErrorTerminatedCount = counts.stepFailedCount! + counts.stepErrorCount! + counts.stepTerminatedCount!;
  counts.stepCausedUutFailedErrorTerminated =
    counts.stepCausedUutFailed! + counts.stepCausedUutError! + counts.stepCausedUutTerminated!;
  return counts;
}

function measurementRow(measurements: NumericFact[]): Record<string, unknown> {
  const values = measurements.map((m) => m.value).filter((v): v is number => v !== undefined);
  const latest = measurements[measurements.length - 1]!;
  const s = summarize(values);
  const row: Record<string, unknown> = {
    measureName: latest.name,
    measureCount: measurements.length,
    limit1: latest.low,
    limit2: latest.high,
    compOperator: latest.compOp,
    unit: latest.unit,
  };
  if (s) {
    const cap = capability(s, specLimits(latest.compOp, latest.low, latest.high));
    Object.assign(row, {
      min: s.min, max: s.max, avg: s.avg, stdev: s.stdev, var: s.var, sigmaLow3: s.sigmaLow3, sigmaHigh3: s.sigmaHigh3,
      cp: cap.cp, cpk: cap.cpk, cpLower: cap.cpl, cpUpper: cap.cpu,
    });
  }
  return row;
}

export function testStepAnalysis(reports: ReportFacts[]): Record<string, unknown>[] {
  const byPath = new Map<string, Occurrence[]>();
  for (const report of reports) {
    report.steps.forEach((step, i) => {
      if (i === 0) return; // the root sequence
      const key = step.path.toUpperCase();
      const list = byPath.get(key) ?? [];
      list.push({ report, step });
      byPath.set(key, list);
    });
  }
  const rows: Record<string, unknown>[] = [];
  for (const occurrences of byPath.values()) {
    const latest = occurrences[occurrences.length - 1]!.step;
    const base = {
      stepName: latest.name,
      stepPath: latest.path,
      stepType: latest.stepType,
      stepGroup: latest.group,
      ...stepCounts(occurrences),
      ...timeStats(occurrences.map((o) => o.step.totTime)),
    };
    // Measurements by name (a single measurement has none), in the order first seen.
    const byName = new Map<string, NumericFact[]>();
    for (const { step } of occurrences) {
      for (const m of step.numeric) {
        const key = (m.name ?? '').toUpperCase();
        const same = byName.get(key);
        if (same) same.push(m);
        else byName.set(key, [m]);
      }
    }
    if (byName.size === 0) rows.push(defined(base));
    for (const measurements of byName.values()) rows.push(defined({ ...base, ...measurementRow(measurements) }));
  }
  return rows;
}
