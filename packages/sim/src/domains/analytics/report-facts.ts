import { processName } from '../../processes.js';
import type { StoredReport } from '../../store/report-store.js';
import { parseWsjfDate } from '../../wsjf/dates.js';
import type { WsjfReport } from '../../wsjf/validate-report.js';
import { int, list, num, obj, str } from './json.js';
import { isTestStep, stepFacts, type StepFact } from './step-facts.js';

/** A failure recorded in a UUR (on one of its sub units). */
export interface FailureFact {
  category?: string;
  code?: string;
  comment?: string;
  comRef?: string;
  funcBlock?: string;
  refStepId?: number;
  refStepName?: string;
  artNumber?: string;
  artRev?: string;
  artVendor?: string;
  artDescription?: string;
  /** The sub unit the failure is on. */
  unitPartNumber?: string;
  unitSerialNumber?: string;
  unitPartType?: string;
}

/** Everything analytics needs from one stored report, derived once per receive. */
export interface ReportFacts {
  entry: StoredReport;
  id: string;
  type: 'T' | 'R';
  serialNumber: string;
  partNumber: string;
  revision: string;
  processCode: number;
  processName: string | undefined;
  /** WSJF result letter: P F E T D. */
  result: string;
  startMs: number;
  stationName?: string;
  location?: string;
  purpose?: string;
  operator?: string;
  batchNumber?: string;
  fixtureId?: string;
  socketIndex?: number;
  errorCode?: number;
  /** Seconds (`uut.execTime` / `uur.execTime`). */
  executionTime?: number;
  swFilename?: string;
  swVersion?: string;
  miscInfo: Array<{ description: string; value: string }>;
  subUnits: Array<{ partNumber?: string; serialNumber?: string; revision?: string; partType?: string }>;
  assets: string[];
  /** Name and path of the step that caused the UUT to fail. */
  causedUutFailure?: string;
  causedUutFailurePath?: string;
  /** The step (of `steps`) that caused the UUT to fail. */
  causedStep?: StepFact;
  /** UUT step tree, root first (empty for a UUR). */
  steps: StepFact[];
  /** UUR only. */
  uur?: {
    /** The test operation that failed (`uur.processCode`). */
    testProcessCode?: number;
    refUut?: string;
    finalizeMs?: number;
    failures: FailureFact[];
  };
}

const FAILURE_KEYS = ['category', 'code', 'comment', 'comRef', 'funcBlock', 'refStepName', 'artNumber', 'artRev', 'artVendor', 'artDescription'] as const;

function uurFacts(report: WsjfReport): NonNullable<ReportFacts['uur']> {
  const info = obj(report.uur) ?? {};
  const failures: FailureFact[] = [];
  for (const unit of list(report.subUnits)) {
    for (const f of list(unit.failures)) {
      const fact: FailureFact = {};
      for (const key of FAILURE_KEYS) {
        const v = str(f[key]);
        if (v !== undefined) fact[key] = v;
      }
      const refStepId = int(f.refStepId);
      if (refStepId !== undefined) fact.refStepId = refStepId;
      const pn = str(unit.pn);
      const sn = str(unit.sn);
      const partType = str(unit.partType);
      if (pn !== undefined) fact.unitPartNumber = pn;
      if (sn !== undefined) fact.unitSerialNumber = sn;
      if (partType !== undefined) fact.unitPartType = partType;
      failures.push(fact);
    }
  }
  const out: NonNullable<ReportFacts['uur']> = { failures };
  const testProcessCode = int(info.processCode);
  if (testProcessCode !== undefined) out.testProcessCode = testProcessCode;
  const refUut = str(info.refUUT);
  if (refUut !== undefined) out.refUut = refUut.toLowerCase();
  const finalize = str(info.finalizeDate);
  const finalizeMs = finalize === undefined ? undefined : parseWsjfDate(finalize);
  if (finalizeMs !== undefined) out.finalizeMs = finalizeMs;
  return out;
}

/** Derives the facts of one report from its stored entry (header summary) and its body. */
export function reportFacts(entry: StoredReport, report: WsjfReport): ReportFacts {
  const f = entry.summary.fields;
  const isUut = report.type === 'T';
  const info = obj(isUut ? report.uut : report.uur) ?? {};
  const code = int(report.processCode) ?? 0;
  const steps = isUut ? stepFacts(report.root) : [];
  const facts: ReportFacts = {
    entry,
    id: entry.id,
    type: isUut ? 'T' : 'R',
    serialNumber: str(report.sn) ?? '',
    partNumber: str(report.pn) ?? '',
    revision: (str(report.rev) ?? '').trimEnd(),
    processCode: code,
    processName: str(f.processName) ?? processName(code),
    result: str(report.result) ?? '',
    startMs: entry.summary.startMs,
    miscInfo: list(report.miscInfos).map((m) => ({
      description: str(m.description) ?? '',
      value: str(m.text) ?? (num(m.numeric) !== undefined ? String(num(m.numeric)) : ''),
    })),
    subUnits: list(report.subUnits).map((u) => {
      const unit: ReportFacts['subUnits'][number] = {};
      const [pn, sn, rev, partType] = [str(u.pn), str(u.sn), str(u.rev), str(u.partType)];
      if (pn !== undefined) unit.partNumber = pn;
      if (sn !== undefined) unit.serialNumber = sn;
      if (rev !== undefined) unit.revision = rev;
      if (partType !== undefined) unit.partType = partType;
      return unit;
    }),
    assets: list(report.assets).map((a) => str(a.sn)).filter((s): s is string => s !== undefined),
    steps,
  };
  const optional: Partial<ReportFacts> = {
    stationName: str(report.machineName),
    location: str(report.location),
    purpose: str(report.purpose),
    operator: str(info.user),
    batchNumber: isUut ? str(info.batchSN) : undefined,
    fixtureId: isUut ? str(info.fixtureId) : undefined,
    socketIndex: isUut ? int(info.testSocketIndex) : undefined,
    errorCode: isUut ? int(info.errorCode) : undefined,
    executionTime: num(info.execTime),
    swFilename: str(f.swFilename),
    swVersion: str(f.swVersion),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (facts as unknown as Record<string, unknown>)[k] = v;
  if (isUut) {
    const failed = steps.find((s) => s.causedUutFailure) ?? failingLeaf(steps, facts.result);
    if (failed) {
      facts.causedStep = failed;
      facts.causedUutFailure = failed.name;
      facts.causedUutFailurePath = failed.path;
    }
  } else {
    facts.uur = uurFacts(report);
  }
  return facts;
}

/**
 * When no step is flagged `causedUUTFailure`, the first failing test step of a failed
 * report stands in (what WATS shows as "step causing UUT failure").
 */
function failingLeaf(steps: StepFact[], result: string): StepFact | undefined {
  if (result === 'P' || result === 'D') return undefined;
  return steps.find((s) => isTestStep(s) && s.status === result) ?? steps.find((s) => isTestStep(s) && ['F', 'E', 'T'].includes(s.status));
}
