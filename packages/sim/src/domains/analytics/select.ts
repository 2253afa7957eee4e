import type { SimContext } from '../../context.js';
import { byStart, loadDataset, type Dataset } from './dataset.js';
import { matchesFilter, type WatsFilter } from './filter.js';
import { dateRange, inRange, type DateDefaults, type DateRange } from './periods.js';
import type { ReportFacts } from './report-facts.js';

export interface Selection {
  data: Dataset;
  /** The matching reports, in start order (oldest first). */
  reports: ReportFacts[];
  range: DateRange;
  now: number;
}

export interface SelectOptions {
  /** Only UUT (`T`) or UUR (`R`) reports. */
  type?: 'T' | 'R';
  /** The operation's date default when the filter gives none. */
  dates?: DateDefaults;
}

/** The stored reports a filter selects: its criteria, its dates, and the report type. */
export async function selectReports(sim: SimContext, f: WatsFilter, options: SelectOptions = {}): Promise<Selection> {
  const data = await loadDataset(sim.store);
  const now = Date.now();
  const range = dateRange(f, now, options.dates);
  const reports = data.reports
    .filter((r) => (options.type === undefined || r.type === options.type) && inRange(r.startMs, range) && matchesFilter(r, f, sim))
    .sort(byStart);
  return { data, reports, range, now };
}

/** The newest `count` reports first (ties: most recently processed first). */
export function newestFirst(reports: ReportFacts[], count?: number): ReportFacts[] {
  const sorted = [...reports].sort((a, b) => b.startMs - a.startMs || b.entry.timeStamp - a.entry.timeStamp);
  return count === undefined ? sorted : sorted.slice(0, Math.max(0, count));
}
