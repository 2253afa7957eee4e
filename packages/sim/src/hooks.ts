import { timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isApiPath, pathnameOf, type SimContext } from './context.js';
import { aspNetError, UNAUTHORIZED_MESSAGE } from './errors.js';

function tokenMatches(header: string | undefined, token: string): boolean {
  const expected = Buffer.from(`Basic ${token}`);
  const actual = Buffer.from(header ?? '');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Destroys the connection without a response: what a crashed server or a flaky network does. */
function dropConnection(request: FastifyRequest): void {
  request.raw.socket?.destroy();
}

/**
 * The `/api` pipeline around the handlers: count, inject faults, check the token (faults come
 * first, as a network or proxy fault would), and drop answers after handling when asked.
 */
export function registerApiHooks(app: FastifyInstance, sim: SimContext): void {
  app.decorateRequest('simState', undefined);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = pathnameOf(request.url);
    if (!isApiPath(pathname)) return;
    const match = sim.registry.match(request.method, pathname);
    const operation = match.kind === 'operation' ? match.operation : undefined;
    request.simState = { pathname, match, dropAfter: false };
    sim.stats.request(operation?.operationId, operation?.key);

    const decision = sim.faults.decide({ method: request.method, path: pathname, operationId: operation?.operationId });
    if (decision.latencyMs > 0) {
      sim.stats.fault('latency');
      await sleep(decision.latencyMs);
    }
    const action = decision.action;
    if (action?.kind === 'drop') {
      sim.stats.fault(action.fault === 'outage' ? 'outage' : 'dropBefore');
      reply.hijack();
      dropConnection(request);
      return;
    }
    if (action?.kind === 'status') {
      sim.stats.fault(action.fault);
      if (action.retryAfter !== undefined) reply.header('Retry-After', String(action.retryAfter));
      return reply.code(action.status).send(aspNetError(action.message));
    }
    request.simState.dropAfter = decision.dropAfter;

    if (sim.config.token !== undefined && !tokenMatches(request.headers.authorization, sim.config.token)) {
      return reply.code(401).header('WWW-Authenticate', 'Basic').send(aspNetError(UNAUTHORIZED_MESSAGE));
    }
  });

  // Callback-style (not async) hooks: the same work without a promise per request.
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (request.simState?.dropAfter) {
      sim.stats.fault('dropAfter');
      dropConnection(request);
    }
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    if (request.simState && !request.simState.dropAfter) sim.stats.response(reply.statusCode);
    done();
  });
}
