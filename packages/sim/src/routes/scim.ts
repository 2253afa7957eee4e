import { callerName, requestOrigin } from '../domains/auth/caller.js';
import { patchUser } from '../domains/scim/scim-patch.js';
import { issueScimToken } from '../domains/scim/scim-token.js';
import { createUser, deleteUser, getUser, getUserByUserName, listUsers } from '../domains/scim/users.js';
import { jsonBody, type RouteDefinition } from './route-types.js';

/** `GET /api/SCIM/v2/Token[?duration=]`: `{ token, expiresUtc, durationDays }`. */
const token: RouteDefinition = {
  method: 'GET',
  operationId: 'Scim_GetJWT',
  handle: async (ctx) => ({
    body: await issueScimToken(
      ctx.sim,
      callerName(ctx.request),
      ctx.params.query.duration as number | undefined,
      requestOrigin(ctx.request),
    ),
  }),
};

/** `GET /api/SCIM/v2/Users[?filter=&startIndex=&count=]`: a SCIM ListResponse. */
const list: RouteDefinition = {
  method: 'GET',
  operationId: 'Scim_GetUsers',
  handle(ctx) {
    const q = ctx.params.query;
    const query: { filter?: string; startIndex?: number; count?: number } = {};
    if (typeof q.filter === 'string') query.filter = q.filter;
    if (typeof q.startIndex === 'number') query.startIndex = q.startIndex;
    if (typeof q.count === 'number') query.count = q.count;
    return { body: listUsers(ctx.sim, query, requestOrigin(ctx.request)) };
  },
};

/** `POST /api/SCIM/v2/Users`: 201 Created with the new user (RFC 7644 §3.3). */
const create: RouteDefinition = {
  method: 'POST',
  operationId: 'Scim_CreateUser',
  handle: async (ctx) => {
    const user = await createUser(ctx.sim, jsonBody(ctx), requestOrigin(ctx.request));
    return { status: 201, body: user, headers: { location: user.meta.location ?? '' } };
  },
};

/** `GET /api/SCIM/v2/Users/{id}`. */
const getById: RouteDefinition = {
  method: 'GET',
  operationId: 'Scim_GetUserWithId',
  handle: (ctx) => ({ body: getUser(ctx.sim, ctx.params.path.id as string, requestOrigin(ctx.request)) }),
};

/** `GET /api/SCIM/v2/Users/userName={userName}`: the literal `userName=` is part of the path. */
const getByUserName: RouteDefinition = {
  method: 'GET',
  operationId: 'Scim_GetUser',
  handle: (ctx) => ({ body: getUserByUserName(ctx.sim, ctx.params.path.userName as string, requestOrigin(ctx.request)) }),
};

/** `PATCH /api/SCIM/v2/Users/{id}`: PatchOp, `replace` only; answers the updated user. */
const patch: RouteDefinition = {
  method: 'PATCH',
  operationId: 'Scim_UpdateUser',
  handle: async (ctx) => {
    const id = ctx.params.path.id as string;
    await patchUser(ctx.sim, id, jsonBody(ctx));
    return { body: getUser(ctx.sim, id, requestOrigin(ctx.request)) };
  },
};

/** `DELETE /api/SCIM/v2/Users/{id}`: 204 No Content (RFC 7644 §3.6), 404 for an unknown id. */
const remove: RouteDefinition = {
  method: 'DELETE',
  operationId: 'Scim_DeleteUser',
  handle: async (ctx) => {
    await deleteUser(ctx.sim, ctx.params.path.id as string);
    return { status: 204 };
  },
};

export const scimRoutes: RouteDefinition[] = [token, list, create, getById, getByUserName, patch, remove];
