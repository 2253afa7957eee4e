import { incrementCounts, requestedIncrement, resetRunningCount, setCount } from '../domains/asset/asset-counts.js';
import { publicAsset } from '../domains/asset/asset-odata.js';
import { assetFromQuery, assetState, LogType, saveAssetState, writeLog, type AssetRecord } from '../domains/asset/asset-state.js';
import {
  assetStatus,
  intervalMode,
  recordExternalService,
  recordService,
  serviceInterval,
  type ServiceKind,
} from '../domains/asset/asset-status.js';
import { HttpError } from '../errors.js';
import type { RouteContext, RouteDefinition } from './route-types.js';

// Counts, calibration and maintenance: the public operations plus the four WATS 25.3 routes
// (spec/extra-wats-25.3.json). Every change writes an asset log record.

function dateParam(ctx: RouteContext, name: string): Date | undefined {
  const text = ctx.params.query[name] as string | undefined;
  // The binder already refused text that is not a date.
  return text === undefined ? undefined : new Date(text);
}

function comment(ctx: RouteContext): string | undefined {
  return ctx.params.query.comment as string | undefined;
}

async function done(ctx: RouteContext, asset: AssetRecord) {
  await saveAssetState(ctx);
  return { body: publicAsset(assetState(ctx), asset) };
}

const LOG_TYPES = { calibration: LogType.calibration, maintenance: LogType.maintenance } as const;

/** `POST Calibration` / `Maintenance`: done at `dateTime` (default now); the next is computed from the type's interval. */
function service(kind: ServiceKind, operationId: string): RouteDefinition {
  return {
    method: 'POST',
    operationId,
    async handle(ctx) {
      const state = assetState(ctx);
      const asset = assetFromQuery(ctx, state);
      const date = dateParam(ctx, 'dateTime') ?? new Date();
      recordService(asset, state.types[asset.typeId], kind, date);
      writeLog(ctx, state, asset, { type: LOG_TYPES[kind], property: `last${kind === 'calibration' ? 'Calibration' : 'Maintenance'}Date`, value: date.toISOString(), comment: comment(ctx) });
      return done(ctx, asset);
    },
  };
}

/** WATS 25.3 `POST Calibration/External` / `Maintenance/External`: the window comes from outside. */
function externalService(kind: ServiceKind, operationId: string): RouteDefinition {
  return {
    method: 'POST',
    operationId,
    async handle(ctx) {
      const state = assetState(ctx);
      const asset = assetFromQuery(ctx, state);
      const type = state.types[asset.typeId];
      const interval = serviceInterval(type, kind);
      if (intervalMode(interval) !== 'external') {
        throw new HttpError(400, `The asset type '${type?.typeName ?? asset.typeId}' does not manage ${kind} externally (${kind}Interval is ${interval ?? 'not set'}; -2 = external).`);
      }
      const from = dateParam(ctx, 'fromDate') ?? new Date();
      const to = dateParam(ctx, 'toDate');
      if (to && to.getTime() <= from.getTime()) throw new HttpError(400, `toDate: must be after fromDate (${from.toISOString()}).`);
      recordExternalService(asset, kind, from, to);
      const value = to ? `${from.toISOString()} - ${to.toISOString()}` : from.toISOString();
      writeLog(ctx, state, asset, { type: LOG_TYPES[kind], property: `${kind} (external)`, value, comment: comment(ctx) });
      return done(ctx, asset);
    },
  };
}

/** `PUT Count`: increments both counts (and the sub-assets' when asked); answers the status after it. */
const putCount: RouteDefinition = {
  method: 'PUT',
  operationId: 'Asset_PutAssetCount',
  async handle(ctx) {
    const state = assetState(ctx);
    const asset = assetFromQuery(ctx, state);
    const by = requestedIncrement(asset, ctx.params.query);
    incrementCounts(ctx, state, asset, by, ctx.params.query.incrementChildren === true);
    await saveAssetState(ctx);
    return { body: assetStatus(state, asset) };
  },
};

const resetCount: RouteDefinition = {
  method: 'POST',
  operationId: 'Asset_ResetRunningCount',
  async handle(ctx) {
    const state = assetState(ctx);
    const asset = assetFromQuery(ctx, state);
    resetRunningCount(ctx, state, asset, comment(ctx));
    return done(ctx, asset);
  },
};

function setCountRoute(field: 'runningCount' | 'totalCount', operationId: string): RouteDefinition {
  return {
    method: 'PUT',
    operationId,
    async handle(ctx) {
      const state = assetState(ctx);
      const asset = assetFromQuery(ctx, state);
      setCount(ctx, state, asset, field, ctx.params.query[field] as number);
      return done(ctx, asset);
    },
  };
}

export const assetServiceRoutes: RouteDefinition[] = [
  putCount,
  resetCount,
  service('calibration', 'Asset_PostCalibration'),
  service('maintenance', 'Asset_PostMaintenance'),
  setCountRoute('runningCount', 'Asset_SetRunningCount'),
  setCountRoute('totalCount', 'Asset_SetTotalCount'),
  externalService('calibration', 'Asset_PostCalibrationExternal'),
  externalService('maintenance', 'Asset_PostMaintenanceExternal'),
];
