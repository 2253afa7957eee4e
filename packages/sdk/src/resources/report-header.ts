/**
 * A report header as `GET /api/Report/Query/Header` returns it
 * (OpenAPI schema `Virinco.WATS.Web.Dashboard.Models.OData.ReportHeader`).
 * Every field is optional: `$select` can leave any of them out.
 */
export interface ReportHeader {
  /** Report id. Can be used in `$orderby`. */
  uuid?: string;
  serialNumber?: string;
  partNumber?: string;
  /** `T` = UUT, `R` = UUR. */
  reportType?: string;
  /** Start time, UTC (`yyyy-MM-ddTHH:mm:ssZ`). Default order is descending. */
  start?: string;
  revision?: string;
  /** `Passed`, `Failed`, `Error`, `Terminated` (or `Done`). */
  result?: string;
  batchNumber?: string;
  /** Operator. */
  userName?: string;
  stationName?: string;
  location?: string;
  purpose?: string;
  measuresDeleted?: boolean;
  /** Processing order (an increasing number, not a time). Can be used in `$orderby`. */
  timeStamp?: number;
  processCode?: number;
  processName?: string;
  comment?: string;
  /** Seconds. */
  executionTime?: number;
  swFilename?: string;
  swVersion?: string;
  testSocketIndex?: number;
  fixtureId?: string;
  errorCode?: number;
  errorMessage?: string;
  /** Run number (same serial number in the same test operation). */
  run?: number;
  receiveCount?: number;
  /** KB. */
  reportSize?: number;
  causedUutFailure?: string;
  causedUutFailurePath?: string;
  passedInRun?: number;
  /** For a repair report: the test report it refers to. */
  referencedUut?: string;
  subUnits?: Record<string, unknown>[];
  miscInfo?: Record<string, unknown>[];
  assets?: Record<string, unknown>[];
  attachments?: Record<string, unknown>[];
  uurSubUnits?: Record<string, unknown>[];
  uurMiscInfo?: Record<string, unknown>[];
  uurAttachments?: Record<string, unknown>[];
}

/** Header fields that `$orderby` accepts (per the operation's description). */
export type HeaderOrderField = 'start' | 'uuid' | 'serialNumber' | 'timeStamp';

/** Collections that `$expand` can add. */
export type HeaderExpand =
  | 'subUnits'
  | 'miscInfo'
  | 'assets'
  | 'attachments'
  | 'uurSubUnits'
  | 'uurMiscInfo'
  | 'uurAttachments';
