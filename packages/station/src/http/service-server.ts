/**
 * A small status server for the other services (VTE sync, CFX bridge) on node:http, with the
 * station's conventions: 127.0.0.1 by default, a bearer token required when the address is not
 * loopback (and then on every route except /health/live), loopback Host names only without a
 * token (DNS rebinding), and POST only with `Content-Type: application/json` (no CORS preflight
 * is ever answered). Routes: /health/live, /health/ready, /status, /metrics, POST /run.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { isLoopback } from '../config/resolve.js';

export interface ServiceStatusServerOptions {
  config: { host: string; port: number; token?: string | undefined };
  /** Realm of the `WWW-Authenticate` answer, e.g. `tswats-vte`. */
  realm: string;
  status: () => { ready: boolean; reason?: string } & object;
  metrics: () => Promise<{ contentType: string; text: string }>;
  /** POST /run: false when a run was already running or queued. Without it, POST /run answers 404. */
  runNow?: () => boolean;
  log: Logger;
}

export interface ServiceStatusServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function createServiceStatusServer(o: ServiceStatusServerOptions): Promise<ServiceStatusServer> {
  const host = o.config.host.trim() || '127.0.0.1';
  const token = o.config.token || undefined;
  if (!isLoopback(host) && !token) throw new Error(`the status server would listen on ${host} without a token: set http.token or listen on 127.0.0.1`);
  const expected = token ? createHash('sha256').update(token).digest() : undefined;
  const authorized = (header: string | undefined): boolean => {
    if (!expected) return true;
    const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
    return timingSafeEqual(createHash('sha256').update(m?.[1] ?? '').digest(), expected) && m !== null;
  };
  const send = (res: ServerResponse, status: number, body: unknown, contentType = 'application/json; charset=utf-8', headers: Record<string, string> = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
    res.end(text);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!token && req.headers.host !== undefined) {
      let h: string | undefined;
      try {
        h = new URL(`http://${req.headers.host}`).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
      } catch {
        h = undefined;
      }
      if (h === undefined || !(isLoopback(h) || h === host.toLowerCase())) return send(res, 403, { error: 'forbidden', message: 'Unexpected Host header; use 127.0.0.1 or localhost.' });
    }
    if (path !== '/health/live' && !authorized(req.headers.authorization)) {
      return send(res, 401, { error: 'unauthorized', message: 'This route needs "Authorization: Bearer <http.token>".' }, undefined, { 'www-authenticate': `Bearer realm="${o.realm}"` });
    }
    const method = req.method ?? 'GET';
    if (path === '/run' && o.runNow) {
      if (method !== 'POST') return send(res, 405, { error: 'method not allowed' }, undefined, { allow: 'POST' });
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return send(res, 415, { error: 'unsupported media type', message: 'Send Content-Type: application/json.' });
      for await (const _ of req) void _; // drain the body (ignored)
      const queued = o.runNow();
      return send(res, 202, { status: queued ? 'accepted' : 'already queued' });
    }
    if (method !== 'GET' && method !== 'HEAD') return send(res, 405, { error: 'method not allowed' }, undefined, { allow: 'GET' });
    switch (path) {
      case '/health/live':
        return send(res, 200, { status: 'ok' });
      case '/health/ready': {
        const s = o.status();
        return s.ready ? send(res, 200, { status: 'ready' }) : send(res, 503, { status: 'not ready', reason: s.reason });
      }
      case '/status':
        return send(res, 200, o.status());
      case '/metrics': {
        const m = await o.metrics();
        return send(res, 200, m.text, m.contentType);
      }
      default:
        return send(res, 404, { error: 'not found' });
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      o.log.error({ err }, 'status server: request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.config.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const t = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(t);
    },
  };
}
