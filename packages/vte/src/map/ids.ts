import { createHash } from 'node:crypto';

/** Namespace of the UUR ids derived from VTE repair rows (a fixed, random UUID; never change it). */
export const VTE_REPAIR_NAMESPACE = '3b0c5e3e-8f0a-4a55-9d38-6a1f3f1c2b7e';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in 8-4-4-4-12 hex form. */
export function isGuid(text: string): boolean {
  return UUID_RE.test(text);
}

/** An RFC 9562 version-5 (SHA-1, name-based) UUID of `name` in `namespace`. */
export function uuidV5(namespace: string, name: string): string {
  if (!isGuid(namespace)) throw new TypeError(`not a UUID: ${namespace}`);
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The UUT report id of a run: its Index_GUID in lower case (re-sending overwrites). */
export function runReportId(indexGuid: string): string {
  return indexGuid.toLowerCase();
}

/** The UUR report id of a repair row: a v5 UUID of its Repair_GUID (stable across re-reads and machines). */
export function repairReportId(repairGuid: string): string {
  return uuidV5(VTE_REPAIR_NAMESPACE, `vte-repair:${repairGuid.toLowerCase()}`);
}
