/**
 * Writes TestStand XML the way TestStand's report generator does (the structure of the real
 * samples in fixtures/teststand-xml: `<Prop Name Type Flags>` trees, `<Value>` scalars, arrays of
 * `<Value ID='[i]'>`, unnamed `TEResult` results), for tests of cases the samples do not show.
 */

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function prop(name: string | undefined, type: string, inner: string, extraAttrs = ''): string {
  return `<Prop${name === undefined ? '' : ` Name='${name}'`} Type='${type}'${extraAttrs} Flags='0x0'>\n${inner}</Prop>\n`;
}
export const s = (name: string, v: string): string => prop(name, 'String', `<Value>${esc(v)}</Value>\n`);
export const n = (name: string, v: number | string): string => prop(name, 'Number', `<Value>${v}</Value>\n`);
export const b = (name: string, v: boolean): string => prop(name, 'Boolean', `<Value>${v ? 'True' : 'False'}</Value>\n`);
export const obj = (name: string | undefined, ...members: string[]): string => prop(name, 'Obj', members.join(''));

/** An array property of objects (or scalars when `scalar` is set). */
export function array(name: string, elements: string[], typeName = '', scalar = false): string {
  const proto = typeName ? `<ArrayElementPrototype Type='Obj' TypeName='${typeName}' Flags='0x0'>\n</ArrayElementPrototype>\n` : '';
  const hb = elements.length ? `[${elements.length - 1}]` : '[]';
  const values = elements.map((e, i) => `<Value ID='[${i}]'>${scalar ? e : `\n${e}`}</Value>\n`).join('');
  return prop(name, 'Array', proto + values, ` LBound='[0]' HBound='${hb}' ElementType='${scalar ? 'Number' : 'Obj'}'`);
}

export interface StepSpec {
  name: string;
  type: string;
  status: string;
  group?: string;
  /** Result properties beyond Status/Error/ReportText/TS (Numeric, Limits, Comp, PassFail, ...). */
  result?: string;
  /** Properties added to TS (SequenceCall, NumLoops, ...). */
  ts?: string;
  error?: { code: number; msg: string };
  reportText?: string;
  totalTime?: number;
  /** TS.Id, the result id (the failure chain refers to it). @default 8 */
  id?: number;
}

export function step(spec: StepSpec): string {
  const err = obj('Error', n('Code', spec.error?.code ?? 0), s('Msg', spec.error?.msg ?? ''), b('Occurred', spec.error !== undefined));
  const ts = obj('TS',
    n('StartTime', 147.9), n('TotalTime', spec.totalTime ?? 0.001), n('Index', 0),
    s('StepName', spec.name), s('StepGroup', spec.group ?? 'Main'), s('StepId', 'ID#:abcdefghijklmnopqrstuv'), n('Id', spec.id ?? 8),
    s('StepType', spec.type), n('BlockLevel', 0), spec.ts ?? '');
  return prop(undefined, 'TEResult', err + s('Status', spec.status) + (spec.result ?? '') + s('ReportText', spec.reportText ?? '') + prop('Common', 'Obj', '', " TypeName='CommonResults'") + ts);
}

export function sequence(name: string, status: string, children: string[], seqName = name, group = 'Main'): string {
  const call = obj('SequenceCall',
    array('ResultList', children, ''),
    s('SequenceFile', 'C:\\Tests\\Board.seq'), s('SequenceFileVersion', '1.2.3.4'), s('Sequence', seqName), s('Status', status), n('ThreadId', 6));
  return step({ name, type: 'SequenceCall', status, group, ts: call });
}

/** A numeric limit result: `Numeric`, `Units`, `Limits` (Low/High when given), `Comp`. */
export function numeric(value: number | string, comp: string, low?: number, high?: number, units = 'V'): string {
  const limits = obj('Limits', low === undefined ? '' : n('Low', low), high === undefined ? '' : n('High', high));
  return n('Numeric', value) + (units ? s('Units', units) : '') + limits + s('Comp', comp);
}

/** One NI_LimitMeasurement element of a Multiple Numeric Limit Test. */
export function limitMeasurement(name: string, data: number, comp: string, status: string, low?: number, high?: number, units = 'V'): string {
  return prop(name, 'Obj', obj('Limits', low === undefined ? '' : n('Low', low), high === undefined ? '' : n('High', high)) + s('Units', units) + s('Comp', comp) + n('Data', data) + s('Status', status), " TypeName='NI_LimitMeasurement'");
}

export interface ReportSpec {
  sn: string;
  result?: string;
  type?: string;
  /** [year, month, day] */
  date?: [number, number, number];
  /** [hours, minutes, seconds, ms] */
  time?: [number, number, number, number];
  steps?: string[];
  rootStatus?: string;
  uutExtra?: string;
  stationExtra?: string;
  partNumber?: string;
  dateText?: string;
  errorText?: string;
  stepCount?: number;
  /** Leave the main TEResult out. */
  noResults?: boolean;
}

export function report(r: ReportSpec): string {
  const [y, mo, d] = r.date ?? [2024, 1, 15];
  const [h, mi, se, ms] = r.time ?? [9, 30, 5, 250];
  const uut = obj('UUT', s('SerialNumber', r.sn), n('UUTLoopIndex', 1), s('BatchSerialNumber', ''), n('TestSocketIndex', -1), s('PartNumber', r.partNumber ?? ''), prop('AdditionalData', 'Obj', ''), r.uutExtra ?? '');
  const options = obj('ReportOptions', b('IncludeLimits', true), s('NumericFormat', '%$.13g'));
  const startTime = prop('StartTime', 'Obj', s('Text', `${h}:${mi}:${se}`) + n('Hours', h) + n('Minutes', mi) + n('Seconds', se) + n('Milliseconds', ms), " TypeName='TimeDetails'");
  const startDate = prop('StartDate', 'Obj', s('Text', r.dateText ?? `Monday, ${mo}/${d}/${y}`) + s('ShortText', r.dateText ?? `${mo}/${d}/${y}`) + n('Year', y) + n('Month', mo) + n('MonthDay', d) + n('WeekDay', 1), " TypeName='DateDetails'");
  const station = obj('StationInfo', s('StationID', 'FCT-07'), s('LoginName', 'kari'), prop('AdditionalData', 'Obj', ''), r.stationExtra ?? '');
  const steps = r.steps ?? [];
  const main = r.noResults ? '' : prop(undefined, 'TEResult', obj('TS',
    obj('SequenceCall', array('ResultList', steps), s('SequenceFile', 'C:\\Tests\\Board.seq'), s('SequenceFileVersion', '1.2.3.4'), s('Sequence', 'MainSequence'), s('Status', r.rootStatus ?? r.result ?? 'Passed'), n('ThreadId', 6)),
    n('StartTime', 141.9), n('TotalTime', 6.25), n('ModuleTime', 6.2), n('Index', 10), s('StepName', 'MainSequence Callback'), s('StepGroup', 'Main'), s('StepId', 'ID#:xnW0PT0ORE2el7wF7uaxyB'), n('Id', 5), s('StepType', 'SequenceCall'), n('BlockLevel', 1),
  ) + obj('Error', n('Code', 0), s('Msg', ''), b('Occurred', false)) + s('Status', r.rootStatus ?? r.result ?? 'Passed') + s('ReportText', ''));
  const attrs = `Type='${r.type ?? 'UUT'}' Title='UUT Report' Link='-1-2024'${r.result === undefined ? '' : ` UUTResult='${r.result}'`}${r.stepCount === undefined ? '' : ` StepCount='${r.stepCount}'`}`;
  const errorText = r.errorText === undefined ? '' : `<ErrorText>${esc(r.errorText)}</ErrorText>\n`;
  return `<Report ${attrs}>\n${uut}${options}${startTime}${startDate}${station}${main}${errorText}</Report>\n`;
}

export function reportsFile(...reports: string[]): string {
  return `<?xml version="1.0" encoding="iso-8859-1" ?><?xml-stylesheet type="text/xsl" href="C:\\Program Files\\National Instruments\\TestStand 2021\\Components\\Models\\TestStandModels\\StyleSheets\\horizontal.xsl"?>\n\n<Reports>\n${reports.join('')}</Reports>\n`;
}

/** Latin-1 bytes, as TestStand writes them (`encoding="iso-8859-1"`). */
export function latin1(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}
