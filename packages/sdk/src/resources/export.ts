import type { RequestOptions } from '../client.js';
import { APIResource } from '../core/resource.js';
import { APIUserAbortError, WatsError } from '../core/errors.js';
import type { components } from '../generated/wats-api.js';
import { toReportFile, type ReportFile } from './report-file.js';

type PublicWatsFilter = components['schemas']['Virinco.WATS.Web.Dashboard.Controllers.api.app.PublicWatsFilter'];

/**
 * The WATS filter that selects the reports to export (`PublicWatsFilter`). Text criteria are
 * SQL `LIKE` patterns (`%`, `_`, `;` between alternatives); dates may be `Date`s or ISO strings.
 */
export type ExportFilter = Omit<PublicWatsFilter, 'dateFrom' | 'dateTo'> & {
  dateFrom?: Date | string;
  dateTo?: Date | string;
};

/** Details an export can include (`dimensions`), as the operation documents them. */
export type ExportDimension =
  | 'stationData' | 'miscInfo' | 'subUnitInfo' | 'asset' | 'batchNumber' | 'executionTime' | 'testSocketIndex'
  | 'operator' | 'errorCode' | 'errorMessage' | 'fixtureId' | 'testOperation' | 'reportStatus' | 'comment'
  | 'swFilename' | 'swVersion' | 'stepStatus' | 'stepTime' | 'measurement' | 'units' | 'compOperator'
  | 'lowLimit' | 'highLimit' | 'viewStepHierarchy' | 'signCertificate' | 'xyGraph' | 'pageNumbers';

/** Parameters of {@link ExportResource.queueCertificates} (`POST /api/Export/Certificate`). */
export interface CertificateExportParams {
  /** Which reports (the request body). @default {} (the server's default selection) */
  filter?: ExportFilter;
  /** Header data only, or steps as well (`headerDataOnly`). */
  headerDataOnly: boolean;
  /** One PDF per report in the zip, or one PDF for all (`asIndividualFiles`). */
  asIndividualFiles: boolean;
  /** Details to include (`dimensions`, sent `;`-separated). @default all */
  dimensions?: ExportDimension[] | string;
  /** Format of numbers without their own (`numericFormat`). */
  numericFormat?: 'default' | 'integer' | 'decimal' | 'scientific' | 'general' | 'hexadecimal' | 'binary';
  /** Product tag whose value becomes the footer text (`bodyFooterTag`). */
  bodyFooterTag?: string;
  /** Product tag whose value becomes the document footer (`documentFooterTag`). */
  documentFooterTag?: string;
  /** Where to mail the download link (`email`); required by the real server with token authentication. */
  email?: string;
}

/** What queuing an export answers. */
export interface QueuedExport {
  /** Name of the file the export will produce; download it with {@link ExportResource.getExportedFile}. */
  exportFileName: string;
  status?: string;
  [key: string]: unknown;
}

/** One of the caller's exports, from `GET /api/Export/List`. */
export interface ExportEntry {
  exportFileName: string;
  /** `Queued`, `Completed` or `Failed` (a real server that lists bare names gives `Completed`). */
  status: string;
  queuedUtc?: string;
  completedUtc?: string;
  reportCount?: number;
  size?: number;
  error?: string;
  [key: string]: unknown;
}

/** Options of {@link ExportResource.waitForExport}. */
export interface WaitForExportOptions extends RequestOptions {
  /** Between two list calls. @default 250 */
  pollIntervalMs?: number;
  /** Give up after this long. @default 120000 */
  timeoutMs?: number;
}

function isoDate(value: Date | string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new WatsError(`${name} is not a valid date: ${String(value)}`, { code: 'WATS_ERR_ARGUMENT' });
  return date.toISOString();
}

function sameName(a: string, b: string): boolean {
  const strip = (s: string) => s.trim().toLowerCase().replace(/\.zip$/, '');
  return strip(a) === strip(b);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError(undefined, { cause: signal.reason }));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError(undefined, { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exports: queue a certificate export, list and download exported files. */
export class ExportResource extends APIResource {
  /**
   * Queues a background export of UUT certificates (PDFs in a zip) for the reports the filter
   * selects. Poll {@link listExports} (or use {@link waitForExport}), then download the file.
   * @operation POST /api/Export/Certificate
   */
  async queueCertificates(params: CertificateExportParams, options?: RequestOptions): Promise<QueuedExport> {
    const { dateFrom, dateTo, ...rest } = params.filter ?? {};
    const body: PublicWatsFilter = { ...rest };
    const from = isoDate(dateFrom, 'filter.dateFrom');
    const to = isoDate(dateTo, 'filter.dateTo');
    if (from !== undefined) body.dateFrom = from;
    if (to !== undefined) body.dateTo = to;
    const dimensions = Array.isArray(params.dimensions) ? params.dimensions.join(';') : params.dimensions;
    const res = await this.client.request<unknown>(
      {
        method: 'POST',
        path: '/api/Export/Certificate',
        query: {
          headerDataOnly: params.headerDataOnly,
          asIndividualFiles: params.asIndividualFiles,
          dimensions,
          numericFormat: params.numericFormat,
          bodyFooterTag: params.bodyFooterTag,
          documentFooterTag: params.documentFooterTag,
          email: params.email,
        },
        body,
      },
      options,
    );
    // The spec leaves the answer untyped: take an object with the name, or the bare name.
    if (typeof res.data === 'string') return { exportFileName: res.data };
    const answer = (res.data ?? {}) as QueuedExport;
    if (typeof answer.exportFileName !== 'string') {
      throw new WatsError('POST /api/Export/Certificate did not answer with an exportFileName', { code: 'WATS_ERR_RESPONSE' });
    }
    return answer;
  }

  /**
   * The caller's exports with their status. Exports of other users or tokens are not listed.
   * @operation GET /api/Export/List
   */
  async listExports(options?: RequestOptions): Promise<ExportEntry[]> {
    const res = await this.client.request<unknown>({ method: 'GET', path: '/api/Export/List' }, options);
    if (!Array.isArray(res.data)) throw new WatsError('GET /api/Export/List did not return a list', { code: 'WATS_ERR_RESPONSE' });
    // A bare name is a finished export (the operation's description: wait for the name to appear).
    return res.data.map((item: unknown) =>
      typeof item === 'string' ? { exportFileName: item, status: 'Completed' } : (item as ExportEntry),
    );
  }

  /**
   * Polls the export list until the export is `Completed` (returned) or `Failed` (throws a
   * `WatsError` with code `WATS_ERR_EXPORT_FAILED`), or `timeoutMs` passes (`WATS_ERR_EXPORT_TIMEOUT`).
   * @operation GET /api/Export/List
   */
  async waitForExport(exportFileName: string, options: WaitForExportOptions = {}): Promise<ExportEntry> {
    const { pollIntervalMs = 250, timeoutMs = 120_000, ...requestOptions } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const entry = (await this.listExports(requestOptions)).find((e) => sameName(e.exportFileName, exportFileName));
      if (entry?.status === 'Completed') return entry;
      if (entry?.status === 'Failed') {
        throw new WatsError(`Export ${exportFileName} failed: ${entry.error ?? 'no reason given'}`, { code: 'WATS_ERR_EXPORT_FAILED' });
      }
      if (Date.now() + pollIntervalMs > deadline) {
        throw new WatsError(`Export ${exportFileName} was not finished after ${timeoutMs} ms`, { code: 'WATS_ERR_EXPORT_TIMEOUT' });
      }
      await sleep(pollIntervalMs, requestOptions.signal);
    }
  }

  /**
   * Downloads a finished export (name with or without `.zip`). Only the user or token that
   * queued it can download it.
   * @operation GET /api/Export/{fileName}
   */
  async getExportedFile(fileName: string, options?: RequestOptions): Promise<ReportFile> {
    const res = await this.client.request<Uint8Array>(
      { method: 'GET', path: `/api/Export/${encodeURIComponent(fileName)}`, responseType: 'bytes' },
      options,
    );
    return toReportFile(res);
  }
}
