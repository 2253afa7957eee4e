/**
 * CFX timestamps: ISO 8601 local time with an offset and up to 7 fraction digits
 * (`2018-03-26T16:52:25.3769532-04:00`). JS `Date` keeps milliseconds only, so the original
 * text and the offset are kept alongside the instant.
 */
import { str } from './json.js';

/** A parsed CFX timestamp. */
export interface CfxTime {
  /** The instant (milliseconds precision). */
  date: Date;
  /** Offset east of UTC in minutes: from the text, else from the configured time zone. */
  offsetMinutes: number;
  /** Whether the text carried its own offset (or `Z`). */
  hadOffset: boolean;
  /** The text as received. */
  text: string;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses a CFX timestamp. Text without an offset is read in `timeZone`: `'UTC'`, a fixed offset
 * (`'+01:00'`), an IANA name (`'Europe/Oslo'`) or `'local'` (this machine). Returns undefined
 * for text that is not an ISO 8601 date-time.
 */
export function parseCfxTime(text: string, timeZone = 'UTC'): CfxTime | undefined {
  const m = ISO_RE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, off] = m;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), ms);
  if (!Number.isFinite(wall)) return undefined;
  let offsetMinutes: number;
  const hadOffset = off !== undefined;
  if (off === undefined) {
    const o = offsetForWallTime(wall, timeZone);
    if (o === undefined) return undefined;
    offsetMinutes = o;
  } else if (off.toUpperCase() === 'Z') {
    offsetMinutes = 0;
  } else {
    const digits = off.slice(1).replace(':', '');
    offsetMinutes = (off[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
  }
  return { date: new Date(wall - offsetMinutes * 60_000), offsetMinutes, hadOffset, text };
}

/** Whether `timeZone` is one {@link parseCfxTime} understands. */
export function isValidTimeZone(timeZone: string): boolean {
  return offsetForWallTime(Date.UTC(2026, 0, 1), timeZone) !== undefined;
}

const FIXED_RE = /^([+-])(\d{2}):?(\d{2})$/;

/** Offset (minutes east of UTC) that `timeZone` has at the given wall-clock time (as a UTC ms value). */
function offsetForWallTime(wallMs: number, timeZone: string): number | undefined {
  if (timeZone.toUpperCase() === 'UTC' || timeZone === 'Z') return 0;
  const fixed = FIXED_RE.exec(timeZone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
  if (timeZone === 'local') {
    // Two passes so that wall times near a DST change land on the right side.
    const first = -new Date(wallMs).getTimezoneOffset();
    return -new Date(wallMs - first * 60_000).getTimezoneOffset();
  }
  const at = (instant: number): number | undefined => ianaOffset(instant, timeZone);
  const first = at(wallMs);
  if (first === undefined) return undefined;
  return at(wallMs - first * 60_000);
}

function ianaOffset(instant: number, timeZone: string): number | undefined {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  } catch {
    return undefined;
  }
  const name = fmt.formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  if (name === 'GMT') return 0;
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : undefined;
}

/** Parses the timestamp field `name` of a message-body object (undefined when absent or not a date). */
export function bodyTime(o: unknown, name: string, timeZone: string): CfxTime | undefined {
  const t = str(o, name);
  return t === undefined ? undefined : parseCfxTime(t, timeZone);
}
