import { formatHeaderDate } from '../../wsjf/dates.js';
import type { ReportFacts } from './report-facts.js';
import { isTestStep, type StepFact } from './step-facts.js';

/**
 * Top failed steps: for every test step (sequence calls excluded, since they fail only
 * because a child did) counted per part number, test operation and step path, how often it
 * ran (`totalCount`) and failed (`failCount`: status Failed), the failure rate in %, how
 * often it was the step that caused the UUT to fail, and the first and last failure. Rows
 * with at least one failure, most failures first, the first `count` kept.
 */
export interface TopFailedRow {
  partNumber: string;
  testOperation?: string;
  processCode: number;
  stepName: string;
  stepPath: string;
  stepType: string;
  stepGroup?: string;
  failCount: number;
  totalCount: number;
  failRate: number;
  causedUutFailureCount: number;
  firstFailDate?: string;
  lastFailDate?: string;
}

interface Tally {
  row: TopFailedRow;
  first: number;
  last: number;
}

export function topFailedSteps(reports: ReportFacts[], count: number): TopFailedRow[] {
  const tallies = new Map<string, Tally>();
  for (const r of reports) {
    for (const step of r.steps) {
      if (!isTestStep(step)) continue;
      const key = [r.partNumber.toUpperCase(), r.processCode, step.path.toUpperCase()].join('\u0000');
      let t = tallies.get(key);
      if (!t) {
        t = { row: newRow(r, step), first: Infinity, last: -Infinity };
        tallies.set(key, t);
      }
      t.row.totalCount++;
      if (r.causedStep === step) t.row.causedUutFailureCount++;
      if (step.status === 'F') {
        t.row.failCount++;
        t.first = Math.min(t.first, r.startMs);
        t.last = Math.max(t.last, r.startMs);
      }
    }
  }
  const rows = [...tallies.values()]
    .filter((t) => t.row.failCount > 0)
    .map((t) => ({
      ...t.row,
      failRate: (t.row.failCount / t.row.totalCount) * 100,
      firstFailDate: formatHeaderDate(t.first),
      lastFailDate: formatHeaderDate(t.last),
    }));
  rows.sort((a, b) => b.failCount - a.failCount || b.failRate - a.failRate || a.stepPath.localeCompare(b.stepPath));
  return rows.slice(0, Math.max(0, count));
}

function newRow(r: ReportFacts, step: StepFact): TopFailedRow {
  const row: TopFailedRow = {
    partNumber: r.partNumber,
    processCode: r.processCode,
    stepName: step.name,
    stepPath: step.path,
    stepType: step.stepType,
    failCount: 0,
    totalCount: 0,
    failRate: 0,
    causedUutFailureCount: 0,
  };
  if (r.processName !== undefined) row.testOperation = r.processName;
  if (step.group !== undefined) row.stepGroup = step.group;
  return row;
}
