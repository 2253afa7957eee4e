/**
 * Reads the WATS Standard Text Format line by line into one draft per UUT: header fields,
 * misc infos, sub units, the step tree (sequence nesting, multi-measurement steps built from
 * continuation rows, charts) and the footer. Every draft keeps the line numbers it came from.
 *
 * Layout facts (WATS client documentation and Virinco's public C# converter): tab-separated;
 * `--Header-Start--`, `Key<TAB>Value` lines, `--Step-Data-Start--`, a column-title row, step
 * rows with 14 fixed columns, `--Step-Data-End--`, a footer (`UUTStatus`, `ErrorCode`,
 * `ErrorMessage`, `ExecutionTime`), `--UUT-End--` (also written `-- UUT-End--`); several UUTs
 * may follow each other in one file.
 */
import type { StepStatus } from '@tswats/sdk';
import { COMP_OPS, normalizeCompOp, type CompOp } from '@tswats/sdk';
import { ConversionError, type ConversionErrorCode } from '../errors.js';
import type { ConvertContext } from '../types.js';
import { parseWatsBool, parseWatsInt, parseWatsNumber, statusLetter, STATUS_WORDS, withoutControlChars } from '../wsxf/shared.js';

export const FORMAT = 'wstf';

/** The step-row columns, by position (the title row is informative only, as in the WATS client). */
export const COLUMNS = [
  'StepType', 'StepName', 'MeasureName', 'Value', 'LowLimit', 'HighLimit', 'CompOperator', 'Unit', 'StepStatus',
  'StepExecutionTime', 'StepReportText', 'StepErrorCode', 'StepErrorMessage', 'CausedSequenceFailure',
] as const;
const C = Object.fromEntries(COLUMNS.map((c, i) => [c, i])) as Record<(typeof COLUMNS)[number], number>;

export type TestKind = 'numeric' | 'passfail' | 'string';

export interface MeasDraft {
  line: number;
  name: string | undefined;
  /** Numeric: number or "NaN"-style string; string: the text. */
  value: number | string;
  passed?: boolean;
  unit?: string;
  compOp: CompOp;
  lowLimit?: number | string;
  highLimit?: number | string;
  limit?: string;
  /** As written in the file; undefined when the row has none. */
  status: StepStatus | undefined;
}

export interface ChartDraft {
  line: number;
  chartType: 'Line' | 'LineLogXY' | 'LineLogX' | 'LineLogY';
  label?: string;
  yUnit?: string;
  yLabel?: string;
  xUnit?: string;
  xLabel?: string;
  series: { name: string; dataType: string; y: string; x?: string }[];
}

interface StepCommon {
  line: number;
  name: string;
  status: StepStatus | undefined;
  totTime?: number;
  reportText?: string;
  errorCode?: number;
  errorMessage?: string;
  causedSeqFailure?: boolean;
  chart?: ChartDraft;
}

export interface TestDraft extends StepCommon {
  type: 'test';
  kind: TestKind;
  meas: MeasDraft[];
  /** The first row named its measurement (or continuation rows followed): a multi step. */
  multi: boolean;
}

export interface ActionDraft extends StepCommon {
  type: 'action';
}

/** A sequence call; an EndSequenceCall row's status, time and text override the opening row's. */
export interface SeqDraft extends StepCommon {
  type: 'seq';
  children: StepDraft[];
}

export type StepDraft = TestDraft | ActionDraft | SeqDraft;

export interface UutDraft {
  /** 0-based place in the file. */
  index: number;
  /** Line of `--Header-Start--`. */
  line: number;
  fields: Map<string, { value: string; line: number }>;
  misc: { description: string; text: string; line: number }[];
  subUnits: { partType: string; pn: string; sn: string; rev: string | undefined; line: number }[];
  root: SeqDraft;
  /** True when `--UUT-End--` was read. */
  ended: boolean;
}

/** Header keys with a meaning of their own (any other key becomes a misc info). */
export const HEADER_KEYS = [
  'SerialNumber', 'PartNumber', 'Revision', 'OperationTypeName', 'OperationTypeCode', 'UUTStatus', 'ErrorCode',
  'ErrorMessage', 'StartDateTime', 'UTCStartDateTime', 'ExecutionTime', 'StationName', 'OperatorName',
  'TestSocketIndex', 'FixtureId', 'SoftwareName', 'SoftwareVersion', 'BatchSerialNumber', 'Comment', 'ConverterMode',
] as const;
const HEADER_KEY_BY_LOWER = new Map<string, string>(HEADER_KEYS.map((k) => [k.toLowerCase(), k]));
const FOOTER_KEYS = new Set(['UUTStatus', 'ErrorCode', 'ErrorMessage', 'ExecutionTime']);

const STEP_TYPES: Readonly<Record<string, string>> = {
  sequencecall: 'SequenceCall', endsequencecall: 'EndSequenceCall', numericlimittest: 'NumericLimitTest',
  passfailtest: 'PassFailTest', stringvaluetest: 'StringValueTest', actionstep: 'ActionStep', chart: 'Chart',
  series: 'Series', multiplenumericlimittest: 'MultipleNumericLimitTest', endmultiplenumericlimittest: 'EndMultipleNumericLimitTest',
  multiplestringvaluetest: 'MultipleStringValueTest', endmultiplestringvaluetest: 'EndMultipleStringValueTest',
};
const KIND_OF: Readonly<Record<string, TestKind>> = {
  NumericLimitTest: 'numeric', MultipleNumericLimitTest: 'numeric', PassFailTest: 'passfail',
  StringValueTest: 'string', MultipleStringValueTest: 'string',
};
const CHART_TYPES: Readonly<Record<string, ChartDraft['chartType']>> = { line: 'Line', linelogxy: 'LineLogXY', linelogx: 'LineLogX', linelogy: 'LineLogY' };
const MAX_SERIES = 10;
const MAX_SERIES_POINTS = 10_000;

type Marker = 'header' | 'steps' | 'stepsEnd' | 'uutEnd';

function marker(cell: string): Marker | undefined {
  if (!cell.startsWith('-')) return undefined;
  const m = cell.replace(/\s+/g, '').toLowerCase();
  if (m === '--header-start--') return 'header';
  if (m === '--step-data-start--') return 'steps';
  if (m === '--step-data-end--') return 'stepsEnd';
  if (m === '--uut-end--') return 'uutEnd';
  return undefined;
}

/** Splits a line into trimmed cells without trailing empty ones. */
function cells(line: string): string[] {
  const out = line.split('\t').map((c) => c.trim());
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

class Reader {
  readonly ctx: ConvertContext;
  readonly file: string;
  private warnedOnce = new Set<string>();
  /** `UUT 2` while reading the second UUT, for warnings. */
  uut: string | undefined;

  constructor(ctx: ConvertContext, file: string) {
    this.ctx = ctx;
    this.file = file;
  }

  fail(code: ConversionErrorCode, line: number, reason: string, column?: string): never {
    throw new ConversionError({ code, file: this.file, format: FORMAT, position: { line, ...(column ? { element: column } : {}) }, reason });
  }

  warn(line: number, message: string, once?: string): void {
    if (once) {
      if (this.warnedOnce.has(once)) return;
      this.warnedOnce.add(once);
    }
    this.ctx.warn(message, { line, ...(this.uut ? { element: this.uut } : {}) });
  }

  number(line: number, column: string, text: string | undefined): number | string | undefined {
    const v = parseWatsNumber(text);
    if (v === null) this.fail('CONVERT_ERR_VALUE', line, `${column} '${text}' is not a number${text?.includes(',') ? " (the decimal separator is '.')" : ''}`, column);
    return v;
  }

  finite(line: number, column: string, text: string | undefined): number | undefined {
    const v = this.number(line, column, text);
    if (typeof v === 'string') this.fail('CONVERT_ERR_VALUE', line, `${column} '${text}' must be a finite number`, column);
    return v;
  }

  int(line: number, column: string, text: string | undefined): number | undefined {
    const v = parseWatsInt(text);
    if (v === null) this.fail('CONVERT_ERR_VALUE', line, `${column} '${text}' is not a whole number`, column);
    return v;
  }

  status(line: number, column: string, text: string | undefined): StepStatus | undefined {
    const v = statusLetter(text);
    if (v === null) this.fail('CONVERT_ERR_VALUE', line, `${column} '${text}' is not one of ${STATUS_WORDS}`, column);
    return v;
  }
}

/** Reads the whole text; yields one draft per UUT, in file order. */
export function* readUuts(text: string, ctx: ConvertContext, file: string): Generator<UutDraft> {
  const r = new Reader(ctx, file);
  const lines = text.split(/\r\n|\n|\r/);
  let state: 'outside' | 'header' | 'steps' | 'footer' = 'outside';
  let uut: UutDraft | undefined;
  let index = 0;
  let steps: StepBuilder | undefined;

  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let raw = lines[i]!;
    if (i === 0) raw = raw.replace(/^\uFEFF/, '');
    const clean = withoutControlChars(raw);
    if (clean.removed > 0) {
      r.warn(line, `${clean.removed} control character${clean.removed === 1 ? '' : 's'} removed (XML cannot carry them)`);
      raw = clean.text;
    }
    const c = cells(raw);
    if (c.length === 0) continue;
    const m = marker(c[0]!);

    if (m === 'header') {
      if (state !== 'outside') {
        r.fail('CONVERT_ERR_TRUNCATED', line, `--Header-Start-- before the UUT that began on line ${uut!.line} ended (--UUT-End-- missing)`);
      }
      r.uut = `UUT ${index + 1}`;
      uut = { index: index++, line, fields: new Map(), misc: [], subUnits: [], root: { type: 'seq', line, name: '', status: undefined, children: [] }, ended: false };
      state = 'header';
      continue;
    }
    if (state === 'outside') {
      if (m === 'uutEnd' || m === 'steps' || m === 'stepsEnd') r.fail('CONVERT_ERR_FORMAT', line, `${c[0]} without --Header-Start--`);
      r.warn(line, `text outside a UUT (before --Header-Start--): ignored`);
      continue;
    }
    if (m === 'steps') {
      if (state !== 'header') r.fail('CONVERT_ERR_FORMAT', line, '--Step-Data-Start-- outside the header');
      state = 'steps';
      steps = new StepBuilder(r, uut!.root);
      continue;
    }
    if (m === 'stepsEnd') {
      if (state !== 'steps') r.fail('CONVERT_ERR_FORMAT', line, '--Step-Data-End-- without --Step-Data-Start--');
      steps!.end(line);
      state = 'footer';
      continue;
    }
    if (m === 'uutEnd') {
      if (state === 'steps') {
        r.warn(line, '--UUT-End-- inside the step data (--Step-Data-End-- missing): the step data end here');
        steps!.end(line);
      }
      uut!.ended = true;
      yield uut!;
      uut = undefined;
      steps = undefined;
      state = 'outside';
      r.uut = undefined;
      continue;
    }
    if (state === 'header' || state === 'footer') readKeyValue(r, uut!, c, line, state);
    else steps!.row(c, line);
  }

  if (state === 'header' || state === 'steps') {
    r.fail('CONVERT_ERR_TRUNCATED', lines.length, `the file ends inside the ${state === 'header' ? 'header' : 'step data'} of the UUT that began on line ${uut!.line}; it looks truncated`);
  }
  if (state === 'footer') {
    r.warn(lines.length, `the file ends without --UUT-End-- after the UUT that began on line ${uut!.line}: converted anyway`);
    yield uut!;
  }
}

function readKeyValue(r: Reader, uut: UutDraft, c: string[], line: number, state: 'header' | 'footer'): void {
  const key = c[0]!;
  if (key.toLowerCase() === 'subunit') {
    // Subunit<TAB>PartType<TAB>PartNumber<TAB>SerialNumber<TAB>Revision
    const [, partType = '', pn = '', sn = '', rev] = c;
    if (pn === '' || sn === '') r.fail('CONVERT_ERR_MISSING_FIELD', line, 'a Subunit line needs a part number (column 3) and a serial number (column 4)');
    uut.subUnits.push({ partType, pn, sn, rev: rev || undefined, line });
    return;
  }
  const known = HEADER_KEY_BY_LOWER.get(key.toLowerCase());
  if (c.length < 2) {
    if (!known) r.warn(line, `"${key}" has no value (no tab): ignored`);
    return;
  }
  if (c.length > 2) r.warn(line, `${key}: ${c.length - 2} extra column${c.length > 3 ? 's' : ''} after the value ignored`);
  const value = c[1]!;
  if (known && (state === 'header' || FOOTER_KEYS.has(known))) {
    if (value === '') return;
    const before = uut.fields.get(known);
    if (before && before.value !== value && known !== 'UUTStatus') r.warn(line, `${known} given again ("${before.value}" on line ${before.line}): the later "${value}" is used`);
    uut.fields.set(known, { value, line });
    return;
  }
  uut.misc.push({ description: key, text: value, line });
}

/** Builds the step tree from step rows. */
class StepBuilder {
  private readonly r: Reader;
  private readonly stack: SeqDraft[];
  /** The step the previous row made or extended (charts attach to it). */
  private current: StepDraft | undefined;
  private titleSeen = false;

  constructor(r: Reader, root: SeqDraft) {
    this.r = r;
    this.stack = [root];
  }

  private get seq(): SeqDraft {
    return this.stack[this.stack.length - 1]!;
  }

  end(line: number): void {
    while (this.stack.length > 1) {
      const open = this.stack.pop()!;
      this.r.warn(line, `SequenceCall "${open.name}" (line ${open.line}) has no EndSequenceCall: closed at the end of the step data`);
    }
  }

  row(c: string[], line: number): void {
    const typeCell = c[0]!;
    if (typeCell === 'StepType') {
      // The column-title row (the WATS client skips it wherever it appears).
      if (this.titleSeen) return;
      this.titleSeen = true;
      const differs = COLUMNS.some((name, i) => c[i] !== undefined && c[i] !== name);
      if (differs) this.r.warn(line, `the column titles differ from the standard ${COLUMNS.join(', ')}: columns are read by position`);
      return;
    }
    const type = STEP_TYPES[typeCell.toLowerCase()];
    if (!type) this.r.fail('CONVERT_ERR_FORMAT', line, `'${typeCell}' is not a WSTF step type (SequenceCall, EndSequenceCall, NumericLimitTest, PassFailTest, StringValueTest, ActionStep, Chart, Series)`, 'StepType');
    const cell = (name: keyof typeof C) => c[C[name]] ?? '';
    const name = cell('StepName');

    switch (type) {
      case 'SequenceCall': {
        const seq: SeqDraft = { type: 'seq', line, name, status: this.r.status(line, 'StepStatus', cell('StepStatus')), children: [] };
        this.general(seq, c, line);
        this.seq.children.push(seq);
        this.stack.push(seq);
        this.current = seq;
        return;
      }
      case 'EndSequenceCall': {
        if (this.stack.length === 1) this.r.fail('CONVERT_ERR_FORMAT', line, 'EndSequenceCall without an open SequenceCall');
        const seq = this.seq;
        if (name !== '' && name !== seq.name) this.r.fail('CONVERT_ERR_FORMAT', line, `EndSequenceCall "${name}" does not close the open SequenceCall "${seq.name}" (line ${seq.line})`, 'StepName');
        const status = this.r.status(line, 'StepStatus', cell('StepStatus'));
        if (status !== undefined) seq.status = status;
        this.general(seq, c, line, true);
        this.stack.pop();
        this.current = seq;
        return;
      }
      case 'ActionStep': {
        const action: ActionDraft = { type: 'action', line, name, status: this.r.status(line, 'StepStatus', cell('StepStatus')) };
        this.general(action, c, line);
        this.seq.children.push(action);
        this.current = action;
        return;
      }
      case 'Chart':
        return this.chart(c, line);
      case 'Series':
        return this.series(c, line);
      case 'EndMultipleNumericLimitTest':
      case 'EndMultipleStringValueTest':
        this.r.warn(line, `${type} read as the end of the current multi-measurement step`, type);
        this.current = undefined;
        return;
      default:
        return this.test(type, KIND_OF[type]!, c, line);
    }
  }

  /** Execution time, report text, error code/message, caused-sequence-failure of a row. */
  private general(step: StepDraft, c: string[], line: number, override = false): void {
    const cell = (name: keyof typeof C) => c[C[name]] ?? '';
    const time = this.r.finite(line, 'StepExecutionTime', cell('StepExecutionTime'));
    if (time !== undefined) step.totTime = override || step.totTime === undefined ? time : step.totTime + time;
    const text = cell('StepReportText');
    if (text !== '') {
      if (override || step.reportText === undefined) step.reportText = text;
      else if (!step.reportText.split('\n').includes(text)) step.reportText = `${step.reportText}\n${text}`;
    }
    const code = this.r.int(line, 'StepErrorCode', cell('StepErrorCode'));
    if (code !== undefined) {
      if (step.errorCode !== undefined && step.errorCode !== code && !override) this.r.warn(line, `StepErrorCode ${code} differs from ${step.errorCode} given earlier for the step: ${step.errorCode} kept`);
      else step.errorCode = code;
    }
    const message = cell('StepErrorMessage');
    if (message !== '') {
      if (step.errorMessage !== undefined && step.errorMessage !== message && !override) step.errorMessage = `${step.errorMessage}\n${message}`;
      else step.errorMessage = message;
    }
    const caused = parseWatsBool(cell('CausedSequenceFailure'));
    if (caused === null) this.r.fail('CONVERT_ERR_VALUE', line, `CausedSequenceFailure '${cell('CausedSequenceFailure')}' is not True or False`, 'CausedSequenceFailure');
    if (caused !== undefined) step.causedSeqFailure = override ? caused : step.causedSeqFailure === true || caused;
  }

  private test(type: string, kind: TestKind, c: string[], line: number): void {
    if (type.startsWith('Multiple')) this.r.warn(line, `${type} read as a ${kind === 'numeric' ? 'NumericLimitTest' : 'StringValueTest'} row of a multi-measurement step`, type);
    const cell = (name: keyof typeof C) => c[C[name]] ?? '';
    const name = cell('StepName');
    const measureName = cell('MeasureName') || undefined;
    const meas = this.measurement(kind, c, line, measureName);
    const cur = this.current;
    const continues = cur !== undefined && cur.type === 'test' && cur.kind === kind && this.seq.children[this.seq.children.length - 1] === cur && (name === '' || name === cur.name);
    if (continues) {
      const step = cur as TestDraft;
      if (measureName === undefined) {
        meas.name = step.name;
        this.r.warn(line, `a further ${type} row for "${step.name}" without a MeasureName: the measurement is named after the step`);
      }
      if (!step.multi) {
        step.multi = true;
        if (step.meas[0]!.name === undefined) step.meas[0]!.name = step.name;
      }
      step.meas.push(meas);
      this.general(step, c, line);
      return;
    }
    let stepName = name;
    if (name === '' && measureName !== undefined) {
      stepName = measureName;
      this.r.warn(line, `a ${type} row without a StepName that continues no ${type} step: a new step named "${measureName}"`);
    }
    const step: TestDraft = { type: 'test', kind, line, name: stepName, status: undefined, meas: [meas], multi: measureName !== undefined || type.startsWith('Multiple') };
    if (step.multi && meas.name === undefined) meas.name = stepName;
    this.general(step, c, line);
    this.seq.children.push(step);
    this.current = step;
  }

  private measurement(kind: TestKind, c: string[], line: number, name: string | undefined): MeasDraft {
    const cell = (col: keyof typeof C) => c[C[col]] ?? '';
    const status = this.r.status(line, 'StepStatus', cell('StepStatus'));
    const opText = cell('CompOperator');
    if (kind === 'passfail') {
      const text = cell('Value');
      const v = /^(true|1|pass|passed|ok|yes)$/i.test(text) ? true : /^(false|0|fail|failed|ng|no)$/i.test(text) ? false : undefined;
      if (v === undefined && text !== '') this.r.fail('CONVERT_ERR_VALUE', line, `Value '${text}' is not TRUE or FALSE`, 'Value');
      if (v === undefined && status === undefined) this.r.fail('CONVERT_ERR_MISSING_FIELD', line, 'a PassFailTest row needs a Value (TRUE/FALSE) or a StepStatus', 'Value');
      return { line, name, value: '', passed: v ?? status === 'P', compOp: 'LOG', status };
    }
    const op = this.compOp(line, opText, kind);
    if (kind === 'string') {
      const limit = cell('LowLimit');
      if (cell('HighLimit') !== '') this.r.warn(line, 'HighLimit of a StringValueTest is not used (the limit is the LowLimit column): ignored', 'string-high');
      let compOp = op;
      if (opText === '' && limit !== '') {
        this.r.warn(line, 'a string limit without a CompOperator: logged (LOG), limit kept');
        compOp = 'LOG';
      }
      if (COMP_OPS[compOp].limits !== 'none' && limit === '') this.r.fail('CONVERT_ERR_MISSING_FIELD', line, `CompOperator ${compOp} needs a string limit (LowLimit column)`, 'LowLimit');
      return { line, name, value: cell('Value'), compOp, ...(limit !== '' ? { limit } : {}), status };
    }
    let value = this.r.number(line, 'Value', cell('Value'));
    if (value === undefined) {
      value = 'NaN';
      this.r.warn(line, 'a NumericLimitTest row without a Value: recorded as NaN');
    }
    let low = this.r.number(line, 'LowLimit', cell('LowLimit'));
    let high = this.r.number(line, 'HighLimit', cell('HighLimit'));
    const needs = COMP_OPS[op].limits;
    if (opText === '' && (low !== undefined || high !== undefined)) this.r.warn(line, 'limits without a CompOperator: kept, compared as LOG');
    if (needs === 'low') {
      // The WATS client passes the LowLimit column as the one limit of EQ NE GT GE LT LE.
      if (low === undefined && high !== undefined) {
        this.r.warn(line, `${op} has its limit only in HighLimit: used as the limit (lowLimit)`);
        low = high;
      } else if (low !== undefined && high !== undefined && String(low) !== String(high)) {
        this.r.warn(line, `${op} uses the LowLimit column only: HighLimit ${String(high)} dropped`);
      }
      if (low === undefined) this.r.fail('CONVERT_ERR_MISSING_FIELD', line, `CompOperator ${op} needs a limit (LowLimit)`, 'LowLimit');
      high = undefined;
    } else if (needs === 'both' && (low === undefined || high === undefined)) {
      this.r.fail('CONVERT_ERR_MISSING_FIELD', line, `CompOperator ${op} needs LowLimit and HighLimit`, low === undefined ? 'LowLimit' : 'HighLimit');
    }
    const unit = cell('Unit');
    return { line, name, value, ...(unit !== '' ? { unit } : {}), compOp: op, ...(low !== undefined ? { lowLimit: low } : {}), ...(high !== undefined ? { highLimit: high } : {}), status };
  }

  private compOp(line: number, text: string, kind: TestKind): CompOp {
    if (text === '') return 'LOG';
    const op = normalizeCompOp(text);
    if (!op) this.r.fail('CONVERT_ERR_VALUE', line, `CompOperator '${text}' is not a comparison operator`, 'CompOperator');
    const k = kind === 'string' ? 'string' : 'numeric';
    if (!COMP_OPS[op][k]) this.r.fail('CONVERT_ERR_VALUE', line, `CompOperator ${op} is not valid on a ${k} measurement`, 'CompOperator');
    return op;
  }

  private chart(c: string[], line: number): void {
    const step = this.current;
    if (!step) this.r.fail('CONVERT_ERR_FORMAT', line, 'a Chart row must follow the step it belongs to');
    if (step.chart) this.r.fail('CONVERT_ERR_FORMAT', line, `step "${step.name}" already has a chart (line ${step.chart.line}); one chart per step`);
    // Chart<TAB>ChartType<TAB>Label<TAB>YUnit<TAB>YLabel<TAB>XUnit<TAB>XLabel
    const [, typeText = '', label, yUnit, yLabel, xUnit, xLabel] = c;
    let chartType = CHART_TYPES[typeText.toLowerCase()];
    if (!chartType) {
      if (typeText !== '') this.r.warn(line, `chart type '${typeText}' is not Line, LineLogXY, LineLogX or LineLogY: drawn as Line`);
      chartType = 'Line';
    }
    const chart: ChartDraft = { line, chartType, series: [] };
    if (label) chart.label = label;
    if (yUnit) chart.yUnit = yUnit;
    if (yLabel) chart.yLabel = yLabel;
    if (xUnit) chart.xUnit = xUnit;
    if (xLabel) chart.xLabel = xLabel;
    step.chart = chart;
  }

  private series(c: string[], line: number): void {
    const chart = this.current?.chart;
    if (!chart) this.r.fail('CONVERT_ERR_FORMAT', line, 'a Series row must follow a Chart row');
    // Series<TAB>PlotName<TAB>DataType<TAB>YData<TAB>XData
    const [, name = '', dataType = '', yText = '', xText = ''] = c;
    if (dataType !== '' && dataType.toUpperCase() !== 'XYG') this.r.fail('CONVERT_ERR_VALUE', line, `series data type '${dataType}' is not XYG`, 'MeasureName');
    if (yText === '') this.r.fail('CONVERT_ERR_MISSING_FIELD', line, 'a Series row needs Y data (column 4, values separated by ;)');
    const y = this.seriesData(line, 'YData', yText);
    const x = xText === '' ? undefined : this.seriesData(line, 'XData', xText);
    if (x && x.length !== y.length) this.r.fail('CONVERT_ERR_VALUE', line, `the series has ${y.length} Y values but ${x.length} X values`);
    if (chart.series.length >= MAX_SERIES) {
      this.r.warn(line, `chart already has ${MAX_SERIES} series (the most WATS shows): series "${name}" skipped`);
      return;
    }
    chart.series.push({ name, dataType: 'XYG', y: y.join(';'), ...(x ? { x: x.join(';') } : {}) });
  }

  private seriesData(line: number, column: string, text: string): string[] {
    let t = text;
    if (t.includes(',') && !t.includes('.')) {
      this.r.warn(line, `${column} uses ',' as the decimal separator: read as '.'`, `comma-${line}`);
      t = t.replace(/,/g, '.');
    }
    const parts = t.split(';').map((s) => s.trim());
    if (parts[parts.length - 1] === '') parts.pop();
    if (parts.length > MAX_SERIES_POINTS) this.r.fail('CONVERT_ERR_VALUE', line, `${column} has ${parts.length} values; at most ${MAX_SERIES_POINTS}`, column);
    return parts.map((p) => {
      const v = parseWatsNumber(p);
      if (v === undefined || v === null) this.r.fail('CONVERT_ERR_VALUE', line, `${column} value '${p}' is not a number`, column);
      return String(v);
    });
  }
}
