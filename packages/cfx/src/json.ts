/**
 * Case-insensitive access to CFX JSON. The SDK serialises with Newtonsoft, which reads property
 * names case-insensitively, and the SDK itself is inconsistent (`TransactionId` in UnitsTested,
 * `TransactionID` in WorkStarted), so every read goes through {@link field}.
 */

/** A JSON object as parsed. */
export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Lower-case forms of ASCII field names (the names the mappers ask for); null for other names. */
const ASCII_LOWER = new Map<string, string | null>();
const ASCII_RE = /^[\x00-\x7f]*$/;

function asciiLower(name: string): string | null {
  let lower = ASCII_LOWER.get(name);
  if (lower === undefined) {
    lower = ASCII_RE.test(name) ? name.toLowerCase() : null;
    if (ASCII_LOWER.size < 10_000) ASCII_LOWER.set(name, lower);
  }
  return lower;
}

/** Reads `name` from `obj`: exact key first, then a case-insensitive match. */
export function field(obj: unknown, name: string): unknown {
  if (!isObject(obj)) return undefined;
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = asciiLower(name);
  if (lower === null) {
    const l = name.toLowerCase();
    for (const k of Object.keys(obj)) if (k.toLowerCase() === l) return obj[k];
    return undefined;
  }
  // A key whose lower case is this ASCII text has as many UTF-16 units as it (only ASCII
  // letters and the Kelvin sign lower-case to ASCII letters), so other lengths are skipped
  // without lower-casing them. Own keys in Object.keys order, as before.
  const n = lower.length;
  for (const k in obj) {
    if (k.length === n && Object.hasOwn(obj, k) && k.toLowerCase() === lower) return obj[k];
  }
  return undefined;
}

/** A non-empty string field, else undefined (nulls and empty strings are "absent"). */
export function str(obj: unknown, name: string): string | undefined {
  const v = field(obj, name);
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A finite number field (numeric strings accepted), else undefined. */
export function num(obj: unknown, name: string): number | undefined {
  const v = field(obj, name);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** An array field; null/absent gives `[]`. */
export function arr(obj: unknown, name: string): unknown[] {
  const v = field(obj, name);
  return Array.isArray(v) ? v : [];
}

/** An object field, else undefined. */
export function obj(o: unknown, name: string): JsonObject | undefined {
  const v = field(o, name);
  return isObject(v) ? v : undefined;
}

/** A boolean field (`"true"`/`"false"` strings accepted), else undefined. */
export function bool(o: unknown, name: string): boolean | undefined {
  const v = field(o, name);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return undefined;
}

/** The short .NET type name of a `$type` discriminator: `CFX.Structures.NumericMeasurement, CFX` -> `NumericMeasurement`. */
export function typeName(o: unknown): string | undefined {
  const t = str(o, '$type');
  if (t === undefined) return undefined;
  const full = t.split(',')[0]!.trim();
  return full.slice(full.lastIndexOf('.') + 1);
}
