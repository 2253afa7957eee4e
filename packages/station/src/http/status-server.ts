/**
 * The station's status server: health probes, status, Prometheus metrics and the queue
 * operations behind `tswats queue ...`, on plain node:http.
 *
 * Safe by default: it listens on 127.0.0.1, refuses a non-loopback address without a
 * token, and without a token it accepts only loopback `Host` names (a web page cannot reach
 * it through DNS rebinding) and only JSON POSTs (a web page cannot send those without a
 * CORS preflight, which it never answers).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { HttpConfig, QueueState, StationStatus } from '../types.js';
import { StationHttpError } from './errors.js';
import type { StationMetrics } from './metrics.js';
import { bearerChecker, hostOfHeader, isLoopbackHost } from './security.js';

/** The queue operations the server exposes; the service wires them to its upload queue. */
export interface StatusServerActions {
  /** Queue items in the queue's own order; GET /queue answers them as a JSON array. */
  listQueue(filter: { state?: QueueState; limit?: number }): unknown[];
  /** Moves one failed item back to pending; false when there is no such failed item. */
  retry(id: string): Promise<boolean>;
  /** Moves every failed item back to pending; returns how many. */
  retryAllFailed(): Promise<number>;
  /** Deletes items in `state` older than `olderThanMs`; returns how many. */
  purge(options: { state: QueueState; olderThanMs: number }): Promise<number>;
  /** Rescans the watch folders now (POST /run). Without it, POST /run answers 501. */
  runNow?(): void;
}

export interface StatusServerOptions {
  /** Host, port and token. `enabled` is the caller's business: this function always starts a server. */
  config: HttpConfig;
  /** The current status snapshot; called on every /status and /health/ready request. */
  status: () => StationStatus;
  metrics: StationMetrics;
  /** Where the server logs; give it a `component` (the server does not add one). Requests log at debug level. */
  log: Logger;
  actions: StatusServerActions;
}

export interface StatusServer {
  /** `http://host:port` of the listening server (the real port when `config.port` was 0). */
  readonly url: string;
  /** While draining, /health/ready answers 503, /status says `draining`, and POSTs answer 503. */
  setDraining(draining: boolean): void;
  /** Stops listening, lets requests in flight finish (up to 2 s), and closes every connection, keep-alive ones too. */
  close(): Promise<void>;
}

/** The largest POST body accepted (bytes). */
export const MAX_BODY_BYTES = 64 * 1024;
/** The most items GET /queue returns at once. */
export const MAX_QUEUE_LIMIT = 10_000;
const CLOSE_GRACE_MS = 2_000;
const QUEUE_STATES: readonly QueueState[] = ['pending', 'failed', 'completed'];

/** An answer other than 2xx, thrown by a route and sent by the dispatcher. */
class HttpProblem extends Error {
  readonly status: number;
  readonly error: string;
  readonly headers: Record<string, string>;
  constructor(status: number, error: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.error = error;
    this.headers = headers;
  }
}

interface Route {
  GET?: (req: IncomingMessage, url: URL) => Promise<Answer> | Answer;
  POST?: (body: Record<string, unknown>) => Promise<Answer> | Answer;
}

interface Answer {
  status: number;
  /** JSON-serialised unless it is a string (then sent with `contentType`). */
  body: unknown;
  contentType?: string;
}

/**
 * Starts the status server; resolves once it is listening.
 * @throws StationHttpError `STATION_ERR_HTTP_TOKEN_REQUIRED` when the host is not loopback and no token is set;
 *         `STATION_ERR_HTTP_LISTEN_FAILED` when it cannot listen.
 */
export async function createStatusServer(o: StatusServerOptions): Promise<StatusServer> {
  const host = o.config.host.trim() || '127.0.0.1';
  const token = o.config.token || undefined;
  const loopback = isLoopbackHost(host);
  if (!loopback && !token) {
    throw new StationHttpError(
      'STATION_ERR_HTTP_TOKEN_REQUIRED',
      `The status server would listen on ${host}, which other machines can reach, without a token. ` +
        'Set http.token (for example from a file), or listen on 127.0.0.1.',
    );
  }
  const log = o.log;
  const authorized = token ? bearerChecker(token) : () => true;
  let draining = false;
  let closing = false;

  const currentStatus = (): StationStatus => {
    const s = o.status();
    return draining && (s.state === 'starting' || s.state === 'running' || s.state === 'paused') ? { ...s, state: 'draining' } : s;
  };

  const refuseWhileDraining = () => {
    if (draining) throw new HttpProblem(503, 'draining', 'The station is shutting down.');
  };

  const routes: Record<string, Route> = {
    '/health/live': {
      GET: () => ({ status: 200, body: { status: draining ? 'draining' : 'ok' } }),
    },
    '/health/ready': {
      GET: () => {
        const s = draining ? undefined : o.status();
        if (!s || s.state === 'draining') return { status: 503, body: { status: 'draining' } };
        const reason = notReadyReason(s);
        return reason ? { status: 503, body: { status: 'not ready', reason } } : { status: 200, body: { status: 'ready' } };
      },
    },
    '/status': {
      GET: () => ({ status: 200, body: currentStatus() }),
    },
    '/metrics': {
      GET: async () => ({ status: 200, body: await o.metrics.text(), contentType: o.metrics.contentType }),
    },
    '/queue': {
      GET: (_req, url) => {
        const filter: { state?: QueueState; limit?: number } = {};
        const state = url.searchParams.get('state');
        if (state) filter.state = queueState(state, 'state');
        const limit = url.searchParams.get('limit');
        if (limit) {
          const n = /^\d+$/.test(limit) ? Number(limit) : NaN;
          if (!(n >= 1 && n <= MAX_QUEUE_LIMIT)) {
            throw new HttpProblem(400, 'bad request', `limit must be a whole number from 1 to ${MAX_QUEUE_LIMIT}.`);
          }
          filter.limit = n;
        }
        return { status: 200, body: o.actions.listQueue(filter) };
      },
    },
    '/queue/retry': {
      POST: async (body) => {
        refuseWhileDraining();
        if (body.allFailed === true && body.id === undefined) {
          return { status: 200, body: { retried: await o.actions.retryAllFailed() } };
        }
        if (typeof body.id === 'string' && body.id !== '' && body.allFailed === undefined) {
          return { status: 200, body: { retried: (await o.actions.retry(body.id)) ? 1 : 0 } };
        }
        throw new HttpProblem(400, 'bad request', 'Send {"id": "<item id>"} or {"allFailed": true}.');
      },
    },
    '/queue/purge': {
      POST: async (body) => {
        refuseWhileDraining();
        const state = queueState(body.state, 'state');
        const olderThanMs = body.olderThanMs;
        if (typeof olderThanMs !== 'number' || !Number.isFinite(olderThanMs) || olderThanMs < 0) {
          throw new HttpProblem(400, 'bad request', 'olderThanMs must be a number of milliseconds, 0 or more.');
        }
        return { status: 200, body: { purged: await o.actions.purge({ state, olderThanMs }) } };
      },
    },
    '/run': {
      POST: () => {
        refuseWhileDraining();
        if (!o.actions.runNow) throw new HttpProblem(501, 'not implemented', 'This station cannot rescan on request.');
        o.actions.runNow();
        return { status: 202, body: { status: 'accepted' } };
      },
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    let url: URL;
    try {
      url = new URL(`http://station.invalid${req.url ?? '/'}`);
    } catch {
      throw new HttpProblem(400, 'bad request', 'The request target is not a valid path.');
    }
    if (!token && req.headers.host !== undefined) {
      // Without a token the loopback address is the only protection; a browser page whose
      // DNS name was re-pointed at 127.0.0.1 would send its own name as Host.
      const h = hostOfHeader(req.headers.host);
      if (h === undefined || !(isLoopbackHost(h) || h === host.toLowerCase())) {
        throw new HttpProblem(403, 'forbidden', 'Unexpected Host header; use 127.0.0.1 or localhost.');
      }
    }
    if (url.pathname !== '/health/live' && !authorized(req.headers.authorization)) {
      log.warn({ method: req.method, path: url.pathname, remote: req.socket.remoteAddress }, 'status server: request without a valid token');
      const challenge = req.headers.authorization ? 'Bearer realm="tswats-station", error="invalid_token"' : 'Bearer realm="tswats-station"';
      throw new HttpProblem(401, 'unauthorized', 'This route needs "Authorization: Bearer <http.token>".', {
        'WWW-Authenticate': challenge,
      });
    }
    const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    if (!route) throw new HttpProblem(404, 'not found', `There is no ${url.pathname} here.`);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    let answer: Answer;
    if (method === 'GET' && route.GET) {
      answer = await route.GET(req, url);
    } else if (method === 'POST' && route.POST) {
      answer = await route.POST(await readJsonBody(req));
    } else {
      const allow = route.GET ? 'GET, HEAD' : 'POST';
      throw new HttpProblem(405, 'method not allowed', `${url.pathname} accepts ${allow}.`, { Allow: allow });
    }
    reply(res, answer.status, answer.body, answer.contentType);
    return answer.status;
  };

  const reply = (res: ServerResponse, status: number, body: unknown, contentType?: string) => {
    // A response finished while closing must not keep its connection open.
    if (closing) res.setHeader('Connection', 'close');
    send(res, status, body, contentType);
  };

  const server = createServer((req, res) => {
    const started = performance.now();
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.on('finish', () => {
      // Keep-alive connections go idle once their response is out; close them while shutting down.
      if (closing) server.closeIdleConnections();
    });
    handle(req, res).then(
      (status) => log.debug({ method: req.method, path: req.url, status, ms: Math.round(performance.now() - started) }, 'request'),
      (err: unknown) => {
        if (err instanceof HttpProblem) {
          for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
          if (err.status === 413) res.setHeader('Connection', 'close');
          if (!res.headersSent) reply(res, err.status, { error: err.error, message: err.message });
          log.debug({ method: req.method, path: req.url, status: err.status }, 'request');
          return;
        }
        const message = err instanceof Error ? err.message : String(err);
        log.error({ err, method: req.method, path: req.url }, 'status server: request failed');
        if (!res.headersSent) reply(res, 500, { error: 'internal error', message });
        else res.destroy();
      },
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        new StationHttpError(
          'STATION_ERR_HTTP_LISTEN_FAILED',
          `The status server cannot listen on ${host}:${o.config.port}: ${err.code ?? err.message}. ` +
            'Choose another http.port or http.host, or set http.enabled: false.',
          { cause: err },
        ),
      );
    };
    server.once('error', onError);
    server.listen({ host, port: o.config.port }, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'status server error'));

  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log.info({ url, auth: token ? 'bearer' : 'none' }, 'status server listening');

  let closed: Promise<void> | undefined;
  return {
    url,
    setDraining(value) {
      draining = value;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}

/** Why the station is not ready, or undefined when it is. */
export function notReadyReason(s: StationStatus): string | undefined {
  if (s.state !== 'running' && s.state !== 'paused') return `the station is ${s.state}`;
  if (s.server.reachable === true || s.queue.accepting) return undefined;
  const server = s.server.reachable === null ? 'the WATS server was not checked yet' : 'the WATS server is unreachable';
  return `${server} and the upload queue is not accepting reports`;
}

function queueState(value: unknown, field: string): QueueState {
  if (typeof value === 'string' && (QUEUE_STATES as readonly string[]).includes(value)) return value as QueueState;
  throw new HttpProblem(400, 'bad request', `${field} must be one of ${QUEUE_STATES.join(', ')}.`);
}

function send(res: ServerResponse, status: number, body: unknown, contentType?: string): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', typeof body === 'string' ? (contentType ?? 'text/plain; charset=utf-8') : 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Reads a JSON object body of at most MAX_BODY_BYTES; an empty body is `{}`. */
async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    // Requiring JSON also keeps browsers out: a cross-site JSON POST needs a preflight we never grant.
    throw new HttpProblem(415, 'unsupported media type', 'Send the body as application/json.');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpProblem(413, 'payload too large', `The body may be at most ${MAX_BODY_BYTES} bytes.`);
  const chunks = await new Promise<Buffer[]>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        parts.push(chunk);
        return;
      }
      // Answer 413 and discard the rest (the request timeout bounds how long); destroying the
      // request would reset the connection before the client sees the answer.
      req.removeAllListeners('data');
      req.removeAllListeners('end');
      req.resume();
      reject(new HttpProblem(413, 'payload too large', `The body may be at most ${MAX_BODY_BYTES} bytes.`));
    });
    req.once('end', () => resolve(parts));
    req.once('error', reject);
  });
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'bad request', 'The body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpProblem(400, 'bad request', 'The body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}
