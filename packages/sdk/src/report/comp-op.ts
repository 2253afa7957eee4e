/**
 * Comparison operators: one table, one evaluator.
 *
 * Semantics verified against the server FAT export (sdk.md §2.14, `example_report_from_server.json`,
 * where every operator has a passing and a failing case):
 * - single-limit operators (EQ NE GT GE LT LE) compare against `lowLimit` only, LT/LE too;
 * - GTLT/GTLE/GELT/GELE pass inside the range, LTGT/LTGE/LEGT/LEGE pass outside it;
 * - LOG always passes.
 *
 * EQT has no example anywhere we could find. **Our choice:** `lowLimit` is the nominal value and
 * `highLimit` the tolerance; it passes when |value − lowLimit| <= highLimit. (pyWATS treats EQT
 * as always-pass.)
 *
 * Operator names are matched case-insensitively: the official UUT example writes `Log`.
 */
import type { CompOp } from './types.js';

/** Which numeric limits an operator reads. String operators read `limit` unless `none`. */
export type CompOpLimits = 'none' | 'low' | 'both';

/** Metadata for one comparison operator. */
export interface CompOpInfo {
  /** Limits the operator needs: `low` = `lowLimit` only, `both` = `lowLimit` and `highLimit`. For strings, anything but `none` means `limit`. */
  readonly limits: CompOpLimits;
  /** Valid on numeric measurements. */
  readonly numeric: boolean;
  /** Valid on string measurements. */
  readonly string: boolean;
  /** When the measurement passes, in words. */
  readonly passWhen: string;
}

type NumTest = (v: number, lo: number, hi: number) => boolean;
type StrTest = (v: string, limit: string) => boolean;

interface OpRow extends CompOpInfo {
  readonly num?: NumTest;
  readonly str?: StrTest;
}

const foldEq: StrTest = (v, l) => v === l || v.toLowerCase() === l.toLowerCase() || v.toUpperCase() === l.toUpperCase();

const TABLE: Readonly<Record<CompOp, OpRow>> = {
  LOG: { limits: 'none', numeric: true, string: true, passWhen: 'always (log only)', num: () => true, str: () => true },
  EQ: { limits: 'low', numeric: true, string: true, passWhen: 'value == low', num: (v, lo) => v === lo, str: (v, l) => v === l },
  NE: { limits: 'low', numeric: true, string: true, passWhen: 'value != low', num: (v, lo) => v !== lo, str: (v, l) => v !== l },
  GT: { limits: 'low', numeric: true, string: false, passWhen: 'value > low', num: (v, lo) => v > lo },
  GE: { limits: 'low', numeric: true, string: false, passWhen: 'value >= low', num: (v, lo) => v >= lo },
  LT: { limits: 'low', numeric: true, string: false, passWhen: 'value < low', num: (v, lo) => v < lo },
  LE: { limits: 'low', numeric: true, string: false, passWhen: 'value <= low', num: (v, lo) => v <= lo },
  GTLT: { limits: 'both', numeric: true, string: false, passWhen: 'low < value < high', num: (v, lo, hi) => lo < v && v < hi },
  GTLE: { limits: 'both', numeric: true, string: false, passWhen: 'low < value <= high', num: (v, lo, hi) => lo < v && v <= hi },
  GELT: { limits: 'both', numeric: true, string: false, passWhen: 'low <= value < high', num: (v, lo, hi) => lo <= v && v < hi },
  GELE: { limits: 'both', numeric: true, string: false, passWhen: 'low <= value <= high', num: (v, lo, hi) => lo <= v && v <= hi },
  LTGT: { limits: 'both', numeric: true, string: false, passWhen: 'value < low or value > high', num: (v, lo, hi) => v < lo || v > hi },
  LTGE: { limits: 'both', numeric: true, string: false, passWhen: 'value < low or value >= high', num: (v, lo, hi) => v < lo || v >= hi },
  LEGT: { limits: 'both', numeric: true, string: false, passWhen: 'value <= low or value > high', num: (v, lo, hi) => v <= lo || v > hi },
  LEGE: { limits: 'both', numeric: true, string: false, passWhen: 'value <= low or value >= high', num: (v, lo, hi) => v <= lo || v >= hi },
  EQT: {
    limits: 'both', numeric: true, string: false,
    passWhen: '|value - low| <= high (low = nominal, high = tolerance; our choice, see module docs)',
    num: (v, lo, hi) => Math.abs(v - lo) <= hi,
  },
  CASESENSIT: { limits: 'low', numeric: false, string: true, passWhen: 'value === limit', str: (v, l) => v === l },
  IGNORECASE: { limits: 'low', numeric: false, string: true, passWhen: 'value equals limit ignoring case', str: foldEq },
};

/** Every comparison operator with the limits it needs and where it is valid. */
export const COMP_OPS: Readonly<Record<CompOp, CompOpInfo>> = Object.freeze(
  Object.fromEntries(
    Object.entries(TABLE).map(([op, { limits, numeric, string, passWhen }]) => [
      op, Object.freeze({ limits, numeric, string, passWhen }),
    ]),
  ) as Record<CompOp, CompOpInfo>,
);

/**
 * Returns the canonical operator for a name written in any case (`Log` → `LOG`), or
 * `undefined` when it is not a comparison operator.
 * @param name - The `compOp` value as found in a report.
 */
export function normalizeCompOp(name: unknown): CompOp | undefined {
  if (typeof name !== 'string') return undefined;
  const up = name.trim().toUpperCase();
  return Object.prototype.hasOwnProperty.call(TABLE, up) ? (up as CompOp) : undefined;
}

/**
 * Reads a WSJF number: numbers as they are; strings `"NaN"`, `"Infinity"`, `"-Infinity"`
 * (also `"INF"`, any case) and numeric text converted; anything else is NaN.
 * `null`/`undefined` give `undefined`.
 * @param v - A value or limit from a report.
 */
export function toWsjfNumberValue(v: number | string | null | undefined): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return v;
  const s = v.trim();
  const inf = /^([+-]?)inf(inity)?$/i.exec(s);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return s === '' ? NaN : Number(s);
}

function row(compOp: CompOp | string, kind: 'numeric' | 'string'): [CompOp, OpRow] {
  const op = normalizeCompOp(compOp);
  if (!op) throw new TypeError(`unknown compOp ${JSON.stringify(compOp)}`);
  const r = TABLE[op];
  if (!r[kind]) {
    throw new TypeError(`compOp ${op} is not valid for a ${kind} measurement (${r.numeric ? 'numeric' : 'string'} only)`);
  }
  return [op, r];
}

/**
 * Evaluates a numeric measurement.
 *
 * LOG always passes. For every comparing operator a NaN (or missing, or non-numeric) value or
 * a NaN limit fails. Limits may be WSJF strings such as `"NaN"`.
 * @param compOp - The operator, any case.
 * @param value - The measured value.
 * @param lowLimit - Needed by every comparing operator (single-limit ones use only this).
 * @param highLimit - Needed by the range operators and EQT (the tolerance).
 * @returns `'P'` or `'F'`.
 * @throws TypeError for an unknown or string-only operator, or when a limit it needs is missing.
 */
export function evaluateNumeric(
  compOp: CompOp | string,
  value: number | string | null | undefined,
  lowLimit?: number | string | null,
  highLimit?: number | string | null,
): 'P' | 'F' {
  const [op, r] = row(compOp, 'numeric');
  const lo = toWsjfNumberValue(lowLimit);
  const hi = toWsjfNumberValue(highLimit);
  if (r.limits !== 'none' && lo === undefined) {
    throw new TypeError(`compOp ${op} needs lowLimit${r.limits === 'low' ? ' (WATS compares single-limit operators against lowLimit only)' : ' and highLimit'}`);
  }
  if (r.limits === 'both' && hi === undefined) throw new TypeError(`compOp ${op} needs highLimit as well as lowLimit`);
  if (r.limits === 'none') return 'P';
  const v = toWsjfNumberValue(value) ?? NaN;
  const low = lo ?? NaN;
  const high = r.limits === 'both' ? (hi ?? NaN) : 0;
  if (Number.isNaN(v) || Number.isNaN(low) || Number.isNaN(high)) return 'F';
  return r.num!(v, low, high) ? 'P' : 'F';
}

/**
 * Evaluates a string measurement. LOG always passes; EQ/NE/CASESENSIT compare exactly;
 * IGNORECASE compares ignoring case. A missing value fails.
 * @param compOp - LOG, EQ, NE, CASESENSIT or IGNORECASE (any case).
 * @param value - The measured string.
 * @param limit - The expected string; needed by every operator but LOG.
 * @returns `'P'` or `'F'`.
 * @throws TypeError for an unknown or numeric-only operator, or a missing limit.
 */
export function evaluateString(compOp: CompOp | string, value: string | null | undefined, limit?: string | null): 'P' | 'F' {
  const [op, r] = row(compOp, 'string');
  if (r.limits === 'none') return 'P';
  if (limit === null || limit === undefined) throw new TypeError(`compOp ${op} needs a limit`);
  if (typeof value !== 'string') return 'F';
  return r.str!(value, limit) ? 'P' : 'F';
}
