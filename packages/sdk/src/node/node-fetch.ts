import { STATUS_CODES } from 'node:http';
import { Agent, request } from 'undici';
import type { FetchBody, FetchInit, FetchLike, FetchResponseLike } from '../client.js';

/** Options for {@link createNodeFetch}. */
export interface NodeFetchOptions {
  /** Most sockets open at once to one origin. @default 64 */
  connections?: number;
  /** How long an idle keep-alive socket is kept, unless the server says less. @default 4000 */
  keepAliveTimeoutMs?: number;
  /** Requests sent on one socket before the first answer (1 = no HTTP pipelining). @default 1 */
  pipelining?: number;
  /**
   * Redirects followed for GET and HEAD, as `fetch` does (`Authorization` is dropped when one
   * leaves the origin). Other methods get the 3xx answer, which the client turns into an
   * `APIError`: re-sending a report to another URL is never done silently. @default 5
   */
  maxRedirections?: number;
  /**
   * Any other undici `Agent` option, applied last: e.g. `connect: { ca, rejectUnauthorized }`
   * for an on-premises server with its own CA, or `headersTimeout`/`bodyTimeout` (undici's
   * defaults, 300 s each, are the same as the built-in fetch's).
   */
  agent?: Agent.Options;
}

/** A {@link FetchLike} with its own connection pool; `close()` it when done. */
export interface NodeFetch extends FetchLike {
  /** Waits for running requests, then closes every socket. Later calls reject; calling it again is harmless. */
  close(): Promise<void>;
}

/**
 * A fetch for `new WatsClient({ fetch })` built on `undici.request` and a keep-alive `Agent`
 * of its own. It skips the WHATWG streams of the built-in fetch and reads each answer into one
 * buffer, which about doubles the requests per second the client can send on Node (measured
 * ~700/s → ~1,700/s for `reports.submit` over loopback).
 *
 * It does only what the client needs (see {@link FetchLike}): no streaming bodies, no
 * `redirect`/`cache`/`credentials` modes, no CORS. Network failures and aborts reject, with
 * the signal's reason for an abort, so the client maps them to the same errors as with fetch.
 *
 * ```ts
 * const fetch = createNodeFetch();
 * const wats = new WatsClient({ fetch });
 * // ...
 * await fetch.close();
 * ```
 */
export function createNodeFetch(options: NodeFetchOptions = {}): NodeFetch {
  const connections = options.connections ?? 64;
  const pipelining = options.pipelining ?? 1;
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 4000;
  const maxRedirections = options.maxRedirections ?? 5;
  for (const [name, value, min] of [
    ['connections', connections, 1],
    ['pipelining', pipelining, 0],
    ['keepAliveTimeoutMs', keepAliveTimeout, 1],
    ['maxRedirections', maxRedirections, 0],
  ] as const) {
    if (!Number.isInteger(value) || value < min) {
      throw new RangeError(`createNodeFetch: ${name} must be a whole number >= ${min}, got ${value}`);
    }
  }
  const agent = new Agent({ connections, pipelining, keepAliveTimeout, ...options.agent });

  const nodeFetch = async (url: string, init: FetchInit): Promise<FetchResponseLike> => {
    const method = init.method.toUpperCase();
    const res = await request(url, {
      dispatcher: agent,
      method: method as 'GET',
      headers: flattenHeaders(init.headers),
      body: toUndiciBody(init.body),
      signal: init.signal,
      maxRedirections: method === 'GET' || method === 'HEAD' ? maxRedirections : 0,
    });
    // The whole body, so a slow or dropped answer fails here, under the caller's signal.
    const data = await res.body.arrayBuffer();
    return new NodeFetchResponse(res.statusCode, toHeaders(res.headers), data);
  };
  let closing: Promise<void> | undefined;
  return Object.assign(nodeFetch, {
    close: () => (closing ??= agent.close()),
  });
}

/** The lightweight answer: a status, real `Headers`, and a body already in memory. */
class NodeFetchResponse implements FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  private data: ArrayBuffer | undefined;

  constructor(status: number, headers: Headers, data: ArrayBuffer) {
    this.status = status;
    this.headers = headers;
    this.ok = status >= 200 && status <= 299;
    this.statusText = STATUS_CODES[status] ?? '';
    this.data = data;
  }

  get bodyUsed(): boolean {
    return this.data === undefined;
  }

  /** UTF-8, without a leading BOM (as `Response.text()`). */
  text(): Promise<string> {
    const buf = Buffer.from(this.take());
    const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
    return Promise.resolve(buf.toString('utf8', bom ? 3 : 0));
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.take());
  }

  private take(): ArrayBuffer {
    const data = this.data;
    if (data === undefined) throw new TypeError('Body is unusable: Body has already been read');
    this.data = undefined;
    return data;
  }
}

/** Headers as the flat `[name, value, ...]` list undici takes (and its redirect handler can filter). */
function flattenHeaders(headers: FetchInit['headers'] | Record<string, string>): string[] {
  const flat: string[] = [];
  // Any Headers implementation (the client's is the global one); else a plain object.
  if (typeof (headers as Headers).forEach === 'function') {
    (headers as Headers).forEach((value, name) => {
      flat.push(name, value);
    });
  } else {
    for (const [name, value] of Object.entries(headers)) flat.push(name, value);
  }
  return flat;
}

type UndiciBody = NonNullable<Parameters<typeof request>[1]>['body'];

/** undici takes strings, bytes, Blobs and FormData as they are (FormData gets its multipart boundary there). */
function toUndiciBody(body: FetchBody | undefined): UndiciBody {
  if (body === undefined) return null;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return body as UndiciBody;
}

/** undici's `{ name: value | value[] }` as `Headers`, repeated headers appended. */
function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    if (typeof value === 'string') headers.append(name, value);
    else for (const v of value) headers.append(name, v);
  }
  return headers;
}
