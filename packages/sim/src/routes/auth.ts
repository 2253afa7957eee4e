import { callerName } from '../domains/auth/caller.js';
import { issueToken } from '../domains/auth/tokens.js';
import type { RouteContext, RouteDefinition, RouteResult } from './route-types.js';

/**
 * The real server answers with the token as a JSON string (its documentation says to "remove
 * leading and trailing `"` from the result"); the spec's `type: object` is what Swashbuckle
 * writes for an untyped action result. So the answer is sent as raw JSON text.
 */
function jsonString(value: string): RouteResult {
  return { raw: JSON.stringify(value), contentType: 'application/json; charset=utf-8' };
}

async function getToken(ctx: RouteContext, identifier: string | undefined): Promise<RouteResult> {
  const owner = callerName(ctx.request);
  const token = await issueToken(ctx.sim, {
    owner,
    identifier: identifier ?? owner,
    reset: ctx.params.query.reset === true,
  });
  return jsonString(token);
}

/** `GET /api/Auth/GetToken[?reset=true]`: a token identified by the calling user. */
const getOwnToken: RouteDefinition = {
  method: 'GET',
  operationId: 'Auth_GetToken',
  path: '/api/Auth/GetToken',
  handle: (ctx) => getToken(ctx, undefined),
};

/** `GET /api/Auth/GetToken/{identifier}[?reset=true]`: a token with its own identifier. */
const getIdentifiedToken: RouteDefinition = {
  method: 'GET',
  operationId: 'Auth_GetToken',
  path: '/api/Auth/GetToken/{identifier}',
  handle: (ctx) => getToken(ctx, ctx.params.path.identifier as string),
};

export const authRoutes: RouteDefinition[] = [getOwnToken, getIdentifiedToken];
