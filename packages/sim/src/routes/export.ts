import { untypedJson } from './route-types.js';
import { callerName } from '../domains/auth/caller.js';
import { parseFilter } from '../domains/analytics/filter.js';
import { exportedFile, listExports, queueExport, type ExportOptions } from '../domains/export/export-jobs.js';
import { parseExportDimensions, parseNumericFormat } from '../domains/export/export-options.js';
import { fileAnswer } from '../domains/files/answers.js';
import type { RouteDefinition } from './route-types.js';

/**
 * `POST /api/Export/Certificate`: queues an export of certificates (PDF, in a zip) for the UUT
 * reports the WATS filter body selects; answers `{ exportFileName, status }` at once.
 */
const queueCertificates: RouteDefinition = {
  method: 'POST',
  operationId: 'Export_QueueExportCertificate',
  async handle(ctx) {
    const q = ctx.params.query;
    const filter = parseFilter(ctx.body);
    const options: ExportOptions = {
      headerDataOnly: q.headerDataOnly as boolean,
      asIndividualFiles: q.asIndividualFiles as boolean,
      numericFormat: parseNumericFormat(q.numericFormat as string | undefined),
    };
    const dimensions = parseExportDimensions(q.dimensions as string | undefined, filter.dimensions);
    if (dimensions) options.dimensions = dimensions;
    for (const key of ['bodyFooterTag', 'documentFooterTag', 'email'] as const) {
      if (typeof q[key] === 'string') options[key] = q[key] as string;
    }
    const server = ctx.request.server.server;
    const job = await queueExport(ctx.sim, callerName(ctx.request), filter, options, () => server.listening);
    return { body: { exportFileName: job.exportFileName, status: job.status } };
  },
};

/** `GET /api/Export/List`: the caller's exports with their status (a JSON list; the spec leaves it untyped). */
const listOwnExports: RouteDefinition = {
  method: 'GET',
  operationId: 'Export_GetExportList',
  async handle(ctx) {
    return untypedJson(ctx, await listExports(ctx.sim, callerName(ctx.request)));
  },
};

/** `GET /api/Export/{fileName}`: the produced zip, for its owner only. */
const downloadExport: RouteDefinition = {
  method: 'GET',
  operationId: 'Export_GetExportedFile',
  async handle(ctx) {
    const file = await exportedFile(ctx.sim, callerName(ctx.request), String(ctx.params.path.fileName));
    return fileAnswer(file.data, 'application/zip', file.name);
  },
};

export const exportRoutes: RouteDefinition[] = [queueCertificates, listOwnExports, downloadExport];
