import { describe, expect, it } from 'vitest';
import { parseRetryAfter, shouldRetry, APIError, APIConnectionError, APIUserAbortError } from '@tswats/sdk';

describe('Retry-After parsing', () => {
  it('reads delay-seconds, fractions and HTTP-dates', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.25' }), now)).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Sat, 21 Nov 2026 12:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Sat, 21 Nov 2026 11:00:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '120' }), now)).toBe(120);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
  });
});

describe('which failures are retried', () => {
  it('retries connection errors, 408, 429 and 5xx only', () => {
    const api = (status: number) => APIError.generate({ status });
    expect([408, 429, 500, 502, 503, 504].map((s) => shouldRetry(api(s)))).toEqual([true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 409, 422].map((s) => shouldRetry(api(s)))).toEqual([false, false, false, false, false, false]);
    // 501 Not Implemented and 505 say the server cannot do it at all: sending again is pointless.
    expect([501, 505].map((s) => shouldRetry(api(s)))).toEqual([false, false]);
    expect(shouldRetry(new APIConnectionError())).toBe(true);
    expect(shouldRetry(new APIUserAbortError())).toBe(false);
    expect(shouldRetry(new Error('x'))).toBe(false);
  });
});
