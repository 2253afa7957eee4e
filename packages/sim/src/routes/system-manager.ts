import { untypedJson } from './route-types.js';

import { exportQueueStatus } from '../domains/export/export-jobs.js';
import { clientLog } from '../domains/system-manager/client-log.js';
import { findClient, normalizeIdentifier, syncClients, updateClient } from '../domains/system-manager/clients.js';
import { createLevelByHierarchy, findLevelByHierarchy } from '../domains/system-manager/levels.js';
import { singleClientNode, systemManagerNodes } from '../domains/system-manager/nodes.js';
import { systemStatus } from '../domains/system-manager/system-status.js';
import { HttpError } from '../errors.js';
import { jsonBody, type RouteDefinition } from './route-types.js';

/** `GET /api/SystemManager/Client?name|identifier`: one client (station). */
const getClient: RouteDefinition = {
  method: 'GET',
  operationId: 'SystemManager_Client',
  async handle(ctx) {
    const state = await syncClients(ctx.sim);
    const q = ctx.params.query;
    const client = findClient(state, q.name as string | undefined, q.identifier as string | undefined);
    return { body: singleClientNode(ctx.sim, state, client) };
  },
};

/** `PUT /api/SystemManager/Client?moveWithHistory`: change displayName, location, purpose, clientGroupId. */
const putClient: RouteDefinition = {
  method: 'PUT',
  operationId: 'SystemManager_Client',
  async handle(ctx) {
    const client = await updateClient(ctx.sim, jsonBody(ctx), ctx.params.query.moveWithHistory === true);
    const state = await syncClients(ctx.sim);
    return { body: singleClientNode(ctx.sim, state, client) };
  },
};

/** `GET /api/SystemManager/ClientLog/{identifier}`: the client's most recent log. */
const getClientLog: RouteDefinition = {
  method: 'GET',
  operationId: 'SystemManager_ClientLog',
  async handle(ctx) {
    const state = await syncClients(ctx.sim);
    const identifier = String(ctx.params.path.identifier);
    const client = state.clients.find((c) => normalizeIdentifier(c.identifier) === normalizeIdentifier(identifier));
    if (!client) throw new HttpError(404, `No client with identifier '${identifier}' was found.`);
    return { body: clientLog(client) };
  },
};

/** `GET /api/SystemManager/Clients`: every level and client (a JSON list; the spec leaves it untyped). */
const listClients: RouteDefinition = {
  method: 'GET',
  operationId: 'SystemManager_Clients',
  async handle(ctx) {
    const state = await syncClients(ctx.sim);
    return untypedJson(ctx, systemManagerNodes(ctx.sim, state));
  },
};

/** `GET /api/SystemManager/Level?hierarchy=..`: the leaf level's id, or `null`. */
const getLevel: RouteDefinition = {
  method: 'GET',
  operationId: 'SystemManager_LevelByHierarchy',
  handle(ctx) {
    return untypedJson(ctx, findLevelByHierarchy(ctx.sim, ctx.params.query.hierarchy));
  },
};

/** `POST /api/SystemManager/Level` (body: names, topmost first): creates what is missing, answers the leaf's id. */
const postLevel: RouteDefinition = {
  method: 'POST',
  operationId: 'SystemManager_PostLevelByHierarchy',
  async handle(ctx) {
    return untypedJson(ctx, await createLevelByHierarchy(ctx.sim, jsonBody(ctx)));
  },
};

/** `GET /api/SystemStatus`: computed server status, all values strings. */
const getSystemStatus: RouteDefinition = {
  method: 'GET',
  operationId: 'SystemManager_GetSystemStatus',
  async handle(ctx) {
    const state = await syncClients(ctx.sim);
    return { body: systemStatus(ctx.sim, state, exportQueueStatus(ctx.sim)) };
  },
};

export const systemManagerRoutes: RouteDefinition[] = [
  getClient,
  putClient,
  getClientLog,
  listClients,
  getLevel,
  postLevel,
  getSystemStatus,
];
