import type { RequestOptions } from '../client.js';
import { WatsError } from '../core/errors.js';
import { APIResource } from '../core/resource.js';
import { wireFilter, type AnalyticsFilter } from './analytics-filter.js';
import type { SnHistoryReport } from './unit-history.js';

/** Options of {@link InternalResource.getUnitReportHistory}. */
export interface UnitReportHistoryParams {
  /** Include details (sub units, misc infos, failed steps, repair failures). */
  details?: boolean;
  /** Let the server answer from its cache. */
  useCache?: boolean;
}

/**
 * Internal (`/api/internal/...`) routes. They are not part of the public contract: a server
 * may refuse them (401/403/404) or change them between releases. Each call sends the
 * `Referer` header these routes need. Prefer the public methods that wrap them with a
 * fallback, e.g. `analytics.unitHistory()`.
 */
export class InternalResource extends APIResource {
  /**
   * A unit's test and repair reports, newest first, with optional details. The body is the
   * analytics filter (`serialNumber`, `partNumber`, `dateFrom`, `topCount`, ...).
   * @operation POST /api/internal/Survey/GetUnitReportHistory
   */
  async getUnitReportHistory(
    filter: AnalyticsFilter,
    params: UnitReportHistoryParams = {},
    options?: RequestOptions,
  ): Promise<SnHistoryReport[]> {
    const res = await this.client.request<unknown>(
      {
        method: 'POST',
        path: '/api/internal/Survey/GetUnitReportHistory',
        query: { details: params.details, useCache: params.useCache },
        body: wireFilter(filter),
        internal: true,
      },
      options,
    );
    if (!Array.isArray(res.data)) {
      throw new WatsError('POST /api/internal/Survey/GetUnitReportHistory did not return a list', { code: 'WATS_ERR_RESPONSE' });
    }
    return res.data as SnHistoryReport[];
  }
}
