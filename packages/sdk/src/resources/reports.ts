import type { RequestOptions, ValidationMode } from '../client.js';
import { APIResource } from '../core/resource.js';
import { WatsError, type ReportIssue } from '../core/errors.js';
import { PagedQuery } from '../core/pagination.js';
import type { Filter } from '../odata/filter.js';
import { parseReport, reportToJson, validateReport, type WsjfReport } from '../report/index.js';
import type { HeaderExpand, HeaderOrderField, ReportHeader } from './report-header.js';

/** Options for {@link ReportsResource.submit}. */
export interface SubmitOptions extends RequestOptions {
  /** Overrides the client's validation mode for this report. */
  validation?: ValidationMode;
}

/** What the server said about a submitted report. */
export interface SubmitResult {
  /** The report id (`ID` in the server's answer). Submitting it again overwrites the report. */
  id: string;
  /** The server's legacy integer id (`Report_ID`), when it sent one. */
  reportId: number | undefined;
  /** Attempts it took; above 1 means retries happened (safe: same id). */
  attempts: number;
  /** Truncations made in `truncate` mode, one per field. */
  warnings: ReportIssue[];
}

/** Options for {@link ReportsResource.getWsjf} (`GET /api/Report/Wsjf/{id}`). */
export interface GetWsjfParams {
  /** 0 (identifying data only) to 7 (full report). */
  detailLevel?: number;
  /** Include chart data (plots). @default true on the server */
  includeChartData?: boolean;
  /** Include attachment data. @default true on the server */
  includeAttachments?: boolean;
}

type OrderBy = HeaderOrderField | `${HeaderOrderField} asc` | `${HeaderOrderField} desc`;

/** Options for {@link ReportsResource.queryHeaders} (OData on `GET /api/Report/Query/Header`). */
export interface HeaderQueryParams {
  /** `$filter`: build it with `eq`, `and`, `contains`…, which escape values. */
  filter?: Filter | string;
  /** `$orderby`. @default ['start desc', 'uuid'] (newest first, stable between pages) */
  orderBy?: OrderBy | OrderBy[];
  /**
   * `$top` of the page returned when the query is awaited. We always send
   * `$top`, so the server's silent default of 10 never applies. Max 10000.
   * @default pageSize
   */
  top?: number;
  /** `$skip`. @default 0 */
  skip?: number;
  /** `$select`. */
  select?: (keyof ReportHeader)[];
  /** `$expand`. */
  expand?: HeaderExpand[];
  /** Page size when iterating with `for await`. Max 10000. @default 1000 */
  pageSize?: number;
  /** Stop iterating after this many headers. */
  limit?: number;
}

const MAX_TOP = 10_000;

/** Reports: submit WSJF, fetch WSJF, query headers. */
export class ReportsResource extends APIResource {
  /**
   * Validates and submits one report (`POST /api/Report/WSJF`).
   *
   * A report without an `id` gets a fresh UUID before the first attempt.
   * Submission is retried like any other call: the server overwrites a report
   * with the same id, so a retry after a lost answer never stores a duplicate.
   * @operation POST /api/Report/WSJF
   */
  async submit(report: WsjfReport | Record<string, unknown>, options: SubmitOptions = {}): Promise<SubmitResult> {
    let parsed = parseReport(report);
    if (typeof parsed.id !== 'string' || parsed.id === '') parsed = { ...parsed, id: globalThis.crypto.randomUUID() };
    const mode = options.validation ?? this.client.config.validation;
    let warnings: ReportIssue[] = [];
    if (mode !== 'off') {
      const checked = validateReport(parsed, { mode });
      parsed = checked.report;
      warnings = checked.warnings;
    }
    const { validation: _unused, ...requestOptions } = options;
    const res = await this.client.request<unknown>(
      { method: 'POST', path: '/api/Report/WSJF', body: reportToJson(parsed) },
      requestOptions,
    );
    // The server answers with InsertReportResult, sometimes wrapped in a list.
    const answer = (Array.isArray(res.data) ? res.data[0] : res.data) as Record<string, unknown> | undefined;
    const id = typeof answer?.ID === 'string' ? answer.ID : typeof answer?.uuid === 'string' ? answer.uuid : parsed.id;
    return {
      id: String(id),
      reportId: typeof answer?.Report_ID === 'number' ? answer.Report_ID : undefined,
      attempts: res.attempts,
      warnings,
    };
  }

  /**
   * One report as WSJF, parsed losslessly.
   * @operation GET /api/Report/Wsjf/{id}
   */
  async getWsjf(id: string, params: GetWsjfParams = {}, options?: RequestOptions): Promise<WsjfReport> {
    const res = await this.client.request<unknown>(
      {
        method: 'GET',
        path: `/api/Report/Wsjf/${encodeURIComponent(id)}`,
        query: {
          detailLevel: params.detailLevel,
          includeChartdata: params.includeChartData,
          includeAttachments: params.includeAttachments,
        },
      },
      options,
    );
    return parseReport(res.data as object, { source: `GET /api/Report/Wsjf/${id}` });
  }

  /**
   * Report headers matching an OData query. Await it for one page, or iterate
   * it with `for await` to page through everything (`$top`/`$skip`).
   * @operation GET /api/Report/Query/Header
   */
  queryHeaders(params: HeaderQueryParams = {}, options?: RequestOptions): PagedQuery<ReportHeader> {
    const pageSize = params.pageSize ?? 1000;
    const top = params.top ?? pageSize;
    for (const [name, v] of [['pageSize', pageSize], ['top', top]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > MAX_TOP) {
        throw new WatsError(`${name} must be a whole number from 1 to ${MAX_TOP}, got ${v}`, { code: 'WATS_ERR_ARGUMENT' });
      }
    }
    const skip = params.skip ?? 0;
    if (!Number.isInteger(skip) || skip < 0) {
      throw new WatsError(`skip must be a whole number >= 0, got ${skip}`, { code: 'WATS_ERR_ARGUMENT' });
    }
    const orderBy = params.orderBy === undefined ? ['start desc', 'uuid'] : [params.orderBy].flat();
    const filter = params.filter === undefined ? undefined : String(params.filter);
    const fetchPage = async (pageSkip: number, pageTop: number): Promise<ReportHeader[]> => {
      const res = await this.client.request<unknown>(
        {
          method: 'GET',
          path: '/api/Report/Query/Header',
          query: {
            $filter: filter,
            $orderby: orderBy.join(','),
            $top: pageTop,
            $skip: pageSkip || undefined,
            $select: params.select?.join(','),
            $expand: params.expand?.join(','),
          },
        },
        options,
      );
      if (!Array.isArray(res.data)) {
        throw new WatsError('GET /api/Report/Query/Header did not return a list', { code: 'WATS_ERR_RESPONSE' });
      }
      return res.data as ReportHeader[];
    };
    const keyOf = params.select && !params.select.includes('uuid') ? undefined : (h: ReportHeader) => h.uuid;
    return new PagedQuery(fetchPage, { skip, top }, pageSize, keyOf, params.limit);
  }
}
