import { randomUUID } from 'node:crypto';
import { HttpError } from '../errors.js';
import { canonicalGuid } from '../guid.js';
import { FULL_VIEW, shapeReport, type ReportView } from '../wsjf/detail-level.js';
import { validateWsjfReport, type WsjfReport } from '../wsjf/validate-report.js';
import { headerQueryRoute } from './report-query.js';
import { reportExtraRoutes } from './report-extras.js';
import { jsonBody, type RouteDefinition } from './route-types.js';

/** `POST /api/Report/WSJF`: validate, store (re-submitting an id overwrites), answer InsertReportResult. */
const postWsjf: RouteDefinition = {
  method: 'POST',
  operationId: 'Report_PostWSJF',
  async handle(ctx) {
    const report = jsonBody(ctx);
    const errors = validateWsjfReport(report);
    if (errors.length > 0) throw new HttpError(400, errors.join('; '));
    const body = report as WsjfReport;
    let id: string;
    if (typeof body.id === 'string') {
      id = canonicalGuid(body.id);
    } else {
      // Like the real server: a report without an id gets one, and is returned with it.
      id = randomUUID();
      body.id = id;
    }
    const stored = await ctx.sim.store.put(body, id, ctx.body.length);
    ctx.sim.stats.reportReceived();
    return { body: { ID: id, uuid: id, Report_ID: stored.reportId } };
  },
};

/** `GET /api/Report/Wsjf/{id}`: the report as received, trimmed by detailLevel/include flags. */
const getWsjf: RouteDefinition = {
  method: 'GET',
  operationId: 'Report_GetReportAsWSJF',
  async handle(ctx) {
    // The id was checked against the spec's `format: uuid` while binding parameters.
    const id = canonicalGuid(ctx.params.path.id as string);
    const q = ctx.params.query;
    const view: ReportView = { ...FULL_VIEW };
    if (q.detailLevel !== undefined) {
      const level = q.detailLevel as number;
      if (level < 0 || level > 7) throw new HttpError(400, `detailLevel: must be 0-7, got ${level}`);
      view.detailLevel = level;
    }
    if (q.includeAttachments !== undefined) view.includeAttachments = q.includeAttachments as boolean;
    if (q.includeChartdata !== undefined) view.includeChartdata = q.includeChartdata as boolean;
    const report = await ctx.sim.store.get(id);
    if (!report) throw new HttpError(404, `Report with id '${id}' was not found.`);
    return { body: shapeReport(report, view) };
  },
};

export const reportRoutes: RouteDefinition[] = [postWsjf, getWsjf, headerQueryRoute, ...reportExtraRoutes];
