import { untypedJson } from './route-types.js';
import { parseFilter, type WatsFilter } from '../domains/analytics/filter.js';
import { reportHeader } from '../domains/analytics/report-lists.js';
import { newestFirst, selectReports } from '../domains/analytics/select.js';
import { HttpError } from '../errors.js';
import { parseWsjfDate } from '../wsjf/dates.js';
import type { RouteContext, RouteDefinition, RouteResult } from './route-types.js';

/** By default the 1000 newest reports that match are returned (`topCount` changes that). */
const DEFAULT_TOP = 1000;

async function headers(ctx: RouteContext, f: WatsFilter, type: 'T' | 'R' | undefined, top: number | undefined): Promise<RouteResult> {
  const { data, reports } = await selectReports(ctx.sim, f, type ? { type } : {});
  return untypedJson(ctx, newestFirst(reports, top).map((r) => reportHeader(r, data.run.get(r.id) ?? 1)));
}

const GET_UUT_KEYS = ['serialNumber', 'partNumber', 'revision', 'batchNumber', 'stationName', 'testOperation', 'status'] as const;

/** `GET /api/App/UutReport`: the query's filters (`productGroupId`, `levelId` are ids). */
const uutReportsGet: RouteDefinition = {
  method: 'GET',
  operationId: 'App_UutReport',
  handle(ctx) {
    const q = ctx.params.query;
    const f: WatsFilter = {};
    for (const key of GET_UUT_KEYS) if (typeof q[key] === 'string') f[key] = q[key] as string;
    if (typeof q.productGroupId === 'string') f.productGroup = q.productGroupId;
    if (typeof q.levelId === 'string') f.level = q.levelId;
    for (const key of ['dateFrom', 'dateTo'] as const) {
      const text = q[key];
      if (typeof text !== 'string' || text === '') continue;
      const ms = parseWsjfDate(text);
      if (ms === undefined) throw new HttpError(400, `${key}: not a valid date`);
      f[key] = ms;
    }
    return headers(ctx, f, 'T', DEFAULT_TOP);
  },
};

/** `POST /api/App/UutReport`: test report headers, newest first. */
const uutReportsPost: RouteDefinition = {
  method: 'POST',
  operationId: 'App_UutReport',
  handle(ctx) {
    const f = parseFilter(ctx.body);
    return headers(ctx, f, 'T', f.topCount ?? DEFAULT_TOP);
  },
};

/** `POST /api/App/UurReport`: repair report headers, newest first. */
const uurReports: RouteDefinition = {
  method: 'POST',
  operationId: 'App_UurReports',
  handle(ctx) {
    const f = parseFilter(ctx.body);
    return headers(ctx, f, 'R', f.topCount ?? DEFAULT_TOP);
  },
};

/** `POST /api/App/SerialNumberHistory`: every test and repair report of the units the filter selects, newest first. */
const serialNumberHistory: RouteDefinition = {
  method: 'POST',
  operationId: 'App_SerialNumberHistory',
  handle(ctx) {
    const f = parseFilter(ctx.body);
    // Supported filters: productGroup, level, serialNumber, partNumber, batchNumber, miscValue.
    const scoped: WatsFilter = {};
    for (const key of ['productGroup', 'level', 'serialNumber', 'partNumber', 'batchNumber', 'miscValue'] as const) {
      if (f[key] !== undefined) scoped[key] = f[key];
    }
    return headers(ctx, scoped, undefined, f.topCount);
  },
};

export const analyticsReportRoutes: RouteDefinition[] = [uutReportsGet, uutReportsPost, uurReports, serialNumberHistory];
