import { callerName } from '../domains/auth/caller.js';
import { issueToken } from '../domains/auth/tokens.js';
import { untypedJson, type RouteContext, type RouteDefinition, type RouteResult } from './route-types.js';

async function getToken(ctx: RouteContext, identifier: string | undefined): Promise<RouteResult> {
  const owner = callerName(ctx.request);
  const token = await issueToken(ctx.sim, {
    owner,
    identifier: identifier ?? owner,
    reset: ctx.params.query.reset === true,
  });
  return untypedJson(ctx, token);
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
