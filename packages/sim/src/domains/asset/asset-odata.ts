import { entityModel } from '../../odata/entity-model.js';
import { matches, type Row } from '../../odata/evaluate.js';
import { parseODataQuery, type ODataRules, type OrderBy } from '../../odata/query-options.js';
import { defined, type Json } from '../body-fields.js';
import type { AssetDomainState, AssetLogRecord, AssetRecord, AssetTypeRecord } from './asset-state.js';

const SCHEMA = 'Virinco.WATS.Web.Dashboard.Models.Mes.Asset.';
export const ODATA_ASSET = `${SCHEMA}OData.Asset`;
export const ODATA_ASSET_TYPE = `${SCHEMA}OData.AssetType`;
export const ODATA_ASSET_LOG = `${SCHEMA}OData.AssetLog`;
/** The public (non-OData) asset model, used for single assets and sub-asset lists. */
export const PUBLIC_ASSET = `${SCHEMA}Asset`;

/** An asset as the OData list (`GET /api/Asset`) shows it. */
export function odataAsset(state: AssetDomainState, a: AssetRecord): Json {
  const parent = a.parentAssetId ? state.assets[a.parentAssetId] : undefined;
  return defined({
    assetId: a.assetId,
    parentAssetId: a.parentAssetId,
    assetName: a.assetName,
    serialNumber: a.serialNumber,
    parentSerialNumber: parent?.serialNumber,
    partNumber: a.partNumber,
    revision: a.revision,
    typeId: a.typeId,
    state: a.state,
    description: a.description,
    location: a.location,
    firstSeenDate: a.firstSeenDate,
    lastSeenDate: a.lastSeenDate,
    lastMaintenanceDate: a.lastMaintenanceDate,
    nextMaintenanceDate: a.nextMaintenanceDate,
    lastCalibrationDate: a.lastCalibrationDate,
    nextCalibrationDate: a.nextCalibrationDate,
    totalCount: a.totalCount,
    runningCount: a.runningCount,
  });
}

/** One asset as the public `Asset` model, with its tags and its type. */
export function publicAsset(state: AssetDomainState, a: AssetRecord): Json {
  const type = state.types[a.typeId];
  return defined({
    ...odataAsset(state, a),
    ClientId: a.clientId,
    tags: a.tags.map((t) => ({ ...t })),
    assetType: type ? { ...type } : undefined,
  });
}

/** The OData query options of the three asset lists, from their descriptions in the spec. */
function rules(schema: string, defaultOrder: OrderBy[]): ODataRules {
  const model = entityModel(schema);
  // Any property can be sorted on (the descriptions show `$orderby=firstSeenDate desc`).
  const orderable = Object.fromEntries([...model.fields.keys()].map((f) => [f, f]));
  // "Returns top 1000 ... unless $top"; the maximum is not documented: the simulator takes 10000.
  return { model, defaultTop: 1000, maxTop: 10000, orderable, defaultOrder };
}

function toRow(model: ReturnType<typeof entityModel>, item: Json): Row {
  const row: Row = {};
  for (const [field, type] of model.fields) {
    const v = item[field];
    row[field] = type === 'datetime' && typeof v === 'string' ? Date.parse(v) : v;
  }
  return row;
}

function compare(a: unknown, b: unknown): number {
  // SQL Server sorts NULL first, and compares text ignoring case.
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : -1;
  if (b === undefined || b === null) return 1;
  const [x, y] = typeof a === 'string' && typeof b === 'string' ? [a.toUpperCase(), b.toUpperCase()] : [a, b];
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

/** Applies `$filter`, `$orderby`, `$skip`, `$top` and `$select` to a list (stable: ties keep list order). */
export function odataList(schema: string, items: Json[], options: Record<string, string | string[]>, defaultOrder: OrderBy[]): Json[] {
  const r = rules(schema, defaultOrder);
  const query = parseODataQuery(options, r);
  let rows = items.map((item) => ({ item, row: toRow(r.model, item) }));
  const filter = query.filter;
  if (filter) rows = rows.filter(({ row }) => matches(filter, row));
  rows.sort((p, q) => {
    for (const { field, descending } of query.orderBy) {
      const c = compare(p.row[field], q.row[field]);
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
  const page = rows.slice(query.skip, query.skip + query.top).map(({ item }) => item);
  const select = query.select;
  if (!select) return page;
  return page.map((item) => Object.fromEntries(Object.entries(item).filter(([k]) => select.includes(k))));
}

export function listAssets(state: AssetDomainState, options: Record<string, string | string[]>): Json[] {
  const items = Object.values(state.assets).map((a) => odataAsset(state, a));
  return odataList(ODATA_ASSET, items, options, [{ field: 'assetId', descending: false }]);
}

export function listAssetTypes(state: AssetDomainState, options: Record<string, string | string[]>): Json[] {
  const items = Object.values(state.types).map((t: AssetTypeRecord) => ({ ...t }) as Json);
  return odataList(ODATA_ASSET_TYPE, items, options, [{ field: 'typeName', descending: false }]);
}

export function listAssetLog(state: AssetDomainState, options: Record<string, string | string[]>): Json[] {
  // Newest first; within the same millisecond the later record first.
  const items = [...state.log].reverse().map((l: AssetLogRecord) => ({ ...l }) as Json);
  return odataList(ODATA_ASSET_LOG, items, options, [{ field: 'date', descending: true }]);
}
