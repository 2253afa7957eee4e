/**
 * Lenient WATS date parsing and strict ISO 8601 formatting.
 *
 * WATS writes `start` as local time plus offset (`2026-01-30T23:35:22.761344+01:00`), and real
 * files also hold `2020-01-01T08:00:00.Z` (empty fraction), `2018-04-01T13:40:40` (no offset)
 * and 7-digit fractions (`2020-08-05T07:03:58.7257865Z`).
 */

const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d*))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** A parsed WATS date and the offset it was written with. */
export interface WatsDateParts {
  date: Date;
  /** Minutes east of UTC (`+01:00` → 60), or `undefined` when the text had no offset. */
  offsetMinutes: number | undefined;
}

/**
 * Parses a WATS date string and tells whether it carried an offset. Used by validation.
 * @param text - The date text.
 * @returns `undefined` when the text is not a date.
 */
export function parseWatsDateParts(text: string): WatsDateParts | undefined {
  const m = DATE_RE.exec(text.trim());
  if (!m) return undefined;
  const [, ys, mos, ds, hs = '0', mis = '0', ss = '0', frac = '', off] = m;
  const y = Number(ys), mo = Number(mos), d = Number(ds);
  const h = Number(hs), mi = Number(mis), s = Number(ss);
  // Sub-millisecond digits are dropped (truncated, not rounded) so the result is stable.
  const ms = Number((frac + '000').slice(0, 3));
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMinutes: number | undefined;
  if (off !== undefined) {
    if (off === 'Z' || off === 'z') offsetMinutes = 0;
    else {
      const digits = off.slice(1).replace(':', '');
      const oh = Number(digits.slice(0, 2)), om = Number(digits.slice(2) || '0');
      if (oh > 18 || om > 59) return undefined;
      offsetMinutes = (off[0] === '-' ? -1 : 1) * (oh * 60 + om);
    }
  }
  const date = new Date(0);
  if (offsetMinutes === undefined) {
    // No offset: read as the machine's local time, like ECMAScript does for date-times.
    date.setFullYear(y, mo - 1, d);
    date.setHours(h, mi, s, ms);
  } else {
    date.setUTCFullYear(y, mo - 1, d);
    date.setUTCHours(h, mi, s, ms);
    date.setTime(date.getTime() - offsetMinutes * 60_000);
  }
  return Number.isNaN(date.getTime()) ? undefined : { date, offsetMinutes };
}

/**
 * Parses a WATS date leniently: `2020-01-01T08:00:00.Z`, `…+01:00`, `…+0100`, no offset
 * (read as local time), fractional seconds of any length (digits past milliseconds are
 * dropped), a space instead of `T`, or a date alone.
 * @param text - The date text.
 * @returns The instant, or `undefined` when the text is not a date.
 */
export function parseWatsDate(text: string): Date | undefined {
  return typeof text === 'string' ? parseWatsDateParts(text)?.date : undefined;
}

/**
 * Formats an instant as ISO 8601 local time with an explicit offset, the way WATS wants
 * `start`: `2026-01-30T23:35:22.761+01:00`. UTC is written `+00:00`, never `Z`.
 * @param date - The instant.
 * @param offsetMinutes - Minutes east of UTC (`+01:00` → 60). Default: the machine's offset
 *   for that instant (`-date.getTimezoneOffset()`), so daylight saving is honoured.
 * @throws RangeError for an invalid date, an offset beyond ±18 h, or a year outside 0-9999.
 */
export function formatWatsDate(date: Date, offsetMinutes?: number): string {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError('formatWatsDate: invalid date');
  const off = offsetMinutes ?? -date.getTimezoneOffset();
  if (!Number.isInteger(off) || Math.abs(off) > 18 * 60) {
    throw new RangeError(`formatWatsDate: offsetMinutes must be an integer within ±1080, got ${off}`);
  }
  const local = new Date(t + off * 60_000);
  const year = local.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`formatWatsDate: year ${year} is out of range`);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return (
    `${pad(year, 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `.${pad(local.getUTCMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}
