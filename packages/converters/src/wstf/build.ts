/**
 * One WSTF UUT draft → one WSJF UUT report, built with the SDK's `createUutReport`.
 *
 * Statuses follow the WATS client ("a combination of Active and Import: if a status is given
 * in the data it is used; if not, limits are used"): a measurement's status is the one in its
 * row, else computed from value, operator and limits; a test step's status comes from its
 * measurements. In `Active` mode (the default) a Failed, Error or Terminated step also raises
 * its sequence and the report result, even where the file gave them a milder status (with a
 * warning); in `Import` mode sequence and report statuses stay as written. Every status
 * reaches the builder explicitly.
 */
import {
  createUutReport, evaluateNumeric, evaluateString, raiseStatus, type ChartInput, type NamedNumericInput,
  type NamedPassFailInput, type NamedStringInput, type SequenceBuilder, type StepOptions, type StepStatus, type UutReport,
} from '@tswats/sdk';
import { ConversionError } from '../errors.js';
import type { ConvertContext } from '../types.js';
import { processCodeByName, startFromParts, statusLetter } from '../wsxf/shared.js';
import { FORMAT, type ChartDraft, type MeasDraft, type SeqDraft, type StepDraft, type TestDraft, type UutDraft } from './parse.js';

/** The process code when the file has no OperationTypeCode (the WATS client's default, SW Debug). */
export const DEFAULT_PROCESS_CODE = 10;

export type ConverterMode = 'Active' | 'Import';

const SEVERITY: Readonly<Record<StepStatus, number>> = { P: 0, D: 0, S: 0, F: 1, E: 2, T: 3 };
const WORD: Readonly<Record<StepStatus, string>> = { P: 'Passed', F: 'Failed', S: 'Skipped', D: 'Done', E: 'Error', T: 'Terminated' };

function fail(file: string, line: number, reason: string, code: 'CONVERT_ERR_VALUE' | 'CONVERT_ERR_MISSING_FIELD' = 'CONVERT_ERR_VALUE', element?: string): never {
  throw new ConversionError({ code, file, format: FORMAT, position: { line, ...(element ? { element } : {}) }, reason });
}

/** A step made of measurements: all alike → that status, else the most severe (P when none fails). */
function fromMeasurements(statuses: readonly StepStatus[]): StepStatus {
  const first = statuses[0] ?? 'P';
  if (statuses.every((s) => s === first)) return first;
  return statuses.reduce<StepStatus>((w, s) => (SEVERITY[s] > SEVERITY[w] ? s : w), 'P');
}

function measurementStatus(m: MeasDraft, kind: TestDraft['kind']): StepStatus {
  if (m.status !== undefined) return m.status;
  if (kind === 'passfail') return m.passed ? 'P' : 'F';
  if (kind === 'string') return evaluateString(m.compOp, String(m.value), m.limit);
  return evaluateNumeric(m.compOp, m.value, m.lowLimit, m.highLimit);
}

/** Statuses decided before building (a sequence's depends on its children). */
interface Decided {
  step: StepStatus;
  meas?: StepStatus[];
}

class UutBuilder {
  private readonly decided = new Map<StepDraft, Decided>();
  readonly ctx: ConvertContext;
  readonly file: string;
  readonly mode: ConverterMode;
  readonly where: string;

  constructor(ctx: ConvertContext, file: string, mode: ConverterMode, where: string) {
    this.ctx = ctx;
    this.file = file;
    this.mode = mode;
    this.where = where;
  }

  warn(line: number, message: string): void {
    this.ctx.warn(message, { line, element: this.where });
  }

  /** Decides every status of the tree below `seq`; returns the status its children give it. */
  decideChildren(seq: SeqDraft): StepStatus {
    let computed: StepStatus = 'P';
    for (const child of seq.children) computed = raiseStatus(computed, this.decide(child)) as StepStatus;
    return computed;
  }

  private decide(step: StepDraft): StepStatus {
    let status: StepStatus;
    if (step.type === 'seq') {
      const fromChildren = this.decideChildren(step);
      status = this.raised(step.status, fromChildren, step.line, `SequenceCall "${step.name}"`);
    } else if (step.type === 'action') {
      status = step.status ?? 'P';
    } else {
      const meas = step.meas.map((m) => measurementStatus(m, step.kind));
      status = fromMeasurements(meas);
      this.decided.set(step, { step: status, meas });
      return status;
    }
    this.decided.set(step, { step: status });
    return status;
  }

  /** The file's status (Import), raised by the children's F/E/T (Active), or computed when missing. */
  raised(given: StepStatus | undefined, fromChildren: StepStatus, line: number, what: string): StepStatus {
    if (given === undefined) return fromChildren;
    if (this.mode === 'Import') return given;
    const raised = raiseStatus(given, fromChildren) as StepStatus;
    if (raised !== given) this.warn(line, `${what} is ${WORD[given]} in the file but a step in it is ${WORD[raised]}: ${WORD[raised]} (ConverterMode Active)`);
    return raised;
  }

  private options(step: StepDraft, status: StepStatus): StepOptions {
    const opts: StepOptions = { status };
    if (step.totTime !== undefined) opts.totTime = step.totTime;
    if (step.reportText !== undefined) opts.reportText = step.reportText;
    if (step.errorCode !== undefined) opts.errorCode = step.errorCode;
    if (step.errorMessage !== undefined) opts.errorMessage = step.errorMessage;
    const extra: Record<string, unknown> = {};
    if (step.causedSeqFailure !== undefined) extra.causedSeqFailure = step.causedSeqFailure;
    // A chart on a step without numeric measurements rides along as the step's `chart`.
    if (step.chart && !(step.type === 'test' && step.kind === 'numeric')) extra.chart = chartJson(step.chart);
    if (Object.keys(extra).length) opts.extra = extra;
    return opts;
  }

  /** Adds the children of `seq` (statuses decided) to `target`. */
  emitChildren(target: SequenceBuilder, seq: SeqDraft): void {
    for (const child of seq.children) {
      try {
        this.emit(target, child);
      } catch (err) {
        if (err instanceof TypeError) fail(this.file, child.line, `step "${child.name}": ${err.message}`);
        throw err;
      }
    }
  }

  private emit(target: SequenceBuilder, step: StepDraft): void {
    const d = this.decided.get(step)!;
    const opts = this.options(step, d.step);
    if (step.type === 'seq') {
      this.emitChildren(target.addSequence(step.name, opts), step);
      return;
    }
    if (step.type === 'action') {
      target.addAction(step.name, opts);
      return;
    }
    const statuses = d.meas!;
    this.uniqueNames(step);
    if (step.kind === 'numeric') {
      const list = step.meas.map((m, i) => numericInput(m, statuses[i]!));
      if (step.chart) {
        const measurements = step.multi ? list : list.map(({ name: _n, ...rest }) => rest);
        target.addXYNumeric(step.name, { measurements, chart: chartInput(step.chart) }, opts);
      } else if (step.multi) {
        target.addMultiNumeric(step.name, list, opts);
      } else {
        const { name: _n, ...single } = list[0]!;
        target.addNumeric(step.name, { ...single, ...opts });
      }
    } else if (step.kind === 'passfail') {
      const list: NamedPassFailInput[] = step.meas.map((m, i) => ({ name: m.name ?? step.name, passed: m.passed === true, status: statuses[i]! }));
      if (step.multi) target.addMultiPassFail(step.name, list, opts);
      else target.addPassFail(step.name, list[0]!.passed, opts);
    } else {
      const list: NamedStringInput[] = step.meas.map((m, i) => ({
        name: m.name ?? step.name,
        value: String(m.value),
        compOp: m.compOp as NamedStringInput['compOp'],
        ...(m.limit !== undefined ? { limit: m.limit } : {}),
        status: statuses[i]!,
      }));
      if (step.multi) target.addMultiString(step.name, list, opts);
      else {
        const { name: _n, ...single } = list[0]!;
        target.addString(step.name, { ...single, ...opts });
      }
    }
  }

  /** Measurement names must be unique in a step: repeats become `x #2`, `x #3`, ... (with a warning). */
  private uniqueNames(step: TestDraft): void {
    if (!step.multi) return;
    const taken = new Set(step.meas.map((m) => m.name ?? step.name));
    const seen = new Set<string>();
    for (const m of step.meas) {
      const name = m.name ?? step.name;
      if (!seen.has(name)) {
        seen.add(name);
        m.name = name;
        continue;
      }
      let k = 2;
      while (taken.has(`${name} #${k}`) || seen.has(`${name} #${k}`)) k++;
      m.name = `${name} #${k}`;
      seen.add(m.name);
      this.warn(m.line, `measurement name "${name}" repeats in step "${step.name}": renamed "${m.name}"`);
    }
  }
}

function numericInput(m: MeasDraft, status: StepStatus): NamedNumericInput {
  const out: NamedNumericInput = { name: m.name ?? '', value: m.value, compOp: m.compOp, status };
  if (m.unit !== undefined) out.unit = m.unit;
  if (m.lowLimit !== undefined) out.lowLimit = m.lowLimit;
  if (m.highLimit !== undefined) out.highLimit = m.highLimit;
  return out;
}

function chartInput(c: ChartDraft): ChartInput {
  const out: ChartInput = { chartType: c.chartType, series: c.series.map((s) => ({ name: s.name, dataType: s.dataType, y: s.y, ...(s.x !== undefined ? { x: s.x } : {}) })) };
  if (c.label !== undefined) out.label = c.label;
  if (c.xLabel !== undefined) out.xLabel = c.xLabel;
  if (c.xUnit !== undefined) out.xUnit = c.xUnit;
  if (c.yLabel !== undefined) out.yLabel = c.yLabel;
  if (c.yUnit !== undefined) out.yUnit = c.yUnit;
  return out;
}

/** The WSJF chart object (as the SDK builder writes it) for steps the builder adds no chart to. */
function chartJson(c: ChartDraft): Record<string, unknown> {
  const { series, ...rest } = chartInput(c);
  return { ...rest, series: series.map((s) => ({ dataType: s.dataType ?? 'XYG', name: s.name, ...(s.x !== undefined ? { xdata: s.x } : {}), ydata: s.y })) };
}

/** `start` from StartDateTime (local) and/or UTCStartDateTime, with the real offset. */
function startOf(uut: UutDraft, ctx: ConvertContext, file: string, warn: (line: number, m: string) => void): string {
  const local = uut.fields.get('StartDateTime');
  const utc = uut.fields.get('UTCStartDateTime');
  const r = startFromParts(local?.value, utc?.value, ctx.options.timeZone);
  if (r === undefined) return fail(file, uut.line, 'the UUT has no StartDateTime (or UTCStartDateTime)', 'CONVERT_ERR_MISSING_FIELD', 'StartDateTime');
  if ('bad' in r) {
    const e = r.bad === 'local' ? local! : utc!;
    const key = r.bad === 'local' ? 'StartDateTime' : 'UTCStartDateTime';
    return fail(file, e.line, `${key} '${e.value}' is not a date and time (yyyy-MM-ddTHH:mm:ss)`, 'CONVERT_ERR_VALUE', key);
  }
  if (r.note) warn((local ?? utc)!.line, `start: ${r.note}`);
  return r.iso;
}

/** Builds the report of one UUT draft. */
export function buildUut(uut: UutDraft, ctx: ConvertContext, file: string): UutReport {
  const where = `UUT ${uut.index + 1}`;
  const warn = (line: number, message: string) => ctx.warn(message, { line, element: where });
  const f = (key: string) => uut.fields.get(key);
  const need = (key: string, label: string, option: string | undefined, optionName: string): string => {
    const v = f(key)?.value;
    if (v !== undefined) return v;
    if (option !== undefined) {
      warn(uut.line, `${key} missing: ${label} "${option}" from the ${optionName} option`);
      return option;
    }
    return fail(file, uut.line, `the UUT has no ${key}${optionName === 'partNumber' ? ' (or give the partNumber option)' : ''}`, 'CONVERT_ERR_MISSING_FIELD', key);
  };
  const int = (key: string): number | undefined => {
    const e = f(key);
    if (!e) return undefined;
    if (!/^[+-]?\d{1,15}$/.test(e.value)) fail(file, e.line, `${key} '${e.value}' is not a whole number`, 'CONVERT_ERR_VALUE', key);
    return Number(e.value);
  };
  const num = (key: string): number | undefined => {
    const e = f(key);
    if (!e) return undefined;
    const n = Number(e.value);
    if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(e.value) || !Number.isFinite(n)) fail(file, e.line, `${key} '${e.value}' is not a number`, 'CONVERT_ERR_VALUE', key);
    return n;
  };

  const modeEntry = f('ConverterMode');
  const optionMode = ctx.options.formats.wstf?.converterMode;
  let mode: ConverterMode = typeof optionMode === 'string' && /^import$/i.test(optionMode) ? 'Import' : 'Active';
  if (modeEntry) {
    if (/^active$/i.test(modeEntry.value)) mode = 'Active';
    else if (/^import$/i.test(modeEntry.value)) mode = 'Import';
    else warn(modeEntry.line, `ConverterMode '${modeEntry.value}' is not Active or Import: ${mode}`);
  }

  const sn = f('SerialNumber')?.value;
  if (!sn) fail(file, uut.line, 'the UUT has no SerialNumber', 'CONVERT_ERR_MISSING_FIELD', 'SerialNumber');
  const pn = need('PartNumber', 'part number', ctx.options.partNumber, 'partNumber');
  const rev = need('Revision', 'revision', ctx.options.partRevision, 'partRevision');
  const station = need('StationName', 'station', ctx.options.stationName, 'stationName');
  let operator = f('OperatorName')?.value;
  if (operator === undefined && ctx.options.operator !== undefined) {
    operator = ctx.options.operator;
    warn(uut.line, `OperatorName missing: "${operator}" from the operator option`);
  }

  const processName = f('OperationTypeName')?.value;
  let processCode = int('OperationTypeCode');
  if (processCode === undefined) {
    const byName = processCodeByName(ctx, 'wstf', processName);
    processCode = byName ?? ctx.options.processCode ?? DEFAULT_PROCESS_CODE;
    const source = byName !== undefined ? `for '${processName}' (format setting processCodes)` : ctx.options.processCode !== undefined ? 'from the processCode option' : '(default)';
    warn(uut.line, `OperationTypeCode missing: process code ${processCode} ${source}`);
  }

  const statusEntry = f('UUTStatus');
  let fileResult: StepStatus | undefined;
  if (statusEntry) {
    const s = statusLetter(statusEntry.value);
    if (s === null || s === undefined || s === 'S') fail(file, statusEntry.line, `UUTStatus '${statusEntry.value}' is not Passed, Failed, Error, Terminated or Done`, 'CONVERT_ERR_VALUE', 'UUTStatus');
    fileResult = s;
  }

  const start = startOf(uut, ctx, file, warn);
  const offsetMatch = /([+-])(\d{2}):(\d{2})$|Z$/i.exec(start);
  const startOffsetMinutes = offsetMatch && offsetMatch[1] ? (offsetMatch[1] === '-' ? -1 : 1) * (Number(offsetMatch[2]) * 60 + Number(offsetMatch[3])) : 0;

  const b = new UutBuilder(ctx, file, mode, where);
  const rootFromChildren = b.decideChildren(uut.root);
  const result = fileResult === undefined ? rootFromChildren : b.raised(fileResult, rootFromChildren, statusEntry!.line, 'UUTStatus');
  if (result === 'S') fail(file, uut.line, 'the report result cannot be Skipped');

  const rootSequence: Record<string, unknown> = { status: rootFromChildren };
  const swName = f('SoftwareName')?.value;
  const swVersion = f('SoftwareVersion')?.value;
  if (swName !== undefined) rootSequence.path = swName;
  if (swVersion !== undefined) rootSequence.version = swVersion;

  const options: Parameters<typeof createUutReport>[0] = {
    partNumber: pn, serialNumber: sn!, revision: rev, stationName: station,
    location: ctx.options.location, purpose: ctx.options.purpose,
    processCode, start: new Date(Date.parse(start)), startOffsetMinutes, result: result as UutReport['result'],
    rootSequence, propagateStatus: false,
    // A fixed placeholder (removed below) so the builder draws no random id.
    id: '00000000-0000-4000-8000-000000000000',
  };
  if (operator !== undefined) options.operator = operator;
  const comment = f('Comment')?.value;
  if (comment !== undefined) options.comment = comment;
  const execTime = num('ExecutionTime');
  if (execTime !== undefined) options.execTime = execTime;
  const fixtureId = f('FixtureId')?.value;
  if (fixtureId !== undefined) options.fixtureId = fixtureId;
  const batch = f('BatchSerialNumber')?.value;
  if (batch !== undefined) options.batchSerialNumber = batch;
  const socket = int('TestSocketIndex');
  if (socket !== undefined) options.testSocketIndex = socket;
  const errorCode = int('ErrorCode');
  if (errorCode !== undefined) options.errorCode = errorCode;
  const errorMessage = f('ErrorMessage')?.value;
  if (errorMessage !== undefined) options.errorMessage = errorMessage;

  const report = createUutReport(options);
  for (const m of uut.misc) report.addMiscInfo(m.description, m.text);
  for (const u of uut.subUnits) report.addSubUnit({ partNumber: u.pn, serialNumber: u.sn, partType: u.partType, ...(u.rev !== undefined ? { revision: u.rev } : {}) });
  b.emitChildren(report.root, uut.root);
  const built = report.build({ consume: true }) as UutReport & { id?: string };
  // The registry derives a content-based id; the builder's random one must not leak out.
  delete built.id;
  if (processName === undefined) return built;
  // processName sits next to processCode, as WATS writes it.
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(built)) {
    out[k] = v;
    if (k === 'processCode') out.processName = processName;
  }
  return out as unknown as UutReport;
}
