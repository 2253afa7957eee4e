import type { RequestOptions, ValidationMode } from '../client.js';
import { APIResource } from '../core/resource.js';
import { WatsError, type ReportIssue } from '../core/errors.js';
import { PagedQuery } from '../core/pagination.js';
import type { components } from '../generated/wats-api.js';
import type { Filter } from '../odata/filter.js';
import { parseReport, reportToJson, validateReport, type WsjfReport } from '../report/index.js';
import { plainReport } from '../report/parse.js';
import type { HeaderExpand, HeaderOrderField, ReportHeader } from './report-header.js';
import { toReportFile, type ReportFile } from './report-file.js';

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

type Schemas = components['schemas'];

/** A UUT result found by misc info (`WATS_UUTResult`): header fields plus every misc info of the report. */
export type UutResult = Schemas['Virinco.WATS.Web.Dashboard.Models.DataAccess.WATS_UUTResult'];
/** One misc info of a {@link UutResult} (`WATS_UUTMisc`: `description`, `data`). */
export type UutMiscData = Schemas['Virinco.WATS.Web.Dashboard.Models.DataAccess.WATS_UUTMisc'];

/**
 * Which attachment {@link ReportsResource.getAttachment} fetches: always the report (`reportId`,
 * required by the spec), plus `attachmentId` for a repair report's attachment (`id` of a
 * `binaryData` item, or of a failure's attachment) or `stepId` for a test report's
 * `WATS_AttachFile` step.
 */
export type AttachmentParams =
  | { reportId: string; attachmentId: string; stepId?: never }
  | { reportId: string; stepId: number; attachmentId?: never };

/** Query of {@link ReportsResource.headersByMiscInfo} (`GET /api/Report/Query/HeaderByMiscInfo`). */
export interface MiscInfoQueryParams {
  /** Misc info description (`description`). */
  description?: string;
  /** Misc info value (`data`). */
  data?: string;
  /** Only reports of this serial number (`serialNumber`). */
  serialNumber?: string;
  /** Only reports of this process (`processCode`). */
  processCode?: number;
}

/** Options for {@link ReportsResource.getWsxf} (`GET /api/Report/Wsxf/{id}`). */
export interface GetWsxfParams extends GetWsjfParams {
  /** Include positional indexes (step `Idx`, `MeasIndex`, misc info `idx`). @default true on the server */
  includeIndexes?: boolean;
}

/** Reports: submit and fetch WSJF and WSXF, header queries, attachments, certificates. */
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
    // Input that is already plain report JSON is used as it is (it is serialised below, before
    // anything can change it): the same report and the same JSON as from a parsed copy.
    const plain = plainReport(report);
    let parsed = plain ?? parseReport(report);
    if (typeof parsed.id !== 'string' || parsed.id === '') parsed = { ...parsed, id: globalThis.crypto.randomUUID() };
    const mode = options.validation ?? this.client.config.validation;
    let warnings: ReportIssue[] = [];
    if (mode !== 'off') {
      const checked = validateReport(parsed, { mode });
      parsed = checked.report;
      warnings = checked.warnings;
    }
    const { validation: _unused, ...requestOptions } = options;
    return this.post(parsed === plain ? JSON.stringify(parsed) : reportToJson(parsed), parsed.id as string, warnings, requestOptions);
  }

  /**
   * Submits a report that is already WSJF JSON text, as it is: no parsing, no validation, no id
   * added. For reports built and checked elsewhere, e.g. serialised with `reportToJson` in a
   * worker thread; the text must carry the report's `id` (`expectedId`, returned when the server
   * does not echo it).
   * @operation POST /api/Report/WSJF
   */
  async submitJson(json: string, expectedId: string, options: RequestOptions = {}): Promise<SubmitResult> {
    return this.post(json, expectedId, [], options);
  }

  private async post(body: string, id: string, warnings: ReportIssue[], options: RequestOptions): Promise<SubmitResult> {
    const res = await this.client.request<unknown>({ method: 'POST', path: '/api/Report/WSJF', body }, options);
    // The server answers with InsertReportResult, sometimes wrapped in a list.
    const answer = (Array.isArray(res.data) ? res.data[0] : res.data) as Record<string, unknown> | undefined;
    const answered = typeof answer?.ID === 'string' ? answer.ID : typeof answer?.uuid === 'string' ? answer.uuid : id;
    return {
      id: String(answered),
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

  /**
   * One attachment's bytes. `reportId` is required (pyWATS never sent it); add `stepId` for a
   * test report's attachment step or `attachmentId` for a repair report's attachment.
   * @operation GET /api/Report/Attachment
   */
  async getAttachment(params: AttachmentParams, options?: RequestOptions): Promise<ReportFile> {
    if ((params.attachmentId === undefined) === (params.stepId === undefined)) {
      throw new WatsError('getAttachment needs exactly one of attachmentId or stepId', { code: 'WATS_ERR_ARGUMENT' });
    }
    const res = await this.client.request<Uint8Array>(
      {
        method: 'GET',
        path: '/api/Report/Attachment',
        query: { reportId: params.reportId, attachmentId: params.attachmentId, stepId: params.stepId },
        responseType: 'bytes',
      },
      options,
    );
    return toReportFile(res);
  }

  /**
   * Every attachment of a report, as a zip archive.
   * @operation GET /api/Report/Attachments/{id}
   */
  async getAttachments(id: string, options?: RequestOptions): Promise<ReportFile> {
    const res = await this.client.request<Uint8Array>(
      { method: 'GET', path: `/api/Report/Attachments/${encodeURIComponent(id)}`, responseType: 'bytes' },
      options,
    );
    return toReportFile(res);
  }

  /**
   * A report's certificate (a PDF document).
   * @operation GET /api/Report/Certificate/{id}
   */
  async getCertificate(id: string, options?: RequestOptions): Promise<ReportFile> {
    const res = await this.client.request<Uint8Array>(
      { method: 'GET', path: `/api/Report/Certificate/${encodeURIComponent(id)}`, responseType: 'bytes' },
      options,
    );
    return toReportFile(res);
  }

  /**
   * Test reports that carry a misc info with this description and/or value (`data`), narrowed
   * by serial number and process. Uses the spec's names (pyWATS sent `stringValue` and `$top`).
   * @operation GET /api/Report/Query/HeaderByMiscInfo
   */
  async headersByMiscInfo(params: MiscInfoQueryParams, options?: RequestOptions): Promise<UutResult[]> {
    const res = await this.client.request<unknown>(
      {
        method: 'GET',
        path: '/api/Report/Query/HeaderByMiscInfo',
        query: {
          description: params.description,
          data: params.data,
          serialNumber: params.serialNumber,
          processCode: params.processCode,
        },
      },
      options,
    );
    if (!Array.isArray(res.data)) {
      throw new WatsError('GET /api/Report/Query/HeaderByMiscInfo did not return a list', { code: 'WATS_ERR_RESPONSE' });
    }
    return res.data as UutResult[];
  }

  /**
   * Submits a report in WSXF (WATS Standard XML Format), sent as is (`application/xml`). Give
   * the report an `ID` attribute: then a retry after a lost answer overwrites instead of
   * storing the report twice.
   * @operation POST /api/Report/WSXF
   */
  async submitWsxf(xml: string | Uint8Array, options?: RequestOptions): Promise<SubmitResult> {
    const res = await this.client.request<unknown>(
      { method: 'POST', path: '/api/Report/WSXF', body: xml, contentType: 'application/xml' },
      options,
    );
    const answer = (Array.isArray(res.data) ? res.data[0] : res.data) as Record<string, unknown> | undefined;
    const id = typeof answer?.ID === 'string' ? answer.ID : typeof answer?.uuid === 'string' ? answer.uuid : undefined;
    if (id === undefined) throw new WatsError('POST /api/Report/WSXF did not answer with a report id', { code: 'WATS_ERR_RESPONSE' });
    return {
      id,
      reportId: typeof answer?.Report_ID === 'number' ? answer.Report_ID : undefined,
      attempts: res.attempts,
      warnings: [],
    };
  }

  /**
   * One report as a WSXF document (XML text), whichever format it was submitted in.
   * @operation GET /api/Report/Wsxf/{id}
   */
  async getWsxf(id: string, params: GetWsxfParams = {}, options?: RequestOptions): Promise<string> {
    const res = await this.client.request<string>(
      {
        method: 'GET',
        path: `/api/Report/Wsxf/${encodeURIComponent(id)}`,
        query: {
          detailLevel: params.detailLevel,
          includeAttachments: params.includeAttachments,
          includeChartdata: params.includeChartData,
          includeIndexes: params.includeIndexes,
        },
        responseType: 'text',
      },
      options,
    );
    return res.data;
  }
}
