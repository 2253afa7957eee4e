/**
 * Arithmetic on VTE's local wall-clock timestamps (text, no offset), in the configured zone:
 * "now minus the settle delay" and "watermark minus the guard band" are computed on instants and
 * written back as local text, so they stay right across DST changes.
 */
import type { VteLocalTimestamp } from '../db/types.js';
import { offsetAt, parseWallTime, wallTimeToInstant } from '../time-zone.js';

const PARTS_RE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2}))?(?:\.(\d{1,9}))?$/;

/** The local wall-clock text (`YYYY-MM-DDTHH:mm:ss.SSS`) of the instant `ms` in `zone`. */
export function instantToLocal(ms: number, zone: string): VteLocalTimestamp {
  const wall = ms + offsetAt(zone, ms) * 60_000;
  return new Date(wall).toISOString().slice(0, 23);
}

/** The instant (ms since the epoch) of a local timestamp in `zone`; throws on text that is not one. */
export function localToInstant(ts: VteLocalTimestamp, zone: string): number {
  const wall = parseWallTime(ts);
  if (!wall) throw new RangeError(`not a local timestamp: ${JSON.stringify(ts)}`);
  return wallTimeToInstant(wall.wallMs, zone).date.getTime();
}

/** `ts` moved by `deltaMs` (negative: earlier), as local text in `zone`. */
export function shiftLocal(ts: VteLocalTimestamp, deltaMs: number, zone: string): VteLocalTimestamp {
  return instantToLocal(localToInstant(ts, zone) + deltaMs, zone);
}

/** A `Date` (an instant) or local text → local text in `zone`. */
export function toLocal(value: VteLocalTimestamp | Date, zone: string): VteLocalTimestamp {
  if (value instanceof Date) return instantToLocal(value.getTime(), zone);
  if (!parseWallTime(value)) throw new RangeError(`not a local timestamp: ${JSON.stringify(value)}`);
  return value;
}

/**
 * Orders two local timestamps as wall-clock times, whatever their precision (SQL Server's style
 * 126 drops a zero fraction, PostgreSQL's text has microseconds). Timestamps only: GUIDs are
 * never compared in JavaScript (SQL Server orders uniqueidentifier differently).
 */
export function compareLocal(a: VteLocalTimestamp, b: VteLocalTimestamp): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function sortKey(ts: string): string {
  const m = PARTS_RE.exec(ts.trim());
  if (!m) throw new RangeError(`not a local timestamp: ${JSON.stringify(ts)}`);
  return `${m[1]}T${m[2]}:${m[3] ?? '00'}.${(m[4] ?? '').padEnd(9, '0')}`;
}

/** The later of two local timestamps. */
export function maxLocal(a: VteLocalTimestamp, b: VteLocalTimestamp): VteLocalTimestamp {
  return compareLocal(a, b) >= 0 ? a : b;
}

/** The earlier of two local timestamps. */
export function minLocal(a: VteLocalTimestamp, b: VteLocalTimestamp): VteLocalTimestamp {
  return compareLocal(a, b) <= 0 ? a : b;
}
