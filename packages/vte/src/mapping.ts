/**
 * The logical VTE model: the tables and columns the adapter reads, each with its known VTE 9.31
 * physical name as the default. Installations differ (9.1x/9.2x/9.3x, local changes), so every
 * name can be overridden in the config (`mapping.tables.IndexData`,
 * `mapping.columns.IndexData.Timestamp`); optional columns can be mapped to `null` when an
 * installation lacks them, and are then read as NULL.
 *
 * Provenance of the defaults (see docs/vte.md): most come from the pyWATS VTE skeleton and
 * docs (unverified against a live 9.31 database); the master-data column names marked
 * `inferred` are our guess and the first thing to check with `introspect()`.
 */

interface ColumnSpec {
  /** May be mapped to `null` (the installation lacks it; read as NULL). */
  readonly optional?: boolean;
  /** The default name is a guess, not from any VTE source. */
  readonly inferred?: boolean;
  /** Never selected; the read-only login DENYs SELECT on it. */
  readonly sensitive?: boolean;
}

const req: ColumnSpec = {};
const opt: ColumnSpec = { optional: true };
const inferred: ColumnSpec = { inferred: true };
const optInferred: ColumnSpec = { optional: true, inferred: true };

const stepColumns = {
  Index_GUID: req,
  TestStepNumber: req,
  TestName: req,
  TestDescription: opt,
  TestNumber: opt,
  TestUnits: opt,
  TestResult: req,
  TestResultType: opt,
} as const;

/** Every table and column the adapter knows, by logical name (= the VTE 9.31 name). */
export const VTE_MODEL = {
  IndexData: {
    Index_GUID: req,
    Uut_GUID: req,
    Product_GUID: opt,
    Testplan_GUID: opt,
    TestplanRevision_GUID: opt,
    Testsystem_GUID: opt,
    User_GUID: opt,
    Timestamp: req,
    ExitCode: opt,
    Result: req,
    TestTime: opt,
    Hostname: opt,
    Site: opt,
    UserName: opt,
    ProductName: opt,
    TestplanName: opt,
    TestplanVariant: opt,
    TestplanRevision: opt,
    Info1: opt,
    Info2: opt,
    Info3: opt,
  },
  UutData: { Uut_GUID: req, Serial: req },
  Products: { Product_GUID: inferred, ProductName: optInferred, ProductType: optInferred, ProductVersion: optInferred },
  Testplans: { Testplan_GUID: inferred, TestplanName: optInferred, TestplanVariant: optInferred },
  TestplanRevisions: { TestplanRevision_GUID: inferred, TestplanRevision: optInferred },
  TestSystems: { Testsystem_GUID: inferred, TestsystemName: optInferred, Hostname: optInferred, Site: optInferred },
  Users: { User_GUID: inferred, UserName: optInferred, Password: { optional: true, sensitive: true } },
  TestDataNumeric: { ...stepColumns, LowLimit: opt, HighLimit: opt },
  TestDataText: stepColumns,
  TestDataOther: stepColumns,
  RepairData: {
    Repair_GUID: inferred,
    Index_GUID: req,
    RepairFailureCode_GUID: optInferred,
    Timestamp: inferred,
    UserName: optInferred,
    Comment: optInferred,
  },
  RepairFailureCodes: { RepairFailureCode_GUID: inferred, FailureCode: inferred, FailureCategory: optInferred, Description: optInferred },
  RepairActions: {
    RepairAction_GUID: inferred,
    Repair_GUID: inferred,
    RepairActionCode_GUID: optInferred,
    Component: optInferred,
    Comment: optInferred,
    Timestamp: optInferred,
  },
  RepairActionCodes: { RepairActionCode_GUID: inferred, ActionCode: inferred, Description: optInferred },
} as const satisfies Record<string, Record<string, ColumnSpec>>;

/** A logical table name. */
export type VteTable = keyof typeof VTE_MODEL;
/** A logical column of table `T`. */
export type VteColumn<T extends VteTable> = keyof (typeof VTE_MODEL)[T] & string;

/** The tables a repair sync needs; left out of checks when repairs are disabled. */
export const REPAIR_TABLES: readonly VteTable[] = ['RepairData', 'RepairFailureCodes', 'RepairActions', 'RepairActionCodes'];

/** Every logical table, in model order. */
export const VTE_TABLES = Object.keys(VTE_MODEL) as VteTable[];

/** The columns of a logical table, in model order. */
export function vteColumns<T extends VteTable>(table: T): VteColumn<T>[] {
  return Object.keys(VTE_MODEL[table]) as VteColumn<T>[];
}

/** Spec of one logical column. */
export function columnSpec(table: VteTable, column: string): ColumnSpec | undefined {
  return (VTE_MODEL[table] as Record<string, ColumnSpec>)[column];
}

/** Overrides as users write them under `mapping:` in the config. */
export interface VteMappingOptions {
  /** Database schema of the VTE tables. @default 'dbo' (SQL Server), 'public' (PostgreSQL) */
  schema?: string;
  /** Physical table names by logical name, e.g. `{ IndexData: 'IndexData_v2' }`. */
  tables?: Partial<Record<VteTable, string>>;
  /** Physical column names by logical table and column; `null` = not present (optional columns only). */
  columns?: { [T in VteTable]?: Partial<Record<VteColumn<T>, string | null>> };
}

/** The resolved mapping: physical names for every logical table and column. */
export interface VteMapping {
  readonly schema: string;
  readonly tables: Readonly<Record<VteTable, string>>;
  /** `null`: the column is not present in this installation and is read as NULL. */
  readonly columns: { readonly [T in VteTable]: Readonly<Record<VteColumn<T>, string | null>> };
}

/** Config key of a logical table's name. */
export function tableConfigKey(table: VteTable): string {
  return `mapping.tables.${table}`;
}

/** Config key of a logical column's name. */
export function columnConfigKey(table: VteTable, column: string): string {
  return `mapping.columns.${table}.${column}`;
}

/** The default mapping for a dialect: the VTE 9.31 names. */
export function defaultVteMapping(dialect: 'mssql' | 'postgres'): VteMapping {
  return createVteMapping({}, dialect).mapping;
}

/**
 * Applies overrides to the defaults. Unknown tables or columns, and `null` for a required
 * column, are reported as issues with their config keys (the mapping is still returned, with
 * the bad entries ignored).
 */
export function createVteMapping(
  options: VteMappingOptions,
  dialect: 'mssql' | 'postgres',
): { mapping: VteMapping; issues: { path: string; message: string }[] } {
  const issues: { path: string; message: string }[] = [];
  const tables = {} as Record<VteTable, string>;
  const columns = {} as Record<VteTable, Record<string, string | null>>;
  const tableOverrides = (options.tables ?? {}) as Record<string, unknown>;
  const columnOverrides = (options.columns ?? {}) as Record<string, Record<string, unknown> | undefined>;
  for (const key of Object.keys(tableOverrides)) {
    if (!(key in VTE_MODEL)) issues.push({ path: `mapping.tables.${key}`, message: `unknown VTE table (known: ${VTE_TABLES.join(', ')})` });
  }
  for (const key of Object.keys(columnOverrides)) {
    if (!(key in VTE_MODEL)) issues.push({ path: `mapping.columns.${key}`, message: `unknown VTE table (known: ${VTE_TABLES.join(', ')})` });
  }
  for (const table of VTE_TABLES) {
    const t = tableOverrides[table];
    tables[table] = typeof t === 'string' ? t : table;
    const cols: Record<string, string | null> = {};
    const over = columnOverrides[table] ?? {};
    for (const key of Object.keys(over)) {
      if (columnSpec(table, key) === undefined) {
        issues.push({ path: columnConfigKey(table, key), message: `unknown column of ${table} (known: ${vteColumns(table).join(', ')})` });
      }
    }
    for (const column of vteColumns(table)) {
      const spec = columnSpec(table, column)!;
      const o = over[column];
      if (o === null && !spec.optional) {
        issues.push({ path: columnConfigKey(table, column), message: 'this column is required and cannot be mapped to null' });
        cols[column] = column;
      } else {
        cols[column] = o === undefined ? column : (o as string | null);
      }
    }
    columns[table] = cols;
  }
  const mapping: VteMapping = {
    schema: options.schema ?? (dialect === 'mssql' ? 'dbo' : 'public'),
    tables: Object.freeze(tables),
    columns: Object.freeze(columns) as unknown as VteMapping['columns'],
  };
  return { mapping: Object.freeze(mapping), issues };
}
