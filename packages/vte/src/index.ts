/**
 * @tswats/vte: Keysight VEE Test Executive (VTE 9.3x) database → WATS.
 * Config, mapping, read-only source, generator, report mappers, the sync engine and the service
 * (schedule, status server, metrics, alerts). Explicit named exports only.
 */
export { resolveVteConfig, describeVteDatabase, DEFAULT_RUN_RESULTS, DEFAULT_STEP_RESULTS } from './config/resolve.js';
export type { ResolveVteConfigOptions, ResolvedVteConfig } from './config/resolve.js';
export { vteConfigJsonSchema, vteOptionsSchema, RUN_STATUSES, STEP_STATUSES } from './config/schema.js';
export type { VteOptions, VteDatabaseOptions } from './config/schema.js';
export type { VteAlertConfig, VteHttpConfig, VteSyncSettings, VteConfig, VteDatabaseConfig, VteDialect, VteRunStatus, VteStepStatus } from './config/types.js';
export { parseConnectionString } from './config/connection-string.js';
export { loadVteConfigFile } from './config/file.js';
export type { ConnectionFields } from './config/connection-string.js';

export {
  VTE_MODEL, VTE_TABLES, REPAIR_TABLES, createVteMapping, defaultVteMapping, vteColumns, tableConfigKey, columnConfigKey,
} from './mapping.js';
export type { VteMapping, VteMappingOptions, VteTable, VteColumn } from './mapping.js';

export { VteConfigError, VteMappingError, VteReadOnlyError, VteSchemaError } from './errors.js';
export type { VteIssue, VteRecordKind, VteSchemaProblem } from './errors.js';

export { openVteSource } from './db/source.js';
export type { OpenVteSourceOptions, VteSource, VteSourceConfig } from './db/source.js';
export { createVteQueries, MAX_IN_LIST } from './db/queries.js';
export type { VteQueries } from './db/queries.js';
export { createCompileOnlyKysely } from './db/kysely.js';
export { assertReadOnlyQuery, forbiddenIdentifiers, ReadOnlyPlugin } from './db/guard.js';
export { compareWithCatalog } from './db/introspect.js';
export type { VteIntrospection } from './db/introspect.js';
export type {
  ReadRepairsParams, ReadRunBatchParams, VteLocalTimestamp, VteQueryEvent, VteRepair, VteRepairAction, VteRepairKey, VteRunHeader,
  VteRunKey, VteSourceStats, VteStep, VteStepKind,
} from './db/types.js';

export { createVteSchema, VTE_POSTGRES_DDL } from './generator/schema.js';
export type { Queryable } from './generator/schema.js';
export { generateVteData } from './generator/generate.js';
export type { GenerateVteDataOptions, GeneratedVteData } from './generator/generate.js';

export { mapRunToUut, MAX_STRING_VALUE } from './map/uut.js';
export { mapRepairToUur } from './map/uur.js';
export type { VteMapConfig } from './map/common.js';
export { repairReportId, runReportId, uuidV5, VTE_REPAIR_NAMESPACE } from './map/ids.js';

export { machineTimeZone, isValidTimeZone, offsetAt, parseWallTime, wallTimeToInstant } from './time-zone.js';

export { createVteSync, VteSync } from './sync/sync.js';
export type {
  GapRisk, GapRiskReport, ReplayResult, RunOnceParams, SyncAbort, SyncBatchEvent, SyncFailure, SyncKindSummary, SyncRetryEvent, SyncSummary,
  SyncUploadedEvent, VteSyncConfig, VteSyncEvents, VteSyncLogger, VteSyncMode, VteSyncOptions, VteSyncStatus,
} from './sync/types.js';
export { openSyncState } from './sync/state.js';
export type { SyncState, SyncWatermark, VteSyncKind } from './sync/state.js';
export { SyncLedger } from './sync/ledger.js';
export type { LedgerEntry } from './sync/ledger.js';
export { DeadLetterFolder } from './sync/dlq.js';
export type { DeadLetterEntry, DeadLetterInput, DeadLetterStage } from './sync/dlq.js';
export { classifyUploadError, isTransientSqlError, withSqlRetry, DEFAULT_SQL_RETRY } from './sync/classify.js';
export type { SqlRetryPolicy, UploadFailure } from './sync/classify.js';
export { VteSyncBusyError, VteSyncLockedError, VteSyncStateError } from './sync/errors.js';
export type { LockInfo } from './sync/lock.js';
export { compareLocal, instantToLocal, localToInstant, shiftLocal } from './sync/time.js';

export { startVteService } from './service/service.js';
export type { StartVteServiceOptions, VteServiceError, VteServiceHandle, VteServiceStatus } from './service/service.js';
export { createAlerter } from './service/alert.js';
export type { VteAlerter, VteAlertSent } from './service/alert.js';
