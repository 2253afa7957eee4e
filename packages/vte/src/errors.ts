/**
 * Errors of the VTE adapter. Each carries a stable `code` (never reused) so the CLI and the
 * later sync service can sort them: configuration and schema problems stop the adapter,
 * a mapping problem sends one run (or repair) to the dead-letter folder.
 */

/** One problem with a path: a config key (`database.host`) or a mapping key (`mapping.columns.IndexData.Timestamp`). */
export interface VteIssue {
  path: string;
  message: string;
}

/** The VTE configuration cannot be used; `issues` lists every problem, not just the first. */
export class VteConfigError extends Error {
  readonly code = 'VTE_ERR_CONFIG';
  readonly issues: readonly VteIssue[];
  constructor(issues: readonly VteIssue[], source?: string) {
    const head = source ? `invalid VTE configuration (${source})` : 'invalid VTE configuration';
    super(`${head}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'VteConfigError';
    this.issues = issues;
  }
}

/** One table or column the mapping names but the database lacks, with the config key that fixes it. */
export interface VteSchemaProblem {
  /** Logical table (as in the mapping), e.g. `IndexData`. */
  table: string;
  /** Logical column, when the problem is a column. */
  column?: string;
  /** The config key to set, e.g. `mapping.columns.IndexData.Timestamp`. */
  configKey: string;
  message: string;
}

/** The database does not have the tables or columns the mapping names. */
export class VteSchemaError extends Error {
  readonly code = 'VTE_ERR_SCHEMA';
  readonly problems: readonly VteSchemaProblem[];
  constructor(problems: readonly VteSchemaProblem[]) {
    super(
      `the VTE database does not match the mapping (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.configKey}: ${p.message}`).join('\n'),
    );
    this.name = 'VteSchemaError';
    this.problems = problems;
  }
}

/** A query that is not a plain SELECT, or one that names a forbidden column, was about to be sent. */
export class VteReadOnlyError extends Error {
  readonly code = 'VTE_ERR_READ_ONLY';
  constructor(message: string) {
    super(message);
    this.name = 'VteReadOnlyError';
  }
}

/** What a mapping error is about: a test run (UUT) or a repair session (UUR). */
export type VteRecordKind = 'run' | 'repair';

/**
 * One VTE record cannot become a valid WATS report. Permanent for that record (retrying will not
 * help until the data or the config changes): the sync engine moves it to the dead-letter folder.
 */
export class VteMappingError extends Error {
  readonly code = 'VTE_ERR_MAPPING';
  readonly kind: VteRecordKind;
  /** The run's `Index_GUID` (lower case); for a repair, the run it refers to. */
  readonly indexGuid: string;
  /** For a repair, its `Repair_GUID` (lower case). */
  readonly repairGuid: string | undefined;
  /** The source field or report path at fault, e.g. `UutData.Serial` or `root.steps[3].name`. */
  readonly field: string;
  constructor(init: { kind: VteRecordKind; indexGuid: string; repairGuid?: string; field: string; message: string; cause?: unknown }) {
    const what = init.kind === 'run' ? `run ${init.indexGuid}` : `repair ${init.repairGuid ?? '?'} (run ${init.indexGuid})`;
    super(`${what}: ${init.field}: ${init.message}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'VteMappingError';
    this.kind = init.kind;
    this.indexGuid = init.indexGuid;
    this.repairGuid = init.repairGuid;
    this.field = init.field;
  }
}
