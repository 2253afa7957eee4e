/**
 * WSJF (WATS Standard JSON Format) report types: the report level.
 *
 * Source: `shared/notes/sdk.md` §2 (key by key, checked against a real server export).
 * Step and measurement types live in `step-types.ts`.
 *
 * These types describe a *valid* report. `parseReport` only checks the structural minimum
 * (see its JSDoc), so a parsed report may still carry odd values where the types promise
 * an enum; `validateReport` checks the rest. Every object type has an index signature, so
 * keys this SDK does not model are kept and sent back unchanged.
 */
import type { SequenceCallStep } from './step-types.js';

/** Unknown keys are preserved verbatim on every WSJF object. */
export interface WsjfExtra {
  [key: string]: unknown;
}

/** Step status: Passed, Failed, Skipped, Done, Error, Terminated (sdk.md §2.13). */
export type StepStatus = 'P' | 'F' | 'S' | 'D' | 'E' | 'T';

/** Report `result`: like {@link StepStatus} without `S` (sdk.md §2.13). */
export type ReportResult = 'P' | 'F' | 'D' | 'E' | 'T';

/** Step group: Setup, Main, Cleanup. */
export type StepGroup = 'S' | 'M' | 'C';

/** Report type: `T` = UUT (test), `R` = UUR (repair). */
export type ReportType = 'T' | 'R';

/** Comparison operators (sdk.md §2.14). The server itself sometimes writes `Log`; compare case-insensitively. */
export type CompOp =
  | 'LOG' | 'EQ' | 'NE' | 'GT' | 'GE' | 'LT' | 'LE'
  | 'GTLT' | 'GTLE' | 'GELT' | 'GELE'
  | 'LTGT' | 'LTGE' | 'LEGT' | 'LEGE'
  | 'EQT' | 'CASESENSIT' | 'IGNORECASE';

/** Chart types the server knows (sdk.md §2.12). */
export type ChartType = 'Line' | 'LineLogXY' | 'LineLogX' | 'LineLogY';

/**
 * A WSJF number: values and limits may be numbers or strings such as `"NaN"`,
 * `"Infinity"` and `"-Infinity"` (JSON has no non-finite numbers).
 */
export type WsjfNumber = number | string;

/** The `uut` object of a UUT report (sdk.md §2.2). */
export interface UutInfo extends WsjfExtra {
  /** Operator. */
  user?: string | null;
  comment?: string | null;
  /** Execution time in seconds. */
  execTime?: number | null;
  fixtureId?: string | null;
  /** −1 appears in real data. */
  testSocketIndex?: number | null;
  testSocketIndexFormat?: string | null;
  errorCode?: number | null;
  errorCodeFormat?: string | null;
  errorMessage?: string | null;
  batchSN?: string | null;
  batchFailCount?: number | null;
  batchFailCountFormat?: string | null;
  batchLoopIndex?: number | null;
  batchLoopIndexFormat?: string | null;
  stepIdCausedUUTFailure?: number | null;
  /** Read-only. */
  referencedByUURs?: Array<{ id: string; start: string } & WsjfExtra> | null;
}

/** The `uur` object of a UUR report (sdk.md §2.3). */
export interface UurInfo extends WsjfExtra {
  user?: string | null;
  comment?: string | null;
  execTime?: number | null;
  /** The *test* operation that failed (the top-level `processCode` is the repair operation). */
  processCode: number;
  processName?: string | null;
  processCodeFormat?: string | null;
  /** Id of the failed UUT report, or null for a stand-alone repair. */
  refUUT?: string | null;
  confirmDate: string;
  finalizeDate: string;
  active?: boolean | null;
  testOperationCode?: number | null;
  testOperationName?: string | null;
  testOperationGuid?: string | null;
  /** Id of the parent UUR. */
  parent?: string | null;
  children?: unknown;
}

/** A UUR failure on a sub unit (sdk.md §2.4). */
export interface UurFailure extends WsjfExtra {
  category: string;
  code: string;
  comment?: string | null;
  /** Component reference, e.g. `C12`. */
  comRef?: string | null;
  funcBlock?: string | null;
  /** Id of the UUT step the failure refers to. */
  refStepId?: number | null;
  refStepName?: string | null;
  artNumber?: string | null;
  artRev?: string | null;
  artVendor?: string | null;
  artDescription?: string | null;
  /** Attachments nested in the failure, as in the official UUR example file. */
  attachments?: BinaryData[] | null;
}

/** A sub unit (UUT) or a repaired unit (UUR; `idx` 0 is the main unit) (sdk.md §2.4). */
export interface SubUnit extends WsjfExtra {
  pn: string;
  sn: string;
  rev?: string | null;
  partType?: string | null;
  idx?: number | null;
  parentIdx?: number | null;
  position?: number | null;
  replacedIdx?: number | null;
  failures?: UurFailure[] | null;
  /** pyWATS allows a sub unit to carry its own step tree (unverified against a server). */
  root?: SequenceCallStep | null;
}

/** A `miscInfos[]` entry (sdk.md §2.5). */
export interface MiscInfo extends WsjfExtra {
  description: string;
  text?: string | null;
  /** Legacy; the server drops it. */
  numeric?: number | null;
  id?: string | null;
}

/** An `assets[]` entry (sdk.md §2.6; unverified against a server). */
export interface Asset extends WsjfExtra {
  sn: string;
  assetType?: string | null;
  partNumber?: string | null;
  usageCount?: number | null;
  calibrationDate?: string | null;
  calibrationDue?: string | null;
}

/** An `assetStats[]` entry; read-only, sent back as `[]` (sdk.md §2.6). */
export interface AssetStat extends WsjfExtra {
  sn?: string;
  runningCount?: number;
  runningCountExceeded?: number;
  totalCount?: number;
  totalCountExceeded?: number;
  daysSinceCalibration?: number;
  isDaysSinceCalibrationUnknown?: boolean;
  calibrationDaysOverdue?: number;
  daysSinceMaintenance?: number;
  isDaysMaintenanceUnknown?: boolean;
  maintenanceDaysOverdue?: number;
}

/** A report-level attachment (`binaryData[]`) (sdk.md §2.7). */
export interface BinaryData extends WsjfExtra {
  contentType: string;
  /** Base64. */
  data: string;
  name: string;
  /** UUR only. */
  description?: string | null;
  /** UUR only: the failure this attachment belongs to. */
  failIdx?: number | null;
  /** Set by the server (the `attachmentId`). */
  id?: string | null;
}

/** A step-level attachment (`WATS_AttachFile.attachment`) (sdk.md §2.7). */
export interface Attachment extends WsjfExtra {
  name: string;
  contentType: string;
  /** Base64. */
  data: string;
  description?: string | null;
}

/** One property of an additional-data block (sdk.md §2.8). */
export interface AdditionalDataProp extends WsjfExtra {
  name: string;
  type: string;
  flags?: number | null;
  value?: string | null;
  comment?: string | null;
  numFormat?: string | null;
  props?: AdditionalDataProp[] | null;
  array?: AdditionalDataArray | null;
}

/** An array-valued additional-data property. */
export interface AdditionalDataArray extends WsjfExtra {
  dimension: number;
  type: string;
  indexes: Array<{ text: string; indexes: number[]; value?: AdditionalDataProp | null } & WsjfExtra>;
}

/** `additionalData[]` (report) and `additionalResults[]` (step) (sdk.md §2.8). */
export interface AdditionalData extends WsjfExtra {
  name: string;
  props?: AdditionalDataProp[] | null;
}

/** Keys shared by UUT and UUR reports (sdk.md §2.1). */
export interface ReportBase extends WsjfExtra {
  /** UUID, generated client side. Re-submitting the same id overwrites the report. */
  id?: string;
  type: ReportType;
  pn: string;
  sn: string;
  rev: string;
  /** UUT: the test operation; UUR: the repair operation. */
  processCode: number;
  result: ReportResult;
  /** Station name. */
  machineName: string;
  location: string;
  purpose: string;
  /** ISO 8601 local time with offset, e.g. `2026-01-30T23:35:22.761+01:00`. */
  start: string;
  /** Output-only; real files carry odd values such as `2020-01-01T08:00:00.Z`. */
  startUTC?: string | null;
  subUnits?: SubUnit[] | null;
  miscInfos?: MiscInfo[] | null;
  assets?: Asset[] | null;
  assetStats?: AssetStat[] | null;
  binaryData?: BinaryData[] | null;
  additionalData?: AdditionalData[] | null;
  origin?: string | null;
  productName?: string | null;
  processName?: string | null;
  processCodeFormat?: string | null;
}

/** A UUT (test) report. */
export interface UutReport extends ReportBase {
  type: 'T';
  uut?: UutInfo | null;
  /** The main sequence; required by the server. */
  root: SequenceCallStep;
}

/** A UUR (repair) report. */
export interface UurReport extends ReportBase {
  type: 'R';
  uur: UurInfo;
}

/** Any WSJF report. */
export type WsjfReport = UutReport | UurReport;
