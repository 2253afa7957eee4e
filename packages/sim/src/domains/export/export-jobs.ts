import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import type { WatsFilter } from '../analytics/filter.js';
import { newestFirst, selectReports } from '../analytics/select.js';
import { createPdf, type PdfLine } from '../files/pdf-writer.js';
import { createZip, uniqueFileNames } from '../files/zip-writer.js';
import { certificateLines } from '../report/certificate.js';
import { numberFormatter, type NumericFormat } from './export-options.js';

/** What the export wizard was asked for (`POST /api/Export/Certificate` query parameters). */
export interface ExportOptions {
  headerDataOnly: boolean;
  asIndividualFiles: boolean;
  /** Lower-cased dimension names; undefined = every detail. */
  dimensions?: string[];
  numericFormat: NumericFormat;
  bodyFooterTag?: string;
  documentFooterTag?: string;
  email?: string;
}

export type ExportStatus = 'Queued' | 'Completed' | 'Failed';

/** One export job, persisted in `state/export.json` (the file itself as base64). */
export interface ExportJob {
  exportFileName: string;
  /** Who queued it; only they can list and download it. */
  owner: string;
  status: ExportStatus;
  queuedUtc: string;
  completedUtc?: string;
  reportCount?: number;
  /** Bytes of the produced zip. */
  size?: number;
  error?: string;
  options: ExportOptions;
  filter: WatsFilter;
  content?: string;
}

interface ExportState {
  jobs: ExportJob[];
  nextNumber: number;
}

const STATE = 'export';
/** A queued export runs this long after it was queued (or at the next list/download after that). */
export const EXPORT_DELAY_MS = 100;

function exportState(sim: SimContext): ExportState {
  return sim.state.get<ExportState>(STATE, () => ({ jobs: [], nextNumber: 1 }));
}

const running = new WeakMap<SimContext, Map<string, Promise<void>>>();

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
}

/** Builds the zip of certificates: one PDF per report, or one PDF for all (each report on new pages). */
async function produce(sim: SimContext, job: ExportJob): Promise<void> {
  const { reports } = await selectReports(sim, job.filter, { type: 'T' });
  const count = job.filter.topCount ?? job.filter.maxCount;
  const chosen = count === undefined ? reports : newestFirst(reports, count).reverse();
  if (chosen.length === 0) {
    job.status = 'Failed';
    job.error = 'No test (UUT) reports match the filter.';
    return;
  }
  const o = job.options;
  const certOptions = {
    headerDataOnly: o.headerDataOnly,
    formatNumber: numberFormatter(o.numericFormat),
    ...(o.dimensions ? { dimensions: new Set(o.dimensions) } : {}),
  };
  const documents: Array<{ name: string; lines: PdfLine[]; title: string }> = [];
  for (const r of chosen) {
    const body = await sim.store.get(r.id);
    if (!body) continue; // overwritten away meanwhile: nothing to certify
    const when = stamp(new Date(r.startMs)).replace('_', '');
    documents.push({ name: `${r.serialNumber}_${r.partNumber}_${when}.pdf`, title: `Certificate ${r.serialNumber}`, lines: certificateLines(body, r.entry, certOptions) });
  }
  const footer = job.exportFileName.replace(/\.zip$/i, '');
  const files = o.asIndividualFiles
    ? documents.map((d) => ({ name: d.name, data: createPdf({ title: d.title, lines: d.lines, footer }) }))
    : [{ name: 'Certificates.pdf', data: createPdf({ title: footer, lines: documents.flatMap((d) => d.lines), footer }) }];
  const names = uniqueFileNames(files.map((f) => f.name));
  const zip = createZip(files.map((f, i) => ({ name: names[i]!, data: f.data })));
  job.status = 'Completed';
  job.reportCount = documents.length;
  job.size = zip.length;
  job.content = zip.toString('base64');
}

/** Runs a queued job once (concurrent callers share the run) and persists the outcome. */
function runJob(sim: SimContext, job: ExportJob): Promise<void> {
  if (job.status !== 'Queued') return Promise.resolve();
  const runs = running.get(sim) ?? new Map<string, Promise<void>>();
  running.set(sim, runs);
  const existing = runs.get(job.exportFileName);
  if (existing) return existing;
  const run = (async () => {
    try {
      await produce(sim, job);
    } catch (err) {
      job.status = 'Failed';
      job.error = `The export failed: ${(err as Error).message}`;
    }
    job.completedUtc = new Date().toISOString();
    await sim.state.save(STATE);
  })().finally(() => runs.delete(job.exportFileName));
  runs.set(job.exportFileName, run);
  return run;
}

/**
 * Queues an export; it completes in the background within about {@link EXPORT_DELAY_MS}, or at
 * the caller's next list or download after that. `isServing` tells the background run whether
 * the simulator still serves (a closed one must not write its data directory any more).
 */
export async function queueExport(
  sim: SimContext,
  owner: string,
  filter: WatsFilter,
  options: ExportOptions,
  isServing: () => boolean,
): Promise<ExportJob> {
  const state = exportState(sim);
  const now = new Date();
  const job: ExportJob = {
    exportFileName: `CertificateExport_${stamp(now)}_${state.nextNumber++}.zip`,
    owner,
    status: 'Queued',
    queuedUtc: now.toISOString(),
    options,
    filter,
  };
  state.jobs.push(job);
  await sim.state.save(STATE);
  setTimeout(() => {
    if (isServing()) void runJob(sim, job).catch(() => {});
  }, EXPORT_DELAY_MS).unref();
  return job;
}

/** Runs the caller's jobs that are due (their timer may not have fired, e.g. after a restart). */
async function settleDue(sim: SimContext, jobs: ExportJob[]): Promise<void> {
  const due = Date.now() - EXPORT_DELAY_MS;
  await Promise.all(jobs.filter((j) => j.status === 'Queued' && Date.parse(j.queuedUtc) <= due).map((j) => runJob(sim, j)));
}

function ownJobs(sim: SimContext, owner: string): ExportJob[] {
  return exportState(sim).jobs.filter((j) => j.owner === owner);
}

/** `GET /api/Export/List`: the caller's exports, oldest first, without their content. */
export async function listExports(sim: SimContext, owner: string): Promise<Record<string, unknown>[]> {
  const jobs = ownJobs(sim, owner);
  await settleDue(sim, jobs);
  return jobs.map(({ content: _content, owner: _owner, options: _options, filter: _filter, ...rest }) => rest);
}

/** `GET /api/Export/{fileName}`: a finished export of the caller's (name with or without `.zip`). */
export async function exportedFile(sim: SimContext, owner: string, fileName: string): Promise<{ name: string; data: Buffer }> {
  const wanted = fileName.trim().toLowerCase().replace(/\.zip$/, '');
  const jobs = ownJobs(sim, owner);
  const job = jobs.find((j) => j.exportFileName.toLowerCase().replace(/\.zip$/, '') === wanted);
  if (!job) throw new HttpError(404, `No export named '${fileName}' was found.`);
  await settleDue(sim, [job]);
  if (job.status === 'Queued') throw new HttpError(404, `The export '${job.exportFileName}' is not finished yet.`);
  if (job.status === 'Failed' || job.content === undefined) {
    throw new HttpError(404, `The export '${job.exportFileName}' failed: ${job.error ?? 'no file was produced'}`);
  }
  return { name: job.exportFileName, data: Buffer.from(job.content, 'base64') };
}

/** Queue figures for `GET /api/SystemStatus`. */
export function exportQueueStatus(sim: SimContext): Record<string, string> {
  const jobs = exportState(sim).jobs;
  return {
    exportsQueued: String(jobs.filter((j) => j.status === 'Queued').length),
    exportsCompleted: String(jobs.filter((j) => j.status === 'Completed').length),
  };
}
