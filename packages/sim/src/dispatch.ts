import { appendFileSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isApiPath, pathnameOf, type SimContext } from './context.js';
import { aspNetError, coerceError, HttpError, methodNotAllowedMessage, notFoundMessage } from './errors.js';
import { bindParameters, type RawQuery } from './openapi/params.js';
import type { RouteDefinition, RouteResult } from './routes/route-types.js';

/** Notes which test called which operation (see `SimOptions.coverageFile`). */
function recordCoverage(sim: SimContext, request: FastifyRequest, op: string, status: number): void {
  const file = sim.config.coverageFile;
  const test = request.headers['x-tswats-test'];
  if (!file || typeof test !== 'string') return;
  // One short line per call; appends of this size are not interleaved between processes.
  appendFileSync(file, `${JSON.stringify({ op, status, test: decodeURIComponent(test) })}\n`);
}

function requestUri(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}${request.url}`;
}

function sendJson(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}): FastifyReply {
  reply.code(status).headers(headers).type('application/json; charset=utf-8');
  return reply.send(JSON.stringify(body));
}

/**
 * The single handler behind every URL: resolves `/api` requests to spec operations, binds
 * parameters, runs the route, and checks what goes out against the spec.
 */
export function createDispatcher(sim: SimContext, routes: Map<string, RouteDefinition>) {
  return async function dispatch(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const state = request.simState;
    if (!state || !isApiPath(pathnameOf(request.url))) {
      return sendJson(reply, 404, aspNetError(notFoundMessage(requestUri(request))));
    }
    const match = state.match;
    if (match.kind === 'not-found') return sendJson(reply, 404, aspNetError(notFoundMessage(requestUri(request))));
    if (match.kind === 'method-not-allowed') {
      return sendJson(reply, 405, aspNetError(methodNotAllowedMessage(request.method)), { Allow: match.allow.join(', ') });
    }
    const { operation } = match;
    const route = routes.get(operation.key);
    if (!route) {
      const message = `The simulator does not implement ${operation.key} (${operation.operationId}) yet.`;
      return sendJson(reply, 501, aspNetError(message));
    }

    const bound = bindParameters(operation, match.params, request.query as RawQuery);
    for (const message of bound.violations) sim.contract.record(operation, 'request', message);
    let result: RouteResult;
    try {
      if (bound.error) throw bound.error;
      result = await route.handle({
        sim,
        operation,
        params: bound.params,
        body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        request,
      });
    } catch (err) {
      if (err instanceof HttpError) return sendJson(reply, err.status, aspNetError(err.message), err.headers);
      request.log.error({ err: coerceError(err) }, 'simulator route failed');
      return sendJson(reply, 500, aspNetError('An error has occurred.'));
    }
    const status = result.status ?? 200;
    recordCoverage(sim, request, operation.key, status);
    if (result.raw !== undefined) {
      reply.code(status).headers(result.headers ?? {}).type(result.contentType ?? 'application/octet-stream');
      return reply.send(result.raw);
    }
    sim.contract.checkResponse(operation, status, result.body);
    return sendJson(reply, status, result.body, result.headers);
  };
}
