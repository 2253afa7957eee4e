/**
 * The analytics filter (`PublicWatsFilter` in the OpenAPI document) and the helpers that put
 * it and the GET operations' parameters on the wire.
 */
import { WatsError } from '../core/errors.js';
import type { components } from '../generated/wats-api.js';

type WireFilter = components['schemas']['Virinco.WATS.Web.Dashboard.Controllers.api.app.PublicWatsFilter'];

/**
 * How analytics groups time (`dateGrouping`). Periods are the server's calendar periods;
 * `periodCount` counts them back from now.
 */
export const DateGrouping = { None: -1, Year: 0, Quarter: 1, Month: 2, Week: 3, Day: 4, Hour: 5 } as const;
export type DateGroupingValue = (typeof DateGrouping)[keyof typeof DateGrouping];

/**
 * The filter every POST analytics operation takes (spec: `PublicWatsFilter`); names are the
 * wire names. Text values are SQL `LIKE` patterns on the server: `%` any text, `_` one
 * character, `;` separates alternatives (`'PSU-%;CTRL-1'`). Each operation documents which
 * fields it honours.
 */
export interface AnalyticsFilter extends Omit<WireFilter, 'dateFrom' | 'dateTo' | 'dimensions' | 'dateGrouping'> {
  /** Sent as ISO 8601 (`toISOString()` for a `Date`). */
  dateFrom?: Date | string;
  /** Sent as ISO 8601. */
  dateTo?: Date | string;
  /** See {@link DateGrouping}. */
  dateGrouping?: DateGroupingValue;
  /** Dimensions and KPIs, e.g. `['unitCount desc', 'partNumber']` (joined with `;`). */
  dimensions?: string | readonly string[];
}

/** A filter for the operations that need a product and test operation. */
export interface ProductFilter extends AnalyticsFilter {
  partNumber: string;
  /** Test operation name or code. */
  testOperation: string;
}

/** Run selection of {@link StepAnalysisFilter.run}: 1, 2, 3, -1 each unit's last run, -2 all runs. */
export type RunSelection = 1 | 2 | 3 | -1 | -2;

/**
 * The TestStepAnalysis filter. `run` is not in the `PublicWatsFilter` schema, but the
 * operation's description documents it (default 1).
 */
export interface StepAnalysisFilter extends ProductFilter {
  run?: RunSelection;
}

/** Ids (or names) of product groups or levels: one, or a list sent `;`-separated; `''` or `[]` means all. */
export type AnalyticsIdList = string | number | readonly (string | number)[];

/** A date parameter: a `Date` (sent with `toISOString()`) or an ISO 8601 string. */
export type AnalyticsDateInput = Date | string;

function argumentError(message: string): WatsError {
  return new WatsError(message, { code: 'WATS_ERR_ARGUMENT' });
}

/** `Date | string` → ISO 8601. */
export function isoDate(value: AnalyticsDateInput, name: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw argumentError(`${name} is an invalid Date`);
    return value.toISOString();
  }
  if (typeof value !== 'string') throw argumentError(`${name} must be a Date or an ISO 8601 string`);
  return value;
}

/** `['a', 'b']` → `'a;b'`; a string is sent as is. */
export function semicolonList(value: AnalyticsIdList | readonly string[]): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : value.map(String).join(';');
}

/** The filter as the server wants it: dates as ISO 8601, lists joined, nothing undefined. */
export function wireFilter(filter: AnalyticsFilter | StepAnalysisFilter = {}): Record<string, unknown> {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw argumentError('filter must be an object');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (key === 'dateFrom' || key === 'dateTo') out[key] = isoDate(value as AnalyticsDateInput, key);
    else if (key === 'dimensions') out[key] = semicolonList(value as string | readonly string[]);
    else out[key] = value;
  }
  return out;
}

/**
 * The parameters of `GET /api/App/VolumeYield`, `HighVolume` and `WorstYield`: all three are
 * required by the spec (pyWATS sends `productGroup`/`level` instead and gets them wrong).
 */
export interface YieldListParams {
  /** Number of days back from now. */
  days: number;
  /** Product group ids (`;`-separated on the wire); `''` for all groups. */
  productGroupId: AnalyticsIdList;
  /** Level ids (`;`-separated on the wire); `''` for all levels. */
  levelId: AnalyticsIdList;
}

/** The six (all required) parameters of `GET /api/App/TopFailed`. */
export interface TopFailedParams {
  /** Part number of the reports (`''` for all). */
  partNumber: string;
  /** Process (test operation) code of the reports. */
  processCode: string | number;
  /** Product group ids; `''` for all. */
  productGroupId: AnalyticsIdList;
  /** Level ids; `''` for all. */
  levelId: AnalyticsIdList;
  /** Reports submitted in the last `days` days. */
  days: number;
  /** How many steps to return. */
  count: number;
}

/** The query of `GET /api/App/UutReport` (spec names; all optional). */
export interface UutReportParams {
  serialNumber?: string;
  partNumber?: string;
  revision?: string;
  batchNumber?: string;
  stationName?: string;
  /** Test operation name. */
  testOperation?: string;
  /** `Passed`, `Failed`, ... */
  status?: string;
  dateFrom?: AnalyticsDateInput;
  dateTo?: AnalyticsDateInput;
  /** Product group id (`productGroupId` on the wire, not pyWATS's `productGroup`). */
  productGroupId?: AnalyticsIdList;
  /** Level ids (`levelId` on the wire, not pyWATS's `level`). */
  levelId?: AnalyticsIdList;
}

/** `GET /api/App/RelatedRepairHistory`. */
export interface RelatedRepairHistoryParams {
  partNumber: string;
  revision: string;
  /** Only repairs in this repair operation. */
  repairOperationCode?: string | number;
  /** Only repairs of failures found by this test operation. */
  testOperationCode?: string | number;
}

/** The query of `POST /api/App/OeeAnalysis`. */
export interface OeeParams {
  /**
   * Available hours per weekday, the spec's `availableTime` (required; pyWATS never sends it):
   * seven numbers, or the string `"24,24,24,24,24,24,24"`.
   */
  availableTime: string | readonly number[];
  /** Minimum connection time filter. */
  minConnectionTime?: number;
  /** Maximum connection time filter. */
  maxConnectionTime?: number;
  /** Minimum execution time filter. */
  minExecutionTime?: number;
  /** Maximum execution time filter. */
  maxExecutionTime?: number;
  /** Target output per day. */
  targetOutput?: number;
}

/** The `availableTime` value: seven hour counts joined by commas. */
export function availableTimeParam(value: OeeParams['availableTime']): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length !== 7 || value.some((h) => typeof h !== 'number' || !(h >= 0 && h <= 24))) {
    throw argumentError('availableTime must be 7 hour counts (0-24), one per weekday');
  }
  return value.join(',');
}

/** The measurement-path separator (¶, U+00B6) of `measurementPaths`. */
export const MEASUREMENT_PATH_SEPARATOR = '\u00b6';

/**
 * Builds a measurement path as WATS writes them: step names from the root sequence down joined
 * by `¶`, plus `¶¶<name>` for a measurement of a multi-measurement step.
 * @example measurementPath(['MainSequence Callback', 'Power', 'Load'], '10 %') // 'MainSequence Callback¶Power¶Load¶¶10 %'
 */
export function measurementPath(steps: readonly string[], measurementName?: string): string {
  const path = steps.join(MEASUREMENT_PATH_SEPARATOR);
  return measurementName === undefined ? path : `${path}${MEASUREMENT_PATH_SEPARATOR}${MEASUREMENT_PATH_SEPARATOR}${measurementName}`;
}

/** The answer as a list; a server that sends anything else gets a `WATS_ERR_RESPONSE`. */
export function expectList<T>(data: unknown, what: string): T[] {
  if (!Array.isArray(data)) throw new WatsError(`${what} did not return a list`, { code: 'WATS_ERR_RESPONSE' });
  return data as T[];
}
