import type { WatsFilter } from './filter.js';

/**
 * Date grouping of the analytics filters (`dateGrouping`): -1 none, 0 year, 1 quarter,
 * 2 month, 3 week, 4 day, 5 hour. The simulator works in UTC (a real server uses its own
 * time zone); weeks start on Monday and are labelled by ISO week.
 */
export const DateGrouping = { none: -1, year: 0, quarter: 1, month: 2, week: 3, day: 4, hour: 5 } as const;

const DAY = 86_400_000;

/** Start (epoch ms, UTC) of the period that contains `ms`. */
export function periodStart(ms: number, grouping: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (grouping) {
    case DateGrouping.year: return Date.UTC(y, 0, 1);
    case DateGrouping.quarter: return Date.UTC(y, m - (m % 3), 1);
    case DateGrouping.month: return Date.UTC(y, m, 1);
    case DateGrouping.week: {
      const day = Date.UTC(y, m, d.getUTCDate());
      return day - ((d.getUTCDay() + 6) % 7) * DAY;
    }
    case DateGrouping.day: return Date.UTC(y, m, d.getUTCDate());
    case DateGrouping.hour: return Date.UTC(y, m, d.getUTCDate(), d.getUTCHours());
    default: return ms;
  }
}

/** The period start `n` periods after (or before, for negative n) the period starting at `start`. */
export function addPeriods(start: number, grouping: number, n: number): number {
  const d = new Date(start);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (grouping) {
    case DateGrouping.year: return Date.UTC(y + n, 0, 1);
    case DateGrouping.quarter: return Date.UTC(y, m + 3 * n, 1);
    case DateGrouping.month: return Date.UTC(y, m + n, 1);
    case DateGrouping.week: return start + 7 * n * DAY;
    case DateGrouping.day: return start + n * DAY;
    case DateGrouping.hour: return start + n * 3_600_000;
    default: return start;
  }
}

function isoWeek(ms: number): { year: number; week: number } {
  const d = new Date(periodStart(ms, DateGrouping.day));
  const thursday = d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY));
  return { year, week };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The label of the period containing `ms`: `2026`, `2026-Q4`, `2026-11`, `2026-W47`, `2026-11-21`, `2026-11-21 14:00`. */
export function periodLabel(ms: number, grouping: number): string | undefined {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (grouping) {
    case DateGrouping.year: return String(y);
    case DateGrouping.quarter: return `${y}-Q${Math.floor(m / 3) + 1}`;
    case DateGrouping.month: return `${y}-${pad(m + 1)}`;
    case DateGrouping.week: {
      const w = isoWeek(ms);
      return `${w.year}-W${pad(w.week)}`;
    }
    case DateGrouping.day: return `${y}-${pad(m + 1)}-${pad(d.getUTCDate())}`;
    case DateGrouping.hour: return `${y}-${pad(m + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:00`;
    default: return undefined;
  }
}

/** An instant range; an open end is undefined. Both ends are inclusive. */
export interface DateRange {
  from?: number;
  to?: number;
}

/** What an operation assumes when the filter says nothing about dates. */
export interface DateDefaults {
  /** The last N days up to now. */
  days?: number;
}

/**
 * The dates a filter selects: `dateFrom`/`dateTo` when given; else the last `periodCount`
 * periods of `dateGrouping` (days when no grouping is given), counting the current, unfinished
 * period only with `includeCurrentPeriod: true`; else the operation's default.
 */
export function dateRange(f: WatsFilter, now: number, defaults: DateDefaults = {}): DateRange {
  if (f.dateFrom !== undefined || f.dateTo !== undefined) {
    const range: DateRange = {};
    if (f.dateFrom !== undefined) range.from = f.dateFrom;
    if (f.dateTo !== undefined) range.to = f.dateTo;
    return range;
  }
  if (f.periodCount !== undefined && f.periodCount > 0) {
    const grouping = f.dateGrouping === undefined || f.dateGrouping < 0 ? DateGrouping.day : f.dateGrouping;
    const current = periodStart(now, grouping);
    return f.includeCurrentPeriod === true
      ? { from: addPeriods(current, grouping, -(f.periodCount - 1)) }
      : { from: addPeriods(current, grouping, -f.periodCount), to: current - 1 };
  }
  return defaults.days === undefined ? {} : { from: now - defaults.days * DAY };
}

export function inRange(ms: number, range: DateRange): boolean {
  return (range.from === undefined || ms >= range.from) && (range.to === undefined || ms <= range.to);
}
