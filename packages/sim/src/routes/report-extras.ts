import { HttpError } from '../errors.js';
import { canonicalGuid } from '../guid.js';
import { FULL_VIEW, shapeReport, type ReportView } from '../wsjf/detail-level.js';
import { validateWsjfReport, type WsjfReport } from '../wsjf/validate-report.js';
import type { SimContext } from '../context.js';
import type { StoredReport } from '../store/report-store.js';
import { fileAnswer } from '../domains/files/answers.js';
import { createZip, uniqueFileNames } from '../domains/files/zip-writer.js';
import { allAttachments, findAttachment } from '../domains/report/attachments.js';
import { reportCertificatePdf } from '../domains/report/certificate.js';
import { headersByMiscInfo } from '../domains/report/misc-info-query.js';
import { readWsxf } from '../domains/report/wsxf-read.js';
import { writeWsxf } from '../domains/report/wsxf-write.js';
import type { RouteDefinition } from './route-types.js';

/** A stored report by id, or 404 as the real server words it. */
async function storedReport(sim: SimContext, rawId: unknown): Promise<{ report: WsjfReport; entry: StoredReport }> {
  const id = canonicalGuid(String(rawId));
  const report = await sim.store.get(id);
  const entry = sim.store.meta(id);
  if (!report || !entry) throw new HttpError(404, `Report with id '${id}' was not found.`);
  return { report, entry };
}

/** A file name made from report fields, safe on every file system. */
function fileStem(entry: StoredReport): string {
  const sn = entry.summary.fields.serialNumber;
  return (typeof sn === 'string' && sn !== '' ? sn : entry.id).replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
}

/** `GET /api/Report/Attachment?reportId&attachmentId|stepId`: one attachment's bytes. */
const getAttachment: RouteDefinition = {
  method: 'GET',
  operationId: 'Report_GetAttachment',
  async handle(ctx) {
    const q = ctx.params.query;
    const { report, entry } = await storedReport(ctx.sim, q.reportId);
    const ref: { attachmentId?: string; stepId?: number } = {};
    if (q.attachmentId !== undefined) ref.attachmentId = q.attachmentId as string;
    if (q.stepId !== undefined) ref.stepId = q.stepId as number;
    const found = findAttachment(report, entry.id, ref);
    return fileAnswer(Buffer.from(found.data!, 'base64'), found.contentType, found.name);
  },
};

/** `GET /api/Report/Attachments/{id}`: every attachment of the report, as a zip archive. */
const getAttachments: RouteDefinition = {
  method: 'GET',
  operationId: 'Report_GetAttachments',
  async handle(ctx) {
    const { report, entry } = await storedReport(ctx.sim, ctx.params.path.id);
    const files = allAttachments(report, entry.id).filter((a) => a.data !== undefined);
    const names = uniqueFileNames(files.map((a) => a.name));
    const date = new Date(entry.summary.startMs);
    const zip = createZip(files.map((a, i) => ({ name: names[i]!, data: Buffer.from(a.data!, 'base64'), date })));
    return fileAnswer(zip, 'application/zip', `${fileStem(entry)}_attachments.zip`);
  },
};

/** `GET /api/Report/Certificate/{id}`: the report's certificate as a PDF. */
const getCertificate: RouteDefinition = {
  method: 'GET',
  operationId: 'Report_Certificate',
  async handle(ctx) {
    const { report, entry } = await storedReport(ctx.sim, ctx.params.path.id);
    return fileAnswer(reportCertificatePdf(report, entry), 'application/pdf', `${fileStem(entry)}.pdf`);
  },
};

/** `GET /api/Report/Query/HeaderByMiscInfo`: UUT results by misc info, as `WATS_UUTResult[]`. */
const headerByMiscInfo: RouteDefinition = {
  method: 'GET',
  operationId: 'Report_HeaderByMiscInfo',
  handle(ctx) {
    const q = ctx.params.query;
    const query: Parameters<typeof headersByMiscInfo>[1] = {};
    if (q.description !== undefined) query.description = q.description as string;
    if (q.data !== undefined) query.data = q.data as string;
    if (q.processCode !== undefined) query.processCode = q.processCode as number;
    if (q.serialNumber !== undefined) query.serialNumber = q.serialNumber as string;
    return { body: headersByMiscInfo(ctx.sim.store, query) };
  },
};

/**
 * `POST /api/Report/WSXF`: reads the WSXF document into the same report model WSJF uses and
 * stores it (an existing id is overwritten). A document with several reports stores them all
 * (all or none) and answers with the first.
 */
const postWsxf: RouteDefinition = {
  method: 'POST',
  operationId: 'Report_PostWSXF',
  async handle(ctx) {
    const reports = await readWsxf(ctx.body);
    reports.forEach((report, i) => {
      const errors = validateWsjfReport(report);
      if (errors.length > 0) throw new HttpError(400, `WSXF Report[${i}]: ${errors.join('; ')}`);
    });
    const size = Math.ceil(ctx.body.length / reports.length);
    const answers = [];
    for (const report of reports) {
      const id = report.id as string;
      const stored = await ctx.sim.store.put(report, id, size);
      ctx.sim.stats.reportReceived();
      answers.push({ ID: id, uuid: id, Report_ID: stored.reportId });
    }
    return { body: answers[0] };
  },
};

/** `GET /api/Report/Wsxf/{id}`: a stored report (from WSJF or WSXF) rendered as WSXF. */
const getWsxf: RouteDefinition = {
  method: 'GET',
  operationId: 'Report_WSXF',
  async handle(ctx) {
    const { report } = await storedReport(ctx.sim, ctx.params.path.id);
    const q = ctx.params.query;
    const view: ReportView = { ...FULL_VIEW };
    if (q.detailLevel !== undefined) {
      const level = q.detailLevel as number;
      if (level < 0 || level > 7) throw new HttpError(400, `detailLevel: must be 0-7, got ${level}`);
      view.detailLevel = level;
    }
    if (q.includeAttachments !== undefined) view.includeAttachments = q.includeAttachments as boolean;
    if (q.includeChartdata !== undefined) view.includeChartdata = q.includeChartdata as boolean;
    const xml = writeWsxf(shapeReport(report, view), { includeIndexes: q.includeIndexes !== false });
    return { raw: xml, contentType: 'application/xml; charset=utf-8' };
  },
};

export const reportExtraRoutes: RouteDefinition[] = [
  getAttachment,
  getAttachments,
  getCertificate,
  headerByMiscInfo,
  postWsxf,
  getWsxf,
];
