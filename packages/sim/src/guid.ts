import { createHash } from 'node:crypto';

const GUID = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;

/** True for a GUID in .NET's "D" form (optionally in braces), any case. */
export function isGuid(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = GUID.exec(value);
  // Braces must come in pairs.
  return m !== null && value.startsWith('{') === value.endsWith('}');
}

/** The canonical form the server answers with: lower case, hyphens, no braces. */
export function canonicalGuid(value: string): string {
  const m = GUID.exec(value);
  if (!m) throw new Error(`not a GUID: ${value}`);
  return m.slice(1, 6).join('-').toLowerCase();
}

/** A stable GUID derived from a name (SHA-1, version 5 layout). */
export function derivedGuid(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16).padStart(2, '0');
  return [hex.slice(0, 8), hex.slice(8, 12), `5${hex.slice(13, 16)}`, `${variant}${hex.slice(18, 20)}`, hex.slice(20, 32)].join('-');
}
