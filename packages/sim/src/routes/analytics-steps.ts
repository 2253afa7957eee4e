import { untypedJson } from './route-types.js';
import { HttpError } from '../errors.js';
import { parseFilter, type WatsFilter } from '../domains/analytics/filter.js';
import { collectMeasurements, measurementGroups, mostFailedPaths, splitPaths } from '../domains/analytics/measurements.js';
import { oeeAnalysis, parseAvailableTime, type OeeOptions } from '../domains/analytics/oee.js';
import { DateGrouping } from '../domains/analytics/periods.js';
import type { ReportFacts } from '../domains/analytics/report-facts.js';
import { newestFirst, selectReports, type Selection } from '../domains/analytics/select.js';
import { testStepAnalysis } from '../domains/analytics/step-analysis.js';
import { topFailedSteps } from '../domains/analytics/top-failed.js';
import type { RouteContext, RouteDefinition } from './route-types.js';

/** `GET /api/App/TopFailed`: all six parameters are required; empty ids/part number mean "all". */
const topFailedGet: RouteDefinition = {
  method: 'GET',
  operationId: 'App_TopFailed',
  async handle(ctx) {
    const q = ctx.params.query;
    const days = q.days as number;
    const count = q.count as number;
    if (days < 0 || count < 0) throw new HttpError(400, 'days and count must be 0 or more');
    const f: WatsFilter = {
      partNumber: q.partNumber as string,
      testOperation: q.processCode as string,
      productGroup: q.productGroupId as string,
      level: q.levelId as string,
      dateFrom: Date.now() - days * 86_400_000,
    };
    const { reports } = await selectReports(ctx.sim, f, { type: 'T' });
    return untypedJson(ctx, topFailedSteps(reports, count));
  },
};

/** `POST /api/App/TopFailed`: the filter; `topCount` (default 10) rows, last 30 days by default. */
const topFailedPost: RouteDefinition = {
  method: 'POST',
  operationId: 'App_TopFailed',
  async handle(ctx) {
    const f = parseFilter(ctx.body);
    const { reports } = await selectReports(ctx.sim, f, { type: 'T', dates: { days: 30 } });
    return untypedJson(ctx, topFailedSteps(reports, f.topCount ?? 10));
  },
};

/** The operations documented with "partnumber and testOperation filter required". */
function requireProduct(f: WatsFilter): void {
  const missing = (['partNumber', 'testOperation'] as const).filter((k) => !f[k] || f[k]!.trim() === '');
  if (missing.length > 0) throw new HttpError(400, `${missing.join(' and ')} filter required`);
}

/** Unit key of a report (runs are counted per serial number, part number and process). */
const unitKey = (r: ReportFacts): string => `${r.serialNumber.toUpperCase()}\u0000${r.partNumber.toUpperCase()}\u0000${r.processCode}`;

/** Keeps the reports of one run: 1, 2, 3, -1 (each unit's last) or -2 (all). */
function byRun(sel: Selection, run: number): ReportFacts[] {
  if (run === -2) return sel.reports;
  if (run === -1) {
    const last = new Map<string, number>();
    for (const r of sel.data.reports) last.set(unitKey(r), Math.max(last.get(unitKey(r)) ?? 0, sel.data.run.get(r.id) ?? 1));
    return sel.reports.filter((r) => sel.data.run.get(r.id) === last.get(unitKey(r)));
  }
  if (run < 1) throw new HttpError(400, `run: must be 1, 2, 3, -1 (last) or -2 (all), got ${run}`);
  return sel.reports.filter((r) => sel.data.run.get(r.id) === run);
}

/** `POST /api/App/TestStepAnalysis`: defaults maxCount 10000, the last 30 days, run 1. */
const testStepAnalysisRoute: RouteDefinition = {
  method: 'POST',
  operationId: 'App_GetTestStepAnalysis',
  async handle(ctx) {
    const f = parseFilter(ctx.body);
    requireProduct(f);
    const sel = await selectReports(ctx.sim, f, { type: 'T', dates: { days: 30 } });
    const reports = newestFirst(byRun(sel, f.run ?? 1), f.maxCount ?? 10_000).reverse();
    return untypedJson(ctx, testStepAnalysis(reports));
  },
};

async function measurementAnswer(ctx: RouteContext, mode: 'values' | 'aggregated') {
  const f = parseFilter(ctx.body);
  requireProduct(f);
  const { reports } = await selectReports(ctx.sim, f, { type: 'T', dates: { days: 7 } });
  const asked = splitPaths(ctx.params.query.measurementPaths as string | undefined);
  const paths = asked.length > 0 ? asked : mostFailedPaths(reports);
  const byPath = collectMeasurements(reports, paths, Math.min(f.maxCount ?? 10_000, 10_000));
  return untypedJson(ctx, measurementGroups(byPath, mode, f.dateGrouping ?? DateGrouping.none));
}

/** `POST /api/App/Measurements?measurementPaths=`: the values at each path (newest 10000 at most). */
const measurements: RouteDefinition = {
  method: 'POST',
  operationId: 'App_Measurements',
  handle: (ctx) => measurementAnswer(ctx, 'values'),
};

/** `POST /api/App/AggregatedMeasurements?measurementPaths=`: statistics per path, per period of `dateGrouping`. */
const aggregated: RouteDefinition = {
  method: 'POST',
  operationId: 'App_AggregatedMeasurements',
  handle: (ctx) => measurementAnswer(ctx, 'aggregated'),
};

/** `POST /api/App/OeeAnalysis?availableTime=…`: one OEE figure for the reports the filter selects. */
const oee: RouteDefinition = {
  method: 'POST',
  operationId: 'App_OeeAnalysis',
  async handle(ctx) {
    const q = ctx.params.query;
    const availableTime = parseAvailableTime(q.availableTime as string);
    const f = parseFilter(ctx.body);
    const sel = await selectReports(ctx.sim, f, { type: 'T', dates: { days: 7 } });
    const to = sel.range.to ?? sel.now;
    const from = sel.range.from ?? to - 7 * 86_400_000;
    if (from > to) throw new HttpError(400, 'dateFrom: must not be after dateTo');
    const options: OeeOptions = { availableTime };
    for (const key of ['minConnectionTime', 'maxConnectionTime', 'minExecutionTime', 'maxExecutionTime', 'targetOutput'] as const) {
      if (q[key] !== undefined) options[key] = q[key] as number;
    }
    return { body: oeeAnalysis(sel.reports, from, to, options) };
  },
};

export const analyticsStepRoutes: RouteDefinition[] = [
  topFailedGet,
  topFailedPost,
  testStepAnalysisRoute,
  measurements,
  aggregated,
  oee,
];
