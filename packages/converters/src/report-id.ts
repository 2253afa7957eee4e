import { createHash } from 'node:crypto';
import type { WsjfReport } from '@tswats/sdk';

/**
 * A report id derived from the report's content (everything but its id) and its place in the
 * file, formatted as an RFC 9562 version-8 UUID.
 *
 * Converting the same file again gives the same ids, so a station that crashes after an
 * upload but before moving the file re-sends the same reports, and the server overwrites
 * them instead of storing duplicates. Two units of one file never share an id (the index is
 * part of the hash), even when their content is identical.
 */
export function contentReportId(report: WsjfReport, index: number): string {
  const { id: _ignored, ...rest } = report as WsjfReport & { id?: string };
  // Converters build reports deterministically (same input, same key order), so plain JSON is a
  // stable serialisation here and far cheaper than sorting keys.
  const hash = createHash('sha256').update(`tswats-report-id:1:${index}:`).update(JSON.stringify(rest)).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80; // version 8
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
