import { HttpError } from '../../errors.js';
import type { ReportFacts } from './report-facts.js';

/**
 * Overall Equipment Effectiveness from test reports, OEE = availability × performance × quality:
 *
 * - planned time: the `availableTime` hours of each weekday (Monday first) over the date range,
 *   pro rata for partial days;
 * - run time: the sum of the reports' execution times (`uut.execTime`);
 * - availability = run time / planned time;
 * - performance = ideal cycle time × reports / run time, where the ideal cycle time is the
 *   fastest passed test; or, with `targetOutput` (units per day), reports / (target × planned days);
 * - quality = passed reports / reports.
 *
 * A report's *connection time* is the gap between the end of the previous test on the same
 * station and socket and its start (the time to change units); the first report of a station
 * has none. The min/max execution and connection time filters drop reports outside them.
 * Percentages are 0-100 and not capped (parallel sockets can exceed 100 % availability).
 */
export interface OeeOptions {
  /** Hours available per weekday, Monday to Sunday. */
  availableTime: number[];
  minConnectionTime?: number;
  maxConnectionTime?: number;
  minExecutionTime?: number;
  maxExecutionTime?: number;
  /** Units per (planned) day. */
  targetOutput?: number;
}

const DAY = 86_400_000;

/** `"24,24,24,24,24,24,24"` → seven hour counts; 400 otherwise. */
export function parseAvailableTime(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const hours = parts.map(Number);
  if (parts.length !== 7 || parts.some((p) => p === '') || hours.some((h) => !Number.isFinite(h) || h < 0 || h > 24)) {
    throw new HttpError(400, `availableTime: expected 7 comma-separated hours (0-24) per weekday, Monday first, e.g. 24,24,24,24,24,24,24; got '${text}'`);
  }
  return hours;
}

/** Planned seconds and planned (weighted) days between two instants. */
function plannedTime(from: number, to: number, hours: number[]): { seconds: number; days: number } {
  // Summed as hours × ms (exact integers for whole hours) and divided once, so whole weeks
  // come out as whole minutes: h hours per 24 h over m ms is h × m / 24 000 seconds.
  let hourMs = 0;
  let dayMs = 0;
  for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) {
    const overlapMs = Math.min(to, day + DAY) - Math.max(from, day);
    if (overlapMs <= 0) continue;
    const h = hours[(new Date(day).getUTCDay() + 6) % 7] ?? 0;
    hourMs += h * overlapMs;
    if (h > 0) dayMs += overlapMs;
  }
  return { seconds: hourMs / 24_000, days: dayMs / DAY };
}

function connectionTimes(reports: ReportFacts[]): Map<string, number> {
  const byStation = new Map<string, ReportFacts[]>();
  for (const r of reports) {
    const key = `${(r.stationName ?? '').toUpperCase()}\u0000${r.socketIndex ?? ''}`;
    const list = byStation.get(key);
    if (list) list.push(r);
    else byStation.set(key, [r]);
  }
  const out = new Map<string, number>();
  for (const list of byStation.values()) {
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const end = prev.startMs + (prev.executionTime ?? 0) * 1000;
      out.set(list[i]!.id, Math.max(0, (list[i]!.startMs - end) / 1000));
    }
  }
  return out;
}

const within = (v: number | undefined, min?: number, max?: number): boolean =>
  (min === undefined || (v !== undefined && v >= min)) && (max === undefined || (v !== undefined && v <= max));

/** OEE of UUT reports (in start order) over [from, to]. */
export function oeeAnalysis(reports: ReportFacts[], from: number, to: number, o: OeeOptions): Record<string, unknown> {
  const connection = connectionTimes(reports);
  const used = reports.filter((r) => {
    const c = connection.get(r.id);
    return within(r.executionTime, o.minExecutionTime, o.maxExecutionTime) &&
      (c === undefined || within(c, o.minConnectionTime, o.maxConnectionTime));
  });
  const planned = plannedTime(from, to, o.availableTime);
  const runSeconds = used.reduce((sum, r) => sum + (r.executionTime ?? 0), 0);
  const total = used.length;
  const good = used.filter((r) => r.result === 'P').length;
  const passedTimes = used.filter((r) => r.result === 'P' && r.executionTime !== undefined).map((r) => r.executionTime!);
  const allTimes = used.filter((r) => r.executionTime !== undefined).map((r) => r.executionTime!);
  const idealTimes = passedTimes.length > 0 ? passedTimes : allTimes;
  const ideal = idealTimes.length > 0 ? idealTimes.reduce((a, b) => Math.min(a, b)) : undefined;
  const availability = planned.seconds > 0 ? runSeconds / planned.seconds : 0;
  let performance = 0;
  if (o.targetOutput !== undefined) {
    const target = o.targetOutput * planned.days;
    performance = target > 0 ? total / target : 0;
  } else if (runSeconds > 0 && ideal !== undefined) {
    performance = (ideal * total) / runSeconds;
  }
  const quality = total > 0 ? good / total : 0;
  const row: Record<string, unknown> = {
    oee: availability * performance * quality * 100,
    availability: availability * 100,
    performance: performance * 100,
    quality: quality * 100,
    plannedProductionTime: planned.seconds / 60,
    runTime: runSeconds / 60,
    downTime: Math.max(0, planned.seconds - runSeconds) / 60,
    totalCount: total,
    goodCount: good,
    rejectCount: total - good,
    actualCycleTime: total > 0 ? runSeconds / total : 0,
    dateFrom: new Date(from).toISOString(),
    dateTo: new Date(to).toISOString(),
  };
  if (ideal !== undefined) row.idealCycleTime = ideal;
  if (o.targetOutput !== undefined) row.targetOutput = o.targetOutput;
  return row;
}
