/**
 * Sorting failures, in one place:
 *
 * - WATS: what the SDK retries (connection errors, 408, 429, 5xx) and still fails after its
 *   retries is transient: the pass stops without moving the watermark past the unsent record.
 *   401/403/404/407 say the client or the URL is wrong, not the record: also a stop (otherwise
 *   every record would be dead-lettered). Any other 4xx, and a report the SDK refuses, is
 *   permanent for that record: dead letter.
 * - SQL: connection loss, timeouts, too many connections, deadlocks and serialization failures
 *   are retried with the engine's own backoff; anything else stops the pass.
 */
import { APIError, shouldRetry, WatsError } from '@tswats/sdk';

export type UploadFailure =
  | { kind: 'permanent'; reason: string; status: number | undefined; serverMessage: string | undefined }
  | { kind: 'stop'; reason: string; status: number | undefined };

const STOP_STATUSES = new Set([401, 403, 404, 407]);

export function classifyUploadError(err: unknown): UploadFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (shouldRetry(err)) return { kind: 'stop', reason: `WATS unavailable: ${message}`, status: err instanceof APIError ? err.status : undefined };
  if (err instanceof APIError) {
    if (STOP_STATUSES.has(err.status)) return { kind: 'stop', reason: `WATS refused the client (${err.status}): ${message}`, status: err.status };
    return { kind: 'permanent', reason: `WATS rejected the report (${err.status}): ${message}`, status: err.status, serverMessage: serverMessage(err) };
  }
  if (err instanceof WatsError) return { kind: 'permanent', reason: message, status: undefined, serverMessage: undefined };
  // Unknown: a bug or an environment problem, not something to park the record for.
  return { kind: 'stop', reason: `upload failed: ${message}`, status: undefined };
}

function serverMessage(err: APIError): string | undefined {
  return APIError.serverMessage(err.body);
}

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ESOCKET', 'ETIMEOUT', 'ECONNCLOSED']);
// PostgreSQL SQLSTATE: class 08 (connection), 57P01-03 (shutdown), 53300 (too many connections), 40001/40P01.
const TRANSIENT_SQLSTATE = /^(08...|57P0[123]|53300|40001|40P01)$/;
// SQL Server error numbers: deadlock victim, database unavailable / failover, login throttling.
const TRANSIENT_MSSQL_NUMBERS = new Set([1205, 4060, 40197, 40501, 40613, 49918, 49919, 49920, 233, 10053, 10054, 10060, -2]);
const TRANSIENT_MESSAGE = /connection terminated|connection (was )?(closed|lost|reset)|timeout exceeded when trying to connect|server closed the connection|socket hang up|failed to connect/i;

/** True for a database error worth retrying (connection loss and the like), looking through `cause`. */
export function isTransientSqlError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { code?: unknown; number?: unknown; message?: unknown; errors?: unknown };
    if (typeof x.code === 'string' && (TRANSIENT_NODE_CODES.has(x.code) || TRANSIENT_SQLSTATE.test(x.code))) return true;
    if (typeof x.number === 'number' && TRANSIENT_MSSQL_NUMBERS.has(x.number)) return true;
    if (typeof x.message === 'string' && TRANSIENT_MESSAGE.test(x.message)) return true;
    if (Array.isArray(x.errors) && x.errors.some((inner) => isTransientSqlError(inner))) return true;
  }
  return false;
}

/** The engine's backoff for SQL reads. */
export interface SqlRetryPolicy {
  /** Retries after the first attempt. @default 4 */
  retries: number;
  /** First delay. @default 1000 */
  initialDelayMs: number;
  /** Delay cap (doubling, ±10 % jitter). @default 60000 */
  maxDelayMs: number;
}

export const DEFAULT_SQL_RETRY: SqlRetryPolicy = { retries: 4, initialDelayMs: 1000, maxDelayMs: 60_000 };

/** Runs `fn`, retrying transient SQL errors with capped exponential backoff; other errors pass through at once. */
export async function withSqlRetry<T>(
  fn: () => Promise<T>,
  policy: SqlRetryPolicy,
  onRetry: (info: { attempt: number; delayMs: number; error: unknown }) => void,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt > policy.retries || !isTransientSqlError(err) || signal?.aborted) throw err;
      const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(base * (0.9 + Math.random() * 0.2));
      onRetry({ attempt, delayMs, error: err });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
