import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
  type UutReport,
} from '@tswats/sdk';
import { clientFor, testSim, smallReport as sharedSmallReport } from './helpers.js';

const smallReport = (serial = 'SN-R1'): UutReport => sharedSmallReport(serial, 'PN-R');

describe('the retry policy', () => {
  it('retries 503s and succeeds, honouring Retry-After', async () => {
    const sim = await testSim();
    sim.faults.failNext(2, { status: 503, retryAfter: 0.1 });
    const client = clientFor(sim);
    const started = Date.now();
    const result = await client.reports.submit(smallReport());
    expect(result.attempts).toBe(3);
    // Two waits of Retry-After: 0.1 s each (the jittered backoff would be ~20-40 ms).
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(sim.reportCount()).toBe(1);
    expect(sim.stats().faults.failNext).toBe(2);
  });

  it('retries a 429 after its Retry-After and stores the report once', async () => {
    const sim = await testSim();
    sim.faults.failNext(1, { status: 429, retryAfter: 0.15 });
    const started = Date.now();
    const result = await clientFor(sim).reports.submit(smallReport());
    expect(result.attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(sim.reportCount()).toBe(1);
  });

  it('gives up after maxRetries with a typed error carrying status and body', async () => {
    const sim = await testSim();
    sim.faults.failNext(5, { status: 503, message: 'maintenance window' });
    const err = await clientFor(sim, { maxRetries: 1 })
      .reports.submit(smallReport())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    const e = err as InternalServerError;
    expect(e.status).toBe(503);
    expect(e.message).toMatch(/maintenance window/);
    expect(sim.stats().received).toBe(2);
    expect(sim.reportCount()).toBe(0);
  });

  it('lets one call override the client retry count', async () => {
    const sim = await testSim();
    sim.faults.failNext(3, { status: 502 });
    const client = clientFor(sim, { maxRetries: 0 });
    const res = await client.reports.submit(smallReport(), { maxRetries: 3 });
    expect(res.attempts).toBe(4);
  });

  it('does not wait for a Retry-After longer than maxRetryAfterMs', async () => {
    const sim = await testSim();
    sim.faults.failNext(1, { status: 429, retryAfter: 3600 });
    const started = Date.now();
    const err = await clientFor(sim).reports.submit(smallReport()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).headers.get('retry-after')).toBe('3600');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(sim.stats().received).toBe(1);
  });

  it('never retries a 400', async () => {
    const sim = await testSim();
    const err = await clientFor(sim)
      .request({ method: 'GET', path: '/api/Report/Wsjf/not-a-guid' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(sim.stats().received).toBe(1);
    sim.clearContractViolations(); // the bad id was sent on purpose
  });

  it('a dropped connection after the server stored the report is retried without a duplicate', async () => {
    const sim = await testSim();
    sim.faults.dropNext(1, { when: 'after' });
    const report = smallReport('SN-DROP-AFTER');
    const res = await clientFor(sim).reports.submit(report);
    expect(res.attempts).toBe(2);
    expect(res.id).toBe(report.id);
    expect(sim.stats().reports.received).toBe(2); // the server saw it twice ...
    expect(sim.reportCount()).toBe(1); // ... and stored it once (same id overwrites)
    const headers = await clientFor(sim).reports.queryHeaders({ filter: `serialNumber eq 'SN-DROP-AFTER'` });
    expect(headers.map((h) => h.uuid)).toEqual([report.id]);
    expect(headers[0]?.receiveCount).toBe(2);
  });

  it('a dropped connection before the server handled the request is retried', async () => {
    const sim = await testSim();
    sim.faults.dropNext(2, { when: 'before' });
    const res = await clientFor(sim).reports.submit(smallReport());
    expect(res.attempts).toBe(3);
    expect(sim.reportCount()).toBe(1);
    expect(sim.stats().reports.received).toBe(1);
  });

  it('a storm of mixed faults still ends with every report stored exactly once', async () => {
    const sim = await testSim({ seed: 7 });
    sim.faults.errorRate(0.3, { status: 503 });
    sim.faults.dropNext(3, { when: 'after' });
    const client = clientFor(sim, { maxRetries: 10 });
    const reports = Array.from({ length: 20 }, (_, i) => smallReport(`SN-STORM-${i}`));
    await Promise.all(reports.map((r) => client.reports.submit(r)));
    expect(sim.reportCount()).toBe(20);
    const ids = await client.reports.queryHeaders({ filter: "startswith(serialNumber,'SN-STORM-')" }).toArray();
    expect(new Set(ids.map((h) => h.uuid))).toEqual(new Set(reports.map((r) => r.id)));
    expect(ids).toHaveLength(20);
  });

  it('an outage is ridden out when it ends within the retry budget', async () => {
    const sim = await testSim();
    sim.faults.outage(300);
    const client = clientFor(sim, { maxRetries: 8, retry: { initialDelayMs: 50, maxDelayMs: 200 } });
    const res = await client.reports.submit(smallReport());
    expect(res.attempts).toBeGreaterThan(1);
    expect(sim.reportCount()).toBe(1);
  });

  it('times out a slow answer and retries it', async () => {
    const sim = await testSim();
    sim.faults.latency(400);
    const client = clientFor(sim, { timeout: 100, maxRetries: 1 });
    const err = await client.app.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect((err as Error).message).toMatch(/timed out after 100 ms/);
    expect(sim.stats().received).toBe(2);
  });

  it('a connection refused becomes APIConnectionError after the retries', async () => {
    const sim = await testSim();
    const url = sim.url;
    await sim.close();
    const err = await clientFor(sim, { baseUrl: url, maxRetries: 2 }).app.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('an abort signal stops the call, also during a backoff wait', async () => {
    const sim = await testSim();
    sim.faults.failNext(1, { status: 503, retryAfter: 5 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const err = await clientFor(sim).reports.submit(smallReport(), { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('an already aborted signal sends nothing', async () => {
    const sim = await testSim();
    const err = await clientFor(sim).app.version({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIUserAbortError);
    expect(sim.stats().received).toBe(0);
  });
});
