import { untypedJson } from './route-types.js';
import { HttpError } from '../errors.js';
import { parseDimensions, type OrderSpec, type ParsedDimensions } from '../domains/analytics/dimensions.js';
import { parseFilter, type WatsFilter } from '../domains/analytics/filter.js';
import { DateGrouping } from '../domains/analytics/periods.js';
import { relatedRepairHistory, repairItems, repairRows, REPAIR_DIMENSIONS, REPAIR_KPIS } from '../domains/analytics/repair.js';
import { selectReports } from '../domains/analytics/select.js';
import { YIELD_KPIS } from '../domains/analytics/yield-kpis.js';
import { yieldRows, YIELD_DIMENSIONS } from '../domains/analytics/yield-report.js';
import type { RouteContext, RouteDefinition, RouteResult } from './route-types.js';

/** Without dates in the filter, yield and repair statistics cover the last 30 days (the documented default filter). */
const LAST_30_DAYS = { days: 30 };

function dimensionsOf(ctx: RouteContext, f: WatsFilter, fallback: string, dims: readonly string[], kpis: readonly string[]): ParsedDimensions {
  const text = (ctx.params.query.dimensions as string | undefined) ?? f.dimensions ?? fallback;
  return parseDimensions(text.trim() === '' ? fallback : text, dims, kpis);
}

/** `POST /api/App/DynamicYield`: yield KPIs by the dimensions asked for (query wins over body). */
const dynamicYield: RouteDefinition = {
  method: 'POST',
  operationId: 'App_DynamicYield',
  async handle(ctx) {
    const f = parseFilter(ctx.body);
    const dims = dimensionsOf(ctx, f, 'unitCount desc;partNumber;testOperation', YIELD_DIMENSIONS, YIELD_KPIS);
    const { reports } = await selectReports(ctx.sim, f, { type: 'T', dates: LAST_30_DAYS });
    const grouping = f.dateGrouping ?? DateGrouping.day;
    return untypedJson(ctx, yieldRows(reports, dims, { scope: ctx.sim, grouping }, { topCount: f.topCount ?? 10 }));
  },
};

/** The fixed lists of the dashboard: by product (part number and test operation) or product group. */
interface YieldList {
  by: 'product' | 'group';
  order: OrderSpec[];
}

const VOLUME: YieldList = { by: 'product', order: [] };
const HIGH_VOLUME: YieldList = { by: 'product', order: [{ name: 'unitCount', descending: true }] };
const WORST: YieldList = { by: 'product', order: [{ name: 'fpy', descending: false }, { name: 'unitCount', descending: true }] };

async function yieldList(ctx: RouteContext, f: WatsFilter, list: YieldList, days?: number): Promise<RouteResult> {
  const dimText = list.by === 'product' ? 'partNumber;testOperation;processCode' : 'productGroup;testOperation;processCode';
  const dims = parseDimensions(dimText, YIELD_DIMENSIONS, YIELD_KPIS);
  const { reports } = await selectReports(ctx.sim, f, { type: 'T', dates: { days: days ?? LAST_30_DAYS.days } });
  const rows = yieldRows(reports, { ...dims, order: list.order }, { scope: ctx.sim, grouping: f.dateGrouping ?? DateGrouping.day }, {
    topCount: f.topCount,
    minCount: f.minCount,
  });
  // Rows of products outside every group have no productGroup: they are not a group's yield.
  return untypedJson(ctx, list.by === 'group' ? rows.filter((r) => r.productGroup !== undefined) : rows);
}

/** The GET variants: `days`, `productGroupId`, `levelId` (all required; ids `;`-separated, empty for all). */
function getFilter(ctx: RouteContext): { f: WatsFilter; days: number } {
  const q = ctx.params.query;
  const days = q.days as number;
  if (days < 0) throw new HttpError(400, `days: must be 0 or more, got ${days}`);
  return { f: { productGroup: q.productGroupId as string, level: q.levelId as string, dateFrom: Date.now() - days * 86_400_000 }, days };
}

function getList(operationId: string, list: YieldList): RouteDefinition {
  return {
    method: 'GET',
    operationId,
    async handle(ctx) {
      const { f, days } = getFilter(ctx);
      return yieldList(ctx, f, list, days);
    },
  };
}

function postList(operationId: string, list: YieldList): RouteDefinition {
  return { method: 'POST', operationId, handle: (ctx) => yieldList(ctx, parseFilter(ctx.body), list) };
}

/** `POST /api/App/DynamicRepair`: repair counts by the dimensions asked for. */
const dynamicRepair: RouteDefinition = {
  method: 'POST',
  operationId: 'App_DynamicRepair',
  async handle(ctx) {
    const f = parseFilter(ctx.body);
    const dims = dimensionsOf(ctx, f, 'repairCount desc;repairReportCount desc;partNumber;repairOperation', REPAIR_DIMENSIONS, REPAIR_KPIS);
    const { data, reports } = await selectReports(ctx.sim, f, { type: 'R', dates: LAST_30_DAYS });
    const byId = new Map(data.reports.map((r) => [r.id, r]));
    const grouping = f.dateGrouping ?? DateGrouping.day;
    return untypedJson(ctx, repairRows(repairItems(reports, byId), dims, ctx.sim, { grouping, topCount: f.topCount ?? 10 }));
  },
};

/** `GET /api/App/RelatedRepairHistory`: repaired failures of a part number + revision. */
const relatedRepairs: RouteDefinition = {
  method: 'GET',
  operationId: 'App_GetRelatedRepairHistory',
  async handle(ctx) {
    const q = ctx.params.query;
    const f: WatsFilter = { partNumber: q.partNumber as string, revision: q.revision as string };
    const { data, reports } = await selectReports(ctx.sim, f, { type: 'R' });
    const repairCodes = splitCodes(q.repairOperationCode);
    const testCodes = splitCodes(q.testOperationCode);
    const uurs = reports.filter(
      (r) => (!repairCodes || repairCodes.includes(r.processCode)) &&
        (!testCodes || (r.uur?.testProcessCode !== undefined && testCodes.includes(r.uur.testProcessCode))),
    );
    const byId = new Map(data.reports.map((r) => [r.id, r]));
    return untypedJson(ctx, relatedRepairHistory(repairItems(uurs, byId)));
  },
};

/** `"500;510"` → codes; undefined or empty → no restriction; anything else → 400. */
function splitCodes(value: unknown): number[] | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parts = value.split(';').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.some((p) => !/^\d+$/.test(p))) throw new HttpError(400, `operation code: expected a number (or a ;-list), got '${value}'`);
  return parts.map(Number);
}

export const analyticsYieldRoutes: RouteDefinition[] = [
  dynamicYield,
  getList('App_VolumeYield', VOLUME),
  postList('App_VolumeYield', VOLUME),
  getList('App_HighVolume', HIGH_VOLUME),
  postList('App_HighVolume', HIGH_VOLUME),
  postList('App_GetHighVolumeByProductGroup', { ...HIGH_VOLUME, by: 'group' }),
  getList('App_WorstYield', WORST),
  postList('App_WorstYield', WORST),
  postList('App_GetWorstYieldByProductGroup', { ...WORST, by: 'group' }),
  dynamicRepair,
  relatedRepairs,
];
