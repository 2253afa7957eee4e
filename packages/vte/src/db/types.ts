/**
 * What the VTE source returns: run headers (IndexData + UutData + master data), steps, repairs.
 * GUIDs are lower case; timestamps are VTE's local wall-clock text (`2026-03-29T14:05:00.123`),
 * never converted by a driver: the mapper applies the configured time zone.
 */

/** A local VTE timestamp as text: `YYYY-MM-DDTHH:mm:ss[.fraction]`, no offset. */
export type VteLocalTimestamp = string;

/** The keyset position of a run: `(IndexData.Timestamp, IndexData.Index_GUID)`. */
export interface VteRunKey {
  /** As returned in `VteRunHeader.timestamp`. */
  timestamp: VteLocalTimestamp;
  /** Compared by the database (SQL Server orders uniqueidentifier differently from text). */
  guid: string;
}

export interface ReadRunBatchParams {
  /** Runs strictly after this key; from the start when omitted. */
  after?: VteRunKey;
  /** Runs at or after this local time (backfill start, guard band). */
  since?: VteLocalTimestamp;
  /** Runs strictly before this local time (settle delay, backfill end). */
  until?: VteLocalTimestamp;
  /** Batch size; at most this many runs. */
  limit: number;
}

/** One test run: an IndexData row with its UUT serial and master data. */
export interface VteRunHeader {
  indexGuid: string;
  timestamp: VteLocalTimestamp;
  uutGuid: string | null;
  productGuid: string | null;
  testplanGuid: string | null;
  testplanRevisionGuid: string | null;
  testsystemGuid: string | null;
  userGuid: string | null;
  /** `UutData.Serial`. */
  serial: string | null;
  /** `IndexData.Result` (code; see the results table in the config). */
  result: number | null;
  exitCode: number | null;
  /** `IndexData.TestTime` (seconds, assumed). */
  testTime: number | null;
  /** The run's snapshot value, else the master data's. */
  productName: string | null;
  productType: string | null;
  productVersion: string | null;
  testplanName: string | null;
  testplanVariant: string | null;
  testplanRevision: string | null;
  testsystemName: string | null;
  hostname: string | null;
  site: string | null;
  userName: string | null;
  info1: string | null;
  info2: string | null;
  info3: string | null;
}

export type VteStepKind = 'numeric' | 'text' | 'other';

/** One row of TestDataNumeric, TestDataText or TestDataOther. */
export interface VteStep {
  indexGuid: string;
  kind: VteStepKind;
  stepNumber: number;
  name: string | null;
  description: string | null;
  testNumber: string | null;
  units: string | null;
  /** numeric: a number (or the text when it is not one); text: a string; other: string or bytes. */
  value: number | string | Uint8Array | null;
  lowLimit: number | null;
  highLimit: number | null;
  /** `TestResultType` (code; see the results table in the config). */
  resultType: number | null;
}

/** The keyset position of a repair: `(RepairData.Timestamp, RepairData.Repair_GUID)`. */
export interface VteRepairKey {
  timestamp: VteLocalTimestamp;
  guid: string;
}

export interface ReadRepairsParams {
  after?: VteRepairKey;
  since?: VteLocalTimestamp;
  until?: VteLocalTimestamp;
  limit: number;
}

export interface VteRepairAction {
  actionGuid: string;
  actionCode: string | null;
  actionDescription: string | null;
  component: string | null;
  comment: string | null;
  timestamp: VteLocalTimestamp | null;
}

/** A repair session (RepairData) with its failure code, actions and the run it repairs. */
export interface VteRepair {
  repairGuid: string;
  /** `RepairData.Index_GUID`: the repaired run (the UUR's `refUUT`). */
  indexGuid: string;
  timestamp: VteLocalTimestamp;
  userName: string | null;
  comment: string | null;
  failureCode: string | null;
  failureCategory: string | null;
  failureDescription: string | null;
  /** The repaired run; null when RepairData points at a run that does not exist. */
  run: VteRunHeader | null;
  actions: VteRepairAction[];
}

/** One statement sent to the database (for logs, tests and the benchmark). */
export interface VteQueryEvent {
  /** What the query is for: `runs`, `steps:numeric`, `repairs`, `repair-actions`, `catalog`. */
  purpose: string;
  sql: string;
  parameterCount: number;
  rows: number;
  durationMs: number;
}

export interface VteSourceStats {
  /** Statements sent since the source was opened. */
  queries: number;
  /** Rows received. */
  rows: number;
}
