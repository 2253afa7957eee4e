/**
 * @tswats/sdk: a typed client for the WATS REST API and the WSJF report model.
 * Explicit named exports only; `internal/` is not reachable from outside.
 */
export { WatsClient, shouldRetry } from './client.js';
export type {
  APIResponse,
  ClientConfig,
  ClientOptions,
  FetchBody,
  FetchInit,
  FetchLike,
  FetchResponseLike,
  RequestOptions,
  RequestSpec,
  ValidationMode,
} from './client.js';
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ReportParseError,
  ReportValidationError,
  UnprocessableEntityError,
  WatsError,
} from './core/errors.js';
export type { APIErrorInit, ReportIssue } from './core/errors.js';
export { PagedQuery } from './core/pagination.js';
export { parseRetryAfter } from './internal/backoff.js';
export type { RetryPolicy } from './internal/backoff.js';
export type { Logger, LogLevel } from './internal/log.js';
export {
  and,
  contains,
  endsWith,
  eq,
  ge,
  gt,
  guid,
  isIn,
  le,
  literal,
  lt,
  ne,
  not,
  or,
  raw,
  startsWith,
} from './odata/filter.js';
export type { Filter, Guid, ODataValue } from './odata/filter.js';
export { AppResource } from './resources/app.js';
export { APIResource } from './core/resource.js';
export { ProductionResource } from './resources/production.js';
export { ProductResource } from './resources/product.js';
export { AssetResource } from './resources/asset.js';
export { ProcessResource } from './resources/process.js';
export { AnalyticsResource } from './resources/analytics.js';
export { SoftwareResource } from './resources/software.js';
export { RootCauseResource } from './resources/root-cause.js';
export { ScimResource } from './resources/scim.js';
export { BarcodeResource } from './resources/barcode.js';
export { ExportResource } from './resources/export.js';
export { SystemManagerResource } from './resources/system-manager.js';
export { WorkflowResource } from './resources/workflow.js';
export { AuthResource } from './resources/auth.js';
export { InternalResource } from './resources/internal.js';
export { ReportsResource } from './resources/reports.js';
export type { GetWsjfParams, HeaderQueryParams, SubmitOptions, SubmitResult } from './resources/reports.js';
export type { HeaderExpand, HeaderOrderField, ReportHeader } from './resources/report-header.js';
// Products and production.
export type {
  ProductGroupRef,
  Product,
  ProductInput,
  ProductQueryParams,
  ProductRevision,
  ProductRevisionInput,
  ProductTag,
  ProductView,
  SaveResult,
  Vendor,
} from './resources/product.js';
export { toWsbf } from './resources/product-bom.js';
export type { Bom, BomComponent } from './resources/product-bom.js';
export { UNIT_PHASES } from './resources/production-types.js';
export type {
  ChildUnitCheck,
  ChildUnitParams,
  DateParam,
  ProductionBatch,
  SerialNumberDates,
  SerialNumberInfo,
  SerialNumberType,
  TakeSerialNumbersParams,
  Unit,
  UnitChange,
  UnitInput,
  UnitPhaseName,
  UnitVerification,
  UnitVerificationGrade,
} from './resources/production-types.js';
export { parseSerialNumberFile } from './resources/serial-number-file.js';
export type { SerialNumberFormat } from './resources/serial-number-file.js';

// Analytics, processes, unit history.
export { DateGrouping, MEASUREMENT_PATH_SEPARATOR, measurementPath } from './resources/analytics-filter.js';
export type {
  AnalyticsDateInput,
  AnalyticsFilter,
  AnalyticsIdList,
  DateGroupingValue,
  OeeParams,
  ProductFilter,
  RelatedRepairHistoryParams,
  RunSelection,
  StepAnalysisFilter,
  TopFailedParams,
  UutReportParams,
  YieldListParams,
} from './resources/analytics-filter.js';
export type {
  AggregatedMeasurement,
  IndividualMeasurement,
  MeasurementGroup,
  MeasurementStatistics,
  OeeResult,
  RepairHistoryRecord,
  RepairRow,
  StepAnalysisRow,
  TopFailedStep,
  YieldDimensions,
  YieldKpis,
  YieldRow,
} from './resources/analytics-types.js';
export type { MeasurementParams, UnitHistoryOptions } from './resources/analytics.js';
export { unitHistoryDetails } from './resources/unit-history.js';
export type { SnHistoryReport, UnitHistory, UnitHistoryDetails, UnitHistoryEntry } from './resources/unit-history.js';
export type { LevelInfo, ProcessInfo, ProcessListParams, ProductGroupInfo } from './resources/process.js';
export type { UnitReportHistoryParams } from './resources/internal.js';

// Report files, exports, system manager.
export type { AttachmentParams, GetWsxfParams, MiscInfoQueryParams, UutMiscData, UutResult } from './resources/reports.js';
export { toReportFile } from './resources/report-file.js';
export type { ReportFile } from './resources/report-file.js';
export type {
  CertificateExportParams,
  ExportDimension,
  ExportEntry,
  ExportFilter,
  QueuedExport,
  WaitForExportOptions,
} from './resources/export.js';
export type {
  ClientLog,
  ClientLookup,
  ClientUpdate,
  ClientUpdateParams,
  SystemManagerNode,
  SystemStatus,
} from './resources/system-manager.js';
export type { CommonUserSettings } from './resources/app.js';

// Asset and software.
export { UNSUPPORTED_SERVER_CODE } from './resources/asset.js';
export { ASSET_ALARM_STATE, ASSET_LOG_TYPE, ASSET_STATE } from './resources/asset-types.js';
export type {
  Asset,
  AssetAlarmState,
  AssetCountParams,
  AssetDateInput,
  AssetExternalServiceParams,
  AssetInput,
  AssetLogEntry,
  AssetODataParams,
  AssetRef,
  AssetServiceParams,
  AssetStateValue,
  AssetStatus,
  AssetSummary,
  AssetType,
  AssetTypeInput,
} from './resources/asset-types.js';
export type {
  SoftwareFileAttribute,
  SoftwarePackage,
  SoftwarePackageCreate,
  SoftwarePackageFile,
  SoftwarePackageStatus,
  SoftwarePackageTag,
  SoftwareTagFilter,
  VirtualFolder,
} from './resources/software.js';

// Root cause, SCIM, barcodes, workflow, auth.
export { TicketPriority, TicketStatus, TicketUpdateType, TicketView } from './resources/root-cause.js';
export type {
  AttachmentDownloadParams,
  AttachmentUploadParams,
  Ticket,
  TicketAttachment,
  TicketCreateParams,
  TicketListParams,
  TicketTag,
  TicketUpdate,
  TicketUpdateParams,
  UploadData,
} from './resources/root-cause.js';
export { SCIM_SCHEMAS } from './resources/scim.js';
export type {
  ScimListResponse,
  ScimMultiValue,
  ScimPatchOperation,
  ScimPatchPath,
  ScimToken,
  ScimUser,
  ScimUserListParams,
} from './resources/scim.js';
export type { BarcodeIdentifier } from './resources/barcode.js';
export { WorkflowDefinitionStatus } from './resources/workflow.js';
export type { WorkflowEndTestParams, WorkflowStartTestParams } from './resources/workflow.js';
export type { GetTokenParams } from './resources/auth.js';

// The offline reference cache (process definitions, station configuration).
export { createReferenceCache, isUnreachable, ReferenceCache } from './cache/reference-cache.js';
export { cacheFingerprint, isCacheSnapshot, MemoryCacheStorage } from './cache/cache-storage.js';
export type { CacheEntryRecord, CacheSnapshot, ReferenceCacheStorage, ReferenceKind } from './cache/cache-storage.js';
export type {
  CacheEntryStatus,
  CacheErrorInfo,
  CachedResult,
  ProcessQuery,
  RefreshResult,
  ReferenceCacheOptions,
  ReferenceCacheStatus,
  StationQuery,
} from './cache/cache-types.js';
export { VERSION } from './version.js';
export type { components as WatsApiComponents, operations as WatsApiOperations, paths as WatsApiPaths } from './generated/wats-api.js';

// The WSJF report model.
export {
  COMP_OPS,
  createUurReport,
  createUutReport,
  evaluateNumeric,
  evaluateString,
  FIELD_LIMITS,
  forEachStep,
  formatWatsDate,
  isBase64,
  isSequenceCall,
  isStepType,
  isUuid,
  MEASUREMENT_KEYS,
  MULTI_STEP_TYPES,
  normalizeCompOp,
  parseReport,
  parseWatsDate,
  PROBLEMATIC_SN_PN_CHARS,
  raiseStatus,
  raisesParent,
  ReportBuilderBase,
  reportToJson,
  resolveFieldLimits,
  SequenceBuilder,
  serializeReport,
  STATUS_SEVERITY,
  toBase64,
  toWsjfNumberValue,
  UurReportBuilder,
  UutReportBuilder,
  validateReport,
  XML_INVALID_CHARS_RE,
} from './report/index.js';
export type {
  ActionStep,
  AdditionalData,
  AdditionalDataArray,
  AdditionalDataProp,
  Asset as ReportAsset,
  AssetStat,
  AttachFileStep,
  Attachment,
  AttachmentInput,
  BinaryData,
  BooleanMeasurement,
  BuildOptions,
  CallExecutableStep,
  Chart,
  ChartInput,
  ChartSeries,
  ChartSeriesInput,
  ChartStep,
  ChartType,
  CompOp,
  CompOpInfo,
  CompOpLimits,
  FieldLimitKey,
  FieldLimits,
  GenericStep,
  GenericStepType,
  KnownStep,
  KnownStepType,
  Loop,
  MeasurementBase,
  MeasurementKey,
  MessagePopupStep,
  MiscInfo,
  MultiNumericLimitStep,
  MultiPassFailStep,
  MultiStringValueStep,
  NamedNumericInput,
  NamedPassFailInput,
  NamedStringInput,
  NumericInput,
  NumericLimitStep,
  NumericMeasurement,
  ParseReportOptions,
  PassFailStep,
  ReportAttachmentInput,
  ReportBase,
  ReportHeaderOptions,
  ReportResult,
  ReportType,
  SeqCallInfo,
  SequenceCallStep,
  SequenceOptions,
  Step,
  StepBase,
  StepGroup,
  StepOfType,
  StepOptions,
  StepStatus,
  StepVisitor,
  StringInput,
  StringMeasurement,
  StringValueStep,
  SubUnit,
  UnknownStep,
  UurFailure,
  UurFailureInput,
  UurInfo,
  UurReport,
  UurReportOptions,
  UurSubUnitInput,
  UutInfo,
  UutReport,
  UutReportOptions,
  UutSubUnitInput,
  ValidateReportOptions,
  ValidateReportResult,
  WsjfExtra,
  WsjfNumber,
  WsjfReport,
  XYNumericInput,
} from './report/index.js';
