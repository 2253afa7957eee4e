import type { APIResponse } from '../client.js';

/** A file the server sent: its bytes, and what the response headers say about them. */
export interface ReportFile {
  data: Uint8Array;
  /** `Content-Type` of the response, e.g. `image/png`, `application/pdf`, `application/zip`. */
  contentType: string | undefined;
  /** The file name from `Content-Disposition`, when the server sent one. */
  fileName: string | undefined;
}

/** Reads the file name out of a `Content-Disposition` header (RFC 6266; `filename*` preferred). */
function dispositionFileName(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*utf-8''([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim());
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/.exec(header);
  return plain ? (plain[1] ?? plain[2]!).replace(/\\(.)/g, '$1').trim() : undefined;
}

/** A `responseType: 'bytes'` answer as a {@link ReportFile}. */
export function toReportFile(res: APIResponse<Uint8Array>): ReportFile {
  return {
    data: res.data,
    contentType: res.headers.get('content-type') ?? undefined,
    fileName: dispositionFileName(res.headers.get('content-disposition')),
  };
}
