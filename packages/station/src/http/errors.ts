/** Errors of the status server that operators see; each carries a stable `code`. */

export type StationHttpErrorCode =
  /** The status server would listen on a non-loopback address without a token. */
  | 'STATION_ERR_HTTP_TOKEN_REQUIRED'
  /** The status server could not listen (port in use, address not available, no permission). */
  | 'STATION_ERR_HTTP_LISTEN_FAILED';

export class StationHttpError extends Error {
  readonly code: StationHttpErrorCode;
  constructor(code: StationHttpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StationHttpError';
    this.code = code;
  }
}
