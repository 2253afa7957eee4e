/** The status server over real HTTP on 127.0.0.1 (port 0). */
import { request, Agent, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createStationMetrics } from '../src/http/metrics.js';
import { createStatusServer, MAX_BODY_BYTES, type StatusServer, type StatusServerActions } from '../src/http/status-server.js';
import type { HttpConfig, QueueState, StationStatus } from '../src/types.js';
import { memoryLog, sampleStatus } from './http.fixtures.js';

const servers: StatusServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Calls {
  list: Array<{ state?: QueueState; limit?: number }>;
  retry: string[];
  retryAll: number;
  purge: Array<{ state: QueueState; olderThanMs: number }>;
  run: number;
}

async function start(
  options: { config?: Partial<HttpConfig>; status?: () => StationStatus; actions?: Partial<StatusServerActions>; runNow?: boolean } = {},
) {
  let current = sampleStatus();
  const calls: Calls = { list: [], retry: [], retryAll: 0, purge: [], run: 0 };
  const status = options.status ?? (() => current);
  const { log, lines } = memoryLog();
  const actions: StatusServerActions = {
    listQueue: (filter) => {
      calls.list.push(filter);
      return [{ id: 'a1', state: filter.state ?? 'pending' }];
    },
    retry: async (id) => {
      calls.retry.push(id);
      return id === 'known';
    },
    retryAllFailed: async () => {
      calls.retryAll++;
      return 3;
    },
    purge: async (o) => {
      calls.purge.push(o);
      return 7;
    },
    ...(options.runNow === false ? {} : { runNow: () => void calls.run++ }),
    ...options.actions,
  };
  const server = await createStatusServer({
    config: { enabled: true, host: '127.0.0.1', port: 0, token: undefined, ...options.config },
    status,
    metrics: createStationMetrics(status),
    log,
    actions,
  });
  servers.push(server);
  return {
    server,
    calls,
    lines,
    setStatus: (s: Partial<StationStatus>) => (current = sampleStatus(s)),
    get: (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers }),
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(server.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}

/** A raw node:http request, for what fetch will not do (own Host header, keep-alive sockets, chunked bodies). */
function raw(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; agent?: Agent; body?: Buffer[] },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      { host: u.hostname, port: u.port, method: options.method ?? 'GET', path: options.path, headers: options.headers, agent: options.agent },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socket: req.socket as Socket }));
      },
    );
    req.on('error', reject);
    for (const chunk of options.body ?? []) req.write(chunk);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('status server: routes', () => {
  it('listens on 127.0.0.1 and answers /health/live with no-store JSON', async () => {
    const { server, get } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await get('/health/live');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready while running or paused and the server is reachable or the queue accepts', async () => {
    const t = await start();
    const ready = async () => {
      const res = await t.get('/health/ready');
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const queue = (accepting: boolean) => ({ ...sampleStatus().queue, accepting });
    const server = (reachable: boolean | null) => ({ url: 'https://wats.example.com', reachable });

    expect(await ready()).toEqual({ status: 200, body: { status: 'ready' } });

    t.setStatus({ server: server(false), queue: queue(true) });
    expect((await ready()).status).toBe(200);

    t.setStatus({ state: 'paused', server: server(true), queue: queue(false) });
    expect((await ready()).status).toBe(200);

    t.setStatus({ server: server(false), queue: queue(false) });
    expect(await ready()).toEqual({
      status: 503,
      body: { status: 'not ready', reason: 'the WATS server is unreachable and the upload queue is not accepting reports' },
    });

    t.setStatus({ server: server(null), queue: queue(false) });
    expect((await ready()).body.reason).toBe('the WATS server was not checked yet and the upload queue is not accepting reports');

    t.setStatus({ state: 'starting' });
    expect(await ready()).toEqual({ status: 503, body: { status: 'not ready', reason: 'the station is starting' } });

    t.setStatus({ state: 'error' });
    expect((await ready()).status).toBe(503);
  });

  it('serves the status snapshot on /status', async () => {
    const { get } = await start();
    const res = await get('/status');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(sampleStatus());
  });

  it('serves Prometheus text on /metrics', async () => {
    const { get } = await start();
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(text).toContain('# TYPE tswats_station_reports_uploaded_total counter');
    expect(text).toContain('tswats_station_queue_items{state="pending"} 5');
  });

  it('lists the queue with optional state and limit, and rejects bad ones', async () => {
    const { get, calls } = await start();
    let res = await get('/queue?state=failed&limit=5');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ id: 'a1', state: 'failed' }]);
    res = await get('/queue');
    expect(res.status).toBe(200);
    expect(calls.list).toEqual([{ state: 'failed', limit: 5 }, {}]);

    for (const query of ['state=sending', 'limit=0', 'limit=-1', 'limit=abc', 'limit=10001', 'limit=1.5']) {
      res = await get(`/queue?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('bad request');
    }
    expect(calls.list).toHaveLength(2);
  });

  it('retries one item or every failed item', async () => {
    const { post, calls } = await start();
    let res = await post('/queue/retry', { id: 'known' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ retried: 1 });
    res = await post('/queue/retry', { id: 'unknown' });
    expect(await res.json()).toEqual({ retried: 0 });
    res = await post('/queue/retry', { allFailed: true });
    expect(await res.json()).toEqual({ retried: 3 });
    expect(calls.retry).toEqual(['known', 'unknown']);
    expect(calls.retryAll).toBe(1);

    for (const body of [{}, { id: '' }, { id: 5 }, { allFailed: false }, { id: 'known', allFailed: true }]) {
      res = await post('/queue/retry', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      await res.body?.cancel();
    }
    expect(calls.retry).toHaveLength(2);
  });

  it('purges items of a state older than a given age', async () => {
    const { post, calls } = await start();
    const res = await post('/queue/purge', { state: 'completed', olderThanMs: 86_400_000 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ purged: 7 });
    expect(calls.purge).toEqual([{ state: 'completed', olderThanMs: 86_400_000 }]);

    for (const body of [{ state: 'completed' }, { state: 'done', olderThanMs: 0 }, { state: 'failed', olderThanMs: -1 }, { state: 'failed', olderThanMs: '5' }]) {
      const bad = await post('/queue/purge', body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      await bad.body?.cancel();
    }
    expect(calls.purge).toHaveLength(1);
  });

  it('asks for a rescan on POST /run, or answers 501 when the station cannot', async () => {
    const t = await start();
    const res = await t.post('/run', {});
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'accepted' });
    expect(t.calls.run).toBe(1);
    // An empty JSON body is fine.
    expect((await t.post('/run', '')).status).toBe(202);

    const without = await start({ runNow: false });
    const no = await without.post('/run', {});
    expect(no.status).toBe(501);
    expect(((await no.json()) as { error: string }).error).toBe('not implemented');
  });

  it('answers unknown paths with a JSON 404 and wrong methods with 405 and Allow', async () => {
    const { get, post, server } = await start();
    const notFound = await get('/nope');
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await notFound.json()).toMatchObject({ error: 'not found' });

    const postStatus = await post('/status', {});
    expect(postStatus.status).toBe(405);
    expect(postStatus.headers.get('allow')).toBe('GET, HEAD');
    expect(await postStatus.json()).toMatchObject({ error: 'method not allowed' });

    const getRetry = await get('/queue/retry');
    expect(getRetry.status).toBe(405);
    expect(getRetry.headers.get('allow')).toBe('POST');
    await getRetry.body?.cancel();

    const options = await fetch(`${server.url}/status`, { method: 'OPTIONS' });
    expect(options.status).toBe(405);
    await options.body?.cancel();

    const head = await fetch(`${server.url}/status`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('takes only JSON objects of limited size as POST bodies', async () => {
    const { post, server, calls } = await start();
    let res = await post('/queue/retry', '{"id": "known"}', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    await res.body?.cancel();
    res = await post('/queue/retry', '{"id": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: 'The body is not valid JSON.' });
    res = await post('/queue/retry', '["known"]');
    expect(res.status).toBe(400);
    await res.body?.cancel();

    // Declared too large: refused before reading.
    res = await post('/queue/retry', JSON.stringify({ id: 'x'.repeat(MAX_BODY_BYTES) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'payload too large' });

    // Chunked, with no length declared: refused once the limit is passed.
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const chunked = await raw(server.url, {
      method: 'POST',
      path: '/queue/retry',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: [Buffer.from('{"id":"'), chunk, chunk, chunk, chunk, chunk, Buffer.from('"}')],
    });
    expect(chunked.status).toBe(413);
    expect(chunked.headers.connection).toBe('close');
    expect(calls.retry).toEqual([]);
  });

  it('answers 500 with the message when an action fails, and logs it', async () => {
    const { post, lines } = await start({
      actions: {
        retryAllFailed: async () => {
          throw new Error('queue directory is read-only');
        },
      },
    });
    const res = await post('/queue/retry', { allFailed: true });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal error', message: 'queue directory is read-only' });
    expect(lines.find((l) => l.level === 50)).toMatchObject({ msg: 'status server: request failed', path: '/queue/retry' });
  });

  it('logs each request at debug level', async () => {
    const { get, lines } = await start();
    await (await get('/health/live')).body?.cancel();
    expect(lines.find((l) => l.msg === 'request')).toMatchObject({ level: 20, method: 'GET', path: '/health/live', status: 200 });
    expect(lines.find((l) => l.msg === 'status server listening')).toMatchObject({ level: 30, auth: 'none' });
  });
});

describe('status server: draining', () => {
  it('stays live, stops being ready, says draining in /status and refuses POSTs', async () => {
    const t = await start();
    t.server.setDraining(true);

    const live = await t.get('/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'draining' });

    const ready = await t.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });

    const status = await t.get('/status');
    expect(status.status).toBe(200);
    expect(((await status.json()) as StationStatus).state).toBe('draining');

    for (const [path, body] of [
      ['/run', {}],
      ['/queue/retry', { allFailed: true }],
      ['/queue/purge', { state: 'failed', olderThanMs: 0 }],
    ] as const) {
      const res = await t.post(path, body);
      expect(res.status, path).toBe(503);
      expect(await res.json()).toMatchObject({ error: 'draining' });
    }
    expect(t.calls).toMatchObject({ run: 0, retryAll: 0, purge: [] });

    // Reads still work while draining.
    expect((await t.get('/queue')).status).toBe(200);

    t.server.setDraining(false);
    expect((await t.get('/health/ready')).status).toBe(200);
    expect((await t.post('/run', {})).status).toBe(202);
  });

  it('answers /health/ready with draining when the station itself says so', async () => {
    const t = await start();
    t.setStatus({ state: 'draining' });
    const ready = await t.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });
  });

  it('keeps a stopped or failed state in /status while draining', async () => {
    const t = await start();
    t.server.setDraining(true);
    t.setStatus({ state: 'error' });
    expect(((await (await t.get('/status')).json()) as StationStatus).state).toBe('error');
  });
});

describe('status server: access', () => {
  const TOKEN = 'status-token-0123456789abcdef';

  it('with a token, requires Bearer on every route except /health/live', async () => {
    const t = await start({ config: { token: TOKEN } });
    expect((await t.get('/health/live')).status).toBe(200);

    for (const path of ['/health/ready', '/status', '/metrics', '/queue', '/nope']) {
      const res = await t.get(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tswats-station"');
      expect(await res.json()).toMatchObject({ error: 'unauthorized' });
    }
    const wrong = await t.get('/status', { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="tswats-station", error="invalid_token"');
    await wrong.body?.cancel();
    expect((await t.get('/status', { authorization: TOKEN })).status).toBe(401);
    expect((await t.get('/status', { authorization: `Basic ${TOKEN}` })).status).toBe(401);
    expect((await t.post('/run', {})).status).toBe(401);
    expect(t.calls.run).toBe(0);

    expect((await t.get('/status', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await t.get('/metrics', { authorization: `bearer ${TOKEN}` })).status).toBe(200);
    expect((await t.post('/run', {}, { authorization: `Bearer ${TOKEN}` })).status).toBe(202);

    // The token itself is never logged.
    expect(JSON.stringify(t.lines)).not.toContain(TOKEN);
    expect(t.lines.some((l) => l.msg === 'status server: request without a valid token')).toBe(true);
  });

  it('refuses to listen on a non-loopback address without a token', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
      await expect(start({ config: { host } })).rejects.toMatchObject({
        name: 'StationHttpError',
        code: 'STATION_ERR_HTTP_TOKEN_REQUIRED',
        message: expect.stringContaining('without a token'),
      });
    }
  });

  it('listens on all addresses when a token is set', async () => {
    const t = await start({ config: { host: '0.0.0.0', token: TOKEN } });
    expect(t.server.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    const port = new URL(t.server.url).port;
    const res = await fetch(`http://127.0.0.1:${port}/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });

  it('without a token, refuses requests whose Host is not a loopback name (DNS rebinding)', async () => {
    const { server } = await start();
    const evil = await raw(server.url, { path: '/status', headers: { host: 'evil.example.com' } });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body)).toMatchObject({ error: 'forbidden' });
    const port = new URL(server.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, '[::1]']) {
      expect((await raw(server.url, { path: '/health/live', headers: { host } })).status, host).toBe(200);
    }
  });

  it('reports a port in use with a coded error', async () => {
    const first = await start();
    const port = Number(new URL(first.server.url).port);
    await expect(start({ config: { port } })).rejects.toMatchObject({
      code: 'STATION_ERR_HTTP_LISTEN_FAILED',
      message: expect.stringContaining('EADDRINUSE'),
    });
  });
});

describe('status server: close', () => {
  it('closes idle keep-alive connections at once', async () => {
    const { server } = await start();
    const agent = new Agent({ keepAlive: true });
    try {
      const res = await raw(server.url, { path: '/health/live', agent });
      expect(res.status).toBe(200);
      const socketClosed = new Promise<void>((resolve) => res.socket.once('close', () => resolve()));
      expect(res.socket.destroyed).toBe(false);

      const began = Date.now();
      await server.close();
      await socketClosed;
      expect(Date.now() - began).toBeLessThan(1000);
    } finally {
      agent.destroy();
    }
  });

  it('lets a request in flight finish, answering it with Connection: close', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = await start({
      actions: {
        retryAllFailed: async () => {
          await gate;
          return 2;
        },
      },
    });
    const agent = new Agent({ keepAlive: true });
    try {
      const pending = raw(t.server.url, {
        method: 'POST',
        path: '/queue/retry',
        headers: { 'content-type': 'application/json' },
        body: [Buffer.from('{"allFailed":true}')],
        agent,
      });
      await sleep(100);
      let closed = false;
      const closing = t.server.close().then(() => (closed = true));
      await sleep(100);
      expect(closed).toBe(false);
      release();
      const res = await pending;
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ retried: 2 });
      expect(res.headers.connection).toBe('close');
      await closing;
      // New connections are refused once closed.
      await expect(fetch(`${t.server.url}/health/live`)).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it('close() is safe to call twice', async () => {
    const { server } = await start();
    await Promise.all([server.close(), server.close()]);
    await server.close();
  });
});
