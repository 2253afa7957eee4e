/**
 * What the analytics operations answer. The OpenAPI document types every one of them as a bare
 * `object` (Swashbuckle's placeholder for an untyped result), so these types are ours: field
 * names from the operations' descriptions (the DynamicYield/DynamicRepair KPI lists) and from
 * WATS's own models in the internal API document (`MeasurementGroup`, `IndividualMeasurement`,
 * `AggregatedMeasurement`). Every field is optional: the server leaves out what it does not know.
 * Yields and rates are percentages (0-100).
 */

/** Dimension values of a yield row (only the dimensions asked for are present). */
export interface YieldDimensions {
  partNumber?: string;
  productName?: string;
  stationName?: string;
  location?: string;
  purpose?: string;
  revision?: string;
  /** Test operation name. */
  testOperation?: string;
  processCode?: number;
  swFilename?: string;
  swVersion?: string;
  productGroup?: string;
  level?: string;
  /** `2026`, `2026-Q4`, `2026-11`, `2026-W47`, `2026-11-21`, `2026-11-21 14:00`. */
  period?: string;
  batchNumber?: string;
  operator?: string;
  fixtureId?: string;
  socketIndex?: number;
  errorCode?: number;
  miscInfoDescription?: string;
  miscInfoString?: string;
  stepCausedUutFailure?: string;
  stepPathCausedUutFailure?: string;
  assetSerialNumber?: string;
  assetName?: string;
}

/** Yield KPIs. A unit is a serial number + part number in one test operation. */
export interface YieldKpis {
  /** Units tested. */
  unitCount?: number;
  /** Units that passed their first run. */
  fpCount?: number;
  /** Units that passed within two runs. */
  spCount?: number;
  /** Units that passed within three runs. */
  tpCount?: number;
  /** Units whose last run passed. */
  lpCount?: number;
  /** First-pass yield, %. */
  fpy?: number;
  /** Second-pass yield, %. */
  spy?: number;
  /** Third-pass yield, %. */
  tpy?: number;
  /** Last-pass (final) yield, %. */
  lpy?: number;
  /** Passed test reports. */
  testYieldCount?: number;
  /** Test reports. */
  testReportCount?: number;
  /** Passed reports in % of reports. */
  testYield?: number;
  /** First and last report start (ISO 8601, UTC). */
  firstUtc?: string;
  lastUtc?: string;
  fpFailCount?: number;
  spFailCount?: number;
  tpFailCount?: number;
  lpFailCount?: number;
  /** Reports beyond each unit's first. */
  retestCount?: number;
  /** Failing share in parts per million. */
  ppmFpy?: number;
  ppmSpy?: number;
  ppmTpy?: number;
  ppmLpy?: number;
  ppmTestYield?: number;
}

/** One row of a yield answer (DynamicYield, VolumeYield, HighVolume, WorstYield, ...). */
export interface YieldRow extends YieldDimensions, YieldKpis {
  [key: string]: unknown;
}

/** One row of `POST /api/App/DynamicRepair`: dimension values plus the repair KPIs. */
export interface RepairRow {
  /** Repair reports. */
  repairReportCount?: number;
  /** Failures repaired. */
  repairCount?: number;
  partNumber?: string;
  revision?: string;
  repairOperation?: string;
  repairCode?: string;
  repairCategory?: string;
  componentRef?: string;
  testOperation?: string;
  referencedStep?: string;
  referencedStepPath?: string;
  period?: string;
  [dimension: string]: unknown;
}

/** One repaired failure (`GET /api/App/RelatedRepairHistory`). */
export interface RepairHistoryRecord {
  uurReportId?: string;
  /** The failed test report the repair refers to. */
  uutReportId?: string;
  serialNumber?: string;
  partNumber?: string;
  revision?: string;
  repairOperationCode?: number;
  repairOperation?: string;
  testOperationCode?: number;
  testOperation?: string;
  /** ISO 8601. */
  repairDate?: string;
  category?: string;
  code?: string;
  componentRef?: string;
  functionBlock?: string;
  componentNumber?: string;
  componentRevision?: string;
  componentVendor?: string;
  componentDescription?: string;
  comment?: string;
  failStepName?: string;
  failStepPath?: string;
  operator?: string;
  stationName?: string;
}

/** One step of `GET`/`POST /api/App/TopFailed`. */
export interface TopFailedStep {
  partNumber?: string;
  testOperation?: string;
  processCode?: number;
  stepName?: string;
  /** Step names from the root, joined by `¶`. */
  stepPath?: string;
  stepType?: string;
  stepGroup?: string;
  /** Runs of the step that failed. */
  failCount?: number;
  /** Runs of the step. */
  totalCount?: number;
  /** %. */
  failRate?: number;
  /** Times it was the step that failed the unit. */
  causedUutFailureCount?: number;
  firstFailDate?: string;
  lastFailDate?: string;
}

/** Statistics of a set of measurement values (capability needs a standard deviation above 0). */
export interface MeasurementStatistics {
  count?: number;
  min?: number;
  max?: number;
  avg?: number;
  /** Sample standard deviation. */
  stdev?: number;
  var?: number;
  cp?: number;
  cpk?: number;
  limit1?: number;
  limit2?: number;
  compOperator?: string;
  unit?: string;
  sigmaLow3?: number;
  sigmaHigh3?: number;
}

/** One row of `POST /api/App/TestStepAnalysis`: a step, or one measurement of a step. */
export interface StepAnalysisRow extends MeasurementStatistics {
  stepName?: string;
  stepPath?: string;
  stepType?: string;
  stepGroup?: string;
  stepCount?: number;
  stepPassedCount?: number;
  stepDoneCount?: number;
  stepSkippedCount?: number;
  stepFailedCount?: number;
  stepErrorCount?: number;
  stepTerminatedCount?: number;
  stepOtherCount?: number;
  stepFailedErrorTerminatedCount?: number;
  stepCausedUutFailed?: number;
  stepCausedUutError?: number;
  stepCausedUutTerminated?: number;
  stepCausedUutFailedErrorTerminated?: number;
  /** Seconds. */
  stepTimeMin?: number;
  stepTimeAvg?: number;
  stepTimeMax?: number;
  /** Measurement name in a multi-measurement step. */
  measureName?: string;
  measureCount?: number;
  cpLower?: number;
  cpUpper?: number;
  [key: string]: unknown;
}

/** One value, as WATS's `IndividualMeasurement` model names it (short keys). */
export interface IndividualMeasurement {
  /** Value. */
  v?: number;
  /** Low limit. */
  l?: number;
  /** High limit. */
  h?: number;
  /** Comparison operator. */
  c?: string;
  /** Unit. */
  u?: string;
  /** Measurement status (P/F/...). */
  ms?: string;
  /** Step status. */
  ss?: string;
  /** Report status (`Passed`, ...). */
  ts?: string;
  /** The step caused the unit to fail. */
  cuf?: boolean;
  /** Report start (UTC). */
  d?: string;
  /** Serial number. */
  s?: string;
  /** Report id. */
  g?: string;
  /** Part number. */
  p?: string;
  /** Revision. */
  r?: string;
  /** Batch number. */
  b?: string;
  /** Station (machine) name. */
  m?: string;
  /** Operator. */
  op?: string;
  /** Test operation. */
  to?: string;
  sf?: string;
  sv?: string;
  /** Socket index. */
  si?: number;
  /** Fixture id. */
  f?: string;
  /** Step time, seconds. */
  t?: number;
  [key: string]: unknown;
}

/** Statistics of one period of an aggregated measurement. */
export interface AggregatedMeasurement extends MeasurementStatistics {
  period?: string;
  stepTotalCount?: number;
  stepPassCount?: number;
  stepFailCount?: number;
  stepErrorCount?: number;
  stepTerminatedCount?: number;
  stepNonSuccessCount?: number;
  stepCausedUutFail?: number;
  [key: string]: unknown;
}

/** The measurements at one path (`POST /api/App/Measurements` / `AggregatedMeasurements`). */
export interface MeasurementGroup extends MeasurementStatistics {
  /** The measurement path asked for. */
  groupName?: string;
  median?: number;
  q1?: number;
  q3?: number;
  cpl?: number;
  cpu?: number;
  measCount?: number;
  minUtcStartTime?: string;
  maxUtcStartTime?: string;
  /** The values (`Measurements`). */
  measurements?: IndividualMeasurement[];
  /** Statistics per period (`AggregatedMeasurements`). */
  aggregatedMeasurements?: AggregatedMeasurement[];
  [key: string]: unknown;
}

/** `POST /api/App/OeeAnalysis`. Percentages 0-100. */
export interface OeeResult {
  oee?: number;
  availability?: number;
  performance?: number;
  quality?: number;
  /** Minutes. */
  plannedProductionTime?: number;
  /** Minutes. */
  runTime?: number;
  /** Minutes. */
  downTime?: number;
  totalCount?: number;
  goodCount?: number;
  rejectCount?: number;
  /** Seconds. */
  idealCycleTime?: number;
  /** Seconds. */
  actualCycleTime?: number;
  targetOutput?: number;
  dateFrom?: string;
  dateTo?: string;
  [key: string]: unknown;
}
