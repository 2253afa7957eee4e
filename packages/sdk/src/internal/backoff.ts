/** The client's one retry policy, as data. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff delay in ms; doubles each retry. */
  initialDelayMs: number;
  /** Cap for one backoff delay in ms. */
  maxDelayMs: number;
  /** Fraction of the delay removed at random (0..1), so clients do not retry in step. */
  jitter: number;
  /** Longest server-requested `Retry-After` (ms) the client will wait inside a call. */
  maxRetryAfterMs: number;
}

/**
 * HTTP statuses that may succeed if sent again: 408, 429 and 5xx, except 501 (Not
 * Implemented) and 505 (HTTP Version Not Supported), which say the server cannot do this at
 * all. Every other 4xx is permanent.
 */
export function isRetryableStatus(status: number): boolean {
  if (status === 501 || status === 505) return false;
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) and the
 * non-standard `retry-after-ms`. Returns milliseconds from `now`, or undefined.
 */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.max(0, Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Delay before retry number `retry` (1-based): capped exponential backoff
 * with jitter, unless the server asked for a specific wait.
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const base = Math.min(policy.initialDelayMs * 2 ** (retry - 1), policy.maxDelayMs);
  return Math.round(base * (1 - Math.random() * policy.jitter));
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
