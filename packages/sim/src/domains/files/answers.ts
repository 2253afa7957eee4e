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

/**
 * A JSON answer for an operation whose response the spec leaves untyped. Swashbuckle writes
 * `{"type": "object"}` for every action that returns an untyped `IHttpActionResult`, whatever
 * the action really sends; where the real answer is a list, a number or `null` (the operation's
 * own description says so), it goes out as JSON without the response-schema check, which would
 * otherwise flag the placeholder.
 */
export function untypedJson(value: unknown): RouteResult {
  return { raw: JSON.stringify(value), contentType: 'application/json; charset=utf-8' };
}
