import { HttpError } from '../../errors.js';
import type { ReportStore } from '../../store/report-store.js';

/** The parameters of `GET /api/Report/Query/HeaderByMiscInfo`, as the spec names them. */
export interface MiscInfoQuery {
  description?: string;
  data?: string;
  processCode?: number;
  serialNumber?: string;
}

/** `WATS_UUTResult` (spec schema `Virinco.WATS.Web.Dashboard.Models.DataAccess.WATS_UUTResult`). */
export interface UutResult {
  miscData: { description?: string; data?: string }[];
  serialNumber?: string;
  partNumber?: string;
  start?: string;
  result?: string;
  uuid: string;
  processCode?: number;
  processName?: string;
}

/** Compares like SQL Server's default collation: ignoring case. */
function same(a: unknown, b: string): boolean {
  return typeof a === 'string' && a.toUpperCase() === b.toUpperCase();
}

/**
 * UUT reports that carry a misc info matching `description` and/or `data` (on the same misc
 * info entry), optionally narrowed to a serial number and a process code; newest first. Misc
 * infos sent as `numeric` match their text form (`100`), as the header query shows them.
 */
export function headersByMiscInfo(store: ReportStore, query: MiscInfoQuery): UutResult[] {
  const { description, data, processCode, serialNumber } = query;
  if (description === undefined && data === undefined) {
    throw new HttpError(400, 'Give a misc info description, data, or both.');
  }
  const hits = store.list().filter((entry) => {
    const f = entry.summary.fields;
    if (f.reportType !== 'T') return false;
    if (serialNumber !== undefined && !same(f.serialNumber, serialNumber)) return false;
    if (processCode !== undefined && f.processCode !== processCode) return false;
    return entry.summary.collections.miscInfo.some(
      (m) => (description === undefined || same(m.description, description)) && (data === undefined || same(m.value, data)),
    );
  });
  hits.sort((a, b) => b.summary.startMs - a.summary.startMs || b.timeStamp - a.timeStamp);
  return hits.map((entry) => {
    const f = entry.summary.fields;
    const result: UutResult = {
      miscData: entry.summary.collections.miscInfo.map((m) => {
        const item: { description?: string; data?: string } = {};
        if (typeof m.description === 'string') item.description = m.description;
        if (typeof m.value === 'string') item.data = m.value;
        return item;
      }),
      uuid: entry.id,
    };
    for (const key of ['serialNumber', 'partNumber', 'start', 'result', 'processName'] as const) {
      if (typeof f[key] === 'string') result[key] = f[key] as string;
    }
    if (typeof f.processCode === 'number') result.processCode = f.processCode;
    return result;
  });
}
