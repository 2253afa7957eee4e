import { untypedJson } from './route-types.js';
import { listAssetLog, listAssets, listAssetTypes, PUBLIC_ASSET, publicAsset } from '../domains/asset/asset-odata.js';
import { deleteAsset, saveAsset } from '../domains/asset/asset-save.js';
import {
  assetFromQuery,
  assetState,
  descendantsOf,
  findById,
  findBySerial,
  LogType,
  saveAssetState,
  writeLog,
  type AssetDomainState,
} from '../domains/asset/asset-state.js';
import { assetStatus } from '../domains/asset/asset-status.js';
import { saveAssetType } from '../domains/asset/asset-types.js';
import { HttpError } from '../errors.js';
import { assetServiceRoutes } from './asset-service.js';
import { jsonBody, type RouteDefinition } from './route-types.js';

const getAssets: RouteDefinition = {
  method: 'GET',
  operationId: 'Asset_GetAssets',
  handle: (ctx) => ({ body: listAssets(assetState(ctx), ctx.params.odata) }),
};

const putAsset: RouteDefinition = {
  method: 'PUT',
  operationId: 'Asset_PutAsset',
  async handle(ctx) {
    const state = assetState(ctx);
    const asset = saveAsset(ctx, state, jsonBody(ctx));
    await saveAssetState(ctx);
    return { body: publicAsset(state, asset) };
  },
};

const deleteAssetRoute: RouteDefinition = {
  method: 'DELETE',
  operationId: 'Asset_DeleteAsset',
  async handle(ctx) {
    const state = assetState(ctx);
    const asset = assetFromQuery(ctx, state);
    const body = publicAsset(state, asset);
    deleteAsset(state, asset);
    await saveAssetState(ctx);
    return { body };
  },
};

// `GET /api/Asset/{assetId}` and `GET /api/Asset/{serialNumber}` share one URL shape. The
// registry sends a GUID to the first and anything else to the second; each falls back to the
// other lookup, so a serial number that happens to look like a GUID is still found.
function getOne(state: AssetDomainState, value: string, bySerialFirst: boolean) {
  const asset = bySerialFirst
    ? (findBySerial(state, value) ?? findById(state, value))
    : (findById(state, value) ?? findBySerial(state, value));
  if (!asset) throw new HttpError(404, `Asset '${value}' was not found.`);
  return { body: publicAsset(state, asset) };
}

const getByAssetId: RouteDefinition = {
  method: 'GET',
  operationId: 'Asset_GetAssetByAssetId',
  handle: (ctx) => getOne(assetState(ctx), ctx.params.path.assetId as string, false),
};

const getBySerialNumber: RouteDefinition = {
  method: 'GET',
  operationId: 'Asset_GetAssetBySerialNumber',
  handle: (ctx) => getOne(assetState(ctx), ctx.params.path.serialNumber as string, true),
};

const getLog: RouteDefinition = {
  method: 'GET',
  operationId: 'Asset_GetAssetLog',
  handle: (ctx) => ({ body: listAssetLog(assetState(ctx), ctx.params.odata) }),
};

/** `POST Message`: the asset is named in the query, the text is the body's `content`. */
const postMessage: RouteDefinition = {
  method: 'POST',
  operationId: 'Asset_PostAssetMessage',
  async handle(ctx) {
    const state = assetState(ctx);
    const asset = assetFromQuery(ctx, state);
    const body = jsonBody(ctx) as { content?: unknown } | null;
    const content = body && typeof body === 'object' ? body.content : undefined;
    if (typeof content !== 'string' || content.trim() === '') {
      throw new HttpError(400, 'content: the message text is required (body { "content": "..." }).');
    }
    const entry = writeLog(ctx, state, asset, { type: LogType.message, comment: content });
    await saveAssetState(ctx);
    return { body: { ...entry } };
  },
};

const putState: RouteDefinition = {
  method: 'PUT',
  operationId: 'Asset_PutAssetState',
  async handle(ctx) {
    const state = assetState(ctx);
    const asset = assetFromQuery(ctx, state);
    const value = ctx.params.query.state as number;
    if (asset.state !== value) {
      asset.state = value;
      writeLog(ctx, state, asset, { type: LogType.stateChange, property: 'state', value: String(value) });
      await saveAssetState(ctx);
    }
    return { body: publicAsset(state, asset) };
  },
};

/** `GET Status`: alarm state computed now (`translate` and `cultureCode` change nothing: English only). */
const getStatus: RouteDefinition = {
  method: 'GET',
  operationId: 'Asset_GetAssetStatus',
  handle(ctx) {
    const state = assetState(ctx);
    return { body: assetStatus(state, assetFromQuery(ctx, state)) };
  },
};

/** `GET SubAssets`: children to `level` levels (0 = all, the default), breadth first. */
const getSubAssets: RouteDefinition = {
  method: 'GET',
  operationId: 'Asset_GetAssetChildren',
  handle(ctx) {
    const state = assetState(ctx);
    const asset = assetFromQuery(ctx, state);
    const level = (ctx.params.query.level as number | undefined) ?? 0;
    if (level < 0) throw new HttpError(400, `level: must be 0 (all levels) or more, got ${level}.`);
    const items = descendantsOf(state, asset.assetId, level).map((a) => publicAsset(state, a));
    return untypedJson(ctx, items, PUBLIC_ASSET);
  },
};

const getTypes: RouteDefinition = {
  method: 'GET',
  operationId: 'Asset_GetAssetTypes',
  handle: (ctx) => ({ body: listAssetTypes(assetState(ctx), ctx.params.odata) }),
};

const putType: RouteDefinition = {
  method: 'PUT',
  operationId: 'Asset_PutAssetType',
  async handle(ctx) {
    const state = assetState(ctx);
    const type = saveAssetType(state, jsonBody(ctx));
    await saveAssetState(ctx);
    return { body: { ...type } };
  },
};

export const assetRoutes: RouteDefinition[] = [
  getAssets,
  putAsset,
  deleteAssetRoute,
  getByAssetId,
  getBySerialNumber,
  getLog,
  postMessage,
  putState,
  getStatus,
  getSubAssets,
  getTypes,
  putType,
  ...assetServiceRoutes,
];
