import { afterEach, describe, expect, onTestFinished, test } from 'vitest';
import type { SimHandle, SimOptions } from '@tswats/sim';
import { expectNoViolations, getJson, makeUut, postReport, startTestSim, json } from './helpers.js';

let sims: SimHandle[] = [];
afterEach(async () => {
  for (const sim of sims) expectNoViolations(sim);
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function start(options: SimOptions = {}): Promise<SimHandle> {
  const sim = await startTestSim(options);
  sims.push(sim);
  return sim;
}

const version = (sim: SimHandle) => fetch(`${sim.url}/api/App/Version`);

/** Resolves to the error code when fetch fails at the connection level. */
async function connectionError(promise: Promise<Response>): Promise<string> {
  try {
    const res = await promise;
    return `status ${res.status}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return cause?.code ?? 'error';
  }
}

describe('fault injection', () => {
  test('latency delays each matching request (with optional jitter)', async () => {
    const sim = await start({ faults: { latency: { ms: 150, jitter: 20, route: 'App_Version' } } });
    const t0 = performance.now();
    expect((await version(sim)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    const t1 = performance.now();
    expect((await getJson(sim, '/api/Report/Query/Header')).status).toBe(200);
    expect(performance.now() - t1).toBeLessThan(140);
    expect(sim.stats().faults.latency).toBe(1);
  });

  test('failNext answers the next n requests with the status and Retry-After, then recovers', async () => {
    const sim = await start();
    sim.faults.failNext(2, { status: 503, retryAfter: 0.1 });
    for (let i = 0; i < 2; i++) {
      const res = await version(sim);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('0.1');
      expect((await json(res)).Message).toMatch(/503/);
    }
    expect((await version(sim)).status).toBe(200);
    expect(sim.stats().faults.failNext).toBe(2);
  });

  test('failNext with 429 and a route scope leaves other routes alone', async () => {
    const sim = await start();
    sim.faults.failNext(1, { status: 429, retryAfter: 2, route: '/api/report/*', method: 'post' });
    expect((await version(sim)).status).toBe(200);
    const res = await postReport(sim, makeUut());
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(sim.reportCount()).toBe(0);
    expect((await postReport(sim, makeUut())).status).toBe(200);
  });

  test('dropNext before: the connection dies and nothing is stored', async () => {
    const sim = await start();
    sim.faults.dropNext(1, { when: 'before' });
    expect(await connectionError(postReport(sim, makeUut()))).toBe('UND_ERR_SOCKET');
    expect(sim.reportCount()).toBe(0);
    expect(sim.stats().faults.dropBefore).toBe(1);
  });

  test('dropNext after: the report IS stored but the client never hears back', async () => {
    const sim = await start();
    sim.faults.dropNext(1, { when: 'after', route: 'Report_PostWSJF' });
    const report = makeUut();
    expect(await connectionError(postReport(sim, report))).toBe('UND_ERR_SOCKET');
    expect(sim.reportCount()).toBe(1);
    // The client retries with the same id: still exactly one report, received twice.
    expect((await postReport(sim, report)).status).toBe(200);
    expect(sim.reportCount()).toBe(1);
    const [header] = (await getJson(sim, '/api/Report/Query/Header')).body;
    expect(header).toMatchObject({ uuid: report.id, receiveCount: 2 });
    expect(sim.stats().faults.dropAfter).toBe(1);
    expect(sim.stats().reports).toEqual({ received: 2, stored: 1 });
  });

  test('an outage drops every request and ends on its own', async () => {
    const sim = await start();
    sim.faults.outage(200);
    expect(await connectionError(version(sim))).toBe('UND_ERR_SOCKET');
    expect(sim.faults.state().outage?.ms).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 250));
    expect((await version(sim)).status).toBe(200);
    expect(sim.faults.state().outage).toBeUndefined();
    expect(sim.stats().faults.outage).toBe(1);
  });

  test('an outage with status 503 answers with Retry-After', async () => {
    const sim = await start({ faults: { outage: { ms: 3000, status: 503 } } });
    const res = await version(sim);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    sim.faults.endOutage();
    expect((await version(sim)).status).toBe(200);
  });

  test('errorRate with a seed fails the same requests every run', async () => {
    const run = async () => {
      const sim = await start({ seed: 42, faults: { errorRate: { rate: 0.5, status: 502 } } });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) statuses.push((await version(sim)).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(502);
    expect(first).toContain(200);
    expect(new Set(first)).toEqual(new Set([200, 502]));
  });

  test('errorRate 1 fails everything with the default 500; 0 fails nothing', async () => {
    const sim = await start();
    sim.faults.errorRate(1);
    expect((await version(sim)).status).toBe(500);
    sim.faults.errorRate(0);
    expect((await version(sim)).status).toBe(200);
  });

  test('rejects invalid fault settings with a coded error', async () => {
    const sim = await start();
    expect(() => sim.faults.failNext(1, { status: 99 })).toThrow(/status/);
    expect(() => sim.faults.errorRate(2)).toThrow(expect.objectContaining({ code: 'SIM_ERR_INVALID_FAULTS' }));
  });
});

describe('/_sim admin routes', () => {
  test('PUT, PATCH, GET and DELETE /_sim/faults control faults over HTTP', async () => {
    const sim = await start({ token: 'secret' });
    const admin = (method: string, body?: unknown) =>
      fetch(`${sim.url}/_sim/faults`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const put = await admin('PUT', { failNext: { count: 1, status: 503, retryAfter: 1 }, latency: { ms: 1 } });
    expect(put.status).toBe(200);
    expect(await json(put)).toEqual({ latency: { ms: 1 }, failNext: [{ count: 1, status: 503, retryAfter: 1 }], dropNext: [] });
    await admin('PATCH', { dropNext: [{ count: 2, when: 'after' }] });
    const state = await json(await admin('GET'));
    expect(state.failNext).toHaveLength(1);
    expect(state.dropNext).toEqual([{ count: 2, when: 'after' }]);
    expect((await version(sim)).status).toBe(503);
    expect((await json(await admin('DELETE')))).toEqual({ failNext: [], dropNext: [] });
    const bad = await admin('PUT', { failNext: { count: 'x' } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).Message).toMatch(/failNext.count/);
    expect((await admin('PUT', { explode: true })).status).toBe(400);
  });

  test('GET /_sim/stats counts requests, outcomes and faults; POST /_sim/reset clears them but keeps data', async () => {
    const sim = await start();
    await postReport(sim, makeUut());
    await postReport(sim, { type: 'T' });
    sim.faults.failNext(1, { status: 429 });
    await version(sim);
    await fetch(`${sim.url}/api/nothing/here`);
    const stats = await json(await fetch(`${sim.url}/_sim/stats`));
    expect(stats).toEqual({
      received: 4,
      connections: expect.any(Number),
      byOperation: { Report_PostWSJF: 2, App_Version: 1, unmatched: 1 },
      byRoute: { 'POST /api/Report/WSJF': 2, 'GET /api/App/Version': 1 },
      accepted: 1,
      rejected: { total: 3, byStatus: { 400: 1, 404: 1, 429: 1 } },
      faults: { latency: 0, errorRate: 0, failNext: 1, dropBefore: 0, dropAfter: 0, outage: 0 },
      reports: { received: 1, stored: 1 },
    });
    sim.faults.failNext(5);
    const reset = await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(sim.stats()).toMatchObject({ received: 0, accepted: 0, reports: { received: 0, stored: 1 } });
    expect(sim.faults.state().failNext).toEqual([]);
    expect(sim.reportCount()).toBe(1);
  });

  test('the handle can reset too, and health answers without the token', async () => {
    const sim = await start({ token: 't' });
    onTestFinished(() => sim.reset());
    const health = await fetch(`${sim.url}/_sim/health`);
    expect(await json(health)).toEqual({ ok: true, reports: 0 });
    sim.faults.latency(5);
    sim.reset();
    expect(sim.faults.state()).toEqual({ failNext: [], dropNext: [] });
  });
});
