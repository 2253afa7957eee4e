/**
 * Local wall-clock times in a named time zone → ISO 8601 with the real UTC offset.
 * Test equipment writes local times without an offset; converters must not label them UTC.
 */

/** The machine's IANA time zone (e.g. `Europe/Oslo`), `UTC` when unknown. */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const knownZones = new Set<string>();

/** Throws a RangeError naming the zone when it is not a valid IANA time zone. */
export function checkTimeZone(timeZone: string): void {
  if (knownZones.has(timeZone)) return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)} (use an IANA name such as Europe/Oslo)`);
  }
  knownZones.add(timeZone);
}

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond?: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offsets per time zone, by quarter hour of UTC. */
const offsetCache = new Map<string, Map<number, number>>();
let offsetsCached = 0;
/** Offsets only change at transitions, which fall on quarter hours of UTC. */
const BUCKET_MS = 15 * 60_000;

/** Offset of `timeZone` from UTC at the instant `utcMs`, in minutes (east positive). */
export function zoneOffsetMinutes(timeZone: string, utcMs: number): number {
  const bucket = Math.floor(utcMs / BUCKET_MS);
  let zone = offsetCache.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    offsetCache.set(timeZone, zone);
  }
  let offset = zone.get(bucket);
  if (offset === undefined) {
    offset = computeOffset(timeZone, bucket * BUCKET_MS);
    if (offsetsCached++ > 50_000) {
      offsetCache.clear();
      offsetsCached = 0;
      offsetCache.set(timeZone, zone = new Map());
    }
    zone.set(bucket, offset);
  }
  return offset;
}

function computeOffset(timeZone: string, utcMs: number): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/**
 * The instant of a local wall-clock time in `timeZone`. In the hour skipped by a DST
 * change the time is read with the offset before the change; in the repeated hour, the
 * first (summer-time) occurrence is taken.
 */
export function localToInstant(local: LocalDateTime, timeZone: string): { utcMs: number; offsetMinutes: number } {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond ?? 0);
  // Two passes settle the offset, also across a DST boundary.
  let offset = zoneOffsetMinutes(timeZone, wall);
  offset = zoneOffsetMinutes(timeZone, wall - offset * 60_000);
  const earlier = zoneOffsetMinutes(timeZone, wall - offset * 60_000 - 3600_000);
  if (earlier > offset && zoneOffsetMinutes(timeZone, wall - earlier * 60_000) === earlier) offset = earlier;
  return { utcMs: wall - offset * 60_000, offsetMinutes: offset };
}

/** ISO 8601 with explicit offset: `2020-05-14T10:01:37.563+02:00`. */
export function formatWithOffset(utcMs: number, offsetMinutes: number): string {
  const local = new Date(utcMs + offsetMinutes * 60_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const ms = local.getUTCMilliseconds();
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${ms ? `.${pad(ms, 3)}` : ''}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** A local wall-clock time in `timeZone` as ISO 8601 with its real offset. */
export function localToIso(local: LocalDateTime, timeZone: string): string {
  const { utcMs, offsetMinutes } = localToInstant(local, timeZone);
  return formatWithOffset(utcMs, offsetMinutes);
}

const TIMESTAMP = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i;

/**
 * The instant (ms since the epoch) of a timestamp {@link parseLocalTimestamp} reads, without
 * formatting it: the same number as `Date.parse(parseLocalTimestamp(text, timeZone))`
 * (NaN when that is NaN), undefined when the text does not parse. For durations between
 * timestamps in hot loops.
 */
export function parseLocalInstant(text: string, timeZone: string): number | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const year = +m[1]!;
  // Years before 1000 print with fewer than four digits, which Date.parse does not read: keep
  // the formatted path's answer exactly.
  if (year < 1000) {
    const iso = parseLocalTimestamp(text, timeZone);
    return iso === undefined ? undefined : Date.parse(iso);
  }
  const local: LocalDateTime = {
    year, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: m[6] ? +m[6] : 0,
    millisecond: m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0,
  };
  if (!validLocalFrom1000(local)) return undefined;
  let utcMs: number, offset: number;
  if (m[8]) {
    const zone = m[8].toUpperCase();
    offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (+zone.slice(1, 3) * 60 + +zone.slice(-2));
    utcMs = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond) - offset * 60_000;
  } else {
    ({ utcMs, offsetMinutes: offset } = localToInstant(local, timeZone));
  }
  // Outside four-digit years (after the offset) the formatted text would not parse either. Only
  // the first and last day of a year can be moved into another one (by a zone's offset change).
  const edge = (local.month === 1 && local.day === 1) || (local.month === 12 && local.day === 31);
  const localYear = edge ? new Date(utcMs + offset * 60_000).getUTCFullYear() : year;
  if (localYear < 1000 || localYear > 9999 || Number.isNaN(utcMs)) {
    const iso = parseLocalTimestamp(text, timeZone);
    return iso === undefined ? undefined : Date.parse(iso);
  }
  return utcMs;
}

/**
 * Reads `yyyy-MM-dd[T ]HH:mm[:ss[.fff]]` (optionally with `Z` or an offset). A time with an
 * offset keeps it; one without is read in `timeZone`. Returns undefined when it does not parse.
 */
export function parseLocalTimestamp(text: string, timeZone: string): string | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const local: LocalDateTime = {
    year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: m[6] ? +m[6] : 0,
    millisecond: m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0,
  };
  if (!validLocal(local)) return undefined;
  if (m[8]) {
    const zone = m[8].toUpperCase();
    const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (+zone.slice(1, 3) * 60 + +zone.slice(-2));
    const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
    return formatWithOffset(wall - offset * 60_000, offset);
  }
  return localToIso(local, timeZone);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** {@link validLocal} for years 1000 and later, without a Date. */
function validLocalFrom1000(l: LocalDateTime): boolean {
  if (l.month < 1 || l.month > 12 || l.day < 1 || l.hour > 23 || l.minute > 59 || l.second > 60) return false;
  const y = l.year;
  const leap = l.month === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return l.day <= DAYS_IN_MONTH[l.month - 1]! + (leap ? 1 : 0);
}

/** True when the fields form a real calendar date and time. */
export function validLocal(l: LocalDateTime): boolean {
  if (l.month < 1 || l.month > 12 || l.day < 1 || l.hour > 23 || l.minute > 59 || l.second > 60) return false;
  const d = new Date(Date.UTC(l.year, l.month - 1, l.day));
  return d.getUTCMonth() === l.month - 1 && d.getUTCDate() === l.day;
}
