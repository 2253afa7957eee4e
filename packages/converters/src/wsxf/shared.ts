/**
 * Helpers the two WATS native text/XML converters (`wsxf`, `wstf`) share: status words,
 * numbers as WATS writes them, timestamps, process codes by name, and the final pass that
 * shortens over-long strings with a warning instead of failing.
 */
import { XML_INVALID_CHARS_RE, type StepStatus } from '@tswats/sdk';
import type { ConvertContext } from '../types.js';
import { formatWithOffset, parseLocalTimestamp, zoneOffsetMinutes } from '../time.js';

/** WATS status words (any case) and the WSJF letters themselves. */
const STATUS_BY_WORD: Readonly<Record<string, StepStatus>> = {
  passed: 'P', failed: 'F', skipped: 'S', done: 'D', error: 'E', terminated: 'T',
  p: 'P', f: 'F', s: 'S', d: 'D', e: 'E', t: 'T',
};

/** `Passed` → `P`; undefined for an empty text; null when the word is not a status. */
export function statusLetter(text: string | undefined): StepStatus | undefined | null {
  if (text === undefined) return undefined;
  // The words as WATS writes them, without trimming and lower-casing first.
  switch (text) {
    case 'Passed':
      return 'P';
    case 'Failed':
      return 'F';
    case 'Done':
      return 'D';
    case 'Skipped':
      return 'S';
    case 'Error':
      return 'E';
    case 'Terminated':
      return 'T';
  }
  const t = text.trim();
  if (t === '') return undefined;
  return STATUS_BY_WORD[t.toLowerCase()] ?? null;
}

/** The status words, for error messages. */
export const STATUS_WORDS = 'Passed, Failed, Skipped, Done, Error, Terminated';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A number as WATS writes it: a decimal (`.` separator, optional exponent), or `NaN`,
 * `INF`/`Infinity` (signed), kept as the WSJF strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
 * Undefined for an empty text; null when the text is not a number.
 */
export function parseWatsNumber(text: string | undefined): number | string | undefined | null {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '') return undefined;
  if (DECIMAL.test(t)) {
    const n = Number(t);
    return Number.isFinite(n) ? n : n > 0 ? 'Infinity' : '-Infinity';
  }
  if (/^nan$/i.test(t)) return 'NaN';
  const inf = /^([+-]?)inf(?:inity)?$/i.exec(t);
  if (inf) return inf[1] === '-' ? '-Infinity' : 'Infinity';
  return null;
}

/** A whole number (optional sign); undefined for empty, null when not an integer. */
export function parseWatsInt(text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^[+-]?\d{1,15}$/.test(t)) return null;
  return Number(t);
}

/** `1`/`true`/`yes` → true, `0`/`false`/`no` → false; undefined for empty, null otherwise. */
export function parseWatsBool(text: string | undefined): boolean | undefined | null {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  if (t === '1' || t === 'true' || t === 'yes') return true;
  if (t === '0' || t === 'false' || t === 'no') return false;
  return null;
}

/** True for a GUID in 8-4-4-4-12 form, optionally in braces. */
export function isGuidText(text: string): boolean {
  return /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i.test(text.trim());
}

/** A GUID as WSJF writes it: lower case, no braces. */
export function canonicalGuid(text: string): string {
  return text.trim().replace(/^\{|\}$/g, '').toLowerCase();
}

/**
 * A timestamp: one with an offset (`Z`, `+02:00`) is kept exactly as written; one without is
 * read as local time in `timeZone` and written with that zone's real offset. Undefined when
 * the text is not a date and time.
 */
export function readTimestamp(text: string, timeZone: string): { iso: string; hadOffset: boolean } | undefined {
  const t = text.trim();
  const parsed = parseLocalTimestamp(t, timeZone);
  if (parsed === undefined) return undefined;
  const hadOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(t);
  return { iso: hadOffset ? t : parsed, hadOffset };
}

/** An instant (ms since the epoch) as ISO 8601 with the offset `timeZone` has at that instant. */
export function instantIso(utcMs: number, timeZone: string): string {
  return formatWithOffset(utcMs, zoneOffsetMinutes(timeZone, utcMs));
}

/**
 * The process code for a process name, from the format setting `processCodes`
 * (`{ formats: { wsxf: { processCodes: { 'SW Debug': 10 } } } }`), case-insensitive.
 */
export function processCodeByName(ctx: ConvertContext, format: string, name: string | undefined): number | undefined {
  if (!name) return undefined;
  const table = ctx.options.formats[format]?.processCodes;
  if (!table || typeof table !== 'object') return undefined;
  const wanted = name.trim().toLowerCase();
  for (const [k, v] of Object.entries(table as Record<string, unknown>)) {
    if (k.trim().toLowerCase() === wanted && typeof v === 'number' && Number.isInteger(v)) return v;
  }
  return undefined;
}

const XML_INVALID_ALL = new RegExp(XML_INVALID_CHARS_RE, 'g');

/** `text` without XML-invalid control characters, and how many were removed. */
export function withoutControlChars(text: string): { text: string; removed: number } {
  const removed = text.match(XML_INVALID_ALL)?.length ?? 0;
  return removed === 0 ? { text, removed } : { text: text.replace(XML_INVALID_ALL, ''), removed };
}

/** Wall-clock fields of a timestamp read as if they were UTC (for offset arithmetic). */
function wallMs(text: string): number | undefined {
  const iso = parseLocalTimestamp(text.trim().replace(/(?:Z|[+-]\d{2}:?\d{2})$/i, ''), 'UTC');
  return iso === undefined ? undefined : Date.parse(iso);
}

const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})\s*$/i;

/**
 * A report start from a local time and/or a UTC time, as WATS formats carry them:
 * - local with an offset: kept as written;
 * - local without an offset and a UTC time: their difference is the station's real offset;
 * - local alone: read in `timeZone`;
 * - UTC alone (no offset means UTC): that instant, with `timeZone`'s offset.
 * `bad` names the part that is not a date and time; `note` explains a guess.
 */
export function startFromParts(local: string | undefined, utc: string | undefined, timeZone: string): { iso: string; note?: string } | { bad: 'local' | 'utc' } | undefined {
  let utcMs: number | undefined;
  if (utc !== undefined) {
    const iso = parseLocalTimestamp(utc, 'UTC');
    if (iso === undefined) return { bad: 'utc' };
    utcMs = Date.parse(iso);
  }
  if (local !== undefined) {
    const iso = parseLocalTimestamp(local, timeZone);
    if (iso === undefined) return { bad: 'local' };
    if (HAS_OFFSET.test(local)) return { iso: local.trim() };
    if (utcMs === undefined) return { iso };
    const offset = Math.round((wallMs(local)! - utcMs) / 60_000);
    if (Math.abs(offset) <= 14 * 60 && offset % 15 === 0) return { iso: formatWithOffset(utcMs, offset) };
    return { iso, note: `the local and the UTC start differ by ${offset} minutes, not a UTC offset: the local time is read in ${timeZone}` };
  }
  if (utcMs !== undefined) return { iso: instantIso(utcMs, timeZone), note: `only a UTC start: shown in ${timeZone}` };
  return undefined;
}
