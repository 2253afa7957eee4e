/**
 * TestStand results (`TEResult` property trees) → WSJF steps through the SDK builder.
 *
 * Every status comes from the file (`Status`); the builder computes nothing. A step's kind is
 * read from its result properties, as TestStand's own stylesheets do (`Numeric` + `Comp` →
 * numeric limit test, `Measurement` array of `NI_LimitMeasurement` → multiple numeric limit test,
 * `String` → string value test, `PassFail` → pass/fail test, ...), so custom step types built
 * on the NI types convert too. Flow-control and other steps keep their TestStand step type.
 */
import type {
  ChartInput, CompOp, NamedNumericInput, NamedPassFailInput, NamedStringInput, NumericInput, SequenceBuilder,
  StepGroup, StepOptions, StepStatus, StringInput,
} from '@tswats/sdk';
import {
  at, bool, child, clip, fail, int, itemProp, nonEmpty, num, numberFrom, positionOf, str, where, type ArrayItem, type At, type PropNode, type Source,
} from './prop-tree.js';

/** TestStand step status → WSJF status (case-insensitive). */
const STATUS: Readonly<Record<string, StepStatus>> = {
  passed: 'P', failed: 'F', error: 'E', terminated: 'T', skipped: 'S', done: 'D',
};

/** WSJF status of a TestStand status text; undefined when it is not one. */
export function stepStatusOf(text: string | undefined): StepStatus | undefined {
  return text === undefined ? undefined : STATUS[text.trim().toLowerCase()];
}

const GROUPS: Readonly<Record<string, StepGroup>> = { setup: 'S', main: 'M', cleanup: 'C' };

/** Single and double limit comparisons, as TestStand names them (the same names as WSJF). */
const NUMERIC_OPS: Readonly<Record<string, { op: CompOp; limits: 'none' | 'low' | 'both' }>> = {
  LOG: { op: 'LOG', limits: 'none' },
  EQ: { op: 'EQ', limits: 'low' }, NE: { op: 'NE', limits: 'low' },
  GT: { op: 'GT', limits: 'low' }, GE: { op: 'GE', limits: 'low' },
  LT: { op: 'LT', limits: 'low' }, LE: { op: 'LE', limits: 'low' },
  GTLT: { op: 'GTLT', limits: 'both' }, GELE: { op: 'GELE', limits: 'both' },
  GELT: { op: 'GELT', limits: 'both' }, GTLE: { op: 'GTLE', limits: 'both' },
  LTGT: { op: 'LTGT', limits: 'both' }, LEGE: { op: 'LEGE', limits: 'both' },
  LEGT: { op: 'LEGT', limits: 'both' }, LTGE: { op: 'LTGE', limits: 'both' },
};

/** String Value Test comparisons (TestStand writes `IgnoreCase` / `CaseSensitive`). */
const STRING_OPS: Readonly<Record<string, StringInput['compOp']>> = {
  ignorecase: 'IGNORECASE', casesensitive: 'CASESENSIT', casesensit: 'CASESENSIT', log: 'LOG', eq: 'EQ', ne: 'NE',
};

const CHART_TYPES = new Set(['Line', 'LineLogXY', 'LineLogX', 'LineLogY']);

/** WSJF limits (pyWATS model) for strings the builder writes. */
export const STEP_NAME_MAX = 100;

/** Counts what the tree held, for the report-level cross-check against `StepCount`. */
export interface WalkState {
  steps: number;
  /** `ResultId`s of `UUT.CriticalFailureStack` (the failure chain): those steps get `causedUUTFailure`. */
  failureChain: ReadonlySet<number>;
}

type Kind =
  | 'sequence' | 'numeric' | 'multiNumeric' | 'multiString' | 'multiBoolean' | 'string' | 'passFail'
  | 'popup' | 'callExe' | 'chart' | 'generic';

const WSJF_TYPE: Readonly<Record<Exclude<Kind, 'generic' | 'sequence'>, string>> = {
  numeric: 'ET_NLT', multiNumeric: 'ET_MNLT', multiString: 'ET_MSVT', multiBoolean: 'ET_MPFT', string: 'ET_SVT',
  passFail: 'ET_PFT', popup: 'MessagePopup', callExe: 'CallExecutable', chart: 'WATS_XYGMNLT',
};

/** Shortens `value` to `max` characters, with a warning naming `what`. */
export function fit(src: Source, value: string, max: number, what: string, at?: At): string {
  if (value.length <= max) return value;
  src.warn(`${what} is ${value.length} characters long; shortened to the WSJF limit of ${max}: ${JSON.stringify(clip(value, 40))}`, positionOf(at));
  return value.slice(0, max);
}

/** Step options every kind shares: status, group, times, texts, error, loop, step GUID. */
export function commonOptions(src: Source, te: PropNode, status: StepStatus): StepOptions {
  const ts = child(te, 'TS');
  const opts: StepOptions = { status };
  const groupText = nonEmpty(ts, 'StepGroup');
  if (groupText !== undefined) {
    const group = GROUPS[groupText.trim().toLowerCase()];
    if (group) opts.group = group;
    else src.warn(`unknown step group ${JSON.stringify(clip(groupText))}: written as Main`, where(at(ts, 'StepGroup')!));
  }
  const totTime = num(src, ts, 'TotalTime');
  if (totTime !== undefined && Number.isFinite(totTime)) opts.totTime = totTime;
  const reportText = nonEmpty(te, 'ReportText');
  if (reportText !== undefined) opts.reportText = reportText;
  const error = child(te, 'Error');
  if (error) {
    const code = num(src, error, 'Code');
    const msg = nonEmpty(error, 'Msg');
    const occurred = bool(src, error, 'Occurred');
    if (code !== undefined && Number.isFinite(code) && (code !== 0 || occurred)) opts.errorCode = Math.trunc(code);
    if (msg !== undefined) opts.errorMessage = msg;
  }
  const loop: Record<string, number> = {};
  const loopFields: Array<[string, string]> = [['NumLoops', 'num'], ['NumPassed', 'passed'], ['NumFailed', 'failed'], ['EndingLoopIndex', 'endingIndex'], ['LoopIndex', 'idx']];
  for (const [from, to] of loopFields) {
    const v = int(src, ts, from);
    if (v !== undefined) loop[to] = v;
  }
  if (Object.keys(loop).length) opts.loop = loop;
  const extra: Record<string, unknown> = {};
  const guid = nonEmpty(ts, 'StepId');
  if (guid !== undefined) extra.tsGuid = guid;
  const caused = bool(src, ts, 'StepCausedSequenceFailure') ?? bool(src, te, 'StepCausedSequenceFailure');
  if (caused !== undefined) extra.causedSeqFailure = caused;
  if (Object.keys(extra).length) opts.extra = extra;
  return opts;
}

/** Reads a TEResult's required basics. */
function basics(src: Source, te: PropNode): { name: string; stepType: string; statusText: string; status: StepStatus } {
  const ts = child(te, 'TS');
  if (!ts) fail(src, 'CONVERT_ERR_MISSING_FIELD', te, 'the step result has no TS property (step name, type, times)');
  const name = str(ts, 'StepName');
  if (name === undefined) fail(src, 'CONVERT_ERR_MISSING_FIELD', ts, 'the step result has no TS.StepName');
  const statusText = str(te, 'Status');
  if (statusText === undefined) fail(src, 'CONVERT_ERR_MISSING_FIELD', te, `step ${JSON.stringify(clip(name))} has no Status`);
  let status = stepStatusOf(statusText);
  if (!status) {
    status = 'D';
    src.warn(`step ${JSON.stringify(clip(name))}: status ${JSON.stringify(clip(statusText))} is not a TestStand status (Passed, Failed, Error, Terminated, Skipped, Done); written as Done`, where(child(te, 'Status')!));
  }
  return { name, stepType: (str(ts, 'StepType') ?? '').trim(), statusText, status };
}

function kindOf(te: PropNode, stepType: string): Kind {
  if (stepType === 'SequenceCall' || stepType === 'WATS_SeqCall' || at(te, 'TS.SequenceCall')) return 'sequence';
  const meas = child(te, 'Measurement');
  if (meas && meas.type === 'Array') {
    if (stepType === 'WATS_XYGMNLT' || child(te, 'Chart')) return 'chart';
    const first = meas.items.map(itemProp).find((p) => p !== undefined);
    if (first) {
      if (child(first, 'StringData')) return 'multiString';
      if (child(first, 'PassFail') && !child(first, 'Data')) return 'multiBoolean';
      return 'multiNumeric';
    }
    if (stepType === 'ET_MSVT') return 'multiString';
    if (stepType === 'ET_MPFT') return 'multiBoolean';
    return 'multiNumeric';
  }
  if (child(te, 'Numeric')) return child(te, 'Chart') || stepType === 'WATS_XYGMNLT' ? 'chart' : 'numeric';
  if (child(te, 'String') && (child(te, 'Comp') || child(te, 'Limits') || stepType === 'StringValueTest' || stepType === 'ET_SVT')) return 'string';
  if (child(te, 'PassFail')) return 'passFail';
  if (stepType === 'MessagePopup' || child(te, 'ButtonHit')) return 'popup';
  if (stepType === 'CallExecutable' || child(te, 'ExitCode')) return 'callExe';
  if (child(te, 'Chart')) return 'chart';
  switch (stepType) {
    case 'NumericLimitTest': case 'ET_NLT': return 'numeric';
    case 'NI_MultipleNumericLimitTest': case 'ET_MNLT': return 'multiNumeric';
    case 'StringValueTest': case 'ET_SVT': return 'string';
    case 'ET_MSVT': return 'multiString';
    case 'PassFailTest': case 'ET_PFT': return 'passFail';
    case 'ET_MPFT': return 'multiBoolean';
    default: return 'generic';
  }
}

/** Adds the results of a `ResultList` array to `seq`, in order. */
export function addResults(seq: SequenceBuilder, list: PropNode | undefined, src: Source, state: WalkState): void {
  if (!list) return;
  for (const item of list.items) {
    const te = item.props.find((p) => p.type === 'TEResult') ?? item.props[0];
    if (!te) fail(src, 'CONVERT_ERR_FORMAT', item, 'a ResultList element holds no step result (TEResult)');
    addStep(seq, te, src, state);
  }
}

function addStep(seq: SequenceBuilder, te: PropNode, src: Source, state: WalkState): void {
  state.steps++;
  const b = basics(src, te);
  const name = fit(src, b.name, STEP_NAME_MAX, 'step name', te);
  const opts = commonOptions(src, te, b.status);
  if (state.failureChain.size) {
    const id = num(src, child(te, 'TS'), 'Id');
    if (id !== undefined && state.failureChain.has(id)) opts.extra = { ...opts.extra, causedUUTFailure: true };
  }
  const kind = kindOf(te, b.stepType);
  let stepType = b.stepType;
  if (!stepType) {
    stepType = kind === 'generic' ? 'Action' : kind === 'sequence' ? 'SequenceCall' : WSJF_TYPE[kind];
    src.warn(`step ${JSON.stringify(clip(b.name))} has no TS.StepType; written as ${stepType}`, where(te));
  }
  for (const [prop, what] of [['AdditionalResults', 'additional results'], ['AttachedFileData', 'attached file (a path on the test station; not embedded)']] as const) {
    const p = child(te, prop);
    if (p && (p.items.length > 0 || p.props.length > 0)) src.warn(`step ${JSON.stringify(clip(b.name))}: ${what} not converted`, where(p));
  }
  if (at(te, 'TS.PostAction.ResultList')?.items.length) {
    src.warn(`step ${JSON.stringify(clip(b.name))}: results of its post-action sequence not converted`, where(at(te, 'TS.PostAction.ResultList')!));
  }
  guard(src, te, () => {
    if (kind === 'sequence') return addSequence(seq, te, name, opts, src, state);
    if (b.status === 'S') {
      // TestStand records no result data for a skipped step: the step alone, with its kind's type.
      if (kind === 'generic') seq.addGeneric(stepType, name, opts);
      else seq.addGeneric(WSJF_TYPE[kind], name, opts);
      return;
    }
    switch (kind) {
      case 'numeric': return addNumeric(seq, te, name, opts, src, b.status);
      case 'multiNumeric': return addMultiNumeric(seq, te, name, opts, src, b.status);
      case 'multiString': return addMultiString(seq, te, name, opts, src, b.status);
      case 'multiBoolean': return addMultiBoolean(seq, te, name, opts, src);
      case 'string': return addString(seq, te, name, opts, src);
      case 'passFail': return addPassFail(seq, te, name, opts, src, b.status);
      case 'popup': return addPopup(seq, te, name, opts, src);
      case 'callExe': return addCallExe(seq, te, name, opts, src);
      case 'chart': return addChartStep(seq, te, name, opts, src, b.status);
      default:
        if (stepType === 'Action') seq.addAction(name, opts);
        else seq.addGeneric(stepType, name, opts);
    }
  });
}

/** Turns a builder TypeError (bad input the checks above missed) into a positioned ConversionError. */
function guard(src: Source, te: PropNode, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof TypeError) fail(src, 'CONVERT_ERR_VALUE', te, err.message);
    throw err;
  }
}

function addSequence(seq: SequenceBuilder, te: PropNode, name: string, opts: StepOptions, src: Source, state: WalkState): void {
  const call = at(te, 'TS.SequenceCall');
  const child = seq.addSequence(name, { ...opts, ...sequenceInfo(src, call) });
  addResults(child, at(call, 'ResultList'), src, state);
}

/** `seqCall` name, path and version of a `TS.SequenceCall` property. */
export function sequenceInfo(src: Source, call: PropNode | undefined): { sequenceName?: string; path?: string; version?: string } {
  const out: { sequenceName?: string; path?: string; version?: string } = {};
  if (!call) return out;
  const seqName = str(call, 'Sequence');
  const file = str(call, 'SequenceFile');
  const version = str(call, 'SequenceFileVersion');
  if (seqName !== undefined && seqName !== '') out.sequenceName = fit(src, seqName, 200, 'sequence name', call);
  if (file !== undefined && file !== '') out.path = fit(src, file, 500, 'sequence file path', call);
  if (version !== undefined && version !== '') out.version = fit(src, version, 30, 'sequence file version', call);
  return out;
}

/**
 * A numeric measurement of a result (`Numeric`) or of a measurement element (`Data`):
 * TestStand's comparison names are WSJF's; single-limit comparisons use `Limits.Low` in both.
 * Returns undefined when the value is absent (measurements not included in the report).
 */
function numericInput(src: Source, node: PropNode, valueKey: string, status: StepStatus, label: string): NumericInput | undefined {
  const valueProp = child(node, valueKey);
  const value = num(src, node, valueKey);
  if (value === undefined) {
    src.warn(`${label}: no measured value (${valueKey}) in the report; measurement not written`, where(valueProp ?? node));
    return undefined;
  }
  const input: NumericInput = { value, status };
  const unit = nonEmpty(node, 'Units');
  if (unit !== undefined) input.unit = unit;
  const limits = child(node, 'Limits') ?? child(node, 'RawLimits');
  const compText = nonEmpty(node, 'Comp');
  const low = num(src, limits, 'Low');
  const high = num(src, limits, 'High');
  if (compText === undefined) {
    if (low !== undefined || high !== undefined) src.warn(`${label}: limits without a comparison type (Comp); written as LOG without limits`, where(limits ?? node));
    input.compOp = 'LOG';
    return input;
  }
  const comp = compText.trim().toUpperCase();
  if (comp === 'EQT') return eqt(src, node, limits, input, label);
  const known = NUMERIC_OPS[comp];
  if (!known) {
    src.warn(`${label}: comparison type ${JSON.stringify(clip(compText))} is not a TestStand numeric comparison; written as LOG (status kept from the file)`, where(child(node, 'Comp')!));
    input.compOp = 'LOG';
    return input;
  }
  const missing = known.limits === 'both' ? (low === undefined ? 'Limits.Low' : high === undefined ? 'Limits.High' : undefined)
    : known.limits === 'low' && low === undefined ? 'Limits.Low' : undefined;
  if (missing) {
    src.warn(`${label}: ${comp} needs ${missing}, which the report does not hold; written as LOG (status kept from the file)`, where(limits ?? node));
    input.compOp = 'LOG';
    return input;
  }
  input.compOp = known.op;
  if (known.limits !== 'none') input.lowLimit = low;
  if (known.limits === 'both') input.highLimit = high;
  return input;
}

/**
 * EQT (== ±): TestStand compares against limits it computes from a nominal value and two
 * thresholds (percentage, ppm or delta). WSJF has no such operator with these semantics, so the
 * computed limits are written as GELE, which passes and fails exactly where EQT does.
 */
function eqt(src: Source, node: PropNode, limits: PropNode | undefined, input: NumericInput, label: string): NumericInput {
  const raw = child(node, 'RawLimits');
  const nominal = num(src, raw, 'Nominal') ?? num(src, limits, 'Nominal');
  const lowThr = num(src, raw, 'Low') ?? num(src, limits, 'Low');
  const highThr = num(src, raw, 'High') ?? num(src, limits, 'High');
  const typeText = nonEmpty(limits, 'ThresholdType') ?? nonEmpty(raw, 'ThresholdType');
  const type = typeText?.trim().toLowerCase();
  const scale = type === 'percentage' ? 100 : type === 'ppm' ? 1e6 : type === 'delta' ? 0 : undefined;
  if (nominal === undefined || lowThr === undefined || highThr === undefined || scale === undefined) {
    src.warn(`${label}: EQT comparison without a nominal value, both thresholds and a threshold type; written as LOG (status kept from the file)`, where(limits ?? node));
    input.compOp = 'LOG';
    return input;
  }
  const lowLimit = scale ? nominal - (Math.abs(nominal) * lowThr) / scale : nominal - lowThr;
  const highLimit = scale ? nominal + (Math.abs(nominal) * highThr) / scale : nominal + highThr;
  src.warn(`${label}: EQT (nominal ${nominal}, thresholds -${lowThr}/+${highThr} ${typeText}) written as GELE with the computed limits [${lowLimit}, ${highLimit}]`, where(limits ?? node));
  return { ...input, compOp: 'GELE', lowLimit, highLimit };
}

function addNumeric(seq: SequenceBuilder, te: PropNode, name: string, opts: StepOptions, src: Source, status: StepStatus): void {
  const input = numericInput(src, te, 'Numeric', status, `step ${JSON.stringify(clip(name))}`);
  if (input) seq.addNumeric(name, { ...opts, ...input });
  else seq.addGeneric('ET_NLT', name, opts);
}

/** The elements of a step's `Measurement` array, with their names. */
function measurements(src: Source, te: PropNode, stepName: string): Array<{ item: ArrayItem; m: PropNode; name: string }> {
  const arr = child(te, 'Measurement')!;
  const out: Array<{ item: ArrayItem; m: PropNode; name: string }> = [];
  for (const item of arr.items) {
    const m = itemProp(item);
    if (!m) fail(src, 'CONVERT_ERR_FORMAT', item, `step ${JSON.stringify(clip(stepName))}: a Measurement element holds no measurement object`);
    let name = nonEmpty(m, 'MeasName') ?? m.name;
    if (name === undefined || name.trim() === '') {
      name = `Measurement ${item.id}`;
      src.warn(`step ${JSON.stringify(clip(stepName))}: measurement ${item.id} has no name; named ${JSON.stringify(name)}`, where(item));
    }
    out.push({ item, m, name: fit(src, name, STEP_NAME_MAX, 'measurement name', item) });
  }
  return out;
}

/** A measurement element's own status; the step's (Passed/Failed) when the element has none. */
function measurementStatus(src: Source, m: PropNode, stepStatus: StepStatus, label: string): StepStatus {
  const text = str(m, 'Status');
  if (text === undefined || text.trim() === '') return stepStatus;
  const s = stepStatusOf(text);
  if (s) return s;
  src.warn(`${label}: status ${JSON.stringify(clip(text))} is not a TestStand status; written as Done`, where(child(m, 'Status')!));
  return 'D';
}

function addMultiNumeric(seq: SequenceBuilder, te: PropNode, name: string, opts: StepOptions, src: Source, status: StepStatus): void {
  const list: NamedNumericInput[] = [];
  for (const { item, m, name: mName } of measurements(src, te, name)) {
    if (!child(m, 'Data')) fail(src, 'CONVERT_ERR_FORMAT', item, `step ${JSON.stringify(clip(name))}: measurement ${JSON.stringify(clip(mName))} is not numeric (no Data) in a numeric measurement list`);
    const label = `step ${JSON.stringify(clip(name))}, measurement ${JSON.stringify(clip(mName))}`;
    const input = numericInput(src, m, 'Data', measurementStatus(src, m, status, label), label);
    if (input) list.push({ name: mName, ...input });
  }
  if (list.length) seq.addMultiNumeric(name, list, opts);
  else seq.addGeneric('ET_MNLT', name, opts);
}

function stringOp(src: Source, node: PropNode, compKey: string, limit: string | undefined, label: string): { compOp: StringInput['compOp']; limit?: string } {
  const compText = nonEmpty(node, compKey);
  if (compText === undefined) {
    if (limit !== undefined) src.warn(`${label}: a string limit without a comparison type; written as LOG`, where(node));
    return { compOp: 'LOG' };
  }
  const op = STRING_OPS[compText.trim().toLowerCase().replace(/[\s_-]/g, '')];
  if (!op) {
    src.warn(`${label}: string comparison ${JSON.stringify(clip(compText))} is not a TestStand one (IgnoreCase, CaseSensitive); written as LOG (status kept from the file)`, where(child(node, compKey)!));
    return { compOp: 'LOG' };
  }
  if (op === 'LOG') return { compOp: 'LOG' };
  if (limit === undefined) {
    src.warn(`${label}: ${compText} comparison but no expected string in the report; written as LOG (status kept from the file)`, where(node));
    return { compOp: 'LOG' };
  }
  return { compOp: op, limit };
}

function addString(seq: SequenceBuilder, te: PropNode, name: string, opts: StepOptions, src: Source): void {
  const label = `step ${JSON.stringify(clip(name))}`;
  const value = str(te, 'String') ?? '';
  const op = stringOp(src, te, 'Comp', str(te, 'Limits.String'), label);
  seq.addString(name, { ...opts, value, ...op });
}

function addMultiString(seq: SequenceBuilder, te: PropNode, name: string, opts: StepOptions, src: Source, status: StepStatus): void {
  const list: NamedStringInput[] = [];
  for (const { item, m, name: mName } of measurements(src, te, name)) {
    if (!child(m, 'StringData')) fail(src, 'CONVERT_ERR_FORMAT', item, `step ${JSON.stringify(clip(name))}: measurement ${JSON.stringify(clip(mName))} has no StringData in a string measurement list`);
    const label = `step ${JSON.stringify(clip(name))}, measurement ${JSON.stringify(clip(mName))}`;
    const op = stringOp(src, m, 'Comp', str(m, 'StringLimit') ?? str(m, 'Limits.String'), label);
    list.push({ name: mName, value: str(m, 'StringData') ?? '', status: measurementStatus(src, m, status, label), ...op });
  }
  if (list.length) seq.addMultiString(name, list, opts);
  else seq.addGeneric('ET_MSVT', name, opts);
}

function addPassFail(seq: SequenceBuilder, te: PropNode, name: string, opts: StepOptions, src: Source, status: StepStatus): void {
  const passed = bool(src, te, 'PassFail');
  seq.addPassFail(name, passed ?? status === 'P', opts);
}

function addMultiBoolean(seq: SequenceBuilder, te: PropNode, name: string, opts: StepOptions, src: Source): void {
  const list: NamedPassFailInput[] = [];
  for (const { item, m, name: mName } of measurements(src, te, name)) {
    const passed = bool(src, m, 'PassFail');
    if (passed === undefined) fail(src, 'CONVERT_ERR_FORMAT', item, `step ${JSON.stringify(clip(name))}: measurement ${JSON.stringify(clip(mName))} has no PassFail value`);
    const label = `step ${JSON.stringify(clip(name))}, measurement ${JSON.stringify(clip(mName))}`;
    list.push({ name: mName, passed, status: measurementStatus(src, m, passed ? 'P' : 'F', label) });
  }
  if (list.length) seq.addMultiPassFail(name, list, opts);
  else seq.addGeneric('ET_MPFT', name, opts);
}

function addPopup(seq: SequenceBuilder, te: PropNode, name: string, opts: StepOptions, src: Source): void {
  const button = int(src, te, 'ButtonHit');
  if (button === undefined) {
    seq.addGeneric('MessagePopup', name, opts);
    return;
  }
  const response = str(te, 'Response');
  seq.addMessagePopup(name, { ...opts, button, ...(response !== undefined && response !== '' ? { response: fit(src, response, 100, 'message popup response', te) } : {}) });
}

function addCallExe(seq: SequenceBuilder, te: PropNode, name: string, opts: StepOptions, src: Source): void {
  const exitCode = num(src, te, 'ExitCode');
  if (exitCode === undefined) seq.addGeneric('CallExecutable', name, opts);
  else seq.addCallExe(name, { ...opts, exitCode });
}

/**
 * The WATS add-on's graph step (`WATS_XYGMNLT`): `Chart` (ChartLabel, Xlabel, Xunit, Ylabel,
 * Yunit, ChartType, Plots[] of PlotName + PlotData) plus numeric measurements. `PlotData` is a
 * 2-D array whose row `[0]` holds the X values and row `[1]` the Y values (a 1-D array: Y only).
 */
function addChartStep(seq: SequenceBuilder, te: PropNode, name: string, opts: StepOptions, src: Source, status: StepStatus): void {
  const label = `step ${JSON.stringify(clip(name))}`;
  const measList: Array<NumericInput & { name?: string }> = [];
  if (child(te, 'Measurement')) {
    for (const { m, name: mName } of measurements(src, te, name)) {
      const l = `${label}, measurement ${JSON.stringify(clip(mName))}`;
      const input = numericInput(src, m, 'Data', measurementStatus(src, m, status, l), l);
      if (input) measList.push({ name: mName, ...input });
    }
  } else if (child(te, 'Numeric')) {
    const input = numericInput(src, te, 'Numeric', status, label);
    if (input) measList.push(input);
  }
  const chartProp = child(te, 'Chart');
  const chart = chartProp ? readChart(src, chartProp, label) : undefined;
  if (chart && measList.length) {
    seq.addXYNumeric(name, { measurements: measList, chart }, opts);
  } else if (chart) {
    seq.addChart(name, chart, opts);
  } else if (measList.length > 1) {
    seq.addMultiNumeric(name, measList.map((m, i) => ({ ...m, name: m.name ?? `Measurement ${i}` })), opts);
  } else if (measList.length === 1) {
    seq.addNumeric(name, { ...opts, ...measList[0]! });
  } else seq.addGeneric('WATS_XYGMNLT', name, opts);
}

function readChart(src: Source, chart: PropNode, label: string): ChartInput {
  const text = (k: string, max: number): string | undefined => {
    const v = nonEmpty(chart, k);
    return v === undefined ? undefined : fit(src, v, max, `chart ${k}`, chart);
  };
  const out: ChartInput = { series: [] };
  const typeText = nonEmpty(chart, 'ChartType');
  if (typeText !== undefined) {
    const t = [...CHART_TYPES].find((c) => c.toLowerCase() === typeText.trim().toLowerCase());
    if (t) out.chartType = t as ChartInput['chartType'];
    else src.warn(`${label}: chart type ${JSON.stringify(clip(typeText))} unknown; written as Line`, where(chart));
  }
  const fields: Array<[keyof ChartInput, string, number]> = [['label', 'ChartLabel', 100], ['xLabel', 'Xlabel', 100], ['xUnit', 'Xunit', 50], ['yLabel', 'Ylabel', 100], ['yUnit', 'Yunit', 50]];
  for (const [key, prop, max] of fields) {
    const v = text(prop, max);
    if (v !== undefined) (out as unknown as Record<string, unknown>)[key] = v;
  }
  for (const item of child(chart, 'Plots')?.items ?? []) {
    const plot = itemProp(item);
    if (!plot) continue;
    const seriesName = fit(src, str(plot, 'PlotName') ?? '', 100, 'chart series name', item);
    const data = child(plot, 'PlotData');
    const xs: number[] = [];
    const ys: number[] = [];
    for (const v of data?.items ?? []) {
      const idx = /^\[(\d+)\](?:\[(\d+)\])?$/.exec(v.id);
      const n = numberFrom(src, v.text, v, `${label}: chart data element ${v.id}`);
      if (!idx || n === undefined) fail(src, 'CONVERT_ERR_VALUE', v, `${label}: chart data element ${v.id} is not a number`);
      if (idx[2] === undefined) ys.push(n);
      else if (idx[1] === '0') xs.push(n);
      else if (idx[1] === '1') ys.push(n);
    }
    if (xs.length && xs.length !== ys.length) fail(src, 'CONVERT_ERR_FORMAT', data!, `${label}: series ${JSON.stringify(clip(seriesName))} has ${xs.length} X values but ${ys.length} Y values`);
    out.series.push({ name: seriesName, y: ys.map(String).join(';'), ...(xs.length ? { x: xs.map(String).join(';') } : {}) });
  }
  return out;
}
