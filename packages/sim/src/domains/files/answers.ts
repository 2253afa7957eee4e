import type { RouteResult } from '../../routes/route-types.js';

/** `Content-Disposition` for a download, with an RFC 5987 `filename*` for non-ASCII names. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** A file download: the bytes as they are, with their type and name. */
export function fileAnswer(data: Buffer | string, contentType: string, fileName: string): RouteResult {
  return { raw: data, contentType, headers: { 'content-disposition': contentDisposition(fileName) } };
}
