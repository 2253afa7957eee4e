import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  parseRetryAfter,
  WatsClient,
  type FetchLike,
  type UutReport,
} from '@tswats/sdk';
import { createNodeFetch, type NodeFetch } from '@tswats/sdk/node';
import { clientFor, testSim, wsjfFixture, smallReport as sharedSmallReport } from './helpers.js';

const fetches: NodeFetch[] = [];
const servers: Server[] = [];

afterEach(async () => {
  for (const f of fetches.splice(0)) await f.close();
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

function nodeFetch(options?: Parameters<typeof createNodeFetch>[0]): NodeFetch {
  const f = createNodeFetch(options);
  fetches.push(f);
  return f;
}

const smallReport = (serial = 'SN-NF1'): UutReport => sharedSmallReport(serial, 'PN-NF');

/** A plain HTTP server for what the simulator does not do (request ids, redirects, odd bodies). */
async function plainServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createNodeFetch against the simulator', () => {
  it('submits reports and reads them back, many at once over the pool', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { fetch: nodeFetch({ connections: 4 }) });
    const report = smallReport();
    const res = await client.reports.submit(report);
    expect(res).toEqual(expect.objectContaining({ id: report.id, attempts: 1 }));
    const back = await client.reports.getWsjf(report.id!);
    expect(back.id).toBe(report.id);
    expect(back.sn).toBe('SN-NF1');
    await Promise.all(Array.from({ length: 40 }, (_, i) => client.reports.submit(smallReport(`SN-NF-P${i}`))));
    expect(sim.reportCount()).toBe(41);
  });

  it('gives typed 400 and 404 errors with the server message', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { fetch: nodeFetch() });
    const bad = await client.request({ method: 'GET', path: '/api/Report/Wsjf/not-a-guid' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).status).toBe(400);
    expect((bad as BadRequestError).headers).toBeInstanceOf(Headers);
    expect(sim.stats().received).toBe(1);
    sim.clearContractViolations(); // the bad id was sent on purpose

    const missing = await client.reports.getWsjf('0b4a9a4e-4a3c-4a8e-9d7c-1f2e3d4c5b6a').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    const message = APIError.serverMessage((missing as NotFoundError).body);
    expect(message).toEqual(expect.any(String));
    expect((missing as NotFoundError).message).toContain(message);
  });

  it('retries 503s after their Retry-After, and exposes the header on the error', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { fetch: nodeFetch() });
    sim.faults.failNext(2, { status: 503, retryAfter: 0.05 });
    const started = Date.now();
    const res = await client.reports.submit(smallReport());
    expect(res.attempts).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(sim.reportCount()).toBe(1);

    sim.faults.failNext(1, { status: 503, retryAfter: 0.05 });
    const err = await client.app.version({ maxRetries: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(parseRetryAfter((err as InternalServerError).headers)).toBe(50);
  });

  it('retries dropped keep-alive connections, before and after the server handled the request', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { fetch: nodeFetch() });
    await client.app.version(); // a socket in the pool
    sim.faults.dropNext(1, { when: 'before' });
    sim.faults.dropNext(1, { when: 'after' });
    const res = await client.reports.submit(smallReport('SN-NF-DROP'));
    expect(res.attempts).toBe(3);
    expect(sim.reportCount()).toBe(1);
  });

  it('turns a refused connection into APIConnectionError', async () => {
    const sim = await testSim();
    const url = sim.url;
    await sim.close();
    const client = clientFor(sim, { baseUrl: url, maxRetries: 1, fetch: nodeFetch() });
    const err = await client.app.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('times out a slow answer per attempt with APIConnectionTimeoutError', async () => {
    const sim = await testSim();
    sim.faults.latency(400);
    const client = clientFor(sim, { timeout: 100, maxRetries: 1, fetch: nodeFetch() });
    const err = await client.app.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect((err as Error).message).toMatch(/timed out after 100 ms/);
    expect(sim.stats().received).toBe(2);
  });

  it('stops on the caller signal with APIUserAbortError, in flight or before sending', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { fetch: nodeFetch() });
    sim.faults.latency(1000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const err = await client.app.version({ signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - started).toBeLessThan(900);
    const received = sim.stats().received;
    const early = await client.app.version({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(APIUserAbortError);
    expect(sim.stats().received).toBe(received);
  });

  it('downloads binary attachments byte for byte', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { fetch: nodeFetch() });
    const report = wsjfFixture('WATS - WSJF UUT Example file.json');
    await client.reports.submit(report);
    for (const stepId of [22, 23]) {
      const file = await client.reports.getAttachment({ reportId: String(report.id), stepId });
      const direct = await clientFor(sim).reports.getAttachment({ reportId: String(report.id), stepId });
      expect(file.data).toBeInstanceOf(Uint8Array);
      expect(file.data.length).toBeGreaterThan(0);
      expect(Buffer.from(file.data).equals(Buffer.from(direct.data))).toBe(true);
      expect(file.contentType).toBe(direct.contentType);
      expect(file.fileName).toBe(direct.fileName);
    }
  });

  it('uploads multipart form data', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { fetch: nodeFetch() });
    const csv = 'SerialNumber\r\n356938035643800\r\n356938035643801\r\n';
    expect(await client.production.uploadSerialNumbers({ serialNumberType: 'IMEI', format: 'CSV', file: csv })).toEqual({
      insertCount: 2,
      skipCount: 0,
    });
    const xml = '<SerialNumbers><SN id="356938035643801" /><SN id="356938035643810" /></SerialNumbers>';
    const bytes = new TextEncoder().encode(xml);
    expect(await client.production.uploadSerialNumbers({ serialNumberType: 'IMEI', format: 'XML', file: bytes })).toEqual({
      insertCount: 1,
      skipCount: 1,
    });
  });

  it('close() waits, closes the pool, and may be called twice; later calls fail as connection errors', async () => {
    const sim = await testSim();
    const f = createNodeFetch();
    const client = clientFor(sim, { fetch: f, maxRetries: 0 });
    await expect(client.app.version()).resolves.toEqual(expect.any(String));
    await f.close();
    await f.close();
    const err = await client.app.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
  });

  it('checks its options', () => {
    expect(() => createNodeFetch({ connections: 0 })).toThrow(RangeError);
    expect(() => createNodeFetch({ maxRedirections: -1 })).toThrow(/maxRedirections/);
  });
});

describe('createNodeFetch responses', () => {
  it('gives real Headers: request-id in APIResponse, repeated headers appended', async () => {
    const url = await plainServer((req, res) => {
      res.setHeader('request-id', 'req-123');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('x-seen', `${req.method} ${req.headers['content-type']} ${req.headers.authorization}`);
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    const client = new WatsClient({ baseUrl: url, token: 'dG9rZW4=', logLevel: 'off', fetch: nodeFetch() });
    const res = await client.request({ method: 'POST', path: '/api/x', body: { a: 1 } });
    expect(res.data).toEqual({ ok: true });
    expect(res.requestId).toBe('req-123');
    expect(res.headers).toBeInstanceOf(Headers);
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(res.headers.get('x-seen')).toBe('POST application/json Basic dG9rZW4=');
  });

  it('handles 204, a UTF-8 BOM, and text answers as fetch does', async () => {
    const url = await plainServer((req, res) => {
      if (req.url === '/api/empty') {
        res.statusCode = 204;
        res.end();
      } else {
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('grüße')]));
      }
    });
    for (const fetch of [nodeFetch(), undefined]) {
      const client = new WatsClient({ baseUrl: url, logLevel: 'off', ...(fetch ? { fetch } : {}) });
      const empty = await client.request({ method: 'DELETE', path: '/api/empty' });
      expect(empty.status).toBe(204);
      expect(empty.data).toBeUndefined();
      const text = await client.request({ method: 'GET', path: '/api/text', responseType: 'text' });
      expect(text.data).toBe('grüße');
    }
  });

  it('follows redirects for GET (dropping Authorization across origins) but not for POST', async () => {
    const other = await plainServer((req, res) => {
      res.end(JSON.stringify({ where: 'other', auth: req.headers.authorization ?? null }));
    });
    const url = await plainServer((req, res) => {
      if (req.url === '/api/moved') {
        res.writeHead(302, { location: '/api/here' }).end();
      } else if (req.url === '/api/away') {
        res.writeHead(307, { location: `${other}/api/there` }).end();
      } else {
        res.end(JSON.stringify({ where: 'here', method: req.method, auth: req.headers.authorization ?? null }));
      }
    });
    const client = new WatsClient({ baseUrl: url, token: 'dG9rZW4=', logLevel: 'off', maxRetries: 0, fetch: nodeFetch() });
    expect((await client.request({ method: 'GET', path: '/api/moved' })).data).toEqual({
      where: 'here',
      method: 'GET',
      auth: 'Basic dG9rZW4=',
    });
    expect((await client.request({ method: 'GET', path: '/api/away' })).data).toEqual({ where: 'other', auth: null });
    const post = await client.request({ method: 'POST', path: '/api/moved', body: {} }).catch((e: unknown) => e);
    expect(post).toBeInstanceOf(APIError);
    expect((post as APIError).status).toBe(302);
  });
});

describe('the default fetch', () => {
  it('is globalThis.fetch, and still fits FetchLike', async () => {
    const sim = await testSim();
    const spy = vi.spyOn(globalThis, 'fetch');
    try {
      const res = await clientFor(sim).reports.submit(smallReport('SN-NF-DEFAULT'));
      expect(res.attempts).toBe(1);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    const f: FetchLike = globalThis.fetch;
    expect(typeof f).toBe('function');
  });

  it('needs only the FetchLike subset of a Response', async () => {
    const sim = await testSim();
    const minimal: FetchLike = async (url, init) => {
      const r = await fetch(url, init);
      const buf = await r.arrayBuffer();
      return {
        ok: r.ok,
        status: r.status,
        headers: r.headers,
        text: async () => new TextDecoder().decode(buf),
        arrayBuffer: async () => buf,
      };
    };
    const client = clientFor(sim, { fetch: minimal });
    sim.faults.failNext(1, { status: 503, retryAfter: 0 });
    const report = smallReport('SN-NF-MIN');
    expect((await client.reports.submit(report)).attempts).toBe(2);
    expect((await client.reports.getWsjf(report.id!)).sn).toBe('SN-NF-MIN');
  });
});
