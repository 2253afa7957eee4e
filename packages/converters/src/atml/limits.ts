/**
 * ATML limits → WSJF comparison operators and limits.
 *
 * IEEE 1671 Common writes limits as one of:
 * - `c:Expected comparator="EQ|NE|…"` with one datum (TestStand: numeric EQ/NE; string tests use
 *   `EQ` = case-sensitive and `CIEQ` = ignore case);
 * - `c:SingleLimit comparator="GE|GT|LE|LT|EQ|NE"` with one datum;
 * - `c:LimitPair operator="AND|OR"` with two `c:Limit comparator=…` (a range; OR = outside it),
 *   or, in 2.02, a `c:Nominal` plus limits for TestStand's "== +/-" (EQT) comparison;
 * - TestStand's `ts:TSLimitProperties` (under `Limits/c:Extension` in 5.00/6.01, under
 *   `TestResult/Extension` in 2.02): `IsComparisonTypeLog` (no comparison) and, for threshold
 *   limits, `ThresholdType` (PERCENTAGE | PPM | DELTA) with `RawLimits/Nominal|Low|High@value`.
 *
 * WSJF single-limit operators (EQ NE GT GE LT LE) carry their limit in `lowLimit` only.
 */
import type { CompOp } from '@tswats/sdk';
import { child, path, textOf, type XNode } from './nodes.js';

/** A numeric value read from an ATML datum: a number (NaN/±Infinity allowed) or unreadable. */
export type ParsedNumber = { ok: true; value: number } | { ok: false };

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]{1,16})$/;
const BIN = /^([+-]?)0[bB]([01]{1,64})$/;

/**
 * Reads a number as TestStand writes it: decimal or exponent form, hexadecimal `0x1F`, binary
 * `0b101`, `Inf`/`+Inf`/`-Inf`/`Infinity`, `NaN`, `IND` (Windows' indeterminate NaN).
 */
export function parseAtmlNumber(text: string | undefined): ParsedNumber {
  if (text === undefined) return { ok: false };
  const s = text.trim();
  if (DECIMAL.test(s)) return { ok: true, value: Number(s) };
  const hex = HEX.exec(s) ?? BIN.exec(s);
  if (hex) {
    const v = Number.parseInt(hex[2]!, s.toLowerCase().includes('0x') ? 16 : 2);
    return { ok: true, value: hex[1] === '-' ? -v : v };
  }
  const inf = /^([+-]?)inf(?:inity)?$/i.exec(s);
  if (inf) return { ok: true, value: inf[1] === '-' ? -Infinity : Infinity };
  if (/^[+-]?(?:nan|ind|-?nan\(ind\)|1\.#ind|1\.#qnan)$/i.test(s)) return { ok: true, value: NaN };
  return { ok: false };
}

/** The raw value of a `c:Datum`: its `value` attribute, else its `c:Value` text. */
export function datumRaw(datum: XNode | undefined): string | undefined {
  if (!datum) return undefined;
  if (datum.attrs.value !== undefined) return datum.attrs.value;
  const v = child(datum, 'Value');
  return v ? v.text : undefined;
}

/** The datum's type without prefix: `TS_double` → `double`, `c:string` → `string`. */
export function datumType(datum: XNode | undefined): string {
  const t = datum?.attrs.type ?? '';
  return t.slice(t.indexOf(':') + 1).replace(/^TS_/, '').toLowerCase();
}

/** The unit of a datum (`nonStandardUnit`, else the standard `unit`). */
export function datumUnit(datum: XNode | undefined): string | undefined {
  const u = datum?.attrs.nonStandardUnit ?? datum?.attrs.unit;
  return u !== undefined && u.trim() !== '' ? u.trim() : undefined;
}

/** What a numeric measurement's limits become. */
export interface NumericLimits {
  compOp: CompOp;
  lowLimit?: number;
  highLimit?: number;
  /** A unit found on a limit datum (used when the measured datum has none). */
  unit?: string;
  /** Text to keep in the step's report text (threshold limits, unmappable limits). */
  note?: string;
  /** A warning to record (data kept but changed or guessed). */
  warning?: string;
  /** A limit value that does not parse as a number: the element to name in an error. */
  badValue?: { node: XNode; raw: string | undefined };
}

/** What a string measurement's limit becomes. */
export interface StringLimit {
  compOp: 'LOG' | 'CASESENSIT' | 'IGNORECASE' | 'NE';
  limit?: string;
  warning?: string;
}

const SINGLE: Readonly<Record<string, CompOp>> = { EQ: 'EQ', NE: 'NE', GT: 'GT', GE: 'GE', LT: 'LT', LE: 'LE', CIEQ: 'EQ', CINE: 'NE' };

/** `ts:TSLimitProperties` for a test result: under `Limits/Extension` (5.00, 6.01) or `TestResult/Extension` (2.02). */
export function limitProperties(testResult: XNode): XNode | undefined {
  return path(testResult, 'TestLimits', 'Limits', 'Extension', 'TSLimitProperties') ?? path(testResult, 'Extension', 'TSLimitProperties');
}

function isTrue(node: XNode | undefined): boolean {
  const v = (node?.attrs.value ?? textOf(node) ?? '').toLowerCase();
  return v === 'true' || v === '1';
}

/** True when TestStand marked the limit as "no comparison" (LOG). */
export function isLogComparison(testResult: XNode): boolean {
  return isTrue(child(limitProperties(testResult), 'IsComparisonTypeLog'));
}

/** Rounds away binary noise from limit arithmetic (15 significant digits). */
function tidy(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(15)) : v;
}

/**
 * Threshold limits: TestStand's "== +/-" (EQT) with a nominal value and low/high thresholds
 * given as a percentage of the nominal, parts per million of it, or an absolute delta.
 * WSJF has no such operator, so the absolute range is computed (GELE) and the original
 * kept as text.
 */
export function thresholdLimits(props: XNode): NumericLimits | undefined {
  const typeText = textOf(child(props, 'ThresholdType')) ?? child(props, 'ThresholdType')?.attrs.value;
  if (!typeText) return undefined;
  const raw = child(props, 'RawLimits');
  const read = (n: string) => {
    const node = child(raw, n);
    return { node, parsed: parseAtmlNumber(node?.attrs.value ?? textOf(node)) };
  };
  const nom = read('Nominal');
  const lo = read('Low');
  const hi = read('High');
  for (const x of [nom, lo, hi]) {
    if (x.node && !x.parsed.ok) return { compOp: 'LOG', badValue: { node: x.node, raw: x.node.attrs.value ?? textOf(x.node) } };
  }
  if (!nom.parsed.ok || !lo.parsed.ok || !hi.parsed.ok) {
    return { compOp: 'LOG', warning: `threshold limits (${typeText}) without RawLimits Nominal/Low/High: kept as LOG`, note: `Limits: threshold (${typeText}) without raw limits` };
  }
  const n = nom.parsed.value, l = lo.parsed.value, h = hi.parsed.value;
  const kind = typeText.toUpperCase();
  let low: number, high: number, symbol: string;
  if (kind === 'PERCENTAGE' || kind === 'PERCENT') {
    low = n - (Math.abs(n) * l) / 100;
    high = n + (Math.abs(n) * h) / 100;
    symbol = ' %';
  } else if (kind === 'PPM') {
    low = n - (Math.abs(n) * l) / 1e6;
    high = n + (Math.abs(n) * h) / 1e6;
    symbol = ' ppm';
  } else if (kind === 'DELTA') {
    low = n - l;
    high = n + h;
    symbol = '';
  } else {
    return { compOp: 'LOG', warning: `unknown threshold type "${typeText}": kept as LOG`, note: `Limits: threshold type ${typeText}, nominal ${n}, low ${l}, high ${h}` };
  }
  low = tidy(low);
  high = tidy(high);
  return {
    compOp: 'GELE',
    lowLimit: low,
    highLimit: high,
    note: `Limits: nominal ${n} -${l}${symbol} / +${h}${symbol} (${kind.toLowerCase()} threshold) = [${low}, ${high}]`,
  };
}

/** Reads a limit datum's number, or reports it as bad. */
function limitValue(limit: XNode): { value?: number; unit?: string; bad?: NumericLimits['badValue'] } {
  const datum = child(limit, 'Datum');
  const raw = datumRaw(datum);
  const parsed = parseAtmlNumber(raw);
  if (!parsed.ok) return { bad: { node: datum ?? limit, raw } };
  return { value: parsed.value, unit: datumUnit(datum) };
}

/** The limits of a numeric test result (`tr:TestResult`). */
export function numericLimits(testResult: XNode): NumericLimits {
  const props = limitProperties(testResult);
  if (props && isTrue(child(props, 'IsComparisonTypeLog'))) return { compOp: 'LOG' };
  if (props) {
    const t = thresholdLimits(props);
    if (t) return t;
  }
  const limits = path(testResult, 'TestLimits', 'Limits');
  if (!limits) return { compOp: 'LOG' };
  const pair = child(limits, 'LimitPair');
  if (pair) return pairLimits(pair);
  const single = child(limits, 'SingleLimit', 'Expected');
  if (single) {
    const comparator = (single.attrs.comparator ?? (single.name === 'Expected' ? 'EQ' : '')).toUpperCase();
    const v = limitValue(single);
    if (v.bad) return { compOp: 'LOG', badValue: v.bad };
    const op = SINGLE[comparator];
    if (comparator === 'LOG') return { compOp: 'LOG' };
    if (!op) {
      return { compOp: 'LOG', warning: `comparator "${single.attrs.comparator ?? ''}" has no WSJF equivalent: kept as LOG`, note: `Limits: ${single.attrs.comparator ?? '?'} ${v.value}` };
    }
    return { compOp: op, lowLimit: v.value, unit: v.unit };
  }
  return { compOp: 'LOG' };
}

/** A `c:LimitPair`: a range (AND) or outside a range (OR), or 2.02's nominal form without threshold properties. */
function pairLimits(pair: XNode): NumericLimits {
  const limits = pair.children.filter((c) => c.name === 'Limit');
  const nominal = child(pair, 'Nominal');
  const values = limits.map((l) => ({ comparator: (l.attrs.comparator ?? '').toUpperCase(), ...limitValue(l) }));
  const bad = values.find((v) => v.bad)?.bad;
  if (bad) return { compOp: 'LOG', badValue: bad };
  const unit = values.find((v) => v.unit)?.unit;
  const describe = () => `Limits: ${nominal ? `nominal ${datumRaw(child(nominal, 'Datum')) ?? '?'} ` : ''}${values.map((v) => `${v.comparator} ${v.value}`).join(` ${pair.attrs.operator ?? 'AND'} `)}`;
  if (values.length !== 2 || nominal) {
    return { compOp: 'LOG', unit, warning: `limit pair with ${nominal ? 'a nominal value and no threshold properties' : `${values.length} limits`}: kept as LOG`, note: describe() };
  }
  const operator = (pair.attrs.operator ?? 'AND').toUpperCase();
  const g = values.find((v) => v.comparator === 'GE' || v.comparator === 'GT');
  const l = values.find((v) => v.comparator === 'LE' || v.comparator === 'LT');
  if (!g || !l || (operator !== 'AND' && operator !== 'OR')) {
    return { compOp: 'LOG', unit, warning: `limit pair ${values.map((v) => v.comparator).join('/')} (${operator}) has no WSJF equivalent: kept as LOG`, note: describe() };
  }
  if (operator === 'AND') {
    // Inside the range: low bound from the G* limit, high bound from the L* limit.
    return { compOp: `${g.comparator}${l.comparator}` as CompOp, lowLimit: g.value, highLimit: l.value, unit };
  }
  // Outside the range (value < low OR value > high): low bound from the L* limit.
  return { compOp: `${l.comparator}${g.comparator}` as CompOp, lowLimit: l.value, highLimit: g.value, unit };
}

/** The limit of a string test result. TestStand writes `EQ` for case-sensitive and `CIEQ` for ignore-case. */
export function stringLimit(testResult: XNode): StringLimit {
  if (isLogComparison(testResult)) return { compOp: 'LOG' };
  const limits = path(testResult, 'TestLimits', 'Limits');
  const expected = child(limits, 'Expected', 'SingleLimit');
  if (!expected) return { compOp: 'LOG' };
  const limit = datumRaw(child(expected, 'Datum')) ?? '';
  const comparator = (expected.attrs.comparator ?? 'EQ').toUpperCase();
  switch (comparator) {
    case 'EQ':
      return { compOp: 'CASESENSIT', limit };
    case 'CIEQ':
      return { compOp: 'IGNORECASE', limit };
    case 'NE':
      return { compOp: 'NE', limit };
    case 'LOG':
      return { compOp: 'LOG' };
    default:
      return { compOp: 'CASESENSIT', limit, warning: `string comparator "${expected.attrs.comparator}" read as case-sensitive equality` };
  }
}
