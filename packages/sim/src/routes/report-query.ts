import type { ReportStore, StoredReport } from '../store/report-store.js';
import { entityModel, REPORT_HEADER_SCHEMA } from '../odata/entity-model.js';
import { matches, type Row } from '../odata/evaluate.js';
import { parseODataQuery, type ODataRules, type OrderBy } from '../odata/query-options.js';
import type { RouteDefinition } from './route-types.js';

/** The header query's rules, from the operation's description in the spec. */
export function headerQueryRules(): ODataRules {
  return {
    model: entityModel(REPORT_HEADER_SCHEMA),
    defaultTop: 10,
    maxTop: 10000,
    // The description spells it `timestamp`; the property is `timeStamp`. Both are accepted.
    orderable: { start: 'start', uuid: 'uuid', serialNumber: 'serialNumber', timeStamp: 'timeStamp', timestamp: 'timeStamp' },
    defaultOrder: [{ field: 'start', descending: true }],
  };
}

interface HeaderRow {
  /** For filtering and ordering: dates as epoch ms, collections included. */
  row: Row;
  entry: StoredReport;
  run: number;
}

const runCache = new WeakMap<ReportStore, { version: number; runs: Map<string, number> }>();

/** Run numbers: 1-based per serial number + part number + process code, in start order. */
function runNumbers(store: ReportStore): Map<string, number> {
  const cached = runCache.get(store);
  if (cached && cached.version === store.version) return cached.runs;
  const groups = new Map<string, StoredReport[]>();
  for (const entry of store.list()) {
    const f = entry.summary.fields;
    const key = [f.serialNumber, f.partNumber, f.processCode].map((v) => String(v).toUpperCase()).join('\u0000');
    const group = groups.get(key) ?? [];
    group.push(entry);
    groups.set(key, group);
  }
  const runs = new Map<string, number>();
  for (const group of groups.values()) {
    group.sort((a, b) => a.summary.startMs - b.summary.startMs || a.timeStamp - b.timeStamp);
    group.forEach((entry, i) => runs.set(entry.id, i + 1));
  }
  runCache.set(store, { version: store.version, runs });
  return runs;
}

/** Header fields kept by the server rather than derived from the report body. */
function serverFields(entry: StoredReport, run: number): Row {
  return { timeStamp: entry.timeStamp, run, receiveCount: entry.receiveCount, reportSize: Math.ceil(entry.size / 1024) };
}

function rowOf(entry: StoredReport, run: number): Row {
  return {
    ...entry.summary.fields,
    ...entry.summary.collections,
    ...serverFields(entry, run),
    start: entry.summary.startMs,
  };
}

function compareRows(order: OrderBy[]): (a: HeaderRow, b: HeaderRow) => number {
  return (a, b) => {
    for (const { field, descending } of order) {
      const x = a.row[field] as string | number;
      const y = b.row[field] as string | number;
      // Case-insensitive like the SQL Server collation behind WATS.
      const [p, q] = typeof x === 'string' && typeof y === 'string' ? [x.toUpperCase(), y.toUpperCase()] : [x, y];
      const cmp = p < q ? -1 : p > q ? 1 : 0;
      if (cmp !== 0) return descending ? -cmp : cmp;
    }
    // Deterministic ties: most recently processed first.
    return b.entry.timeStamp - a.entry.timeStamp;
  };
}

/** `GET /api/Report/Query/Header`: OData over headers derived from the stored reports. */
export const headerQueryRoute: RouteDefinition = {
  method: 'GET',
  operationId: 'Report_HeaderQuery',
  handle(ctx) {
    const rules = headerQueryRules();
    const query = parseODataQuery(ctx.params.odata, rules);
    const runs = runNumbers(ctx.sim.store);
    let rows: HeaderRow[] = ctx.sim.store.list().map((entry) => {
      const run = runs.get(entry.id) ?? 1;
      return { row: rowOf(entry, run), entry, run };
    });
    const filter = query.filter;
    if (filter) rows = rows.filter((r) => matches(filter, r.row));
    rows.sort(compareRows(query.orderBy));
    const page = rows.slice(query.skip, query.skip + query.top);

    const fields = [...rules.model.fields.keys()].filter((f) => !query.select || query.select.includes(f));
    const body = page.map(({ entry, run }) => {
      const all: Row = { ...entry.summary.fields, ...serverFields(entry, run) };
      const header: Row = {};
      for (const field of fields) if (all[field] !== undefined) header[field] = all[field];
      for (const name of query.expand) header[name] = entry.summary.collections[name as keyof typeof entry.summary.collections];
      return header;
    });
    return { body };
  },
};
