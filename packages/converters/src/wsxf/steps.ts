/**
 * WSXF `Step` elements → WSJF steps, with their measurements, sequence call, chart,
 * attachment, loop and sub steps. Everything the file says is kept as written (statuses,
 * operators, ids); what it leaves out is computed only where WSJF needs a value.
 */
import {
  COMP_OPS, evaluateNumeric, evaluateString, MULTI_STEP_TYPES, normalizeCompOp, raiseStatus, type CompOp, type StepStatus,
} from '@tswats/sdk';
import type { ReadContext } from './read-context.js';
import { readTimestamp } from './shared.js';
import type { XNode } from './xml-stream.js';

type Json = Record<string, unknown>;

const GROUPS: Readonly<Record<string, 'S' | 'M' | 'C'>> = { main: 'M', setup: 'S', cleanup: 'C', m: 'M', s: 'S', c: 'C' };
const CHART_TYPES: Readonly<Record<string, string>> = { line: 'Line', linelogxy: 'LineLogXY', linelogx: 'LineLogX', linelogy: 'LineLogY' };
const SEVERITY: Readonly<Record<StepStatus, number>> = { P: 0, D: 0, S: 0, F: 1, E: 2, T: 3 };

const STEP_ATTRS = [
  'Id', 'Group', 'Name', 'StepType', 'Status', 'total_time', 'total_timeFormat', 'TSGuid', 'StepCausedUUTFailure',
  'StepCausedSequenceFailure', 'Start', 'StepErrorCode', 'ErrorCode', 'StepErrorCodeFormat', 'StepErrorMessage',
  'ErrorMessage', 'ReportText',
];
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

function worst(statuses: readonly StepStatus[]): StepStatus {
  return statuses.reduce<StepStatus>((w, s) => (SEVERITY[s] > SEVERITY[w] ? s : w), 'P');
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
  rc.unmapped(m, where, ['Name', 'NumericValue', 'NumericValueFormat', 'LowLimit', 'LowLimitFormat', 'HighLimit', 'HighLimitFormat', 'Units', 'CompOperator', 'Status']);
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
  return defined({
    name: rc.str(m, 'Name'), value, unit: rc.str(m, 'Units'), compOp: written, lowLimit: low, highLimit: high, status,
    valueFormat: rc.str(m, 'NumericValueFormat'), lowLimitFormat: lowFormat, highLimitFormat: highFormat,
  });
}

function stringMeas(rc: ReadContext, m: XNode, where: string): Json {
  rc.unmapped(m, where, ['Name', 'StringValue', 'StringLimit', 'CompOperator', 'Status']);
  const { written, op } = compOpOf(rc, m, where, 'string');
  const value = rc.str(m, 'StringValue') ?? m.text;
  const limit = rc.str(m, 'StringLimit');
  if (COMP_OPS[op].limits !== 'none' && limit === undefined) rc.error('CONVERT_ERR_MISSING_FIELD', m, where, `CompOperator ${op} needs a StringLimit`);
  let status = rc.status(m, 'Status', where);
  if (status === undefined) {
    status = evaluateString(op, value, limit);
    rc.warn(`Status missing: ${status === 'P' ? 'Passed' : 'Failed'}, computed from the limit`, m, where);
  }
  return defined({ name: rc.str(m, 'Name'), value, compOp: written, limit, status });
}

function booleanMeas(rc: ReadContext, m: XNode, where: string, stepStatus: StepStatus | undefined): Json {
  rc.unmapped(m, where, ['Name', 'Status']);
  let status = rc.status(m, 'Status', where);
  if (status === undefined) {
    status = stepStatus === 'F' ? 'F' : 'P';
    rc.warn(`Status missing: taken as ${status === 'P' ? 'Passed' : 'Failed'} from the step`, m, where);
  }
  return defined({ name: rc.str(m, 'Name'), status });
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
  rc.unmapped(c, where, ['ChartType', 'Label', 'XLabel', 'XUnit', 'YLabel', 'YUnit']);
  const raw = rc.text(c, 'ChartType');
  let chartType = raw ? CHART_TYPES[raw.toLowerCase()] : 'Line';
  if (!chartType) {
    rc.warn(`ChartType '${raw}' is not Line, LineLogXY, LineLogX or LineLogY: drawn as Line`, c, where);
    chartType = 'Line';
  }
  const series = rc.children(c, 'Series').map((s, i) => {
    const here = `${where}/Series[${i}]`;
    rc.unmapped(s, here, ['Name', 'DataType']);
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
  rc.unmapped(a, where, ['Name', 'ContentType']);
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
  const multi = (name: string) => count(name) > 1 || rc.child(el, name)?.attrs.Name !== undefined;
  if (count('NumericLimit') > 0) return multi('NumericLimit') ? 'ET_MNLT' : 'ET_NLT';
  if (count('StringValue') > 0) return multi('StringValue') ? 'ET_MSVT' : 'ET_SVT';
  if (count('PassFail') > 0) return multi('PassFail') ? 'ET_MPFT' : 'ET_PFT';
  if (rc.child(el, 'MessagePopup')) return 'MessagePopup';
  if (rc.child(el, 'Callexe', 'CallExe')) return 'CallExecutable';
  return 'Action';
}

/** One `Step` element (and its sub steps) as a WSJF step. */
export function readStep(rc: ReadContext, el: XNode, path: string, ids: StepIds): Json {
  const idAttr = rc.int(el, 'Id', path);
  const here = idAttr !== undefined ? `${rc.reportPath}/Step[Id=${idAttr}]` : path;
  rc.unmapped(el, here, STEP_ATTRS);
  for (const c of el.children) if (!STEP_CHILDREN.has(c.name)) rc.unmappedChild(c, here, c.name === 'AdditionalResults' ? 'has no defined WSJF mapping (free XML)' : undefined);

  let stepType = rc.text(el, 'StepType');
  // The type is kept as written: WATS itself stores ET_SVT steps with several measurements.
  if (!stepType) {
    stepType = inferredType(rc, el);
    rc.warn(`StepType missing: ${stepType}, from the step's content`, el, here);
  }
  const groupRaw = rc.text(el, 'Group');
  const group = groupRaw === undefined ? 'M' : GROUPS[groupRaw.toLowerCase()];
  if (!group) rc.error('CONVERT_ERR_VALUE', el, here, `Group '${groupRaw}' is not Main, Setup or Cleanup`);
  let name = rc.str(el, 'Name');
  if (name === undefined) {
    name = '';
    rc.warn('Name missing: the step is unnamed', el, here);
  }
  const fileStatus = rc.status(el, 'Status', here);
  const id = ids.take(idAttr, rc, el, here);
  const start = rc.text(el, 'Start');
  const step: Json = defined({
    id,
    group,
    stepType,
    name,
    status: fileStatus ?? 'P',
    totTime: rc.num(el, 'total_time', here),
    totTimeFormat: rc.str(el, 'total_timeFormat'),
    start: start ? readStepStart(rc, el, here, start) : undefined,
    causedUUTFailure: rc.bool(el, 'StepCausedUUTFailure', here),
    causedSeqFailure: rc.bool(el, 'StepCausedSequenceFailure', here),
    tsGuid: rc.text(el, 'TSGuid'),
    errorCode: rc.int(el, el.attrs.StepErrorCode !== undefined ? 'StepErrorCode' : 'ErrorCode', here),
    errorCodeFormat: rc.str(el, 'StepErrorCodeFormat'),
    errorMessage: rc.str(el, 'StepErrorMessage', 'ErrorMessage'),
  });
  if (step.causedUUTFailure === true) ids.causedFailure ??= id;
  const reportText = rc.attrOrChildText(el, 'ReportText');
  if (reportText !== undefined) step.reportText = reportText;
  const loopEl = rc.child(el, 'Loop');
  if (loopEl) {
    const w = `${here}/Loop`;
    rc.unmapped(loopEl, w, ['index', 'num', 'ending_index', 'passed', 'failed']);
    step.loop = defined({ idx: rc.int(loopEl, 'index', w), num: rc.int(loopEl, 'num', w), endingIndex: rc.int(loopEl, 'ending_index', w), passed: rc.int(loopEl, 'passed', w), failed: rc.int(loopEl, 'failed', w) });
  }

  const seqCalls = rc.children(el, 'SequenceCall');
  if (seqCalls.length > 1) rc.error('CONVERT_ERR_FORMAT', el, here, `has ${seqCalls.length} SequenceCall elements (one per step)`);
  if (seqCalls[0]) {
    const s = seqCalls[0];
    rc.unmapped(s, `${here}/SequenceCall`, ['Name', 'Version', 'Filepath']);
    step.seqCall = defined({ path: rc.str(s, 'Filepath') ?? rc.str(s, 'Filename'), name: rc.str(s, 'Name'), version: rc.str(s, 'Version') });
  }

  const measured: StepStatus[] = [];
  const numerics = rc.children(el, 'NumericLimit');
  const bools = rc.children(el, 'PassFail');
  const strings = rc.children(el, 'StringValue');
  const multi = MULTI_STEP_TYPES.has(stepType);
  if (numerics.length > 0) {
    const list = numerics.map((m, i) => numericMeas(rc, m, `${here}/NumericLimit[${i}]`));
    if (multi || list.length > 1) nameMeasurements(rc, list, numerics, here, 'Measurement');
    step.numericMeas = list;
    measured.push(...list.map((m) => m.status as StepStatus));
  }
  if (bools.length > 0) {
    const list = bools.map((m, i) => booleanMeas(rc, m, `${here}/PassFail[${i}]`, fileStatus));
    if (multi || list.length > 1) nameMeasurements(rc, list, bools, here, 'Measurement');
    step.booleanMeas = list;
    measured.push(...list.map((m) => m.status as StepStatus));
  }
  if (strings.length > 0) {
    const list = strings.map((m, i) => stringMeas(rc, m, `${here}/StringValue[${i}]`));
    if (multi || list.length > 1) nameMeasurements(rc, list, strings, here, 'Measurement');
    step.stringMeas = list;
    measured.push(...list.map((m) => m.status as StepStatus));
  }
  const popups = rc.children(el, 'MessagePopup');
  if (popups.length > 1) rc.error('CONVERT_ERR_FORMAT', el, here, `has ${popups.length} MessagePopup elements (one per step)`);
  if (popups[0]) {
    const w = `${here}/MessagePopup`;
    rc.unmapped(popups[0], w, ['Response', 'Button']);
    step.messagePopup = defined({ response: rc.str(popups[0], 'Response'), button: rc.int(popups[0], 'Button', w) });
  }
  const exes = rc.children(el, 'Callexe', 'CallExe');
  if (exes.length > 1) rc.error('CONVERT_ERR_FORMAT', el, here, `has ${exes.length} Callexe elements (one per step)`);
  if (exes[0]) {
    const w = `${here}/Callexe`;
    rc.unmapped(exes[0], w, ['ExitCode']);
    step.callExe = defined({ exitCode: rc.num(exes[0], 'ExitCode', w) });
  }
  const charts = rc.children(el, 'Chart');
  if (charts.length > 1) rc.error('CONVERT_ERR_FORMAT', el, here, `has ${charts.length} Chart elements (one per step)`);
  if (charts[0]) step.chart = chart(rc, charts[0], `${here}/Chart`);
  const attachments = rc.children(el, 'Attachment');
  if (attachments.length > 1) rc.error('CONVERT_ERR_FORMAT', el, here, `has ${attachments.length} Attachment elements (one per step)`);
  if (attachments[0]) step.attachment = attachment(rc, attachments[0], `${here}/Attachment`);

  const subs = rc.children(el, 'Step');
  const children: Json[] = [];
  if (subs.length > 0 || stepType === 'SequenceCall' || stepType === 'WATS_SeqCall') {
    subs.forEach((s, i) => children.push(readStep(rc, s, `${here}/Step[${i}]`, ids)));
    step.steps = children;
  }
  if (fileStatus === undefined) {
    // The status is required; without one, WSJF gets what the content says.
    let computed = worst(measured);
    for (const c of children) computed = raiseStatus(computed, c.status as StepStatus) as StepStatus;
    step.status = computed;
    rc.warn(`Status missing: ${computed}, computed from the step's ${children.length > 0 ? 'sub steps' : 'measurements'}`, el, here);
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
