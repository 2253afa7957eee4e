/**
 * @tswats/vte: Keysight VEE Test Executive (VTE 9.3x) database → WATS.
 * In progress: config, mapping, read-only source, generator and report mappers exist; the sync
 * engine, service and CLI come next. Explicit named exports only.
 */
export { resolveVteConfig, describeVteDatabase, DEFAULT_RUN_RESULTS, DEFAULT_STEP_RESULTS } from './config/resolve.js';
export type { ResolveVteConfigOptions, ResolvedVteConfig } from './config/resolve.js';
export { vteOptionsSchema, RUN_STATUSES, STEP_STATUSES } from './config/schema.js';
export type { VteOptions, VteDatabaseOptions } from './config/schema.js';
export type { VteConfig, VteDatabaseConfig, VteDialect, VteRunStatus, VteStepStatus } from './config/types.js';
export { parseConnectionString } from './config/connection-string.js';
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
