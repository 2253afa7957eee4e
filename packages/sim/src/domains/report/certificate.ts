import { obj, list, type Json } from '../../wsjf/json-read.js';
import type { StoredReport } from '../../store/report-store.js';
import type { WsjfReport } from '../../wsjf/validate-report.js';
import { RESULT_WORDS } from '../../wsjf/report-summary.js';
import { createPdf, type PdfLine } from '../files/pdf-writer.js';

/** How a certificate is drawn; the export wizard's options. */
export interface CertificateOptions {
  /** Header only, no steps. @default false */
  headerDataOnly?: boolean;
  /**
   * Details to include (the export's `dimensions`, lower-cased); undefined = all. Known:
   * stationData, miscInfo, subUnitInfo, asset, batchNumber, executionTime, testSocketIndex,
   * operator, errorCode, errorMessage, fixtureId, testOperation, reportStatus, comment,
   * swFilename, swVersion, stepStatus, stepTime, measurement, units, compOperator, lowLimit,
   * highLimit, viewStepHierarchy.
   */
  dimensions?: Set<string>;
  /** Text at the bottom of every page. */
  footer?: string;
  /** How numbers (values and limits) are written. @default String */
  formatNumber?: (value: number) => string;
}

const STATUS_WORDS: Record<string, string> = { ...RESULT_WORDS, S: 'Skipped' };

function show(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

/** The lines of one report's certificate (a new page starts each report). */
export function certificateLines(report: WsjfReport, entry: StoredReport, options: CertificateOptions = {}): PdfLine[] {
  const dims = options.dimensions;
  const has = (d: string): boolean => !dims || dims.has(d.toLowerCase());
  const f = entry.summary.fields;
  const isUut = report.type === 'T';
  const info = obj(isUut ? report.uut : report.uur) ?? {};
  const lines: PdfLine[] = [
    { text: isUut ? 'Test Certificate' : 'Repair Certificate', size: 16, bold: true, newPage: true },
    { text: `Report ${entry.id}`, size: 8 },
  ];
  const field = (label: string, value: unknown, dim?: string): void => {
    const text = show(value);
    if (text !== undefined && (dim === undefined || has(dim))) lines.push({ text: `${label}: ${text}` });
  };
  field('Serial number', f.serialNumber);
  field('Part number', f.partNumber);
  field('Revision', f.revision);
  field('Result', f.result, 'reportStatus');
  field('Process', [f.processCode, f.processName].filter((v) => v !== undefined).join(' '), 'testOperation');
  field('Start (UTC)', f.start);
  field('Station', f.stationName, 'stationData');
  field('Location', f.location, 'stationData');
  field('Purpose', f.purpose, 'stationData');
  field('Operator', f.userName, 'operator');
  field('Batch number', f.batchNumber, 'batchNumber');
  field('Execution time (s)', f.executionTime, 'executionTime');
  field('Test socket', f.testSocketIndex, 'testSocketIndex');
  field('Fixture', f.fixtureId, 'fixtureId');
  field('Error code', f.errorCode, 'errorCode');
  field('Error message', f.errorMessage, 'errorMessage');
  field('Sequence file', f.swFilename, 'swFilename');
  field('Sequence version', f.swVersion, 'swVersion');
  field('Comment', info.comment, 'comment');

  const misc = list(report.miscInfos);
  if (misc.length > 0 && has('miscInfo')) {
    lines.push({ text: 'Misc info', bold: true });
    for (const m of misc) lines.push({ text: `${show(m.description) ?? ''}: ${show(m.text) ?? show(m.numeric) ?? ''}`, indent: 12 });
  }
  const units = list(report.subUnits);
  if (units.length > 0 && has('subUnitInfo')) {
    lines.push({ text: 'Sub units', bold: true });
    for (const u of units) {
      const parts = [show(u.partType), show(u.pn), show(u.rev), show(u.sn)].filter((p) => p !== undefined);
      lines.push({ text: parts.join('  '), indent: 12 });
    }
  }
  const assets = list(report.assets);
  if (assets.length > 0 && has('asset')) {
    lines.push({ text: 'Assets', bold: true });
    for (const a of assets) lines.push({ text: show(a.sn) ?? '', indent: 12 });
  }
  if (isUut && !options.headerDataOnly && obj(report.root)) {
    lines.push({ text: 'Steps', bold: true });
    lines.push(...stepLines(obj(report.root)!, has, options.formatNumber ?? String));
  }
  return lines;
}

function measurementText(m: Json, has: (d: string) => boolean, format: (value: number) => string): string {
  const num = (v: unknown): string | undefined => (typeof v === 'number' ? format(v) : show(v));
  const parts: string[] = [];
  if (show(m.name)) parts.push(`${show(m.name)}:`);
  if (has('measurement')) parts.push(num(m.value) ?? '');
  if (has('units') && show(m.unit)) parts.push(show(m.unit)!);
  if (has('compOperator') && show(m.compOp)) parts.push(show(m.compOp)!);
  const low = has('lowLimit') ? num(m.lowLimit) : undefined;
  const high = has('highLimit') ? num(m.highLimit) : undefined;
  const limit = show(m.limit);
  if (low !== undefined || high !== undefined) parts.push(`[${low ?? ''} .. ${high ?? ''}]`);
  else if (limit !== undefined && has('lowLimit')) parts.push(`[${limit}]`);
  if (has('stepStatus') && show(m.status)) parts.push(STATUS_WORDS[String(m.status)] ?? String(m.status));
  return parts.filter((p) => p !== '').join(' ');
}

/** One line per step and per measurement, depth-first, indented by depth. */
function stepLines(root: Json, has: (d: string) => boolean, format: (value: number) => string): PdfLine[] {
  const out: PdfLine[] = [];
  const hierarchy = has('viewStepHierarchy');
  const stack: Array<[Json, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [step, depth] = stack.pop()!;
    const indent = 12 + (hierarchy ? Math.min(depth, 10) * 12 : 0);
    const status = has('stepStatus') ? STATUS_WORDS[String(step.status)] ?? show(step.status) : undefined;
    const time = has('stepTime') && typeof step.totTime === 'number' ? `${step.totTime} s` : undefined;
    out.push({ text: [show(step.name) ?? '(unnamed)', status, time].filter(Boolean).join('  '), indent });
    for (const key of ['numericMeas', 'booleanMeas', 'stringMeas']) {
      for (const m of list(step[key])) {
        const text = measurementText(m, has, format);
        if (text !== '') out.push({ text, indent: indent + 12, size: 9 });
      }
    }
    const children = list(step.steps);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, depth + 1]);
  }
  return out;
}

/** `GET /api/Report/Certificate/{id}`: a one-report PDF. */
export function reportCertificatePdf(report: WsjfReport, entry: StoredReport, options: CertificateOptions = {}): Buffer {
  const f = entry.summary.fields;
  const footer = options.footer ?? `${String(f.partNumber ?? '')} ${String(f.serialNumber ?? '')}`.trim();
  return createPdf({
    title: `Certificate ${String(f.serialNumber ?? entry.id)}`,
    lines: certificateLines(report, entry, options),
    footer,
  });
}
