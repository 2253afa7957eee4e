/**
 * VTE writes local wall-clock timestamps (no offset). These helpers turn such a timestamp, in
 * the site's configured IANA zone, into an instant plus the zone's real UTC offset at that
 * instant, so reports carry the right offset on both sides of a DST change.
 */

/** The machine's IANA zone (`UTC` when unknown). */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** True when `zone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC in `zone` at the instant `utcMs`. */
export function offsetAt(zone: string, utcMs: number): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(utcMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((wall - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/** A wall-clock time parsed from VTE's text form (`2026-03-29T02:30:00.123`, seconds and fraction optional). */
export interface WallTime {
  /** The wall-clock time as if it were UTC (milliseconds). */
  wallMs: number;
}

/** Parses `YYYY-MM-DD[T ]HH:mm[:ss[.fff…]]`; undefined when it is not such a time. */
export function parseWallTime(text: string): WallTime | undefined {
  const m = LOCAL_RE.exec(text.trim());
  if (!m) return undefined;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const wallMs = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, ms);
  const d = new Date(wallMs);
  // Reject 2026-02-30 and friends (Date.UTC rolls them over).
  if (d.getUTCMonth() !== +m[2]! - 1 || d.getUTCDate() !== +m[3]!) return undefined;
  return { wallMs };
}

/**
 * The instant of a wall-clock time in `zone`, with the zone's offset then. In the hour skipped
 * by a DST change (which no correct clock shows) the result is one of the two offsets around
 * the change, written consistently with the instant; in the repeated hour, the earlier
 * (summer-time) occurrence is taken.
 */
export function wallTimeToInstant(wallMs: number, zone: string): { date: Date; offsetMinutes: number } {
  let offset = offsetAt(zone, wallMs);
  offset = offsetAt(zone, wallMs - offset * 60_000);
  const before = offsetAt(zone, wallMs - offset * 60_000 - 3_600_000);
  if (before > offset && offsetAt(zone, wallMs - before * 60_000) === before) offset = before;
  return { date: new Date(wallMs - offset * 60_000), offsetMinutes: offset };
}
