import { obj, list, str, int, type Json } from './json-read.js';
import { canonicalGuid, derivedGuid, isGuid } from '../guid.js';
import { processName } from '../processes.js';
import { formatHeaderDate, parseWsjfDate } from './dates.js';
import type { WsjfReport } from './validate-report.js';

/** The words the header query uses for report results. */
export const RESULT_WORDS: Record<string, string> = {
  P: 'Passed',
  F: 'Failed',
  E: 'Error',
  T: 'Terminated',
  D: 'Done',
};

/** Collections of a header that only appear when `$expand`ed. */
export interface HeaderCollections {
  subUnits: Record<string, unknown>[];
  miscInfo: Record<string, unknown>[];
  assets: Record<string, unknown>[];
  attachments: Record<string, unknown>[];
  uurSubUnits: Record<string, unknown>[];
  uurMiscInfo: Record<string, unknown>[];
  uurAttachments: Record<string, unknown>[];
}

/** What the header query needs from a stored report, derived once when it is received. */
export interface ReportSummary {
  /** Header fields that depend on the report alone (absent values are left out). */
  fields: Record<string, unknown>;
  /** Report start as epoch milliseconds (full precision, used to order and filter). */
  startMs: number;
  collections: HeaderCollections;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Copies the defined entries only, so absent data never turns into `null`. */
function defined(entries: Record<string, unknown>): Json {
  const out: Json = {};
  // Own keys in insertion order (object literals have no inherited enumerable keys).
  for (const k in entries) {
    const v = entries[k];
    if (v !== undefined && Object.hasOwn(entries, k)) out[k] = v;
  }
  return out;
}

/** Depth-first, in document order, without recursion. */
function* walkSteps(root: unknown): Generator<Json> {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const step = obj(stack.pop());
    if (!step) continue;
    yield step;
    const children = Array.isArray(step.steps) ? step.steps : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}

function miscInfo(report: WsjfReport): Json[] {
  return list(report.miscInfos).map((m) => {
    // The legacy `numeric` key is turned into text, as the server does.
    const value = str(m.text) ?? (num(m.numeric) !== undefined ? String(m.numeric) : undefined);
    return defined({ description: str(m.description), value });
  });
}

function assets(report: WsjfReport): Json[] {
  const stats = list(report.assetStats);
  return list(report.assets).map((a) => {
    const s = stats.find((x) => x.sn === a.sn) ?? {};
    return defined({
      serialNumber: str(a.sn),
      runningCount: int(s.runningCount),
      runningCountExceeded: int(s.runningCountExceeded),
      totalCount: int(s.totalCount),
      totalCountExceeded: int(s.totalCountExceeded),
      daysSinceMaintenance: num(s.daysSinceMaintenance),
      maintenanceDaysOverdue: num(s.maintenanceDaysOverdue),
      daysSinceCalibration: num(s.daysSinceCalibration),
      calibrationDaysOverdue: num(s.calibrationDaysOverdue),
    });
  });
}

/** UUR attachments: report `binaryData` plus attachments on sub-unit failures. */
function uurAttachments(report: WsjfReport, id: string): Json[] {
  const found: Json[] = [...list(report.binaryData)];
  for (const unit of list(report.subUnits)) {
    for (const failure of list(unit.failures)) found.push(...list(failure.attachments));
  }
  // The real server assigns attachment ids; a stable derived id stands in when none was sent.
  return found.map((a, i) =>
    defined({ id: isGuid(a.id) ? canonicalGuid(a.id) : derivedGuid(`${id}/attachment/${i}`), filename: str(a.name) }),
  );
}

/** Derives the report-only part of a `ReportHeader` (see the spec's OData ReportHeader). */
export function summarizeReport(report: WsjfReport, id: string): ReportSummary {
  const isUut = report.type === 'T';
  const info = obj(isUut ? report.uut : report.uur) ?? {};
  const startText = str(report.start) ?? str(report.startUTC) ?? '';
  const startMs = parseWsjfDate(startText) ?? 0;
  const root = obj(report.root);
  const seqCall = obj(root?.seqCall);
  const code = int(report.processCode);
  const ownName = str(report.processName);

  let causedUutFailure: string | undefined;
  const attachments: Json[] = [];
  const failedStepId = int(obj(report.uut)?.stepIdCausedUUTFailure);
  let failedStepName: string | undefined;
  if (isUut && root) {
    for (const step of walkSteps(root)) {
      if (causedUutFailure === undefined && step.causedUUTFailure === true) causedUutFailure = str(step.name);
      if (failedStepId !== undefined && step.id === failedStepId) failedStepName ??= str(step.name);
      const att = obj(step.attachment);
      if (att) attachments.push(defined({ stepId: int(step.id), filename: str(att.name) }));
    }
  }

  const refUut = obj(report.uur)?.refUUT;
  const fields = defined({
    uuid: id,
    serialNumber: str(report.sn),
    partNumber: str(report.pn),
    reportType: str(report.type),
    start: formatHeaderDate(startMs),
    // The server trims trailing spaces from revisions.
    revision: str(report.rev)?.trimEnd(),
    result: RESULT_WORDS[String(report.result)],
    batchNumber: isUut ? str(info.batchSN) : undefined,
    userName: str(info.user),
    stationName: str(report.machineName),
    location: str(report.location),
    purpose: str(report.purpose),
    measuresDeleted: false,
    processCode: code,
    processName: ownName && ownName !== '' ? ownName : code !== undefined ? processName(code) : undefined,
    comment: str(info.comment),
    executionTime: num(info.execTime),
    swFilename: str(seqCall?.path),
    swVersion: str(seqCall?.version),
    testSocketIndex: isUut ? int(info.testSocketIndex) : undefined,
    fixtureId: isUut ? str(info.fixtureId) : undefined,
    errorCode: isUut ? int(info.errorCode) : undefined,
    errorMessage: isUut ? str(info.errorMessage) : undefined,
    causedUutFailure: causedUutFailure ?? failedStepName,
    referencedUut: !isUut && isGuid(refUut) ? canonicalGuid(refUut) : undefined,
  });

  const units = list(report.subUnits);
  const collections: HeaderCollections = {
    subUnits: isUut
      ? units.map((u) =>
          defined({ partType: str(u.partType), serialNumber: str(u.sn), partNumber: str(u.pn), revision: str(u.rev) }),
        )
      : [],
    miscInfo: isUut ? miscInfo(report) : [],
    assets: isUut ? assets(report) : [],
    attachments,
    uurSubUnits: isUut
      ? []
      : units.map((u) => defined({ serialNumber: str(u.sn), partNumber: str(u.pn), revision: str(u.rev) })),
    uurMiscInfo: isUut ? [] : miscInfo(report),
    uurAttachments: isUut ? [] : uurAttachments(report, id),
  };
  return { fields, startMs, collections };
}
