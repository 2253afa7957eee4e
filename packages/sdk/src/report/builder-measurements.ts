/**
 * Turns builder inputs into WSJF measurement, chart and attachment objects (internal).
 * Input errors throw `TypeError` at the `add*` call, so the stack points at the caller.
 */
import type {
  AttachmentInput, ChartInput, ChartSeriesInput, NamedPassFailInput, NumericInput, StringInput,
} from './builder-options.js';
import { COMP_OPS, evaluateNumeric, evaluateString, normalizeCompOp } from './comp-op.js';
import { toBase64 } from './encoding.js';
import { nonFiniteToString } from './json-tree.js';
import { STATUS_SEVERITY } from './status.js';
import type { BooleanMeasurement, Chart, ChartSeries, NumericMeasurement, StringMeasurement } from './step-types.js';
import type { Attachment, ChartType, CompOp, StepStatus, WsjfNumber } from './types.js';

const STATUSES: readonly string[] = ['P', 'F', 'S', 'D', 'E', 'T'];
const CHART_TYPES: readonly string[] = ['Line', 'LineLogXY', 'LineLogX', 'LineLogY'];

/** Throws unless `s` is a step status. */
export function assertStatus(s: unknown, what: string): asserts s is StepStatus | undefined {
  if (s !== undefined && !STATUSES.includes(s as string)) {
    throw new TypeError(`${what}: status must be one of ${STATUSES.join(', ')}; got ${JSON.stringify(s)}`);
  }
}

/** The most severe status (P < F < E < T; D and S count as P), `P` for an empty list. */
export function worstOf(statuses: readonly StepStatus[]): StepStatus {
  return statuses.reduce<StepStatus>((w, s) => (STATUS_SEVERITY[s] > STATUS_SEVERITY[w] ? s : w), 'P');
}

/** A WSJF number: non-finite numbers become `"NaN"`, `"Infinity"`, `"-Infinity"`. */
export function wsjfNumber(v: number | string, what: string): WsjfNumber {
  if (typeof v === 'string') return v;
  if (typeof v !== 'number') throw new TypeError(`${what} must be a number or a string, got ${typeof v}`);
  return Number.isFinite(v) ? v : nonFiniteToString(v);
}

/**
 * Makes measurement names unique the way WATS needs: the first `x` stays `x`, later ones
 * become `x #2`, `x #3`, ... skipping any suffix already taken (pyWATS repeats `#2`).
 */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const assigned = new Set<string>();
  return names.map((name) => {
    let out = name;
    if (assigned.has(name)) {
      let k = 2;
      while (taken.has(`${name} #${k}`) || assigned.has(`${name} #${k}`)) k++;
      out = `${name} #${k}`;
    }
    assigned.add(out);
    return out;
  });
}

function resolveOp(compOp: CompOp | undefined, hasLimit: boolean, kind: 'numeric' | 'string', what: string): CompOp {
  if (compOp === undefined) {
    if (hasLimit) throw new TypeError(`${what}: compOp is required when a limit is given`);
    return 'LOG';
  }
  const op = normalizeCompOp(compOp);
  if (!op) throw new TypeError(`${what}: unknown compOp ${JSON.stringify(compOp)}`);
  if (!COMP_OPS[op][kind]) throw new TypeError(`${what}: compOp ${op} is not valid for a ${kind} measurement`);
  return op;
}

/** Builds one numeric measurement; the status is computed unless given. */
export function numericMeasurement(input: NumericInput, what: string, name?: string): NumericMeasurement {
  assertStatus(input.status, what);
  const op = resolveOp(input.compOp, input.lowLimit !== undefined || input.highLimit !== undefined, 'numeric', what);
  let computed: 'P' | 'F';
  try {
    computed = evaluateNumeric(op, input.value, input.lowLimit, input.highLimit);
  } catch (e) {
    throw new TypeError(`${what}: ${(e as Error).message}`);
  }
  const m: NumericMeasurement = { status: input.status ?? computed, value: wsjfNumber(input.value, `${what}: value`) };
  if (input.unit !== undefined) m.unit = input.unit;
  m.compOp = op;
  if (input.lowLimit !== undefined) m.lowLimit = wsjfNumber(input.lowLimit, `${what}: lowLimit`);
  if (input.highLimit !== undefined) m.highLimit = wsjfNumber(input.highLimit, `${what}: highLimit`);
  if (input.valueFormat !== undefined) m.valueFormat = input.valueFormat;
  if (input.lowLimitFormat !== undefined) m.lowLimitFormat = input.lowLimitFormat;
  if (input.highLimitFormat !== undefined) m.highLimitFormat = input.highLimitFormat;
  return name === undefined ? m : { name, ...m };
}

/** Builds one string measurement; the status is computed unless given. */
export function stringMeasurement(input: StringInput, what: string, name?: string): StringMeasurement {
  assertStatus(input.status, what);
  if (typeof input.value !== 'string') throw new TypeError(`${what}: value must be a string`);
  const op = resolveOp(input.compOp, input.limit !== undefined, 'string', what);
  let computed: 'P' | 'F';
  try {
    computed = evaluateString(op, input.value, input.limit);
  } catch (e) {
    throw new TypeError(`${what}: ${(e as Error).message}`);
  }
  const m: StringMeasurement = { status: input.status ?? computed, value: input.value, compOp: op };
  if (input.limit !== undefined) m.limit = input.limit;
  return name === undefined ? m : { name, ...m };
}

/** Builds one pass/fail measurement. */
export function booleanMeasurement(input: { passed: boolean; status?: StepStatus }, what: string, name?: string): BooleanMeasurement {
  assertStatus(input.status, what);
  if (typeof input.passed !== 'boolean') throw new TypeError(`${what}: passed must be a boolean`);
  const status = input.status ?? (input.passed ? 'P' : 'F');
  return name === undefined ? { status } : { name, status };
}

/** Checks multi-step names and makes them unique. */
export function multiNames(items: ReadonlyArray<{ name?: string }>, what: string, required: boolean): Array<string | undefined> {
  if (items.length === 0) throw new TypeError(`${what}: at least one measurement is needed`);
  const needNames = required || items.length > 1;
  if (!needNames) return items.map((i) => i.name);
  items.forEach((item, i) => {
    if (typeof item.name !== 'string' || item.name.trim() === '') {
      throw new TypeError(`${what}: measurement ${i} needs a name (names are required in multi steps)`);
    }
  });
  return uniqueNames(items.map((i) => i.name as string));
}

/** Multi pass/fail measurements. */
export function booleanMeasurements(items: readonly NamedPassFailInput[], what: string): BooleanMeasurement[] {
  const names = multiNames(items, what, true);
  return items.map((item, i) => booleanMeasurement(item, `${what}[${i}]`, names[i]));
}

function seriesData(v: readonly number[] | string, what: string): string {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) throw new TypeError(`${what} must be an array of numbers or a string`);
  return v.map((n) => String(n)).join(';');
}

function series(s: ChartSeriesInput, what: string): ChartSeries {
  if (typeof s.name !== 'string') throw new TypeError(`${what}: series name must be a string`);
  if (Array.isArray(s.x) && Array.isArray(s.y) && s.x.length !== s.y.length) {
    throw new TypeError(`${what}: x has ${s.x.length} values but y has ${s.y.length}`);
  }
  // Key order as the server writes it: dataType, name, xdata, ydata.
  return {
    dataType: s.dataType ?? 'XYG',
    name: s.name,
    ...(s.x === undefined ? {} : { xdata: seriesData(s.x, `${what}: x`) }),
    ydata: seriesData(s.y, `${what}: y`),
  };
}

/** Builds a chart object. */
export function chartObject(input: ChartInput, what: string): Chart {
  const chartType = input.chartType ?? 'Line';
  if (!CHART_TYPES.includes(chartType)) {
    throw new TypeError(`${what}: chartType must be one of ${CHART_TYPES.join(', ')}; got ${JSON.stringify(chartType)}`);
  }
  if (!Array.isArray(input.series)) throw new TypeError(`${what}: series must be an array`);
  const chart: Chart = { chartType: chartType as ChartType, series: [] };
  for (const k of ['label', 'xLabel', 'xUnit', 'yLabel', 'yUnit'] as const) {
    if (input[k] !== undefined) chart[k] = input[k];
  }
  chart.series = input.series.map((s, i) => series(s, `${what}: series[${i}]`));
  return chart;
}

/** Builds an attachment object with base64 data. */
export function attachmentObject(input: AttachmentInput, what: string): Attachment {
  if (typeof input.name !== 'string' || typeof input.contentType !== 'string') {
    throw new TypeError(`${what}: an attachment needs a name and a contentType`);
  }
  if (typeof input.data !== 'string' && !(input.data instanceof Uint8Array)) {
    throw new TypeError(`${what}: attachment data must be a Uint8Array or a string`);
  }
  const a: Attachment = { name: input.name, contentType: input.contentType, data: toBase64(input.data) };
  if (input.description !== undefined) a.description = input.description;
  return a;
}
