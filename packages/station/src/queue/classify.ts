/**
 * What an upload failure means for the queue, in one table (graphile's retryable-codes idea):
 *
 * | failure                                         | outcome     | attempts  |
 * |-------------------------------------------------|-------------|-----------|
 * | APIConnectionError, APIConnectionTimeoutError   | `offline`   | unchanged |
 * | APIUserAbortError (our own abort on close)      | `aborted`   | unchanged |
 * | APIError 401, 403 (token missing/wrong/expired) | `auth`      | unchanged |
 * | APIError 408, 429, 5xx (SDK `shouldRetry`)      | `retry`     | +1        |
 * | any other APIError (4xx, 501, 505)              | `permanent` | +1        |
 * | ReportValidationError, ReportParseError, other  | `permanent` | +1        |
 *
 * `auth` holds the whole queue like `offline` (a wrong or expired token is the station's
 * problem, not the reports'): nothing moves to failed, and the probe keeps asking until the
 * token is fixed and the service restarted, or the server accepts it again.
 *
 * The SDK classifies (`shouldRetry`, `parseRetryAfter`); the queue owns the schedule, so it
 * submits with `maxRetries: 0`.
 */
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  parseRetryAfter,
  shouldRetry,
  WatsError,
} from '@tswats/sdk';
import type { QueueItemError } from './types.js';

export type FailureKind = 'offline' | 'auth' | 'aborted' | 'retry' | 'permanent';

export interface Classified {
  kind: FailureKind;
  /** What the item records as `lastError` (without `at`). */
  error: Omit<QueueItemError, 'at'>;
  /** The server's `Retry-After`, in ms, when it sent one. */
  retryAfterMs?: number;
}

/** A short, human message for an error, preferring the server's own words. */
export function errorMessage(err: unknown): string {
  if (err instanceof APIError) {
    const server = APIError.serverMessage(err.body);
    return server ? `${err.status}: ${server}` : err.message;
  }
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const detail = cause instanceof Error && cause.message && !err.message.includes(cause.message) ? ` (${cause.message})` : '';
    return `${err.message}${detail}`;
  }
  return String(err);
}

export function classifyFailure(err: unknown): Classified {
  const message = errorMessage(err);
  const code = err instanceof WatsError ? err.code : err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  const base = (permanent: boolean): Omit<QueueItemError, 'at'> => {
    const e: Omit<QueueItemError, 'at'> = { message, permanent };
    if (err instanceof APIError) e.status = err.status;
    if (typeof code === 'string') e.code = code;
    return e;
  };
  if (err instanceof APIUserAbortError) return { kind: 'aborted', error: base(false) };
  if (err instanceof APIConnectionError) return { kind: 'offline', error: base(false) };
  if (err instanceof APIError && (err.status === 401 || err.status === 403)) {
    return { kind: 'auth', error: { ...base(false), message: `${message} (the server refuses the token: check server.token / WATS_AUTH_TOKEN)` } };
  }
  if (err instanceof APIError && shouldRetry(err)) {
    const retryAfterMs = parseRetryAfter(err.headers);
    return retryAfterMs === undefined ? { kind: 'retry', error: base(false) } : { kind: 'retry', error: base(false), retryAfterMs };
  }
  return { kind: 'permanent', error: base(true) };
}

/**
 * Backoff before attempt `attempts + 1`: `initialDelayMs * 2^(attempts-1)`, capped at
 * `maxDelayMs`, minus up to `jitter` (a fraction) at random, so stations do not retry in step.
 */
export function backoffMs(retry: { initialDelayMs: number; maxDelayMs: number; jitter: number }, attempts: number): number {
  const base = Math.min(retry.initialDelayMs * 2 ** Math.max(0, attempts - 1), retry.maxDelayMs);
  const jitter = Math.min(1, Math.max(0, retry.jitter));
  return Math.max(0, Math.round(base * (1 - Math.random() * jitter)));
}
