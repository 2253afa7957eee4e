/**
 * Every query the VTE source runs, built from the mapping with Kysely (so one definition
 * compiles to T-SQL and to PostgreSQL). Table and column names are identifiers from the
 * mapping (`sql.id`, quoted by the dialect's compiler, never parsed); values are parameters.
 * Only columns the adapter needs are selected (never `SELECT *`, never `Users.Password`).
 *
 * Timestamps are selected as text (`CONVERT(varchar(27), ts, 126)` / `to_char`) so no driver
 * applies a time zone to them; the same text goes back as a keyset parameter, which the server
 * converts to the column's type (ISO 8601 with `T` is unambiguous on SQL Server).
 */
import { sql, type CompiledQuery, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { VteDialect } from '../config/types.js';
import type { VteColumn, VteMapping, VteTable } from '../mapping.js';
import type { VteKysely } from './kysely.js';
import type { ReadRepairsParams, ReadRunBatchParams, VteStepKind } from './types.js';

/** SQL Server allows 2100 parameters per request; IN lists stay below this. */
export const MAX_IN_LIST = 2000;

export const STEP_TABLES: Readonly<Record<VteStepKind, 'TestDataNumeric' | 'TestDataText' | 'TestDataOther'>> = {
  numeric: 'TestDataNumeric',
  text: 'TestDataText',
  other: 'TestDataOther',
};

/** The compiled queries of one source (dialect + mapping). */
export interface VteQueries {
  runBatch(params: ReadRunBatchParams): CompiledQuery;
  /** The timestamp (as text) of the newest run: one row, `(Timestamp, Index_GUID)` descending (for the lag). */
  newestRun(): CompiledQuery;
  /** Run headers by Index_GUID (dead-letter replay, gap checks), in keyset order. */
  runsByGuid(indexGuids: readonly string[]): CompiledQuery;
  steps(kind: VteStepKind, indexGuids: readonly string[]): CompiledQuery;
  repairBatch(params: ReadRepairsParams): CompiledQuery;
  /** Repairs by Repair_GUID (dead-letter replay), in keyset order. */
  repairsByGuid(repairGuids: readonly string[]): CompiledQuery;
  repairActions(repairGuids: readonly string[]): CompiledQuery;
  catalog(): CompiledQuery;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySelect = SelectQueryBuilder<any, any, any>;
type Selection = ReturnType<RawBuilder<unknown>['as']>;

export function createVteQueries(db: VteKysely, dialect: VteDialect, mapping: VteMapping): VteQueries {
  const table = (t: VteTable, alias: string) => sql`${sql.id(mapping.schema, mapping.tables[t])}`.as(alias);
  const physical = <T extends VteTable>(t: T, c: VteColumn<T>): string | null => (mapping.columns[t] as Record<string, string | null>)[c] ?? null;
  const col = <T extends VteTable>(alias: string, t: T, c: VteColumn<T>): RawBuilder<unknown> => {
    const name = physical(t, c);
    return name === null ? sql`null` : sql`${sql.id(alias, name)}`;
  };
  const asText = (expr: RawBuilder<unknown>): RawBuilder<unknown> =>
    dialect === 'mssql' ? sql`convert(varchar(27), ${expr}, 126)` : sql`to_char(${expr}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
  const inList = (expr: RawBuilder<unknown>, values: readonly string[]) => {
    if (values.length === 0 || values.length > MAX_IN_LIST) throw new RangeError(`an IN list needs 1 to ${MAX_IN_LIST} values, got ${values.length}`);
    return sql<SqlBool>`${expr} in (${sql.join(values)})`;
  };
  const limit = (q: AnySelect, n: number): AnySelect => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`limit must be a positive integer, got ${n}`);
    return dialect === 'mssql' ? q.top(n) : q.limit(n);
  };
  /** `left join <t> as <alias> on <alias>.<key> = <from>.<fromKey>`, skipped when a key is mapped to null. */
  const joinOn = <T extends VteTable, F extends VteTable>(q: AnySelect, t: T, alias: string, key: VteColumn<T>, from: string, fromTable: F, fromKey: VteColumn<F>) => {
    if (physical(t, key) === null || physical(fromTable, fromKey) === null) return { q, joined: false };
    return { q: q.leftJoin(table(t, alias), (j) => j.on(sql<SqlBool>`${col(alias, t, key)} = ${col(from, fromTable, fromKey)}`)), joined: true };
  };

  /** Adds UutData and the master-data joins to a query over IndexData `i`, and the header columns. */
  function withRunHeader(q0: AnySelect): AnySelect {
    let q = q0;
    const joins = {
      u: joinOn(q, 'UutData', 'u', 'Uut_GUID', 'i', 'IndexData', 'Uut_GUID'),
    };
    q = joins.u.q;
    const p = joinOn(q, 'Products', 'p', 'Product_GUID', 'i', 'IndexData', 'Product_GUID');
    q = p.q;
    const tp = joinOn(q, 'Testplans', 'tp', 'Testplan_GUID', 'i', 'IndexData', 'Testplan_GUID');
    q = tp.q;
    const tr = joinOn(q, 'TestplanRevisions', 'tr', 'TestplanRevision_GUID', 'i', 'IndexData', 'TestplanRevision_GUID');
    q = tr.q;
    const ts = joinOn(q, 'TestSystems', 'ts', 'Testsystem_GUID', 'i', 'IndexData', 'Testsystem_GUID');
    q = ts.q;
    const us = joinOn(q, 'Users', 'us', 'User_GUID', 'i', 'IndexData', 'User_GUID');
    q = us.q;
    const nul = sql`null`;
    const i = (c: VteColumn<'IndexData'>) => col('i', 'IndexData', c);
    const selections: Selection[] = [
      i('Index_GUID').as('indexGuid'),
      asText(i('Timestamp')).as('timestamp'),
      i('Uut_GUID').as('uutGuid'),
      i('Product_GUID').as('productGuid'),
      i('Testplan_GUID').as('testplanGuid'),
      i('TestplanRevision_GUID').as('testplanRevisionGuid'),
      i('Testsystem_GUID').as('testsystemGuid'),
      i('User_GUID').as('userGuid'),
      i('Result').as('result'),
      i('ExitCode').as('exitCode'),
      i('TestTime').as('testTime'),
      i('Hostname').as('hostname'),
      i('Site').as('site'),
      i('UserName').as('userName'),
      i('ProductName').as('productName'),
      i('TestplanName').as('testplanName'),
      i('TestplanVariant').as('testplanVariant'),
      i('TestplanRevision').as('testplanRevision'),
      i('Info1').as('info1'),
      i('Info2').as('info2'),
      i('Info3').as('info3'),
      (joins.u.joined ? col('u', 'UutData', 'Serial') : nul).as('serial'),
      (p.joined ? col('p', 'Products', 'ProductName') : nul).as('mProductName'),
      (p.joined ? col('p', 'Products', 'ProductType') : nul).as('mProductType'),
      (p.joined ? col('p', 'Products', 'ProductVersion') : nul).as('mProductVersion'),
      (tp.joined ? col('tp', 'Testplans', 'TestplanName') : nul).as('mTestplanName'),
      (tp.joined ? col('tp', 'Testplans', 'TestplanVariant') : nul).as('mTestplanVariant'),
      (tr.joined ? col('tr', 'TestplanRevisions', 'TestplanRevision') : nul).as('mTestplanRevision'),
      (ts.joined ? col('ts', 'TestSystems', 'TestsystemName') : nul).as('mTestsystemName'),
      (ts.joined ? col('ts', 'TestSystems', 'Hostname') : nul).as('mHostname'),
      (ts.joined ? col('ts', 'TestSystems', 'Site') : nul).as('mSite'),
      (us.joined ? col('us', 'Users', 'UserName') : nul).as('mUserName'),
    ];
    return q.select(selections);
  }

  /** `(ts > @t or (ts = @t and g > @g))`, `ts >= since`, `ts < until`. */
  function keyset(q0: AnySelect, ts: RawBuilder<unknown>, guid: RawBuilder<unknown>, p: { after?: { timestamp: string; guid: string }; since?: string; until?: string }): AnySelect {
    let q = q0;
    if (p.after) q = q.where(sql<SqlBool>`(${ts} > ${p.after.timestamp} or (${ts} = ${p.after.timestamp} and ${guid} > ${p.after.guid}))`);
    if (p.since !== undefined) q = q.where(sql<SqlBool>`${ts} >= ${p.since}`);
    if (p.until !== undefined) q = q.where(sql<SqlBool>`${ts} < ${p.until}`);
    return q.orderBy(ts).orderBy(guid);
  }

  /** RepairData `r` with its run (IndexData `i` + header joins) and failure code. */
  function repairSelect(): AnySelect {
    let q: AnySelect = db.selectFrom(table('RepairData', 'r'));
    q = q.leftJoin(table('IndexData', 'i'), (j) => j.on(sql<SqlBool>`${col('i', 'IndexData', 'Index_GUID')} = ${col('r', 'RepairData', 'Index_GUID')}`));
    q = withRunHeader(q);
    const fc = joinOn(q, 'RepairFailureCodes', 'fc', 'RepairFailureCode_GUID', 'r', 'RepairData', 'RepairFailureCode_GUID');
    q = fc.q;
    const nul = sql`null`;
    return q.select([
      col('r', 'RepairData', 'Repair_GUID').as('repairGuid'),
      col('r', 'RepairData', 'Index_GUID').as('repairIndexGuid'),
      asText(col('r', 'RepairData', 'Timestamp')).as('repairTimestamp'),
      col('r', 'RepairData', 'UserName').as('repairUserName'),
      col('r', 'RepairData', 'Comment').as('repairComment'),
      (fc.joined ? col('fc', 'RepairFailureCodes', 'FailureCode') : nul).as('failureCode'),
      (fc.joined ? col('fc', 'RepairFailureCodes', 'FailureCategory') : nul).as('failureCategory'),
      (fc.joined ? col('fc', 'RepairFailureCodes', 'Description') : nul).as('failureDescription'),
    ]);
  }

  return {
    runBatch(params) {
      const q = withRunHeader(db.selectFrom(table('IndexData', 'i')));
      return limit(keyset(q, col('i', 'IndexData', 'Timestamp'), col('i', 'IndexData', 'Index_GUID'), params), params.limit).compile();
    },

    newestRun() {
      const ts = col('i', 'IndexData', 'Timestamp');
      const g = col('i', 'IndexData', 'Index_GUID');
      const q: AnySelect = db.selectFrom(table('IndexData', 'i')).select([g.as('indexGuid'), asText(ts).as('timestamp')]);
      return limit(q.orderBy(ts, 'desc').orderBy(g, 'desc'), 1).compile();
    },

    steps(kind, indexGuids) {
      const t = STEP_TABLES[kind];
      const d = (c: VteColumn<typeof t>) => col('d', t, c as never);
      const selections: Selection[] = [
        d('Index_GUID').as('indexGuid'),
        d('TestStepNumber').as('stepNumber'),
        d('TestName').as('name'),
        d('TestDescription').as('description'),
        d('TestNumber').as('testNumber'),
        d('TestUnits').as('units'),
        d('TestResult').as('value'),
        d('TestResultType').as('resultType'),
      ];
      if (kind === 'numeric') {
        selections.push(col('d', 'TestDataNumeric', 'LowLimit').as('lowLimit'), col('d', 'TestDataNumeric', 'HighLimit').as('highLimit'));
      }
      return db
        .selectFrom(table(t, 'd'))
        .select(selections)
        .where(inList(d('Index_GUID'), indexGuids))
        .orderBy(d('Index_GUID'))
        .orderBy(d('TestStepNumber'))
        .compile();
    },

    runsByGuid(indexGuids) {
      const q = withRunHeader(db.selectFrom(table('IndexData', 'i')));
      const ts = col('i', 'IndexData', 'Timestamp');
      const g = col('i', 'IndexData', 'Index_GUID');
      return q.where(inList(g, indexGuids)).orderBy(ts).orderBy(g).compile();
    },

    repairBatch(params) {
      const q = repairSelect();
      return limit(keyset(q, col('r', 'RepairData', 'Timestamp'), col('r', 'RepairData', 'Repair_GUID'), params), params.limit).compile();
    },

    repairsByGuid(repairGuids) {
      const g = col('r', 'RepairData', 'Repair_GUID');
      return repairSelect().where(inList(g, repairGuids)).orderBy(col('r', 'RepairData', 'Timestamp')).orderBy(g).compile();
    },

    repairActions(repairGuids) {
      let q: AnySelect = db.selectFrom(table('RepairActions', 'a'));
      const ac = joinOn(q, 'RepairActionCodes', 'ac', 'RepairActionCode_GUID', 'a', 'RepairActions', 'RepairActionCode_GUID');
      q = ac.q;
      const nul = sql`null`;
      const a = (c: VteColumn<'RepairActions'>) => col('a', 'RepairActions', c);
      q = q
        .select([
          a('RepairAction_GUID').as('actionGuid'),
          a('Repair_GUID').as('repairGuid'),
          a('Component').as('component'),
          a('Comment').as('comment'),
          (physical('RepairActions', 'Timestamp') === null ? nul : asText(a('Timestamp'))).as('timestamp'),
          (ac.joined ? col('ac', 'RepairActionCodes', 'ActionCode') : nul).as('actionCode'),
          (ac.joined ? col('ac', 'RepairActionCodes', 'Description') : nul).as('actionDescription'),
        ])
        .where(inList(a('Repair_GUID'), repairGuids))
        .orderBy(a('Repair_GUID'));
      if (physical('RepairActions', 'Timestamp') !== null) q = q.orderBy(a('Timestamp'));
      return q.orderBy(a('RepairAction_GUID')).compile();
    },

    catalog() {
      // INFORMATION_SCHEMA is upper case on SQL Server (safe under a case-sensitive collation), lower case on PostgreSQL.
      const up = dialect === 'mssql';
      const n = (s: string) => (up ? s.toUpperCase() : s);
      return db
        .selectFrom(sql`${sql.id(n('information_schema'), n('columns'))}`.as('c'))
        .select([sql`${sql.id('c', n('table_name'))}`.as('tableName'), sql`${sql.id('c', n('column_name'))}`.as('columnName')])
        .where(sql<SqlBool>`${sql.id('c', n('table_schema'))} = ${mapping.schema}`)
        .compile();
    },
  };
}
