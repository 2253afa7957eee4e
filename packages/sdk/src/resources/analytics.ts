import type { RequestOptions } from '../client.js';
import { APIError, WatsError } from '../core/errors.js';
import { APIResource } from '../core/resource.js';
import {
  availableTimeParam,
  expectList,
  isoDate,
  semicolonList,
  wireFilter,
  type AnalyticsFilter,
  type AnalyticsDateInput,
  type OeeParams,
  type ProductFilter,
  type RelatedRepairHistoryParams,
  type StepAnalysisFilter,
  type TopFailedParams,
  type UutReportParams,
  type YieldListParams,
} from './analytics-filter.js';
import type {
  MeasurementGroup,
  OeeResult,
  RepairHistoryRecord,
  RepairRow,
  StepAnalysisRow,
  TopFailedStep,
  YieldRow,
} from './analytics-types.js';
import type { ReportHeader } from './report-header.js';
import { entryFromInternal, publicUnitHistory, type UnitHistory } from './unit-history.js';

/** Options of {@link AnalyticsResource.measurements} and {@link AnalyticsResource.aggregatedMeasurements}. */
export interface MeasurementParams {
  /**
   * Measurement paths (`¶` between step names, `¶¶name` for a measurement of a multi step;
   * see `measurementPath()`), joined with `;`. Without paths the server picks the
   * measurements that failed most.
   */
  measurementPaths?: string | readonly string[];
}

/** Options of {@link AnalyticsResource.unitHistory}. */
export interface UnitHistoryOptions {
  /** Add sub units, misc infos, failed steps and repair failures to each entry. */
  details?: boolean;
  /** At most this many reports (the newest). */
  top?: number;
  /** Only reports that started at or after this instant. */
  since?: AnalyticsDateInput;
}

/** Statuses with which a server refuses an internal route; `unitHistory` then uses public routes. */
const REFUSED = new Set([401, 403, 404, 405, 501]);

/** Analytics (`/api/App/...`): yield, repair statistics, failed steps, measurements, OEE, report lists, unit history. */
export class AnalyticsResource extends APIResource {
  private async call(method: 'GET' | 'POST', path: string, query: Record<string, string | number | boolean | undefined>, body: unknown, options?: RequestOptions): Promise<unknown> {
    const res = await this.client.request<unknown>({ method, path, query, ...(body === undefined ? {} : { body }) }, options);
    return res.data;
  }

  private async list<T>(method: 'GET' | 'POST', path: string, query: Record<string, string | number | boolean | undefined>, body: unknown, options?: RequestOptions): Promise<T[]> {
    return expectList<T>(await this.call(method, path, query, body, options), `${method} ${path}`);
  }

  /** A POST analytics call with a filter body. `dimensions` also goes in the query, where the spec declares it. */
  private byFilter<T>(path: string, filter: AnalyticsFilter | undefined, options?: RequestOptions, query: Record<string, string | number | boolean | undefined> = {}): Promise<T[]> {
    return this.list<T>('POST', path, query, wireFilter(filter), options);
  }

  private yieldList(path: string, params: YieldListParams, options?: RequestOptions): Promise<YieldRow[]> {
    const query = { days: params.days, productGroupId: semicolonList(params.productGroupId), levelId: semicolonList(params.levelId) };
    return this.list<YieldRow>('GET', path, query, undefined, options);
  }

  /**
   * PREVIEW. Yield KPIs by custom dimensions, e.g. `dimensions: ['unitCount desc', 'partNumber', 'testOperation']`
   * (the server's default, with `topCount` 10 over the last 30 days).
   * @operation POST /api/App/DynamicYield
   */
  dynamicYield(filter: AnalyticsFilter = {}, options?: RequestOptions): Promise<YieldRow[]> {
    const dims = filter.dimensions === undefined ? undefined : semicolonList(filter.dimensions);
    return this.byFilter('/api/App/DynamicYield', filter, options, { dimensions: dims });
  }

  /**
   * PREVIEW. Repair counts by custom dimensions (KPIs `repairCount`, `repairReportCount`).
   * @operation POST /api/App/DynamicRepair
   */
  dynamicRepair(filter: AnalyticsFilter = {}, options?: RequestOptions): Promise<RepairRow[]> {
    const dims = filter.dimensions === undefined ? undefined : semicolonList(filter.dimensions);
    return this.byFilter('/api/App/DynamicRepair', filter, options, { dimensions: dims });
  }

  /**
   * Volume and yield per product over the last `days`, in product groups and levels (ids).
   * @operation GET /api/App/VolumeYield
   */
  volumeYield(params: YieldListParams, options?: RequestOptions): Promise<YieldRow[]> {
    return this.yieldList('/api/App/VolumeYield', params, options);
  }

  /**
   * Volume and yield per product for a filter (`productGroup`, `level`, `periodCount`, `dateGrouping`, `includeCurrentPeriod`).
   * @operation POST /api/App/VolumeYield
   */
  volumeYieldByFilter(filter: AnalyticsFilter, options?: RequestOptions): Promise<YieldRow[]> {
    return this.byFilter('/api/App/VolumeYield', filter, options);
  }

  /**
   * Yield per product, highest volume first, over the last `days`.
   * @operation GET /api/App/HighVolume
   */
  highVolume(params: YieldListParams, options?: RequestOptions): Promise<YieldRow[]> {
    return this.yieldList('/api/App/HighVolume', params, options);
  }

  /**
   * Yield per product, highest volume first, for a filter.
   * @operation POST /api/App/HighVolume
   */
  highVolumeByFilter(filter: AnalyticsFilter, options?: RequestOptions): Promise<YieldRow[]> {
    return this.byFilter('/api/App/HighVolume', filter, options);
  }

  /**
   * Yield per product group, highest volume first.
   * @operation POST /api/App/HighVolumeByProductGroup
   */
  highVolumeByProductGroup(filter: AnalyticsFilter, options?: RequestOptions): Promise<YieldRow[]> {
    return this.byFilter('/api/App/HighVolumeByProductGroup', filter, options);
  }

  /**
   * Yield per product, lowest first-pass yield first, over the last `days`.
   * @operation GET /api/App/WorstYield
   */
  worstYield(params: YieldListParams, options?: RequestOptions): Promise<YieldRow[]> {
    return this.yieldList('/api/App/WorstYield', params, options);
  }

  /**
   * Yield per product, lowest first-pass yield first, for a filter.
   * @operation POST /api/App/WorstYield
   */
  worstYieldByFilter(filter: AnalyticsFilter, options?: RequestOptions): Promise<YieldRow[]> {
    return this.byFilter('/api/App/WorstYield', filter, options);
  }

  /**
   * Yield per product group, lowest first-pass yield first.
   * @operation POST /api/App/WorstYieldByProductGroup
   */
  worstYieldByProductGroup(filter: AnalyticsFilter, options?: RequestOptions): Promise<YieldRow[]> {
    return this.byFilter('/api/App/WorstYieldByProductGroup', filter, options);
  }

  /**
   * The steps that failed most for a product and process (all six parameters are required by the spec).
   * @operation GET /api/App/TopFailed
   */
  topFailed(params: TopFailedParams, options?: RequestOptions): Promise<TopFailedStep[]> {
    const query = {
      partNumber: params.partNumber,
      processCode: String(params.processCode),
      productGroupId: semicolonList(params.productGroupId),
      levelId: semicolonList(params.levelId),
      days: params.days,
      count: params.count,
    };
    return this.list<TopFailedStep>('GET', '/api/App/TopFailed', query, undefined, options);
  }

  /**
   * The steps that failed most for a filter (`partNumber`, `testOperation`, `productGroup`, `level`, periods, `topCount`).
   * @operation POST /api/App/TopFailed
   */
  topFailedByFilter(filter: AnalyticsFilter, options?: RequestOptions): Promise<TopFailedStep[]> {
    return this.byFilter('/api/App/TopFailed', filter, options);
  }

  /**
   * PREVIEW. Step and measurement statistics for a product in a test operation (both required;
   * defaults: the last 30 days, first runs, 10000 reports).
   * @operation POST /api/App/TestStepAnalysis
   */
  testStepAnalysis(filter: StepAnalysisFilter, options?: RequestOptions): Promise<StepAnalysisRow[]> {
    return this.byFilter('/api/App/TestStepAnalysis', filter, options);
  }

  /**
   * PREVIEW. The numeric measurements at the given paths (at most 10000), with their statistics.
   * @operation POST /api/App/Measurements
   */
  measurements(filter: ProductFilter, params: MeasurementParams = {}, options?: RequestOptions): Promise<MeasurementGroup[]> {
    const paths = params.measurementPaths === undefined ? undefined : semicolonList(params.measurementPaths);
    return this.byFilter('/api/App/Measurements', filter, options, { measurementPaths: paths });
  }

  /**
   * Statistics (count, min, max, avg, stdev, Cp/Cpk, ...) of the measurements at the given
   * paths, per period of `dateGrouping`.
   * @operation POST /api/App/AggregatedMeasurements
   */
  aggregatedMeasurements(filter: ProductFilter, params: MeasurementParams = {}, options?: RequestOptions): Promise<MeasurementGroup[]> {
    const paths = params.measurementPaths === undefined ? undefined : semicolonList(params.measurementPaths);
    return this.byFilter('/api/App/AggregatedMeasurements', filter, options, { measurementPaths: paths });
  }

  /**
   * Overall equipment effectiveness for a filter. `availableTime` (hours per weekday) is
   * required by the spec.
   * @operation POST /api/App/OeeAnalysis
   */
  async oeeAnalysis(filter: AnalyticsFilter, params: OeeParams, options?: RequestOptions): Promise<OeeResult> {
    const query = {
      availableTime: availableTimeParam(params.availableTime),
      minConnectionTime: params.minConnectionTime,
      maxConnectionTime: params.maxConnectionTime,
      minExecutionTime: params.minExecutionTime,
      maxExecutionTime: params.maxExecutionTime,
      targetOutput: params.targetOutput,
    };
    const data = await this.call('POST', '/api/App/OeeAnalysis', query, wireFilter(filter), options);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new WatsError('POST /api/App/OeeAnalysis did not return an object', { code: 'WATS_ERR_RESPONSE' });
    }
    return data as OeeResult;
  }

  /**
   * Test and repair report headers of the units a filter selects (`serialNumber`, `partNumber`,
   * `batchNumber`, `miscValue`, `productGroup`, `level`).
   * @operation POST /api/App/SerialNumberHistory
   */
  serialNumberHistory(filter: AnalyticsFilter, options?: RequestOptions): Promise<ReportHeader[]> {
    return this.byFilter('/api/App/SerialNumberHistory', filter, options);
  }

  /**
   * Test report headers (the 1000 newest that match).
   * @operation GET /api/App/UutReport
   */
  uutReports(params: UutReportParams = {}, options?: RequestOptions): Promise<ReportHeader[]> {
    const query: Record<string, string | undefined> = {};
    for (const key of ['serialNumber', 'partNumber', 'revision', 'batchNumber', 'stationName', 'testOperation', 'status'] as const) {
      query[key] = params[key];
    }
    if (params.dateFrom !== undefined) query.dateFrom = isoDate(params.dateFrom, 'dateFrom');
    if (params.dateTo !== undefined) query.dateTo = isoDate(params.dateTo, 'dateTo');
    if (params.productGroupId !== undefined) query.productGroupId = semicolonList(params.productGroupId);
    if (params.levelId !== undefined) query.levelId = semicolonList(params.levelId);
    return this.list<ReportHeader>('GET', '/api/App/UutReport', query, undefined, options);
  }

  /**
   * Test report headers for a filter, newest first (1000 unless `topCount` says otherwise).
   * @operation POST /api/App/UutReport
   */
  uutReportsByFilter(filter: AnalyticsFilter, options?: RequestOptions): Promise<ReportHeader[]> {
    return this.byFilter('/api/App/UutReport', filter, options);
  }

  /**
   * Repair report headers for a filter, newest first (1000 unless `topCount` says otherwise).
   * @operation POST /api/App/UurReport
   */
  uurReports(filter: AnalyticsFilter, options?: RequestOptions): Promise<ReportHeader[]> {
    return this.byFilter('/api/App/UurReport', filter, options);
  }

  /**
   * Repaired failures of a part number and revision, newest first.
   * @operation GET /api/App/RelatedRepairHistory
   */
  relatedRepairHistory(params: RelatedRepairHistoryParams, options?: RequestOptions): Promise<RepairHistoryRecord[]> {
    const query = {
      partNumber: params.partNumber,
      revision: params.revision,
      repairOperationCode: params.repairOperationCode === undefined ? undefined : String(params.repairOperationCode),
      testOperationCode: params.testOperationCode === undefined ? undefined : String(params.testOperationCode),
    };
    return this.list<RepairHistoryRecord>('GET', '/api/App/RelatedRepairHistory', query, undefined, options);
  }

  /**
   * A unit's test and repair reports, newest first. Asks the internal unit-history route
   * (the only one with `details`); when the server refuses it (401, 403, 404, 405, 501) the same
   * answer is built from public routes: a header query on the serial number, plus the WSJF of
   * each report when `details` is set. `source` says which was used.
   * @operation POST /api/internal/Survey/GetUnitReportHistory
   */
  async unitHistory(serialNumber: string, partNumber?: string, opts: UnitHistoryOptions = {}, options?: RequestOptions): Promise<UnitHistory> {
    if (typeof serialNumber !== 'string' || serialNumber === '') {
      throw new WatsError('serialNumber must be a non-empty string', { code: 'WATS_ERR_ARGUMENT' });
    }
    if (opts.top !== undefined && (!Number.isInteger(opts.top) || opts.top < 1 || opts.top > 10_000)) {
      throw new WatsError(`top must be a whole number from 1 to 10000, got ${opts.top}`, { code: 'WATS_ERR_ARGUMENT' });
    }
    const since = opts.since === undefined ? undefined : isoDate(opts.since, 'since');
    const same = (a: string, b: string | undefined) => b === undefined || a.toUpperCase() === b.toUpperCase();
    try {
      const filter: AnalyticsFilter = { serialNumber, partNumber, dateFrom: since, topCount: opts.top };
      const entries = await this.client.internal.getUnitReportHistory(filter, { details: opts.details === true }, options);
      // Filter values are LIKE patterns on the server (`_` matches any character): keep exact matches only.
      const reports = entries.map(entryFromInternal).filter((e) => same(e.serialNumber, serialNumber) && same(e.partNumber, partNumber));
      return { source: 'internal', reports };
    } catch (err) {
      if (!(err instanceof APIError) || !REFUSED.has(err.status)) throw err;
    }
    return { source: 'public', reports: await publicUnitHistory(this.client, { ...opts, serialNumber, partNumber, since }, options) };
  }
}
