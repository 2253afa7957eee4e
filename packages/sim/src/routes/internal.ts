import { untypedJson } from './route-types.js';
import { parseFilter } from '../domains/analytics/filter.js';
import { unitHistoryEntry } from '../domains/analytics/report-lists.js';
import { selectReports } from '../domains/analytics/select.js';
import { HttpError } from '../errors.js';
import type { RouteDefinition } from './route-types.js';

/**
 * `POST /api/internal/Survey/GetUnitReportHistory?details=&useCache=` (from the internal API
 * document, added through `spec/extra-internal.json`): the test and repair reports of the
 * units a `PublicWatsFilter` selects, newest first, `topCount` of them when given. Entries use
 * the names of WATS's `SnHistoryReport`; `details=true` adds sub units, misc infos, failed
 * steps and repair failures. `useCache` changes nothing here (nothing is cached). Like every
 * internal route of a real server, it wants a `Referer` header: 403 without one.
 */
const unitReportHistory: RouteDefinition = {
  method: 'POST',
  operationId: 'Survey_GetUnitReportHistory',
  async handle(ctx) {
    if (!ctx.request.headers.referer) {
      throw new HttpError(403, 'Internal API routes need a Referer header naming the server.');
    }
    const f = parseFilter(ctx.body);
    const details = ctx.params.query.details === true;
    const { reports } = await selectReports(ctx.sim, f);
    const sorted = [...reports].sort((a, b) => b.startMs - a.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const top = f.topCount !== undefined && f.topCount >= 0 ? sorted.slice(0, f.topCount) : sorted;
    return untypedJson(ctx, top.map((r) => unitHistoryEntry(r, details)));
  },
};

export const internalRoutes: RouteDefinition[] = [unitReportHistory];
