/**
 * Small helpers converters share when they fill the SDK builders: timestamps with their real
 * offset, and strings shortened to the WSJF field limits (with a warning, never silently).
 */
import { FIELD_LIMITS, XML_INVALID_CHARS_RE } from '@tswats/sdk';
import { formatWithOffset, zoneOffsetMinutes } from './time.js';

/** `start` and `startOffsetMinutes` for the SDK builders, from ISO 8601 text with an offset. */
export function startFromIso(iso: string): { start: Date; startOffsetMinutes: number } {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(iso);
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return { start: new Date(iso), startOffsetMinutes: offset };
}

/** An instant written as local time in `timeZone`, with that zone's offset at the instant. */
export function instantInZone(utcMs: number, timeZone: string): string {
  return formatWithOffset(utcMs, zoneOffsetMinutes(timeZone, utcMs));
}

/** The maximum length of a WSJF text field (`step.name`, `miscInfo.text`, ...). */
export function fieldLimit(key: keyof typeof FIELD_LIMITS): number {
  return FIELD_LIMITS[key];
}

/**
 * `text` cut to `max` characters (ending in `…`), calling `onCut` with a message when it
 * had to be shortened; XML-invalid control characters are removed (also reported).
 */
export function fitText(text: string, max: number, what: string, onCut: (message: string) => void): string {
  let out = text;
  if (XML_INVALID_CHARS_RE.test(out)) {
    out = out.replace(new RegExp(XML_INVALID_CHARS_RE, 'g'), '');
    onCut(`${what}: control characters removed`);
  }
  if (out.length > max) {
    onCut(`${what}: ${out.length} characters shortened to ${max}`);
    out = `${out.slice(0, max - 1)}…`;
  }
  return out;
}
