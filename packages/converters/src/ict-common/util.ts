/**
 * Small helpers shared by the in-circuit-test converters: exact decimal scaling with SI
 * prefixes, limits → WSJF comparison operators, string clean-up with warnings, and header
 * fields from the options.
 */
import { FIELD_LIMITS, PROBLEMATIC_SN_PN_CHARS, XML_INVALID_CHARS_RE, type CompOp, type NumericInput } from '@tswats/sdk';
import { ConversionError, type ConversionErrorCode } from '../errors.js';
import { localToInstant, validLocal, type LocalDateTime } from '../time.js';
import type { ConvertContext } from '../types.js';

/** Where a value came from, for warnings and errors. */
export interface Pos {
  line?: number;
  element?: string;
}

const DECIMAL = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d{1,4}))?$/;

/**
 * A decimal number (`12`, `-0.5`, `+1.0E-03`, `.5`) times 10^`shift`, rounded once to the
 * nearest double (no binary drift: `100.20007` with shift 3 is exactly `100200.07`).
 * Returns undefined for anything else.
 */
export function parseDecimal(text: string, shift = 0): number | undefined {
  const m = DECIMAL.exec(text.trim());
  if (!m) return undefined;
  const exp = (m[3] ? Number(m[3]) : 0) + shift;
  return Number(`${m[1]}${m[2]}e${exp}`);
}

/** Powers of ten of the SI prefixes the testers write (case matters: `m` milli, `M` mega). */
export const SI_EXPONENT: Readonly<Record<string, number>> = Object.freeze({
  f: -15, p: -12, n: -9, u: -6, µ: -6, μ: -6, m: -3, '': 0, k: 3, K: 3, M: 6, G: 9, T: 12,
});

/** Numeric input fields for a value with optional low and high limits. */
export type Limits = Pick<NumericInput, 'compOp' | 'lowLimit' | 'highLimit'>;

/**
 * Both limits → GELE; only a low limit → GE; only a high limit → LE (WSJF single-limit
 * operators carry their limit in `lowLimit`); none → LOG.
 */
export function limitsToCompOp(low: number | undefined, high: number | undefined): Limits {
  if (low !== undefined && high !== undefined) return { compOp: 'GELE', lowLimit: low, highLimit: high };
  if (low !== undefined) return { compOp: 'GE', lowLimit: low };
  if (high !== undefined) return { compOp: 'LE', lowLimit: high };
  return { compOp: 'LOG' as CompOp };
}

/** A number for report text: as JavaScript writes it (`100200.07`, `4.7e-9`). */
export function num(n: number): string {
  return Number.isFinite(n) ? String(n) : Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

const XML_INVALID_G = new RegExp(XML_INVALID_CHARS_RE.source, 'g');

/** Cleans strings for a report: XML-invalid characters removed, over-long strings cut, each with a warning. */
export class Sanitizer {
  private readonly ctx: ConvertContext;
  private readonly file: string;
  private readonly format: string;

  constructor(ctx: ConvertContext, file: string, format: string) {
    this.ctx = ctx;
    this.file = file;
    this.format = format;
  }

  /** `value` without XML-invalid control characters, cut to `max` (UTF-16 units) with a warning. */
  text(value: string, max: number | undefined, what: string, pos?: Pos): string {
    let v = value;
    if (XML_INVALID_G.test(v)) {
      XML_INVALID_G.lastIndex = 0;
      v = v.replace(XML_INVALID_G, '');
      this.ctx.warn(`${what}: control characters removed`, pos);
    }
    XML_INVALID_G.lastIndex = 0;
    if (max !== undefined && v.length > max) {
      const code = v.charCodeAt(max - 1);
      const cut = v.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
      this.ctx.warn(`${what} shortened from ${v.length} to ${cut.length} characters: "${cut.slice(0, 40)}…"`, pos);
      v = cut;
    }
    return v;
  }

  /** A step name (max 100). */
  name(value: string, pos?: Pos): string {
    return this.text(value, FIELD_LIMITS['step.name'], `step name "${value.slice(0, 40)}"`, pos);
  }

  /**
   * A serial or part number: cleaned, max 100, and the characters that break server lookups
   * (`* % ? [ ] ^ ! / \`) replaced by `_` with a warning.
   */
  id(value: string, what: 'serial number' | 'part number' | 'revision', pos?: Pos): string {
    let v = this.text(value.trim(), 100, what, pos);
    if (what !== 'revision' && [...v].some((c) => PROBLEMATIC_SN_PN_CHARS.includes(c))) {
      const fixed = [...v].map((c) => (PROBLEMATIC_SN_PN_CHARS.includes(c) ? '_' : c)).join('');
      this.ctx.warn(`${what} "${v}" has characters that break lookups on the server (* % ? [ ] ^ ! / \\): written as "${fixed}"`, pos);
      v = fixed;
    }
    if (v === '') fail('CONVERT_ERR_MISSING_FIELD', this.file, this.format, pos, `the ${what} is empty`);
    return v;
  }

  /** A misc info pair (description and text max 100 each). */
  misc(description: string, text: string, pos?: Pos): [string, string] {
    return [
      this.text(description, FIELD_LIMITS['miscInfo.description'], `misc info "${description.slice(0, 40)}"`, pos),
      this.text(text, FIELD_LIMITS['miscInfo.text'], `misc info "${description.slice(0, 40)}" text`, pos),
    ];
  }
}

/**
 * Measurement names made unique the way the SDK does (`x`, `x #2`, `x #3`), with a warning
 * naming each renamed one.
 */
export function uniqueMeasurementNames(names: readonly string[], ctx: ConvertContext, where: string, pos?: Pos): string[] {
  const taken = new Set(names);
  const assigned = new Set<string>();
  return names.map((name) => {
    let out = name;
    if (assigned.has(name)) {
      let k = 2;
      while (taken.has(`${name} #${k}`) || assigned.has(`${name} #${k}`)) k++;
      out = `${name} #${k}`;
      ctx.warn(`${where}: measurement name "${name}" repeats; the repeat is named "${out}"`, pos);
    }
    assigned.add(out);
    return out;
  });
}

/** `start` and `startOffsetMinutes` for the report builder from a local time read in `timeZone`. */
export function startOf(local: LocalDateTime, timeZone: string): { start: Date; startOffsetMinutes: number } {
  const { utcMs, offsetMinutes } = localToInstant(local, timeZone);
  return { start: new Date(utcMs), startOffsetMinutes: offsetMinutes };
}

/** Seconds from one local wall-clock time to another, both read in `timeZone` (right across DST changes). */
export function localDiffSeconds(from: LocalDateTime, to: LocalDateTime, timeZone: string): number {
  return (localToInstant(to, timeZone).utcMs - localToInstant(from, timeZone).utcMs) / 1000;
}

export { validLocal };

/** Throws a ConversionError of this converter. */
export function fail(code: ConversionErrorCode, file: string, format: string, pos: Pos | undefined, reason: string): never {
  throw new ConversionError({ code, file, format, position: pos && (pos.line !== undefined || pos.element) ? pos : undefined, reason });
}

const MONTHS: Readonly<Record<string, number>> = Object.freeze({
  JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12,
});

/** An English three-letter month name (any case) → 1-12, or undefined. */
export function monthNumber(name: string): number | undefined {
  return MONTHS[name.toUpperCase()];
}

/** A two-digit year → four digits (00-69 → 2000s, 70-99 → 1900s). */
export function fullYear(y: number, digits: number): number {
  if (digits > 2) return y;
  return y < 70 ? 2000 + y : 1900 + y;
}

/**
 * Reads `a/b/yyyy` (or `a.b.yyyy`, `a-b-yyyy`) and `HH:mm[:ss[(.|:)fff]]` as a local time;
 * `order` says whether `a` is the month (MDY) or the day (DMY). Undefined when it is not a
 * real date and time.
 */
export function parseNumericDate(date: string, time: string, order: 'MDY' | 'DMY'): LocalDateTime | undefined {
  const d = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\s*$/.exec(date);
  const t = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.:](\d{1,3}))?)?\s*$/.exec(time);
  if (!d || !t) return undefined;
  const a = Number(d[1]);
  const b = Number(d[2]);
  const local: LocalDateTime = {
    year: fullYear(Number(d[3]), d[3]!.length),
    month: order === 'MDY' ? a : b,
    day: order === 'MDY' ? b : a,
    hour: Number(t[1]),
    minute: Number(t[2]),
    second: t[3] ? Number(t[3]) : 0,
    millisecond: t[4] ? Number(t[4].padEnd(3, '0')) : 0,
  };
  return validLocal(local) ? local : undefined;
}

/** The process code: the option when given, else the format's default. */
export function processCodeOf(ctx: ConvertContext, fallback: number): number {
  return ctx.options.processCode ?? fallback;
}

/** A format-specific option (`ctx.options.formats[format][key]`). */
export function formatOption(ctx: ConvertContext, format: string, key: string): unknown {
  return ctx.options.formats[format]?.[key];
}

/** The `dateOrder` format option ('MDY' | 'DMY'), checked (a bad value is a CONVERT_ERR_VALUE naming the option). */
export function dateOrderOption(ctx: ConvertContext, format: string, fallback: 'MDY' | 'DMY', file: string): 'MDY' | 'DMY' {
  const v = formatOption(ctx, format, 'dateOrder');
  if (v === undefined) return fallback;
  if (v === 'MDY' || v === 'DMY') return v;
  return fail('CONVERT_ERR_VALUE', file, format, undefined, `option formats.${format}.dateOrder must be "MDY" or "DMY", got ${JSON.stringify(v)}`);
}
