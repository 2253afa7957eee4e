import {
  boolAttr,
  defined,
  doubleAttr,
  fail,
  groupLetter,
  intAttr,
  numberAttr,
  statusLetter,
  stringAttr,
  type XmlPath,
} from './wsxf-codes.js';
import { childNamed, childrenNamed, type XmlElement } from './xml-tree.js';

type Json = Record<string, unknown>;

/**
 * Step ids of one report: gives steps without an `Id` attribute the next free number (ids must
 * be unique), and remembers the first step that caused the UUT to fail.
 */
export class StepIds {
  private readonly used = new Set<number>();
  private next = 0;
  /** Id of the first step (depth-first) with `StepCausedUUTFailure="1"`. */
  causedFailure: number | undefined;

  /** Prefixes messages about steps that have an id: `Report[0]/Step[Id=6]`. */
  readonly reportPath: XmlPath;

  constructor(reportPath: XmlPath) {
    this.reportPath = reportPath;
  }

  take(id: number | undefined, path: XmlPath): number {
    if (id !== undefined) {
      if (this.used.has(id)) fail(path, `step Id ${id} is used twice`);
      this.used.add(id);
      return id;
    }
    while (this.used.has(this.next)) this.next++;
    this.used.add(this.next);
    return this.next;
  }
}

function numericMeas(el: XmlElement, path: XmlPath, named: boolean): Json {
  const name = stringAttr(el, 'Name');
  if (named && name === undefined) fail(path, 'NumericLimit needs a Name in a step with several measurements');
  return defined({
    compOp: stringAttr(el, 'CompOperator') || 'LOG',
    name,
    status: statusLetter(el.attrs.Status, path, 'Status') ?? 'P',
    unit: stringAttr(el, 'Units'),
    value: doubleAttr(el, 'NumericValue', path) ?? fail(path, 'NumericValue is required'),
    highLimit: doubleAttr(el, 'HighLimit', path),
    lowLimit: doubleAttr(el, 'LowLimit', path),
  });
}

function stringMeas(el: XmlElement, path: XmlPath, named: boolean): Json {
  const name = stringAttr(el, 'Name');
  if (named && name === undefined) fail(path, 'StringValue needs a Name in a step with several measurements');
  return defined({
    compOp: stringAttr(el, 'CompOperator') || 'LOG',
    name,
    status: statusLetter(el.attrs.Status, path, 'Status') ?? 'P',
    value: stringAttr(el, 'StringValue') ?? '',
    limit: stringAttr(el, 'StringLimit'),
  });
}

function booleanMeas(el: XmlElement, path: XmlPath, named: boolean): Json {
  const name = stringAttr(el, 'Name');
  if (named && name === undefined) fail(path, 'PassFail needs a Name in a step with several measurements');
  return defined({ name, status: statusLetter(el.attrs.Status, path, 'Status') ?? 'P' });
}

function chart(el: XmlElement, path: XmlPath): Json {
  return defined({
    chartType: stringAttr(el, 'ChartType') ?? 'Line',
    label: stringAttr(el, 'Label'),
    xLabel: stringAttr(el, 'XLabel'),
    xUnit: stringAttr(el, 'XUnit'),
    yLabel: stringAttr(el, 'YLabel'),
    yUnit: stringAttr(el, 'YUnit'),
    series: childrenNamed(el, 'Series').map((s, i) => {
      const ydata = childNamed(s, 'ydata')?.text.trim();
      if (!ydata) fail(`${path}/Series[${i}]`, 'ydata is required');
      return defined({
        dataType: stringAttr(s, 'DataType') ?? 'XYG',
        name: stringAttr(s, 'Name'),
        xdata: childNamed(s, 'xdata')?.text.trim(),
        ydata,
      });
    }),
  });
}

function loop(el: XmlElement, path: XmlPath): Json {
  return defined({
    idx: intAttr(el, 'index', path),
    num: intAttr(el, 'num', path),
    endingIndex: intAttr(el, 'ending_index', path),
    passed: intAttr(el, 'passed', path),
    failed: intAttr(el, 'failed', path),
  });
}

/** The step type WATS infers from a step's content when `StepType` is left out. */
function inferredType(el: XmlElement): string {
  const count = (name: string) => childrenNamed(el, name).length;
  if (childNamed(el, 'Chart')) return 'WATS_XYGMNLT';
  if (childNamed(el, 'Attachment')) return 'WATS_AttachFile';
  if (childNamed(el, 'SequenceCall')) return 'SequenceCall';
  const multi = (name: string) => count(name) > 1 || childNamed(el, name)?.attrs.Name !== undefined;
  if (count('NumericLimit') > 0) return multi('NumericLimit') ? 'ET_MNLT' : 'ET_NLT';
  if (count('StringValue') > 0) return multi('StringValue') ? 'ET_MSVT' : 'ET_SVT';
  if (count('PassFail') > 0) return multi('PassFail') ? 'ET_MPFT' : 'ET_PFT';
  if (childNamed(el, 'MessagePopup')) return 'MessagePopup';
  if (childNamed(el, 'Callexe', 'CallExe')) return 'CallExecutable';
  return 'Action';
}

const MULTI_TYPES = new Set(['ET_MNLT', 'ET_MSVT', 'ET_MPFT', 'WATS_XYGMNLT']);

/** One WSXF `Step` element (and its sub steps) as a WSJF step. */
export function readStep(el: XmlElement, path: XmlPath, ids: StepIds): Json {
  const idAttr = intAttr(el, 'Id', path);
  const here = idAttr !== undefined ? `${ids.reportPath}/Step[Id=${idAttr}]` : path;
  const stepType = stringAttr(el, 'StepType') || inferredType(el);
  const step: Json = defined({
    id: ids.take(idAttr, here),
    group: groupLetter(el.attrs.Group, here) ?? 'M',
    stepType,
    name: stringAttr(el, 'Name') ?? fail(here, 'Name is required'),
    status: statusLetter(el.attrs.Status, here, 'Status') ?? fail(here, 'Status is required'),
    totTime: numberAttr(el, 'total_time', here),
    causedUUTFailure: boolAttr(el, 'StepCausedUUTFailure', here),
    causedSeqFailure: boolAttr(el, 'StepCausedSequenceFailure', here),
    start: stringAttr(el, 'Start'),
    tsGuid: stringAttr(el, 'TSGuid') || undefined,
    errorCode: intAttr(el, el.attrs.StepErrorCode !== undefined ? 'StepErrorCode' : 'ErrorCode', here),
    errorMessage: stringAttr(el, 'StepErrorMessage', 'ErrorMessage'),
  });
  if (step.causedUUTFailure === true) ids.causedFailure ??= step.id as number;
  const reportText = childNamed(el, 'ReportText');
  if (reportText) step.reportText = reportText.text;
  const loopEl = childNamed(el, 'Loop');
  if (loopEl) step.loop = loop(loopEl, `${here}/Loop`);

  const seqCalls = childrenNamed(el, 'SequenceCall');
  if (seqCalls.length > 1) fail(here, `has ${seqCalls.length} SequenceCall elements`);
  if (seqCalls[0]) {
    const s = seqCalls[0];
    step.seqCall = defined({ path: stringAttr(s, 'Filepath', 'Filename'), name: stringAttr(s, 'Name'), version: stringAttr(s, 'Version') });
  }
  const named = MULTI_TYPES.has(stepType);
  const numerics = childrenNamed(el, 'NumericLimit');
  if (numerics.length > 0) step.numericMeas = numerics.map((m, i) => numericMeas(m, `${here}/NumericLimit[${i}]`, named && numerics.length > 1));
  const bools = childrenNamed(el, 'PassFail');
  if (bools.length > 0) step.booleanMeas = bools.map((m, i) => booleanMeas(m, `${here}/PassFail[${i}]`, named && bools.length > 1));
  const strings = childrenNamed(el, 'StringValue');
  if (strings.length > 0) step.stringMeas = strings.map((m, i) => stringMeas(m, `${here}/StringValue[${i}]`, named && strings.length > 1));
  const popup = childNamed(el, 'MessagePopup');
  if (popup) step.messagePopup = defined({ response: stringAttr(popup, 'Response'), button: intAttr(popup, 'Button', here) });
  const exe = childNamed(el, 'Callexe', 'CallExe');
  if (exe) step.callExe = defined({ exitCode: numberAttr(exe, 'ExitCode', here) });
  const charts = childrenNamed(el, 'Chart');
  if (charts.length > 1) fail(here, `has ${charts.length} Chart elements (one per step)`);
  if (charts[0]) step.chart = chart(charts[0], `${here}/Chart`);
  const attachments = childrenNamed(el, 'Attachment');
  if (attachments.length > 1) fail(here, `has ${attachments.length} Attachment elements (one per step)`);
  if (attachments[0]) {
    const a = attachments[0];
    const data = a.text.replace(/\s+/g, '');
    if (data !== '' && !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) fail(`${here}/Attachment`, 'the content is not base64');
    step.attachment = defined({
      name: stringAttr(a, 'Name') ?? fail(`${here}/Attachment`, 'Name is required'),
      contentType: stringAttr(a, 'ContentType') ?? 'application/octet-stream',
      data: data === '' ? undefined : data,
    });
  }
  const subs = childrenNamed(el, 'Step');
  if (subs.length > 0 || stepType === 'SequenceCall') {
    step.steps = subs.map((s, i) => readStep(s, `${here}/Step[${i}]`, ids));
  }
  return step;
}
