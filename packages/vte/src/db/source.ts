/**
 * The read-only VTE source: `openVteSource(config)` connects (PostgreSQL via pg, SQL Server via
 * tedious + tarn), checks the schema against the mapping, and reads in bounded batches:
 *
 * - `readRunBatch`: up to `limit` run headers after a keyset position, in `(Timestamp, Index_GUID)` order: 1 query.
 * - `readSteps`: the steps of a whole batch: one query per step table and IN-list chunk.
 * - `readRepairs`: up to `limit` repairs after a keyset position, with their actions: 1 + chunks queries.
 * - `readNewestRun`: the newest run's timestamp (the service's lag): 1 query, one row.
 * - `readRuns` / `readRepairsByGuid`: given records by GUID (dead-letter replay): IN-list chunks.
 *
 * So the number of queries grows with batches, never with runs. Every query passes the read-only
 * guard before it is sent, and is counted (`stats()`) and reported to `onQuery`.
 */
import { performance } from 'node:perf_hooks';
import type { CompiledQuery } from 'kysely';
import type { VteConfig, VteDialect } from '../config/types.js';
import { VteSchemaError } from '../errors.js';
import type { VteMapping } from '../mapping.js';
import { assertReadOnlyQuery, forbiddenIdentifiers } from './guard.js';
import { compareWithCatalog, type VteIntrospection } from './introspect.js';
import { createVteKysely, type VteKysely } from './kysely.js';
import { createVteQueries, MAX_IN_LIST, type VteQueries } from './queries.js';
import type {
  ReadRepairsParams, ReadRunBatchParams, VteQueryEvent, VteRepair, VteRepairAction, VteRunHeader, VteSourceStats, VteStep, VteStepKind,
} from './types.js';

/** Reads VTE data, SELECT only. Create one with {@link openVteSource}; `close()` it. */
export interface VteSource {
  readonly dialect: VteDialect;
  readonly mapping: VteMapping;
  /** Run headers after `params.after`, ordered by `(Timestamp, Index_GUID)`, at most `params.limit`. */
  readRunBatch(params: ReadRunBatchParams): Promise<VteRunHeader[]>;
  /** The newest run in IndexData by `(Timestamp, Index_GUID)`: its GUID and local timestamp text; null when the table is empty. */
  readNewestRun(): Promise<{ indexGuid: string; timestamp: string } | null>;
  /** Run headers by Index_GUID (any case), in keyset order; GUIDs not in IndexData are simply absent. */
  readRuns(indexGuids: readonly string[]): Promise<VteRunHeader[]>;
  /** Steps of the given runs, by lower-case Index_GUID, each list in `TestStepNumber` order. */
  readSteps(indexGuids: readonly string[]): Promise<Map<string, VteStep[]>>;
  /** Repairs after `params.after`, ordered by `(RepairData.Timestamp, Repair_GUID)`, with their actions and runs. */
  readRepairs(params: ReadRepairsParams): Promise<VteRepair[]>;
  /** Repairs by Repair_GUID (any case), with their actions and runs; GUIDs not in RepairData are absent. */
  readRepairsByGuid(repairGuids: readonly string[]): Promise<VteRepair[]>;
  /** Compares the mapping with the catalog; every missing table/column with its config key. */
  introspect(): Promise<VteIntrospection>;
  /** Queries and rows so far. */
  stats(): VteSourceStats;
  close(): Promise<void>;
}

/** What the source needs from the config (a full `VteConfig` will do). */
export type VteSourceConfig = Pick<VteConfig, 'database' | 'mapping' | 'stepChunkSize' | 'repairs'>;

export interface OpenVteSourceOptions {
  /** Run `introspect()` at open and throw `VteSchemaError` on any problem. @default true */
  checkSchema?: boolean;
  /** Called after every statement (SQL text without values; for logs and tests). */
  onQuery?: (event: VteQueryEvent) => void;
}

/** Connects to the VTE database; with `checkSchema` (default), fails with `VteSchemaError` listing every mismatch. */
export async function openVteSource(config: VteSourceConfig, options: OpenVteSourceOptions = {}): Promise<VteSource> {
  const db = await createVteKysely(config.database);
  const source = new KyselyVteSource(db, config, options.onQuery);
  if (options.checkSchema ?? true) {
    try {
      const result = await source.introspect();
      if (!result.ok) throw new VteSchemaError(result.problems);
    } catch (err) {
      await source.close();
      throw err;
    }
  }
  return source;
}

class KyselyVteSource implements VteSource {
  readonly dialect: VteDialect;
  readonly mapping: VteMapping;
  readonly #db: VteKysely;
  readonly #queries: VteQueries;
  readonly #forbidden: string[];
  readonly #chunk: number;
  readonly #repairs: boolean;
  readonly #onQuery: ((event: VteQueryEvent) => void) | undefined;
  #queryCount = 0;
  #rowCount = 0;

  constructor(db: VteKysely, config: VteSourceConfig, onQuery: ((event: VteQueryEvent) => void) | undefined) {
    this.dialect = config.database.dialect;
    this.mapping = config.mapping;
    this.#db = db;
    this.#queries = createVteQueries(db, this.dialect, this.mapping);
    this.#forbidden = forbiddenIdentifiers(this.dialect, this.mapping);
    this.#chunk = Math.min(config.stepChunkSize, MAX_IN_LIST);
    this.#repairs = config.repairs.enabled;
    this.#onQuery = onQuery;
  }

  async #run(purpose: string, query: CompiledQuery): Promise<Record<string, unknown>[]> {
    assertReadOnlyQuery(query, this.#forbidden);
    const t0 = performance.now();
    this.#queryCount++;
    const result = await this.#db.executeQuery<Record<string, unknown>>(query);
    this.#rowCount += result.rows.length;
    this.#onQuery?.({ purpose, sql: query.sql, parameterCount: query.parameters.length, rows: result.rows.length, durationMs: performance.now() - t0 });
    return result.rows;
  }

  async readRunBatch(params: ReadRunBatchParams): Promise<VteRunHeader[]> {
    const rows = await this.#run('runs', this.#queries.runBatch(params));
    return rows.map((r) => toRunHeader(r));
  }

  async readNewestRun(): Promise<{ indexGuid: string; timestamp: string } | null> {
    const rows = await this.#run('newest-run', this.#queries.newestRun());
    const r = rows[0];
    return r ? { indexGuid: guid(r.indexGuid), timestamp: str(r.timestamp) ?? '' } : null;
  }

  async readRuns(indexGuids: readonly string[]): Promise<VteRunHeader[]> {
    const unique = [...new Set(indexGuids.map((g) => g.toLowerCase()))];
    const out: VteRunHeader[] = [];
    for (let i = 0; i < unique.length; i += this.#chunk) {
      const rows = await this.#run('runs-by-guid', this.#queries.runsByGuid(unique.slice(i, i + this.#chunk)));
      out.push(...rows.map((r) => toRunHeader(r)));
    }
    return out;
  }

  async readSteps(indexGuids: readonly string[]): Promise<Map<string, VteStep[]>> {
    const out = new Map<string, VteStep[]>();
    const unique = [...new Set(indexGuids.map((g) => g.toLowerCase()))];
    for (const g of unique) out.set(g, []);
    if (unique.length === 0) return out;
    for (const kind of ['numeric', 'text', 'other'] as const) {
      for (let i = 0; i < unique.length; i += this.#chunk) {
        const rows = await this.#run(`steps:${kind}`, this.#queries.steps(kind, unique.slice(i, i + this.#chunk)));
        for (const r of rows) {
          const step = toStep(r, kind);
          out.get(step.indexGuid)?.push(step);
        }
      }
    }
    const order: Record<VteStepKind, number> = { numeric: 0, text: 1, other: 2 };
    for (const steps of out.values()) steps.sort((a, b) => a.stepNumber - b.stepNumber || order[a.kind] - order[b.kind]);
    return out;
  }

  async readRepairs(params: ReadRepairsParams): Promise<VteRepair[]> {
    if (!this.#repairs) return [];
    return this.#withActions(await this.#run('repairs', this.#queries.repairBatch(params)));
  }

  async readRepairsByGuid(repairGuids: readonly string[]): Promise<VteRepair[]> {
    if (!this.#repairs) return [];
    const unique = [...new Set(repairGuids.map((g) => g.toLowerCase()))];
    const out: VteRepair[] = [];
    for (let i = 0; i < unique.length; i += this.#chunk) {
      out.push(...(await this.#withActions(await this.#run('repairs-by-guid', this.#queries.repairsByGuid(unique.slice(i, i + this.#chunk))))));
    }
    return out;
  }

  async #withActions(rows: Record<string, unknown>[]): Promise<VteRepair[]> {
    const repairs: VteRepair[] = rows.map((r) => ({
      repairGuid: guid(r.repairGuid),
      indexGuid: guid(r.repairIndexGuid),
      timestamp: str(r.repairTimestamp) ?? '',
      userName: str(r.repairUserName),
      comment: str(r.repairComment),
      failureCode: str(r.failureCode),
      failureCategory: str(r.failureCategory),
      failureDescription: str(r.failureDescription),
      run: r.indexGuid === null || r.indexGuid === undefined ? null : toRunHeader(r),
      actions: [],
    }));
    const byGuid = new Map(repairs.map((r) => [r.repairGuid, r]));
    const guids = [...byGuid.keys()];
    for (let i = 0; i < guids.length; i += this.#chunk) {
      const actionRows = await this.#run('repair-actions', this.#queries.repairActions(guids.slice(i, i + this.#chunk)));
      for (const a of actionRows) {
        const action: VteRepairAction = {
          actionGuid: guid(a.actionGuid),
          actionCode: str(a.actionCode),
          actionDescription: str(a.actionDescription),
          component: str(a.component),
          comment: str(a.comment),
          timestamp: str(a.timestamp),
        };
        byGuid.get(guid(a.repairGuid))?.actions.push(action);
      }
    }
    return repairs;
  }

  async introspect(): Promise<VteIntrospection> {
    const rows = await this.#run('catalog', this.#queries.catalog());
    const catalog = rows.map((r) => ({ tableName: String(r.tableName), columnName: String(r.columnName) }));
    return compareWithCatalog(this.mapping, catalog, { caseInsensitive: this.dialect === 'mssql', repairs: this.#repairs });
  }

  stats(): VteSourceStats {
    return { queries: this.#queryCount, rows: this.#rowCount };
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }
}

function guid(v: unknown): string {
  return v === null || v === undefined ? '' : String(v).toLowerCase();
}

function optGuid(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v).toLowerCase();
}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function num(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const n = Number(v);
  return Number.isNaN(n) && String(v).trim().toLowerCase() !== 'nan' ? null : n;
}

function toRunHeader(r: Record<string, unknown>): VteRunHeader {
  const pick = (own: unknown, master: unknown) => str(own) ?? str(master);
  return {
    indexGuid: guid(r.indexGuid),
    timestamp: str(r.timestamp) ?? '',
    uutGuid: optGuid(r.uutGuid),
    productGuid: optGuid(r.productGuid),
    testplanGuid: optGuid(r.testplanGuid),
    testplanRevisionGuid: optGuid(r.testplanRevisionGuid),
    testsystemGuid: optGuid(r.testsystemGuid),
    userGuid: optGuid(r.userGuid),
    serial: str(r.serial),
    result: num(r.result),
    exitCode: num(r.exitCode),
    testTime: num(r.testTime),
    productName: pick(r.productName, r.mProductName),
    productType: str(r.mProductType),
    productVersion: str(r.mProductVersion),
    testplanName: pick(r.testplanName, r.mTestplanName),
    testplanVariant: pick(r.testplanVariant, r.mTestplanVariant),
    testplanRevision: pick(r.testplanRevision, r.mTestplanRevision),
    testsystemName: str(r.mTestsystemName),
    hostname: pick(r.hostname, r.mHostname),
    site: pick(r.site, r.mSite),
    userName: pick(r.userName, r.mUserName),
    info1: str(r.info1),
    info2: str(r.info2),
    info3: str(r.info3),
  };
}

function toStep(r: Record<string, unknown>, kind: VteStepKind): VteStep {
  let value: VteStep['value'];
  const raw = r.value;
  if (raw === null || raw === undefined) value = null;
  else if (raw instanceof Uint8Array) value = raw;
  else if (kind === 'numeric') value = num(raw) ?? String(raw);
  else value = String(raw);
  return {
    indexGuid: guid(r.indexGuid),
    kind,
    stepNumber: num(r.stepNumber) ?? 0,
    name: str(r.name),
    description: str(r.description),
    testNumber: str(r.testNumber),
    units: str(r.units),
    value,
    lowLimit: num(r.lowLimit),
    highLimit: num(r.highLimit),
    resultType: num(r.resultType),
  };
}
