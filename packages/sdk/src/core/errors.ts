/**
 * The SDK's one error model (modelled on openai-node):
 *
 * WatsError
 * ├── APIError (status, headers, body, requestId, code)
 * │   ├── BadRequestError (400) ├── AuthenticationError (401) ├── PermissionDeniedError (403)
 * │   ├── NotFoundError (404)   ├── ConflictError (409)       ├── UnprocessableEntityError (422)
 * │   ├── RateLimitError (429)  └── InternalServerError (5xx)
 * ├── APIConnectionError ── APIConnectionTimeoutError
 * ├── APIUserAbortError
 * ├── ReportParseError        (a report that is not WSJF at all)
 * └── ReportValidationError   (thrown before anything is sent)
 *
 * Resources never throw for HTTP reasons themselves: `APIError.generate()` maps a
 * response to its class in one place.
 */
export class WatsError extends Error {
  /** A stable, documented code, e.g. `WATS_ERR_VALIDATION`. Never reused. */
  readonly code: string;
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options?.code ?? 'WATS_ERR';
  }
}

export interface APIErrorInit {
  status: number;
  headers?: Headers;
  body?: unknown;
  requestId?: string;
  method?: string;
  url?: string;
  message?: string;
}

/** The server answered with a non-2xx status. */
export class APIError extends WatsError {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or the text body when it was not JSON. */
  readonly body: unknown;
  /** The server's request id (`Request-Id`/`X-Request-Id`), when it sent one. */
  readonly requestId: string | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;

  constructor(init: APIErrorInit, code = 'WATS_ERR_API') {
    super(APIError.makeMessage(init), { code });
    this.status = init.status;
    this.headers = init.headers ?? new Headers();
    this.body = init.body;
    this.requestId = init.requestId;
    this.method = init.method;
    this.url = init.url;
  }

  /** The server's own message from a WATS/ASP.NET error body, if any. */
  static serverMessage(body: unknown): string | undefined {
    if (typeof body === 'string') return body.trim() ? body.trim().slice(0, 500) : undefined;
    if (body && typeof body === 'object') {
      const o = body as Record<string, unknown>;
      for (const k of ['message', 'Message', 'error', 'detail', 'title', 'ExceptionMessage']) {
        const v = o[k];
        if (typeof v === 'string' && v) return v;
      }
      if (o.errors !== undefined) return JSON.stringify(o.errors).slice(0, 500);
    }
    return undefined;
  }

  private static makeMessage(init: APIErrorInit): string {
    if (init.message) return init.message;
    const where = init.method && init.url ? ` (${init.method} ${init.url})` : '';
    const msg = APIError.serverMessage(init.body);
    return `${init.status}${where}${msg ? `: ${msg}` : ''}`;
  }

  /** Maps a status to its error class. The only place that does so. */
  static generate(init: APIErrorInit): APIError {
    const s = init.status;
    if (s === 400) return new BadRequestError(init);
    if (s === 401) return new AuthenticationError(init);
    if (s === 403) return new PermissionDeniedError(init);
    if (s === 404) return new NotFoundError(init);
    if (s === 409) return new ConflictError(init);
    if (s === 422) return new UnprocessableEntityError(init);
    if (s === 429) return new RateLimitError(init);
    if (s >= 500) return new InternalServerError(init);
    return new APIError(init);
  }
}

export class BadRequestError extends APIError {
  constructor(init: APIErrorInit) { super(init, 'WATS_ERR_BAD_REQUEST'); }
}
export class AuthenticationError extends APIError {
  constructor(init: APIErrorInit) { super(init, 'WATS_ERR_UNAUTHORIZED'); }
}
export class PermissionDeniedError extends APIError {
  constructor(init: APIErrorInit) { super(init, 'WATS_ERR_FORBIDDEN'); }
}
export class NotFoundError extends APIError {
  constructor(init: APIErrorInit) { super(init, 'WATS_ERR_NOT_FOUND'); }
}
export class ConflictError extends APIError {
  constructor(init: APIErrorInit) { super(init, 'WATS_ERR_CONFLICT'); }
}
export class UnprocessableEntityError extends APIError {
  constructor(init: APIErrorInit) { super(init, 'WATS_ERR_UNPROCESSABLE'); }
}
export class RateLimitError extends APIError {
  constructor(init: APIErrorInit) { super(init, 'WATS_ERR_RATE_LIMITED'); }
}
export class InternalServerError extends APIError {
  constructor(init: APIErrorInit) { super(init, 'WATS_ERR_SERVER'); }
}

/** The request never got an HTTP answer: DNS, refused, reset, dropped socket. */
export class APIConnectionError extends WatsError {
  constructor(message = 'Connection error.', options?: { cause?: unknown; code?: string }) {
    super(message, { cause: options?.cause, code: options?.code ?? 'WATS_ERR_CONNECTION' });
  }
}

/** No answer within the timeout. */
export class APIConnectionTimeoutError extends APIConnectionError {
  constructor(message = 'Request timed out.', options?: { cause?: unknown }) {
    super(message, { cause: options?.cause, code: 'WATS_ERR_TIMEOUT' });
  }
}

/** The caller's AbortSignal fired. Never retried. */
export class APIUserAbortError extends WatsError {
  constructor(message = 'Request was aborted.', options?: { cause?: unknown }) {
    super(message, { cause: options?.cause, code: 'WATS_ERR_ABORTED' });
  }
}

/** One problem found in a report: a JSON path and what is wrong there. */
export interface ReportIssue {
  /** JSON path into the WSJF document, e.g. `root.steps[3].numericMeas[0].compOp`. */
  path: string;
  message: string;
}

/** Input that is not a WSJF report at all (not an object, not JSON, wrong `type`). */
export class ReportParseError extends WatsError {
  readonly issues: readonly ReportIssue[];
  constructor(issues: readonly ReportIssue[], options?: { cause?: unknown; source?: string }) {
    super(
      `${options?.source ? `${options.source}: ` : ''}not a WSJF report: ` +
        issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; '),
      { cause: options?.cause, code: 'WATS_ERR_REPORT_PARSE' },
    );
    this.issues = issues;
  }
}

/** Strict validation found problems; every one of them is listed, not just the first. */
export class ReportValidationError extends WatsError {
  readonly issues: readonly ReportIssue[];
  constructor(issues: readonly ReportIssue[]) {
    super(
      `report is not valid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n'),
      { code: 'WATS_ERR_VALIDATION' },
    );
    this.issues = issues;
  }
}
