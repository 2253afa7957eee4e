/**
 * WSXF `Step` elements → WSJF steps, with their measurements, sequence call, chart,
 * attachment, loop and sub steps. Everything the file says is kept as written (statuses,
 * operators, ids); what it leaves out is computed only where WSJF needs a value.
 */
import {
  COMP_OPS, evaluateNumeric, evaluateString, MULTI_STEP_TYPES, normalizeCompOp, raiseStatus, type CompOp, type StepStatus,
} from '@tswats/sdk';
import type { ReadContext } from './read-context.js';
import { parseWatsInt, readTimestamp } from './shared.js';
import { attr, type XNode } from './xml-stream.js';

type Json = Record<string, unknown>;

const GROUPS: Readonly<Record<string, 'S' | 'M' | 'C'>> = { main: 'M', setup: 'S', cleanup: 'C', m: 'M', s: 'S', c: 'C' };
const CHART_TYPES: Readonly<Record<string, string>> = { line: 'Line', linelogxy: 'LineLogXY', linelogx: 'LineLogX', linelogy: 'LineLogY' };
const SEVERITY: Readonly<Record<StepStatus, number>> = { P: 0, D: 0, S: 0, F: 1, E: 2, T: 3 };

const STEP_ATTRS = [
  'Id', 'Group', 'Name', 'StepType', 'Status', 'total_time', 'total_timeFormat', 'TSGuid', 'StepCausedUUTFailure',
  'StepCausedSequenceFailure', 'Start', 'StepErrorCode', 'ErrorCode', 'StepErrorCodeFormat', 'StepErrorMessage',
  'ErrorMessage', 'ReportText',
];
const NUMERIC_ATTRS = ['Name', 'NumericValue', 'NumericValueFormat', 'LowLimit', 'LowLimitFormat', 'HighLimit', 'HighLimitFormat', 'Units', 'CompOperator', 'Status'];
const STRING_ATTRS = ['Name', 'StringValue', 'StringLimit', 'CompOperator', 'Status'];
const BOOLEAN_ATTRS = ['Name', 'Status'];
const CHART_ATTRS = ['ChartType', 'Label', 'XLabel', 'XUnit', 'YLabel', 'YUnit'];
const SERIES_ATTRS = ['Name', 'DataType'];
const ATTACHMENT_ATTRS = ['Name', 'ContentType'];
const LOOP_ATTRS = ['index', 'num', 'ending_index', 'passed', 'failed'];
const SEQUENCE_CALL_ATTRS = ['Name', 'Version', 'Filepath'];
const POPUP_ATTRS = ['Response', 'Button'];
const EXE_ATTRS = ['ExitCode'];

const STEP_CHILDREN = new Set([
  'Step', 'ReportText', 'Loop', 'SequenceCall', 'NumericLimit', 'PassFail', 'StringValue', 'MessagePopup', 'Callexe',
  'CallExe', 'Chart', 'Attachment',
]);

/** Step ids of one report: the file's `Id`s, unique; steps without one get the next free number. */
export class StepIds {
  private readonly used = new Set<number>();
  private next = 0;
  /** Id of the first step (depth-first) marked `StepCausedUUTFailure`. */
  causedFailure: number | undefined;

  take(id: number | undefined, rc: ReadContext, node: XNode, element: string): number {
    if (id !== undefined) {
      if (this.used.has(id)) rc.error('CONVERT_ERR_VALUE', node, element, `step Id ${id} is used twice`);
      this.used.add(id);
      return id;
    }
    while (this.used.has(this.next)) this.next++;
    this.used.add(this.next);
    return this.next;
  }
}

/** Keeps only defined entries, so absent data is never written as `undefined`. */
function defined(entries: Json): Json {
  const out: Json = {};
  for (const k in entries) {
    const v = entries[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The more severe of two statuses (the first when they weigh the same), as a fold from 'P'. */
function worse(w: StepStatus, s: StepStatus): StepStatus {
  return SEVERITY[s] > SEVERITY[w] ? s : w;
}

/** `Main`/`Setup`/`Cleanup` (any case) and their letters; undefined for anything else. */
function groupOf(raw: string): 'S' | 'M' | 'C' | undefined {
  if (raw === 'Main') return 'M';
  if (raw === 'Setup') return 'S';
  if (raw === 'Cleanup') return 'C';
  return GROUPS[raw.toLowerCase()];
}

/** The comparison operator as written when WATS knows it (`Log` stays `Log`), `LOG` when absent. */
function compOpOf(rc: ReadContext, m: XNode, where: string, kind: 'numeric' | 'string'): { written: string; op: CompOp } {
  const raw = rc.str(m, 'CompOperator')?.trim();
  if (!raw) return { written: 'LOG', op: 'LOG' };
  const op = normalizeCompOp(raw);
  if (!op) rc.error('CONVERT_ERR_VALUE', m, where, `CompOperator '${raw}' is not a comparison operator`);
  if (!COMP_OPS[op][kind]) rc.error('CONVERT_ERR_VALUE', m, where, `CompOperator ${op} is not valid on a ${kind} measurement`);
  return { written: raw, op };
}

function numericMeas(rc: ReadContext, m: XNode, where: string): Json {
  rc.unmapped(m, where, NUMERIC_ATTRS);
  const value = rc.double(m, 'NumericValue', where);
  if (value === undefined) rc.error('CONVERT_ERR_MISSING_FIELD', m, where, 'NumericValue is required');
  const { written, op } = compOpOf(rc, m, where, 'numeric');
  let low = rc.double(m, 'LowLimit', where);
  let high = rc.double(m, 'HighLimit', where);
  let lowFormat = rc.str(m, 'LowLimitFormat');
  let highFormat = rc.str(m, 'HighLimitFormat');
  const needs = COMP_OPS[op].limits;
  if (needs === 'none' && (low !== undefined || high !== undefined) && rc.str(m, 'CompOperator') === undefined) {
    rc.warn('limits without a CompOperator: kept, compared as LOG', m, where);
  }
  if (needs === 'low') {
    // WSJF compares every single-limit operator against lowLimit. WSXF writes the bound of
    // LT and LE in HighLimit (and of the others in LowLimit): move it where WSJF reads it.
    const upperBound = op === 'LT' || op === 'LE';
    const bound = upperBound ? (high ?? low) : (low ?? high);
    const boundFormat = upperBound ? (high !== undefined ? highFormat : lowFormat) : low !== undefined ? lowFormat : highFormat;
    const other = upperBound ? (high !== undefined ? low : undefined) : low !== undefined ? high : undefined;
    if (bound === undefined) rc.error('CONVERT_ERR_MISSING_FIELD', m, where, `CompOperator ${op} needs a limit (LowLimit or HighLimit)`);
    if (other !== undefined && String(other) !== String(bound)) {
      rc.warn(`${op} has LowLimit ${String(low)} and HighLimit ${String(high)}: the bound ${String(bound)} (${upperBound ? 'HighLimit' : 'LowLimit'}) is kept as lowLimit, the other limit is dropped`, m, where);
    }
    if (!upperBound && low === undefined) rc.warn(`${op} has its limit in HighLimit: kept as lowLimit (WSJF compares ${op} against lowLimit)`, m, where);
    low = bound;
    high = undefined;
    lowFormat = boundFormat;
    highFormat = undefined;
  }
  if (needs === 'both' && (low === undefined || high === undefined)) {
    rc.error('CONVERT_ERR_MISSING_FIELD', m, where, `CompOperator ${op} needs both LowLimit and HighLimit`);
  }
  let status = rc.status(m, 'Status', where);
  if (status === undefined) {
    status = evaluateNumeric(op, value, low, high);
    rc.warn(`Status missing: ${status === 'P' ? 'Passed' : 'Failed'}, computed from the limits`, m, where);
  }
  // Only defined entries, in this order (as `defined` would keep them).
  const out: Json = {};
  const name = rc.str(m, 'Name');
  if (name !== undefined) out.name = name;
  out.value = value;
  const unit = rc.str(m, 'Units');
  if (unit !== undefined) out.unit = unit;
  out.compOp = written;
  if (low !== undefined) out.lowLimit = low;
  if (high !== undefined) out.highLimit = high;
  out.status = status;
  const valueFormat = rc.str(m, 'NumericValueFormat');
  if (valueFormat !== undefined) out.valueFormat = valueFormat;
  if (lowFormat !== undefined) out.lowLimitFormat = lowFormat;
  if (highFormat !== undefined) out.highLimitFormat = highFormat;
  return out;
}

function stringMeas(rc: ReadContext, m: XNode, where: string): Json {
  rc.unmapped(m, where, STRING_ATTRS);
  const { written, op } = compOpOf(rc, m, where, 'string');
  const value = rc.str(m, 'StringValue') ?? m.text;
  const limit = rc.str(m, 'StringLimit');
  if (COMP_OPS[op].limits !== 'none' && limit === undefined) rc.error('CONVERT_ERR_MISSING_FIELD', m, where, `CompOperator ${op} needs a StringLimit`);
  let status = rc.status(m, 'Status', where);
  if (status === undefined) {
    status = evaluateString(op, value, limit);
    rc.warn(`Status missing: ${status === 'P' ? 'Passed' : 'Failed'}, computed from the limit`, m, where);
  }
  const out: Json = {};
  const name = rc.str(m, 'Name');
  if (name !== undefined) out.name = name;
  out.value = value;
  out.compOp = written;
  if (limit !== undefined) out.limit = limit;
  out.status = status;
  return out;
}

function booleanMeas(rc: ReadContext, m: XNode, where: string, stepStatus: StepStatus | undefined): Json {
  rc.unmapped(m, where, BOOLEAN_ATTRS);
  let status = rc.status(m, 'Status', where);
  if (status === undefined) {
    status = stepStatus === 'F' ? 'F' : 'P';
    rc.warn(`Status missing: taken as ${status === 'P' ? 'Passed' : 'Failed'} from the step`, m, where);
  }
  const name = rc.str(m, 'Name');
  return name !== undefined ? { name, status } : { status };
}

/** Names are required and unique in multi steps: missing ones are made up, repeats numbered. */
function nameMeasurements(rc: ReadContext, list: Json[], nodes: XNode[], element: string, kind: string): void {
  const seen = new Set<string>();
  list.forEach((m, i) => {
    if (typeof m.name !== 'string' || m.name.trim() === '') {
      m.name = `${kind} ${i + 1}`;
      rc.warn(`measurement ${i + 1} has no Name (required in a step with several measurements): named "${m.name}"`, nodes[i], element);
    }
  });
  for (const [i, m] of list.entries()) {
    const name = m.name as string;
    if (!seen.has(name)) {
      seen.add(name);
      continue;
    }
    let k = 2;
    while (seen.has(`${name} #${k}`) || list.some((o) => o.name === `${name} #${k}`)) k++;
    m.name = `${name} #${k}`;
    seen.add(m.name as string);
    rc.warn(`measurement name "${name}" repeats in the step: renamed "${m.name}"`, nodes[i], element);
  }
}

function chart(rc: ReadContext, c: XNode, where: string): Json {
  rc.unmapped(c, where, CHART_ATTRS);
  const raw = rc.text(c, 'ChartType');
  let chartType = raw ? CHART_TYPES[raw.toLowerCase()] : 'Line';
  if (!chartType) {
    rc.warn(`ChartType '${raw}' is not Line, LineLogXY, LineLogX or LineLogY: drawn as Line`, c, where);
    chartType = 'Line';
  }
  const series = rc.children(c, 'Series').map((s, i) => {
    const here = `${where}/Series[${i}]`;
    rc.unmapped(s, here, SERIES_ATTRS);
    const ydata = rc.child(s, 'ydata', 'YData')?.text.trim();
    if (!ydata) rc.error('CONVERT_ERR_MISSING_FIELD', s, here, 'ydata is required');
    const xdata = rc.child(s, 'xdata', 'XData')?.text.trim();
    return defined({ dataType: rc.str(s, 'DataType') ?? 'XYG', name: rc.str(s, 'Name') ?? '', xdata: xdata || undefined, ydata });
  });
  return defined({
    chartType, label: rc.str(c, 'Label'), xLabel: rc.str(c, 'XLabel'), xUnit: rc.str(c, 'XUnit'),
    yLabel: rc.str(c, 'YLabel'), yUnit: rc.str(c, 'YUnit'), series,
  });
}

function attachment(rc: ReadContext, a: XNode, where: string): Json {
  rc.unmapped(a, where, ATTACHMENT_ATTRS);
  const name = rc.str(a, 'Name');
  if (!name) rc.error('CONVERT_ERR_MISSING_FIELD', a, where, 'Name is required');
  let contentType = rc.text(a, 'ContentType');
  if (!contentType) {
    contentType = 'application/octet-stream';
    rc.warn('ContentType missing: application/octet-stream', a, where);
  }
  const data = a.text.replace(/\s+/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(data)) {
    rc.error('CONVERT_ERR_VALUE', a, where, 'the attachment content is not base64');
  }
  if (data === '') rc.warn(`attachment "${name}" has no content in the file: kept with empty data`, a, where);
  return { name, contentType, data };
}

/** The step type WATS gives a step from its content when `StepType` is left out. */
function inferredType(rc: ReadContext, el: XNode): string {
  const count = (name: string) => rc.children(el, name).length;
  if (rc.child(el, 'Chart')) return 'WATS_XYGMNLT';
  if (rc.child(el, 'Attachment')) return 'WATS_AttachFile';
  if (rc.child(el, 'SequenceCall')) return 'SequenceCall';
  const multi = (name: string) => count(name) > 1 || (() => { const c = rc.child(el, name); return c !== undefined && attr(c, 'Name') !== undefined; })();
  if (count('NumericLimit') > 0) return multi('NumericLimit') ? 'ET_MNLT' : 'ET_NLT';
  if (count('StringValue') > 0) return multi('StringValue') ? 'ET_MSVT' : 'ET_SVT';
  if (count('PassFail') > 0) return multi('PassFail') ? 'ET_MPFT' : 'ET_PFT';
  if (rc.child(el, 'MessagePopup')) return 'MessagePopup';
  if (rc.child(el, 'Callexe', 'CallExe')) return 'CallExecutable';
  return 'Action';
}

/** One `Step` element (and its sub steps) as a WSJF step. */
export function readStep(rc: ReadContext, el: XNode, path: string, ids: StepIds): Json {
  return readStepAt(rc, el, path, -1, ids);
}

/** The element path of a step without an `Id`: `path`, or its `index`-th sub step. */
function stepPath(path: string, index: number): string {
  return index < 0 ? path : `${path}/Step[${index}]`;
}

/**
 * One step, `index` the step's place among the sub steps of the step at `path` (-1: the step at
 * `path` itself). Its own path is only spelled out when a message needs it.
 */
function readStepAt(rc: ReadContext, el: XNode, path: string, index: number, ids: StepIds): Json {
  let idAttr = parseWatsInt(attr(el, 'Id'));
  if (idAttr === null) idAttr = rc.int(el, 'Id', stepPath(path, index)); // throws: not an integer
  const here = idAttr !== undefined ? `${rc.reportPath}/Step[Id=${idAttr}]` : stepPath(path, index);
  rc.unmapped(el, here, STEP_ATTRS);
  // The children by kind, in one pass (file order kept within each kind).
  let reportTextEl: XNode | undefined;
  let loopEl: XNode | undefined;
  let seqCalls: XNode[] | undefined;
  let numerics: XNode[] | undefined;
  let bools: XNode[] | undefined;
  let strings: XNode[] | undefined;
  let popups: XNode[] | undefined;
  let exes: XNode[] | undefined;
  let charts: XNode[] | undefined;
  let attachments: XNode[] | undefined;
  let subs: XNode[] | undefined;
  const elChildren = el.children;
  for (let i = 0; i < elChildren.length; i++) {
    const c = elChildren[i]!;
    switch (c.name) {
      case 'Step':
        (subs ??= []).push(c);
        break;
      case 'NumericLimit':
        (numerics ??= []).push(c);
        break;
      case 'SequenceCall':
        (seqCalls ??= []).push(c);
        break;
      case 'PassFail':
        (bools ??= []).push(c);
        break;
      case 'StringValue':
        (strings ??= []).push(c);
        break;
      case 'ReportText':
        reportTextEl ??= c;
        break;
      case 'Loop':
        loopEl ??= c;
        break;
      case 'MessagePopup':
        (popups ??= []).push(c);
        break;
      case 'Callexe':
      case 'CallExe':
        (exes ??= []).push(c);
        break;
      case 'Chart':
        (charts ??= []).push(c);
        break;
      case 'Attachment':
        (attachments ??= []).push(c);
        break;
      default: // not in STEP_CHILDREN
        rc.unmappedChild(c, here, c.name === 'AdditionalResults' ? 'has no defined WSJF mapping (free XML)' : undefined);
    }
  }

  let stepType = rc.text(el, 'StepType');
  // The type is kept as written: WATS itself stores ET_SVT steps with several measurements.
  if (!stepType) {
    stepType = inferredType(rc, el);
    rc.warn(`StepType missing: ${stepType}, from the step's content`, el, here);
  }
  const groupRaw = rc.text(el, 'Group');
  const group = groupRaw === undefined ? 'M' : groupOf(groupRaw);
  if (!group) rc.error('CONVERT_ERR_VALUE', el, here, `Group '${groupRaw}' is not Main, Setup or Cleanup`);
  let name = rc.str(el, 'Name');
  if (name === undefined) {
    name = '';
    rc.warn('Name missing: the step is unnamed', el, here);
  }
  const fileStatus = rc.status(el, 'Status', here);
  const id = ids.take(idAttr, rc, el, here);
  const start = rc.text(el, 'Start');
  // Only defined entries, in this order (as `defined` would keep them); values read in this order.
  const step: Json = { id, group, stepType, name, status: fileStatus ?? 'P' };
  const totTime = rc.num(el, 'total_time', here);
  if (totTime !== undefined) step.totTime = totTime;
  const totTimeFormat = rc.str(el, 'total_timeFormat');
  if (totTimeFormat !== undefined) step.totTimeFormat = totTimeFormat;
  if (start) step.start = readStepStart(rc, el, here, start);
  const causedUUTFailure = rc.bool(el, 'StepCausedUUTFailure', here);
  if (causedUUTFailure !== undefined) step.causedUUTFailure = causedUUTFailure;
  const causedSeqFailure = rc.bool(el, 'StepCausedSequenceFailure', here);
  if (causedSeqFailure !== undefined) step.causedSeqFailure = causedSeqFailure;
  const tsGuid = rc.text(el, 'TSGuid');
  if (tsGuid !== undefined) step.tsGuid = tsGuid;
  const errorCode = rc.int(el, attr(el, 'StepErrorCode') !== undefined ? 'StepErrorCode' : 'ErrorCode', here);
  if (errorCode !== undefined) step.errorCode = errorCode;
  const errorCodeFormat = rc.str(el, 'StepErrorCodeFormat');
  if (errorCodeFormat !== undefined) step.errorCodeFormat = errorCodeFormat;
  const errorMessage = rc.str2(el, 'StepErrorMessage', 'ErrorMessage');
  if (errorMessage !== undefined) step.errorMessage = errorMessage;
  if (causedUUTFailure === true) ids.causedFailure ??= id;
  const reportText = reportTextEl ? reportTextEl.text : rc.str(el, 'ReportText');
  if (reportText !== undefined) step.reportText = reportText;
  if (loopEl) {
    const w = `${here}/Loop`;
    rc.unmapped(loopEl, w, LOOP_ATTRS);
    step.loop = defined({ idx: rc.int(loopEl, 'index', w), num: rc.int(loopEl, 'num', w), endingIndex: rc.int(loopEl, 'ending_index', w), passed: rc.int(loopEl, 'passed', w), failed: rc.int(loopEl, 'failed', w) });
  }

  if (seqCalls) {
    if (seqCalls.length > 1) rc.error('CONVERT_ERR_FORMAT', el, here, `has ${seqCalls.length} SequenceCall elements (one per step)`);
    const s = seqCalls[0]!;
    rc.unmapped(s, `${here}/SequenceCall`, SEQUENCE_CALL_ATTRS);
    const seqCall: Json = {};
    const seqPath = rc.str(s, 'Filepath') ?? rc.str(s, 'Filename');
    if (seqPath !== undefined) seqCall.path = seqPath;
    const seqName = rc.str(s, 'Name');
    if (seqName !== undefined) seqCall.name = seqName;
    const version = rc.str(s, 'Version');
    if (version !== undefined) seqCall.version = version;
    step.seqCall = seqCall;
  }

  const multi = MULTI_STEP_TYPES.has(stepType);
  if (numerics) {
    const list: Json[] = [];
    for (let i = 0; i < numerics.length; i++) list.push(numericMeas(rc, numerics[i]!, `${here}/NumericLimit[${i}]`));
    if (multi || list.length > 1) nameMeasurements(rc, list, numerics, here, 'Measurement');
    step.numericMeas = list;
  }
  if (bools) {
    const list: Json[] = [];
    for (let i = 0; i < bools.length; i++) list.push(booleanMeas(rc, bools[i]!, `${here}/PassFail[${i}]`, fileStatus));
    if (multi || list.length > 1) nameMeasurements(rc, list, bools, here, 'Measurement');
    step.booleanMeas = list;
  }
  if (strings) {
    const list: Json[] = [];
    for (let i = 0; i < strings.length; i++) list.push(stringMeas(rc, strings[i]!, `${here}/StringValue[${i}]`));
    if (multi || list.length > 1) nameMeasurements(rc, list, strings, here, 'Measurement');
    step.stringMeas = list;
  }
  if (popups) {
    if (popups.length > 1) rc.error('CONVERT_ERR_FORMAT', el, here, `has ${popups.length} MessagePopup elements (one per step)`);
    const w = `${here}/MessagePopup`;
    rc.unmapped(popups[0]!, w, POPUP_ATTRS);
    step.messagePopup = defined({ response: rc.str(popups[0]!, 'Response'), button: rc.int(popups[0]!, 'Button', w) });
  }
  if (exes) {
    if (exes.length > 1) rc.error('CONVERT_ERR_FORMAT', el, here, `has ${exes.length} Callexe elements (one per step)`);
    const w = `${here}/Callexe`;
    rc.unmapped(exes[0]!, w, EXE_ATTRS);
    step.callExe = defined({ exitCode: rc.num(exes[0]!, 'ExitCode', w) });
  }
  if (charts) {
    if (charts.length > 1) rc.error('CONVERT_ERR_FORMAT', el, here, `has ${charts.length} Chart elements (one per step)`);
    step.chart = chart(rc, charts[0]!, `${here}/Chart`);
  }
  if (attachments) {
    if (attachments.length > 1) rc.error('CONVERT_ERR_FORMAT', el, here, `has ${attachments.length} Attachment elements (one per step)`);
    step.attachment = attachment(rc, attachments[0]!, `${here}/Attachment`);
  }

  let children: Json[] | undefined;
  if (subs || stepType === 'SequenceCall' || stepType === 'WATS_SeqCall') {
    children = [];
    if (subs) for (let i = 0; i < subs.length; i++) children.push(readStepAt(rc, subs[i]!, here, i, ids));
    step.steps = children;
  }
  if (fileStatus === undefined) {
    // The status is required; without one, WSJF gets what the content says.
    let computed: StepStatus = 'P';
    for (const list of [step.numericMeas, step.booleanMeas, step.stringMeas] as Array<Json[] | undefined>) {
      if (list) for (const m of list) computed = worse(computed, m.status as StepStatus);
    }
    const subSteps = children ?? [];
    for (const c of subSteps) computed = raiseStatus(computed, c.status as StepStatus) as StepStatus;
    step.status = computed;
    rc.warn(`Status missing: ${computed}, computed from the step's ${subSteps.length > 0 ? 'sub steps' : 'measurements'}`, el, here);
  }
  return step;
}

function readStepStart(rc: ReadContext, el: XNode, here: string, text: string): string {
  const t = readTimestampIn(rc, text);
  if (t === undefined) rc.error('CONVERT_ERR_VALUE', el, here, `Start '${text}' is not a date and time`);
  return t;
}

/** A timestamp as the report keeps it (see `readTimestamp`); `keepTimestamps` keeps the text. */
export function readTimestampIn(rc: ReadContext, text: string): string | undefined {
  const keep = rc.ctx.options.formats.wsxf?.keepTimestamps === true;
  const r = readTimestamp(text, rc.ctx.options.timeZone);
  if (!r) return undefined;
  return keep ? text.trim() : r.iso;
}
