/**
 * Unit normalisation for numeric measurements. CFX gives each value and each limit its own
 * unit (the SDK's own example has a value in Ohm and limits in kOhm), while a WATS numeric
 * measurement has one unit for value and limits.
 */

/** Base units with the spellings that map to them. */
const BASES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Ohm', ['ohm', 'ohms', 'Ohms', 'OHM', 'Ω', 'Ω']],
  ['V', ['Volt', 'Volts']],
  ['A', ['Amp', 'Amps']],
  ['Hz', ['HZ', 'hz']],
  ['s', ['sec', 'Sec']],
  ['F', []],
  ['H', []],
  ['W', []],
];

const PREFIXES: Readonly<Record<string, number>> = { p: -12, n: -9, u: -6, 'µ': -6, 'μ': -6, m: -3, k: 3, K: 3, M: 6, G: 9 };

/** A unit split into its base and a power of ten. */
export interface ParsedUnit {
  base: string;
  exponent: number;
}

function baseOf(text: string): string | undefined {
  for (const [base, spellings] of BASES) {
    // Case matters: `S` is siemens, not seconds; only the Ohm spellings vary in practice.
    if (text === base || spellings.includes(text)) return base;
  }
  return undefined;
}

/** Parses `kOhm`, `mV`, `MHz`, `ms`… Returns undefined for units it does not know (`%`, `dB`, `°C`). */
export function parseUnit(unit: string): ParsedUnit | undefined {
  const u = unit.trim();
  // `m`/`M` are prefixes here, never metres: lengths are not in the table.
  const plain = baseOf(u);
  if (plain !== undefined) return { base: plain, exponent: 0 };
  const p = u[0];
  if (p !== undefined && u.length > 1 && Object.hasOwn(PREFIXES, p)) {
    const base = baseOf(u.slice(1));
    if (base !== undefined) return { base, exponent: PREFIXES[p]! };
  }
  return undefined;
}

/** Scales `value` by 10^`exponent`, dividing for negative exponents so `212 mV` gives exactly `0.212`. */
export function scale(value: number, exponent: number): number {
  if (exponent === 0) return value;
  return exponent > 0 ? value * 10 ** exponent : value / 10 ** -exponent;
}

/**
 * Converts `value` from unit `from` to unit `to`. Same text: unchanged. Returns undefined when
 * the units are not both known or have different bases.
 */
export function convertUnit(value: number, from: string, to: string): number | undefined {
  if (from.trim() === to.trim()) return value;
  const a = parseUnit(from);
  const b = parseUnit(to);
  if (!a || !b || a.base !== b.base) return undefined;
  return scale(value, a.exponent - b.exponent);
}

/** The unit every value and limit of a measurement is written in: the base unit when normalising and known, else the value's unit. */
export function targetUnit(valueUnit: string | undefined, normalize: boolean): string | undefined {
  if (valueUnit === undefined) return undefined;
  if (!normalize) return valueUnit;
  return parseUnit(valueUnit)?.base ?? valueUnit;
}
