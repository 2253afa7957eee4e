import { bindRoutes } from '../src/routes/index.js';
import { getRegistry } from '../src/openapi/registry.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildSimServer, listSpecOperations, SIM_VERSION_STRING, type SimServer } from '@tswats/sim';
import { makeUut } from './helpers.js';

let app: SimServer;
beforeAll(async () => {
  app = buildSimServer({ checkContract: true, bodyLimit: 64 * 1024 });
  await app.ready();
});
afterEach(() => {
  expect(app.sim.contract.violations()).toEqual([]);
});
afterAll(() => app.close());

describe('routing like ASP.NET Web API (via inject, no socket)', () => {
  test('GET /api/App/Version answers a JSON string with a WATS-style version', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/App/Version' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toBe(SIM_VERSION_STRING);
    expect(SIM_VERSION_STRING).toMatch(/^\d{4}\.\d+\.\d+\.\d+ \(tswats-sim \d+\.\d+\.\d+\)$/);
  });

  test('routes ignore case and a trailing slash', async () => {
    expect((await app.inject({ method: 'GET', url: '/API/app/VERSION/' })).statusCode).toBe(200);
  });

  test('an unknown /api route is a 404 with the ASP.NET message', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/Report/Nothing?x=1', headers: { host: 'wats.local' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ Message: "No HTTP resource was found that matches the request URI 'http://wats.local/api/Report/Nothing?x=1'." });
  });

  test('a known path with the wrong verb is a 405 with Allow', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/api/Report/WSJF' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.json()).toEqual({ Message: "The requested resource does not support http method 'DELETE'." });
  });

  test('every operation of the spec (and of the extra documents) has a route: none answers 501', () => {
    const bound = bindRoutes(getRegistry());
    const missing = listSpecOperations().filter((op) => !bound.has(op.key)).map((op) => op.key);
    expect(missing).toEqual([]);
  });

  test('paths outside /api are 404 too', async () => {
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/index.html' })).statusCode).toBe(404);
  });

  test('a body over the limit is a 413 with a Message', async () => {
    const report = makeUut({ extra: { padding: 'x'.repeat(70 * 1024) } });
    const res = await app.inject({ method: 'POST', url: '/api/Report/WSJF', payload: JSON.stringify(report), headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.json().Message).toMatch(/limit/);
  });

  test('reports can be posted without a content type, or as text/json', async () => {
    for (const type of [undefined, 'text/json', 'text/plain']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/Report/WSJF',
        payload: JSON.stringify(makeUut()),
        headers: type ? { 'content-type': type } : {},
      });
      expect(res.statusCode, String(type)).toBe(200);
    }
  });
});
