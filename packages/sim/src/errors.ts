/**
 * Errors raised by the simulator itself (bad options, corrupt data directory, a route module
 * that names an operation the spec does not have). Each carries a stable `code`, fastify style.
 */
export type SimErrorCode =
  | 'SIM_ERR_INVALID_OPTIONS'
  | 'SIM_ERR_INVALID_FAULTS'
  | 'SIM_ERR_CORRUPT_DATA'
  | 'SIM_ERR_UNKNOWN_OPERATION'
  | 'SIM_ERR_SPEC';

export class SimError extends Error {
  readonly code: SimErrorCode;

  constructor(code: SimErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimError';
    this.code = code;
  }
}

/**
 * An HTTP error answered to an `/api` client. The body is ASP.NET Web API's shape,
 * `{"Message": "..."}`, which is what a real WATS server sends for errors.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

/** The ASP.NET Web API error body. */
export interface AspNetError {
  Message: string;
}

export function aspNetError(message: string): AspNetError {
  return { Message: message };
}

/** ASP.NET's wording for a URL that matches no route. */
export function notFoundMessage(url: string): string {
  return `No HTTP resource was found that matches the request URI '${url}'.`;
}

/** ASP.NET's wording for a route that exists with other verbs only. */
export function methodNotAllowedMessage(method: string): string {
  return `The requested resource does not support http method '${method}'.`;
}

export const UNAUTHORIZED_MESSAGE = 'Authorization has been denied for this request.';

/** Normalises whatever was thrown into an Error (graphile's `coerceError`). */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value));
}
