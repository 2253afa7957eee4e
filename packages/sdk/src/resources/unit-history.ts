/**
 * Unit history: the shapes `analytics.unitHistory()` returns, and how they are made from either
 * source (the internal `Survey/GetUnitReportHistory` route, or public header queries plus
 * WSJF when details are asked for). Both sources give the same entries.
 */
import type { RequestOptions, WatsClient } from '../client.js';
import { and, eq, ge } from '../odata/filter.js';
import type { WsjfReport } from '../report/index.js';
import type { ReportHeader } from './report-header.js';

/** An entry of `POST /api/internal/Survey/GetUnitReportHistory` (WATS's `SnHistoryReport` names). */
export interface SnHistoryReport {
  uuid?: string;
  serialNumber?: string;
  partNumber?: string;
  revision?: string;
  /** `T` or `R`. */
  reportType?: string;
  reportTypeText?: string;
  start?: string;
  startUtc?: string;
  /** `Passed`, `Failed`, ... */
  status?: string;
  /** Process (operation) name. */
  process?: string;
  /** A repair's test operation. */
  testProcess?: string;
  operator?: string;
  stationName?: string;
  location?: string;
  purpose?: string;
  batchNumber?: string;
  fixtureId?: string;
  executionTime?: number;
  comment?: string;
  errorMessage?: string;
  swFilename?: string;
  swVersion?: string;
  causedUutFailure?: string;
  finalizeDateUtc?: string;
  /** With `details=true`. */
  details?: UnitHistoryDetails;
  [key: string]: unknown;
}

/** What `details` adds to an entry. */
export interface UnitHistoryDetails {
  subUnits: Array<{ partNumber?: string; serialNumber?: string; revision?: string; partType?: string }>;
  miscInfo: Array<{ description: string; value: string }>;
  /** Test steps that ended Failed, Error or Terminated (sequence calls left out). */
  failedSteps: Array<{ path: string; name: string; stepType: string; status: string }>;
  /** A repair report's failures. */
  failures: Array<{ category: string; code: string; componentRef?: string; functionBlock?: string; comment?: string }>;
}

/** One report in a unit's history. */
export interface UnitHistoryEntry {
  /** Report id. */
  id: string;
  serialNumber: string;
  partNumber: string;
  revision?: string;
  /** `T` (test) or `R` (repair). */
  reportType: string;
  /** Start, UTC (`yyyy-MM-ddTHH:mm:ssZ`). */
  start: string;
  /** `Passed`, `Failed`, `Error`, `Terminated`, `Done`. */
  result?: string;
  processName?: string;
  operator?: string;
  stationName?: string;
  location?: string;
  purpose?: string;
  batchNumber?: string;
  fixtureId?: string;
  /** Seconds. */
  executionTime?: number;
  comment?: string;
  errorMessage?: string;
  swFilename?: string;
  swVersion?: string;
  causedUutFailure?: string;
  /** Only when details were asked for. */
  details?: UnitHistoryDetails;
}

/** A unit's reports, newest first, and which route answered. */
export interface UnitHistory {
  /** `internal`: `Survey/GetUnitReportHistory`; `public`: header query (+ WSJF for details). */
  source: 'internal' | 'public';
  reports: UnitHistoryEntry[];
}

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Json => x !== undefined) : []);

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function compact<T extends Json>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

const SEQUENCE_TYPES = new Set(['sequencecall', 'wats_seqcall']);
const PATH_SEPARATOR = '\u00b6';

/** Failed test steps of a UUT, depth-first (document order), with `¶` paths from the root. */
function failedSteps(root: unknown): UnitHistoryDetails['failedSteps'] {
  const out: UnitHistoryDetails['failedSteps'] = [];
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length > 0) {
    const [value, parent] = stack.pop()!;
    const step = obj(value);
    if (!step) continue;
    const name = str(step.name) ?? '';
    const path = parent === '' ? name : `${parent}${PATH_SEPARATOR}${name}`;
    const stepType = str(step.stepType) ?? '';
    const children = Array.isArray(step.steps) ? step.steps : [];
    const status = str(step.status) ?? 'P';
    const isSequence = SEQUENCE_TYPES.has(stepType.toLowerCase()) || children.length > 0;
    if (!isSequence && ['F', 'E', 'T'].includes(status)) out.push({ path, name, stepType, status });
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], path]);
  }
  return out;
}

/** The details of one report, derived from its WSJF exactly as the simulator's internal route does. */
export function unitHistoryDetails(report: WsjfReport): UnitHistoryDetails {
  const r = report as unknown as Json;
  const isUut = r.type === 'T';
  return {
    subUnits: list(r.subUnits).map((u) =>
      compact({ partNumber: str(u.pn), serialNumber: str(u.sn), revision: str(u.rev), partType: str(u.partType) }),
    ),
    miscInfo: list(r.miscInfos).map((m) => {
      const n = num(m.numeric);
      return { description: str(m.description) ?? '', value: str(m.text) ?? (n !== undefined ? String(n) : '') };
    }),
    failedSteps: isUut ? failedSteps(r.root) : [],
    failures: isUut
      ? []
      : list(r.subUnits).flatMap((u) =>
          list(u.failures).map((f) =>
            compact({
              category: str(f.category) ?? '',
              code: str(f.code) ?? '',
              componentRef: str(f.comRef),
              functionBlock: str(f.funcBlock),
              comment: str(f.comment),
            }),
          ),
        ),
  };
}

/** An internal-route entry as a {@link UnitHistoryEntry}. */
export function entryFromInternal(e: SnHistoryReport): UnitHistoryEntry {
  const entry: UnitHistoryEntry = compact({
    id: String(e.uuid ?? ''),
    serialNumber: String(e.serialNumber ?? ''),
    partNumber: String(e.partNumber ?? ''),
    revision: e.revision,
    reportType: String(e.reportType ?? ''),
    start: String(e.start ?? e.startUtc ?? ''),
    result: e.status,
    processName: e.process,
    operator: e.operator,
    stationName: e.stationName,
    location: e.location,
    purpose: e.purpose,
    batchNumber: e.batchNumber,
    fixtureId: e.fixtureId,
    executionTime: e.executionTime,
    comment: e.comment,
    errorMessage: e.errorMessage,
    swFilename: e.swFilename,
    swVersion: e.swVersion,
    causedUutFailure: e.causedUutFailure,
    details: e.details,
  });
  return entry;
}

/** A header-query row as a {@link UnitHistoryEntry}. */
export function entryFromHeader(h: ReportHeader): UnitHistoryEntry {
  return compact({
    id: String(h.uuid ?? ''),
    serialNumber: String(h.serialNumber ?? ''),
    partNumber: String(h.partNumber ?? ''),
    revision: h.revision,
    reportType: String(h.reportType ?? ''),
    start: String(h.start ?? ''),
    result: h.result,
    processName: h.processName,
    operator: h.userName,
    stationName: h.stationName,
    location: h.location,
    purpose: h.purpose,
    batchNumber: h.batchNumber,
    fixtureId: h.fixtureId,
    executionTime: h.executionTime,
    comment: h.comment,
    errorMessage: h.errorMessage,
    swFilename: h.swFilename,
    swVersion: h.swVersion,
    causedUutFailure: h.causedUutFailure,
  } as UnitHistoryEntry & Json);
}

/**
 * The unit history from public routes only: a header query on the serial number (and part
 * number, and start), newest first, plus each report's WSJF when details are asked for.
 */
export async function publicUnitHistory(
  client: WatsClient,
  q: { serialNumber: string; partNumber?: string | undefined; since?: string | undefined; top?: number | undefined; details?: boolean | undefined },
  options?: RequestOptions,
): Promise<UnitHistoryEntry[]> {
  const filter = and(
    eq('serialNumber', q.serialNumber),
    q.partNumber !== undefined && eq('partNumber', q.partNumber),
    q.since !== undefined && ge('start', new Date(q.since)),
  );
  const pageSize = Math.min(q.top ?? 1000, 1000);
  const headers = await client.reports
    .queryHeaders({ filter, orderBy: ['start desc', 'uuid'], pageSize, ...(q.top !== undefined ? { limit: q.top } : {}) }, options)
    .toArray();
  const entries = headers.map(entryFromHeader);
  if (q.details) {
    // A few reports at a time: enough to hide latency without flooding the server.
    for (let i = 0; i < entries.length; i += 8) {
      await Promise.all(
        entries.slice(i, i + 8).map(async (entry) => {
          entry.details = unitHistoryDetails(await client.reports.getWsjf(entry.id, {}, options));
        }),
      );
    }
  }
  return entries;
}
