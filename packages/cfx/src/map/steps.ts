/**
 * CFX tests, inspections and measurements -> WSJF steps.
 */
import type { CompOp, ReportResult, SequenceBuilder, StepStatus } from '@tswats/sdk';
import { arr, bool, field, num, obj, str, typeName } from '../json.js';
import type { MapRun } from './context.js';
import { convertUnit, targetUnit } from './units.js';
import { bodyTime } from '../time.js';

const STEP_STATUS: Readonly<Record<string, StepStatus>> = {
  passed: 'P', failed: 'F', error: 'E', aborted: 'T', skipped: 'S',
};
const REPORT_RESULT: Readonly<Record<string, ReportResult>> = {
  passed: 'P', failed: 'F', error: 'E', aborted: 'T', skipped: 'D',
};

/** `TestResult` -> step status; undefined when absent. */
export function stepStatus(run: MapRun, o: unknown, name: string, path: string): StepStatus | undefined {
  const v = str(o, name);
  if (v === undefined) return undefined;
  return STEP_STATUS[v.toLowerCase()] ?? run.fail(`${path}.${name}`, `unknown TestResult "${v}"`);
}

/** `TestResult` -> report result (Skipped -> D). */
export function reportResult(run: MapRun, o: unknown, name: string, path: string): ReportResult | undefined {
  const v = str(o, name);
  if (v === undefined) return undefined;
  return REPORT_RESULT[v.toLowerCase()] ?? run.fail(`${path}.${name}`, `unknown TestResult "${v}"`);
}

/** Cuts text to `max` characters (WATS field limits). */
export function clip(text: string, max = 100): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const REPORT_TEXT_MAX = 4000;

function joinText(lines: readonly string[]): string | undefined {
  const t = lines.filter((l) => l !== '').join('\n');
  return t === '' ? undefined : clip(t, REPORT_TEXT_MAX);
}

function components(o: unknown): string {
  const list = [...arr(o, 'ComponentsOfInterest'), ...(obj(o, 'ComponentOfInterest') ? [obj(o, 'ComponentOfInterest')] : [])];
  const names = list.map((c) => [str(c, 'ReferenceDesignator'), str(c, 'PartNumber')].filter(Boolean).join(' ')).filter(Boolean);
  return names.length ? ` [${names.join(', ')}]` : '';
}

/** One line describing a CFX `Symptom`. */
export function symptomText(s: unknown): string {
  const head = ['Symptom', str(s, 'SymptomCode'), str(s, 'SymptomCategory') && `(${str(s, 'SymptomCategory')})`].filter(Boolean).join(' ');
  const tail = [str(s, 'Description'), str(s, 'Comments'), str(s, 'Status') && `status ${str(s, 'Status')}`].filter(Boolean).join('; ');
  return `${head}${components(s)}${tail ? `: ${tail}` : ''}`;
}

/** One line describing a CFX `Defect`. */
export function defectText(d: unknown): string {
  const head = ['Defect', str(d, 'DefectCode'), str(d, 'DefectCategory') && `(${str(d, 'DefectCategory')})`].filter(Boolean).join(' ');
  const tail = [str(d, 'Description'), str(d, 'Comments'), str(d, 'Verification') && `verification ${str(d, 'Verification')}`]
    .filter(Boolean)
    .join('; ');
  return `${head}${components(d)}${tail ? `: ${tail}` : ''}`;
}

function conditionText(c: unknown): string {
  const kind = typeName(c) ?? 'Condition';
  const parts = (['MeanValue', 'MinValue', 'MaxValue'] as const)
    .map((k) => [k, num(c, k)] as const)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k.replace('Value', '').toLowerCase()} ${v}`);
  return `${kind}: ${parts.join(', ')}`;
}

/**
 * Adds one Test (or Inspection) as a sequence with its measurements. Symptoms and defects go
 * into the sequence's report text and onto the steps of the measurements they relate to.
 */
export function addTestSequence(
  run: MapRun,
  parent: SequenceBuilder,
  test: unknown,
  path: string,
  names: { name: string; start: string; end: string; symptoms: string; defects: string },
): void {
  const name = clip(str(test, names.name) ?? run.fail(`${path}.${names.name}`, 'is missing'));
  const status = stepStatus(run, test, 'Result', path);
  const start = bodyTime(test, names.start, run.config.timeZone);
  const end = bodyTime(test, names.end, run.config.timeZone);
  let totTime: number | undefined;
  if (start && end && end.date >= start.date) totTime = (end.date.getTime() - start.date.getTime()) / 1000;
  const symptoms = arr(test, names.symptoms);
  const defects = arr(test, names.defects);
  // Measurement id -> texts of the symptoms/defects that name it.
  const related = new Map<string, string[]>();
  const relate = (o: unknown, text: string): void => {
    for (const m of arr(o, 'RelatedMeasurements')) {
      const id = str(m, 'UniqueIdentifier') ?? str(m, 'MeasurementName');
      if (id !== undefined) related.set(id, [...(related.get(id) ?? []), text]);
    }
  };
  const lines: string[] = [];
  for (const [list, describe] of [[symptoms, symptomText], [defects, defectText]] as const) {
    for (const o of list) {
      const text = describe(o);
      lines.push(text);
      relate(o, text);
    }
  }
  const procedure = str(test, 'TestProcedure');
  const comments = str(test, 'Comments');
  if (procedure !== undefined) lines.unshift(`Procedure: ${procedure}`);
  if (comments !== undefined) lines.unshift(comments);
  for (const c of arr(test, 'TestConditions')) lines.push(conditionText(c));
  const error = str(test, 'Error');
  const seq = parent.addSequence(name, {
    ...(status === undefined ? {} : { status }),
    ...(totTime === undefined ? {} : { totTime }),
    ...(error === undefined ? {} : { errorMessage: clip(error, REPORT_TEXT_MAX) }),
    ...optionalText(joinText(lines)),
  });
  const measurements = arr(test, 'Measurements')
    .map((m, i) => ({ m, i }))
    .sort((a, b) => (num(a.m, 'Sequence') ?? a.i) - (num(b.m, 'Sequence') ?? b.i) || a.i - b.i);
  for (const { m, i } of measurements) {
    const id = str(m, 'UniqueIdentifier');
    const mname = str(m, 'MeasurementName');
    const extra = [...(id ? related.get(id) ?? [] : []), ...(mname ? related.get(mname) ?? [] : [])];
    addMeasurement(run, seq, m, `${path}.Measurements[${i}]`, extra);
  }
}

function optionalText(text: string | undefined): { reportText?: string } {
  return text === undefined ? {} : { reportText: text };
}

/** Adds one CFX Measurement as a numeric, pass/fail or string step. */
export function addMeasurement(run: MapRun, seq: SequenceBuilder, m: unknown, path: string, extraText: readonly string[] = []): void {
  const name = clip(str(m, 'MeasurementName') ?? `Measurement ${(num(m, 'Sequence') ?? 0) || ''}`.trim());
  const status = stepStatus(run, m, 'Result', path);
  const crds = str(m, 'CRDs');
  const textLines = [crds === undefined ? '' : `CRDs: ${crds}`, ...extraText];
  const kind = typeName(m);
  const value = field(m, 'Value');
  const withStatus = status === undefined ? {} : { status };
  if (kind === 'NumericMeasurement' || (kind === undefined && obj(m, 'MeasuredValue'))) {
    addNumeric(run, seq, name, obj(m, 'MeasuredValue'), `${path}.MeasuredValue`, status, textLines);
  } else if (kind === 'BooleanMeasurement' || (kind === undefined && typeof value === 'boolean')) {
    const v = bool(m, 'Value') ?? run.fail(`${path}.Value`, 'is not a boolean');
    const expected = bool(m, 'ExpectedValue');
    textLines.push(`Value: ${v}${expected === undefined ? '' : `, expected ${expected}`}`);
    seq.addPassFail(name, expected === undefined ? v : v === expected, { ...withStatus, ...optionalText(joinText(textLines)) });
  } else if (kind === 'TextMeasurement' || (kind === undefined && typeof value === 'string')) {
    const v = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
    const expected = str(m, 'ExpectedValue');
    seq.addString(name, {
      value: v,
      ...(expected === undefined ? { compOp: 'LOG' as const } : { compOp: 'CASESENSIT' as const, limit: expected }),
      ...withStatus,
      ...optionalText(joinText(textLines)),
    });
  } else {
    run.warn(`${path}: measurement type ${kind ?? '(none)'} not understood; written as an action step`);
    textLines.push(`CFX measurement type ${kind ?? '(none)'}`);
    seq.addAction(name, { ...withStatus, ...optionalText(joinText(textLines)) });
  }
}

function addNumeric(
  run: MapRun,
  seq: SequenceBuilder,
  name: string,
  mv: unknown,
  path: string,
  status: StepStatus | undefined,
  textLines: string[],
): void {
  if (mv === undefined) run.fail(path, 'is missing');
  const raw = num(mv, 'Value');
  if (raw === undefined) run.fail(`${path}.Value`, 'is missing or not a number');
  const valueUnit = str(mv, 'ValueUnits');
  const unit = targetUnit(valueUnit, run.config.normalizeUnits);
  const convert = (key: string): number | undefined => {
    const x = num(mv, key);
    if (x === undefined) return undefined;
    const from = str(mv, `${key}Units`) ?? valueUnit;
    if (from === undefined || unit === undefined) {
      if (from !== unit) run.warn(`${path}.${key}: unit ${from ?? '(none)'} written as the value's (${unit ?? 'none'})`);
      return x;
    }
    const y = convertUnit(x, from, unit);
    if (y === undefined) run.fail(`${path}.${key}Units`, `cannot convert ${from} to ${unit}`);
    return y;
  };
  const value = convert('Value')!;
  const low = convert('MinimumAcceptableValue');
  const high = convert('MaximumAcceptableValue');
  const expected = convert('ExpectedValue');
  if (expected !== undefined) textLines.push(`Expected: ${expected}${unit === undefined ? '' : ` ${unit}`}`);
  let limits: { compOp: CompOp; lowLimit?: number; highLimit?: number };
  // Single-limit operators use lowLimit only in WSJF, also LE.
  if (low !== undefined && high !== undefined) limits = { compOp: 'GELE', lowLimit: low, highLimit: high };
  else if (low !== undefined) limits = { compOp: 'GE', lowLimit: low };
  else if (high !== undefined) limits = { compOp: 'LE', lowLimit: high };
  else limits = { compOp: 'LOG' };
  const text = joinText(textLines);
  seq.addNumeric(name, {
    value,
    ...(unit === undefined ? {} : { unit }),
    ...limits,
    ...(status === undefined ? {} : { status }),
    ...optionalText(text),
  });
}
