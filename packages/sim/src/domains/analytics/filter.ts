import { HttpError } from '../../errors.js';
import { processName as nameOfCode } from '../../processes.js';
import type { DomainStates } from '../../store/domain-state.js';
import { parseWsjfDate } from '../../wsjf/dates.js';
import { RESULT_WORDS } from '../../wsjf/report-summary.js';
import { locationInLevels } from '../process/levels.js';
import { partNumberInGroups } from '../process/product-groups.js';
import { likeMatcher } from '../process/wildcard.js';
import type { ReportFacts } from './report-facts.js';

/**
 * The spec's `PublicWatsFilter` (the body of the POST analytics operations), plus `run`,
 * which the TestStepAnalysis description documents. Dates are epoch milliseconds here.
 */
export interface WatsFilter {
  serialNumber?: string;
  partNumber?: string;
  revision?: string;
  batchNumber?: string;
  stationName?: string;
  testOperation?: string;
  status?: string;
  yield?: number;
  miscDescription?: string;
  miscValue?: string;
  productGroup?: string;
  level?: string;
  swFilename?: string;
  swVersion?: string;
  socket?: string;
  dateFrom?: number;
  dateTo?: number;
  dateGrouping?: number;
  periodCount?: number;
  includeCurrentPeriod?: boolean;
  maxCount?: number;
  minCount?: number;
  topCount?: number;
  dimensions?: string;
  run?: number;
}

const STRING_KEYS = [
  'serialNumber', 'partNumber', 'revision', 'batchNumber', 'stationName', 'testOperation', 'status',
  'miscDescription', 'miscValue', 'productGroup', 'level', 'swFilename', 'swVersion', 'socket', 'dimensions',
] as const;
const INT_KEYS = ['yield', 'dateGrouping', 'periodCount', 'maxCount', 'minCount', 'topCount', 'run'] as const;
const GROUPINGS = [-1, 0, 1, 2, 3, 4, 5];

/**
 * Reads a filter body the way ASP.NET model binding does: names ignore case, unknown names are
 * ignored, `null` means absent, and a value of the wrong type is a 400 naming the field. An
 * empty body is an empty filter (the operations then apply their documented defaults).
 */
export function parseFilter(body: Buffer): WatsFilter {
  let text = body.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') text = '{}';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new HttpError(400, 'filter: must be a JSON object');
  const byLower = new Map(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
  const get = (key: string): unknown => byLower.get(key.toLowerCase()) ?? undefined;
  const filter: WatsFilter = {};
  const problems: string[] = [];
  for (const key of STRING_KEYS) {
    const v = get(key);
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') filter[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') filter[key] = String(v);
    else problems.push(`${key}: must be a string`);
  }
  for (const key of INT_KEYS) {
    const v = get(key);
    if (v === undefined || v === null) continue;
    const n = typeof v === 'string' && /^[+-]?\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n)) filter[key] = n;
    else problems.push(`${key}: must be an integer`);
  }
  for (const key of ['dateFrom', 'dateTo'] as const) {
    const v = get(key);
    if (v === undefined || v === null || v === '') continue;
    const ms = typeof v === 'string' ? parseWsjfDate(v) : undefined;
    if (ms === undefined) problems.push(`${key}: not a valid date`);
    else filter[key] = ms;
  }
  const current = get('includeCurrentPeriod');
  if (current !== undefined && current !== null) {
    if (typeof current === 'boolean') filter.includeCurrentPeriod = current;
    else problems.push('includeCurrentPeriod: must be true or false');
  }
  if (filter.dateGrouping !== undefined && !GROUPINGS.includes(filter.dateGrouping)) {
    problems.push(`dateGrouping: must be one of ${GROUPINGS.join(', ')}`);
  }
  if (problems.length > 0) throw new HttpError(400, problems.join('; '));
  return filter;
}

/** What matching needs besides the report: where levels and product groups are defined. */
export interface FilterScope {
  state: DomainStates;
}

function like(pattern: string | undefined, ...values: Array<string | number | undefined>): boolean {
  if (pattern === undefined || pattern.trim() === '') return true;
  const m = likeMatcher(pattern);
  return values.some((v) => m(v));
}

/** The status words a result letter answers to (`Passed` and `P` both match a passed report). */
function statusValues(result: string): string[] {
  return [result, RESULT_WORDS[result] ?? result];
}

/**
 * Whether a report passes the filter's criteria (not its dates: see `dateRange`). Each value is
 * a LIKE pattern list (`%`, `_`, `;`). `testOperation` matches the process name or code (and,
 * for a repair report, also the test operation it repaired).
 */
export function matchesFilter(r: ReportFacts, f: WatsFilter, scope: FilterScope): boolean {
  const testOp = r.uur?.testProcessCode;
  return (
    like(f.serialNumber, r.serialNumber) &&
    like(f.partNumber, r.partNumber) &&
    like(f.revision, r.revision) &&
    like(f.batchNumber, r.batchNumber) &&
    like(f.stationName, r.stationName) &&
    like(f.testOperation, r.processName, r.processCode, testOp, testOp === undefined ? undefined : nameOfCode(testOp)) &&
    like(f.status, ...statusValues(r.result)) &&
    like(f.swFilename, r.swFilename) &&
    like(f.swVersion, r.swVersion) &&
    like(f.socket, r.socketIndex) &&
    miscMatches(r, f) &&
    partNumberInGroups(scope, r.partNumber, f.productGroup) &&
    locationInLevels(scope, r.location, f.level)
  );
}

function miscMatches(r: ReportFacts, f: WatsFilter): boolean {
  if (!f.miscDescription && !f.miscValue) return true;
  return r.miscInfo.some((m) => like(f.miscDescription, m.description) && like(f.miscValue, m.value));
}
