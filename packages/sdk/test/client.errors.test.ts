import { describe, expect, it } from 'vitest';
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  WatsError,
} from '@tswats/sdk';
import { clientFor, memoryLogger, testSim } from './helpers.js';

const TOKEN = 'dGVzdHVzZXI6czNjcmV0LXBhc3N3b3Jk';

describe('the error model', () => {
  it('maps every status to its class, all under APIError and WatsError', () => {
    const cases: [number, new (...a: never[]) => APIError][] = [
      [400, BadRequestError],
      [401, AuthenticationError],
      [403, PermissionDeniedError],
      [404, NotFoundError],
      [409, ConflictError],
      [422, UnprocessableEntityError],
      [429, RateLimitError],
      [500, InternalServerError],
      [503, InternalServerError],
    ];
    for (const [status, cls] of cases) {
      const err = APIError.generate({ status, body: { Message: `m${status}` } });
      expect(err).toBeInstanceOf(cls);
      expect(err).toBeInstanceOf(APIError);
      expect(err).toBeInstanceOf(WatsError);
      expect(err.status).toBe(status);
      expect(err.message).toContain(`m${status}`);
    }
    expect(APIError.generate({ status: 418 }).constructor).toBe(APIError);
  });

  it('answers 401 for a wrong token and works with the right one', async () => {
    const sim = await testSim({ token: TOKEN });
    const wrong = await clientFor(sim, { token: 'd3Jvbmc6d3Jvbmc=' }).app.version().catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(AuthenticationError);
    expect((wrong as AuthenticationError).status).toBe(401);
    const none = await clientFor(sim).app.version().catch((e: unknown) => e);
    expect(none).toBeInstanceOf(AuthenticationError);
    await expect(clientFor(sim, { token: TOKEN }).app.version()).resolves.toEqual(expect.any(String));
    expect(sim.stats().received).toBe(3);
  });

  it('turns an unknown report id into NotFoundError with the server message', async () => {
    const sim = await testSim();
    const err = await clientFor(sim)
      .reports.getWsjf('0b4a9a4e-4a3c-4a8e-9d7c-1f2e3d4c5b6a')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).body).toEqual(expect.objectContaining({ Message: expect.any(String) }));
  });

  it('never logs the token, even at debug level and on failures', async () => {
    const sim = await testSim({ token: TOKEN });
    const logger = memoryLogger();
    const client = clientFor(sim, { token: TOKEN, logger, logLevel: 'debug' });
    await client.app.version();
    sim.faults.failNext(1, { status: 503, retryAfter: 0 });
    await client.app.version();
    await sim.close();
    const err = await client.app.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WatsError);
    expect(logger.lines.length).toBeGreaterThan(3);
    expect(logger.lines.some((l) => /retry 1\/2/.test(l))).toBe(true);
    expect(logger.lines.some((l) => l.includes('"authorization":"***"'))).toBe(true);
    for (const text of [...logger.lines, String(err), (err as Error).message]) expect(text).not.toContain(TOKEN);
  });

  it('logs nothing at level off', async () => {
    const sim = await testSim();
    const logger = memoryLogger();
    sim.faults.failNext(1, { status: 503, retryAfter: 0 });
    await clientFor(sim, { logger, logLevel: 'off' }).app.version();
    expect(logger.lines).toEqual([]);
  });
});
