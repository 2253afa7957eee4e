import { createHash } from 'node:crypto';

/** Namespace of report ids made from CFX messages (a fixed random UUID). */
export const CFX_REPORT_ID_NAMESPACE = '4f7c3d52-8a0e-4e9b-b1f6-2c5d8e7a9b13';

/** RFC 9562 version-5 UUID (SHA-1) of `name` in `namespace`. */
const NAMESPACE_BYTES = new Map<string, Buffer>();

export function uuidV5(name: string, namespace: string): string {
  let ns = NAMESPACE_BYTES.get(namespace);
  if (ns === undefined) {
    ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
    if (NAMESPACE_BYTES.size < 100) NAMESPACE_BYTES.set(namespace, ns);
  }
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The id of the report made for one unit of one CFX message. The same message redelivered
 * gives the same id, so WATS overwrites instead of storing a duplicate; another unit, position
 * or report type gives another id.
 */
export function cfxReportId(input: { uniqueId: string; unitIdentifier: string; position?: number | undefined; type: 'T' | 'R' }): string {
  const name = ['tswats-cfx:1', input.type, input.uniqueId.toLowerCase(), input.unitIdentifier, input.position ?? ''].join('\u001f');
  return uuidV5(name, CFX_REPORT_ID_NAMESPACE);
}
