import { obj, list, str, int, type Json } from '../../wsjf/json-read.js';
import { groupWord, numberText, statusWord } from './wsxf-codes.js';
import type { XmlOut } from './xml-tree.js';

/** What `GET /api/Report/Wsxf/{id}` may leave out. */
export interface WsxfWriteOptions {
  /** Write positional indexes (`Idx`, `MeasIndex`, misc info `idx`/`order_no`, chart `idx`). @default true */
  includeIndexes: boolean;
}

function basename(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

/** The measurement elements of a step, `MeasIndex` counted within the step from 1. */
function measurements(step: Json, opts: WsxfWriteOptions): XmlOut[] {
  let meas = 0;
  const index = () => (opts.includeIndexes ? ++meas : undefined);
  const out: XmlOut[] = [];
  const seqCall = obj(step.seqCall);
  if (seqCall) {
    const path = str(seqCall.path);
    out.push({
      name: 'SequenceCall',
      attrs: {
        MeasIndex: opts.includeIndexes ? 0 : undefined,
        Name: str(seqCall.name),
        Version: str(seqCall.version),
        Filename: path === undefined ? undefined : basename(path),
        Filepath: path,
      },
    });
  }
  for (const m of list(step.numericMeas)) {
    out.push({
      name: 'NumericLimit',
      attrs: {
        Name: str(m.name),
        NumericValue: numberText(m.value),
        HighLimit: numberText(m.highLimit),
        LowLimit: numberText(m.lowLimit),
        Units: str(m.unit),
        CompOperator: str(m.compOp),
        Status: statusWord(m.status),
        MeasIndex: index(),
      },
    });
  }
  for (const m of list(step.booleanMeas)) {
    out.push({ name: 'PassFail', attrs: { MeasIndex: index(), Name: str(m.name), Status: statusWord(m.status) } });
  }
  for (const m of list(step.stringMeas)) {
    out.push({
      name: 'StringValue',
      attrs: {
        Name: str(m.name),
        CompOperator: str(m.compOp),
        StringLimit: str(m.limit),
        StringValue: m.value === undefined || m.value === null ? undefined : String(m.value),
        Status: statusWord(m.status),
        MeasIndex: index(),
      },
    });
  }
  const popup = obj(step.messagePopup);
  if (popup) out.push({ name: 'MessagePopup', attrs: { MeasIndex: index(), Button: int(popup.button), Response: str(popup.response) } });
  const exe = obj(step.callExe);
  if (exe) out.push({ name: 'Callexe', attrs: { MeasIndex: index(), ExitCode: numberText(exe.exitCode) } });
  const chart = obj(step.chart);
  if (chart) {
    out.push({
      name: 'Chart',
      attrs: {
        idx: opts.includeIndexes ? 0 : undefined,
        ChartType: str(chart.chartType),
        Label: str(chart.label),
        XLabel: str(chart.xLabel),
        XUnit: str(chart.xUnit),
        YLabel: str(chart.yLabel),
        YUnit: str(chart.yUnit),
      },
      children: list(chart.series).map((s) => ({
        name: 'Series',
        attrs: { Name: str(s.name), DataType: str(s.dataType) },
        children: [
          ...(typeof s.ydata === 'string' ? [{ name: 'ydata', text: s.ydata }] : []),
          ...(typeof s.xdata === 'string' ? [{ name: 'xdata', text: s.xdata }] : []),
        ],
      })),
    });
  }
  const att = obj(step.attachment);
  if (att) {
    const data = str(att.data);
    out.push({
      name: 'Attachment',
      attrs: {
        Name: str(att.name),
        ContentType: str(att.contentType),
        Size: data === undefined ? undefined : Buffer.from(data, 'base64').length,
      },
      ...(data ? { text: data } : {}),
    });
  }
  return out;
}

/** One WSJF step (and its sub steps) as a WSXF `Step` element; `position` is 1-based among siblings. */
export function writeStep(step: Json, position: number, opts: WsxfWriteOptions): XmlOut {
  const children: XmlOut[] = [];
  if (typeof step.reportText === 'string') children.push({ name: 'ReportText', text: step.reportText });
  const loop = obj(step.loop);
  if (loop) {
    children.push({
      name: 'Loop',
      attrs: { index: int(loop.idx), num: int(loop.num), ending_index: int(loop.endingIndex), passed: int(loop.passed), failed: int(loop.failed) },
    });
  }
  children.push(...measurements(step, opts));
  list(step.steps).forEach((sub, i) => children.push(writeStep(sub, i + 1, opts)));
  const caused = step.causedUUTFailure;
  const causedSeq = step.causedSeqFailure;
  return {
    name: 'Step',
    attrs: {
      Id: int(step.id),
      Group: groupWord(step.group),
      Name: str(step.name),
      StepType: str(step.stepType),
      Status: statusWord(step.status),
      total_time: numberText(step.totTime),
      Start: str(step.start),
      TSGuid: str(step.tsGuid),
      Idx: opts.includeIndexes ? position : undefined,
      StepCausedUUTFailure: typeof caused === 'boolean' ? (caused ? 1 : 0) : undefined,
      StepCausedSequenceFailure: typeof causedSeq === 'boolean' ? (causedSeq ? 1 : 0) : undefined,
      StepErrorCode: int(step.errorCode),
      StepErrorMessage: str(step.errorMessage),
    },
    children,
  };
}
