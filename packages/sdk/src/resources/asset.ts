import type { RequestOptions, RequestSpec } from '../client.js';
import { NotFoundError, WatsError } from '../core/errors.js';
import { PagedQuery } from '../core/pagination.js';
import { APIResource } from '../core/resource.js';
import type {
  Asset,
  AssetCountParams,
  AssetExternalServiceParams,
  AssetInput,
  AssetLogEntry,
  AssetODataParams,
  AssetRef,
  AssetServiceParams,
  AssetStateValue,
  AssetStatus,
  AssetSummary,
  AssetType,
  AssetTypeInput,
  AssetDateInput,
} from './asset-types.js';

const MAX_TOP = 10_000;
/** The code of the error thrown when a WATS 25.3 route is missing on the server. */
export const UNSUPPORTED_SERVER_CODE = 'WATS_ERR_UNSUPPORTED_SERVER';

function argumentError(message: string): WatsError {
  return new WatsError(message, { code: 'WATS_ERR_ARGUMENT' });
}

function refQuery(ref: AssetRef): { id: string | undefined; serialNumber: string | undefined } {
  const id = ref.id || undefined;
  const serialNumber = ref.serialNumber || undefined;
  if (!id && !serialNumber) throw argumentError('name the asset with id or serialNumber');
  return { id, serialNumber };
}

/** Dates go out as UTC ISO 8601, so the server never guesses a time zone. */
function isoDate(value: AssetDateInput | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw argumentError(`${name} is not a valid date: ${String(value)}`);
  return date.toISOString();
}

function checkPaging(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > (min === 0 ? Number.MAX_SAFE_INTEGER : MAX_TOP)) {
    throw argumentError(`${name} must be a whole number${min === 0 ? ' >= 0' : ` from 1 to ${MAX_TOP}`}, got ${value}`);
  }
}

/**
 * Assets (fixtures, instruments, tools): the OData lists of assets, types and log records,
 * create/update/delete, counts, calibration and maintenance, state, status, messages and
 * sub-assets. An asset is named by `{ id }` or `{ serialNumber }`.
 */
export class AssetResource extends APIResource {
  private odata<T>(path: string, params: AssetODataParams<T>, key: keyof T & string, options?: RequestOptions): PagedQuery<T> {
    const pageSize = params.pageSize ?? 1000;
    const top = params.top ?? pageSize;
    const skip = params.skip ?? 0;
    checkPaging('pageSize', pageSize, 1);
    checkPaging('top', top, 1);
    checkPaging('skip', skip, 0);
    const filter = params.filter === undefined ? undefined : String(params.filter);
    const orderBy = params.orderBy === undefined ? undefined : [params.orderBy].flat().join(',');
    const fetchPage = async (pageSkip: number, pageTop: number): Promise<T[]> => {
      const query = { $filter: filter, $orderby: orderBy, $top: pageTop, $skip: pageSkip || undefined, $select: params.select?.join(',') };
      const res = await this.client.request<unknown>({ method: 'GET', path, query }, options);
      if (!Array.isArray(res.data)) throw new WatsError(`GET ${path} did not return a list`, { code: 'WATS_ERR_RESPONSE' });
      return res.data as T[];
    };
    const keyOf = params.select && !params.select.includes(key) ? undefined : (row: T) => row[key];
    return new PagedQuery(fetchPage, { skip, top }, pageSize, keyOf, params.limit);
  }

  private async call<T>(spec: RequestSpec, options?: RequestOptions): Promise<T> {
    return (await this.client.request<T>(spec, options)).data;
  }

  /**
   * A WATS 25.3 route: a 404 from the routing layer (the server is older) becomes a clear error.
   * A 404 whose message is about the asset (it does not exist) stays a `NotFoundError`.
   */
  private async call253(spec: RequestSpec, options?: RequestOptions): Promise<void> {
    try {
      await this.client.request<unknown>(spec, options);
    } catch (err) {
      const text = err instanceof NotFoundError ? (NotFoundError.serverMessage(err.body) ?? '') : '';
      if (err instanceof NotFoundError && (/No HTTP resource was found/i.test(text) || !/\basset\b/i.test(text))) {
        throw new WatsError(
          `${spec.method} ${spec.path} needs WATS 2025.3 or later; this server does not have the route (404). ` +
            'Upgrade the server, or use the public operations (e.g. incrementCount, resetRunningCount, recordCalibration).',
          { code: UNSUPPORTED_SERVER_CODE, cause: err },
        );
      }
      throw err;
    }
  }

  /**
   * Assets matching an OData query, ordered by `assetId` unless `orderBy` says otherwise. Await
   * it for one page, or iterate it with `for await` to page through all (`$top`/`$skip`).
   * @operation GET /api/Asset
   */
  list(params: AssetODataParams<AssetSummary> = {}, options?: RequestOptions): PagedQuery<AssetSummary> {
    return this.odata('/api/Asset', params, 'assetId', options);
  }

  /**
   * Creates an asset, or updates the one with this `assetId` (counts and calibration or
   * maintenance dates are changed through their own methods). Returns the asset as saved.
   * @operation PUT /api/Asset
   */
  async save(asset: AssetInput, options?: RequestOptions): Promise<Asset> {
    return this.call<Asset>({ method: 'PUT', path: '/api/Asset', body: asset }, options);
  }

  /**
   * Deletes an asset and its log; its sub-assets move up to its parent.
   * @operation DELETE /api/Asset
   */
  async delete(ref: AssetRef, options?: RequestOptions): Promise<void> {
    await this.call({ method: 'DELETE', path: '/api/Asset', query: refQuery(ref) }, options);
  }

  /**
   * One asset by its asset id.
   * @operation GET /api/Asset/{assetId}
   */
  async get(assetId: string, options?: RequestOptions): Promise<Asset> {
    return this.call<Asset>({ method: 'GET', path: `/api/Asset/${encodeURIComponent(assetId)}` }, options);
  }

  /**
   * One asset by its serial number (the same URL shape as {@link get}; the server tells them apart).
   * @operation GET /api/Asset/{serialNumber}
   */
  async getBySerialNumber(serialNumber: string, options?: RequestOptions): Promise<Asset> {
    return this.call<Asset>({ method: 'GET', path: `/api/Asset/${encodeURIComponent(serialNumber)}` }, options);
  }

  /**
   * Records a calibration (default now); the next one is due after the type's calibration interval.
   * @operation POST /api/Asset/Calibration
   */
  async recordCalibration(params: AssetServiceParams, options?: RequestOptions): Promise<void> {
    const query = { ...refQuery(params), dateTime: isoDate(params.dateTime, 'dateTime'), comment: params.comment };
    await this.call({ method: 'POST', path: '/api/Asset/Calibration', query }, options);
  }

  /**
   * Records a maintenance (default now); the next one is due after the type's maintenance interval.
   * @operation POST /api/Asset/Maintenance
   */
  async recordMaintenance(params: AssetServiceParams, options?: RequestOptions): Promise<void> {
    const query = { ...refQuery(params), dateTime: isoDate(params.dateTime, 'dateTime'), comment: params.comment };
    await this.call({ method: 'POST', path: '/api/Asset/Maintenance', query }, options);
  }

  /**
   * Increments the running and total count by `incrementBy`, or up to a new `totalCount`
   * (optionally the sub-assets' counts too).
   * @operation PUT /api/Asset/Count
   */
  async incrementCount(params: AssetCountParams, options?: RequestOptions): Promise<void> {
    if ((params.incrementBy === undefined) === (params.totalCount === undefined)) {
      throw argumentError('give exactly one of incrementBy and totalCount');
    }
    const query = {
      ...refQuery(params),
      incrementBy: params.incrementBy,
      totalCount: params.totalCount,
      incrementChildren: params.incrementChildren,
      cultureCode: params.cultureCode,
    };
    await this.call({ method: 'PUT', path: '/api/Asset/Count', query }, options);
  }

  /**
   * Asset log records matching an OData query, newest first unless `orderBy` says otherwise.
   * @operation GET /api/Asset/Log
   */
  listLog(params: AssetODataParams<AssetLogEntry> = {}, options?: RequestOptions): PagedQuery<AssetLogEntry> {
    return this.odata('/api/Asset/Log', params, 'logId', options);
  }

  /**
   * Adds a message to the asset's log (the asset in the query, the text as the body's `content`).
   * @operation POST /api/Asset/Message
   */
  async addMessage(ref: AssetRef, content: string, params: { cultureCode?: string } = {}, options?: RequestOptions): Promise<void> {
    const query = { ...refQuery(ref), cultureCode: params.cultureCode };
    await this.call({ method: 'POST', path: '/api/Asset/Message', query, body: { content } }, options);
  }

  /**
   * Sets the running count to 0 (the total count stays).
   * @operation POST /api/Asset/ResetRunningCount
   */
  async resetRunningCount(params: AssetRef & { comment?: string }, options?: RequestOptions): Promise<void> {
    const query = { ...refQuery(params), comment: params.comment };
    await this.call({ method: 'POST', path: '/api/Asset/ResetRunningCount', query }, options);
  }

  /**
   * Sets the asset's state (`ASSET_STATE` names them: 0 unknown … 6 scrapped).
   * @operation PUT /api/Asset/State
   */
  async setState(ref: AssetRef, state: AssetStateValue, options?: RequestOptions): Promise<void> {
    await this.call({ method: 'PUT', path: '/api/Asset/State', query: { state, ...refQuery(ref) } }, options);
  }

  /**
   * The asset's alarm state (0 OK, 1 warning, 2 alarm) and message, from its counts against its
   * type's limits and its calibration and maintenance due dates.
   * @operation GET /api/Asset/Status
   */
  async getStatus(ref: AssetRef, params: { translate?: boolean; cultureCode?: string } = {}, options?: RequestOptions): Promise<AssetStatus> {
    const query = { ...refQuery(ref), translate: params.translate, cultureCode: params.cultureCode };
    return this.call<AssetStatus>({ method: 'GET', path: '/api/Asset/Status', query }, options);
  }

  /**
   * The sub-assets of an asset: `level` 1 for direct children only, 0 (default) for all levels.
   * @operation GET /api/Asset/SubAssets
   */
  async listSubAssets(ref: AssetRef, params: { level?: number } = {}, options?: RequestOptions): Promise<Asset[]> {
    const data = await this.call<unknown>({ method: 'GET', path: '/api/Asset/SubAssets', query: { ...refQuery(ref), level: params.level } }, options);
    // The public document types the answer as one object; servers send a list.
    return (Array.isArray(data) ? data : data === undefined ? [] : [data]) as Asset[];
  }

  /**
   * Asset types matching an OData query, ordered by name unless `orderBy` says otherwise.
   * @operation GET /api/Asset/Types
   */
  listTypes(params: AssetODataParams<AssetType> = {}, options?: RequestOptions): PagedQuery<AssetType> {
    return this.odata('/api/Asset/Types', params, 'typeId', options);
  }

  /**
   * Creates an asset type, or updates the one with this `typeId`. Intervals are in days
   * (-1 unlimited, -2 external, WATS 25.3); thresholds are percent of a limit or interval.
   * @operation PUT /api/Asset/Types
   */
  async saveType(type: AssetTypeInput, options?: RequestOptions): Promise<AssetType> {
    return this.call<AssetType>({ method: 'PUT', path: '/api/Asset/Types', body: type }, options);
  }

  /**
   * Sets the running count to a value. WATS 25.3+, not in the public OpenAPI document; an older
   * server answers 404, thrown as a `WatsError` with code `WATS_ERR_UNSUPPORTED_SERVER`.
   * @operation PUT /api/Asset/SetRunningCount
   */
  async setRunningCount(ref: AssetRef, runningCount: number, options?: RequestOptions): Promise<void> {
    await this.call253({ method: 'PUT', path: '/api/Asset/SetRunningCount', query: { runningCount, ...refQuery(ref) } }, options);
  }

  /**
   * Sets the total count to a value. WATS 25.3+, not in the public OpenAPI document; an older
   * server answers 404, thrown as a `WatsError` with code `WATS_ERR_UNSUPPORTED_SERVER`.
   * @operation PUT /api/Asset/SetTotalCount
   */
  async setTotalCount(ref: AssetRef, totalCount: number, options?: RequestOptions): Promise<void> {
    await this.call253({ method: 'PUT', path: '/api/Asset/SetTotalCount', query: { totalCount, ...refQuery(ref) } }, options);
  }

  /**
   * Records a calibration whose window an external system decides (types whose calibration
   * interval is -2). WATS 25.3+, not in the public OpenAPI document; an older server answers 404,
   * thrown as a `WatsError` with code `WATS_ERR_UNSUPPORTED_SERVER`.
   * @operation POST /api/Asset/Calibration/External
   */
  async recordExternalCalibration(params: AssetExternalServiceParams, options?: RequestOptions): Promise<void> {
    await this.call253({ method: 'POST', path: '/api/Asset/Calibration/External', query: externalQuery(params) }, options);
  }

  /**
   * Records a maintenance whose window an external system decides (types whose maintenance
   * interval is -2). WATS 25.3+, not in the public OpenAPI document; an older server answers 404,
   * thrown as a `WatsError` with code `WATS_ERR_UNSUPPORTED_SERVER`.
   * @operation POST /api/Asset/Maintenance/External
   */
  async recordExternalMaintenance(params: AssetExternalServiceParams, options?: RequestOptions): Promise<void> {
    await this.call253({ method: 'POST', path: '/api/Asset/Maintenance/External', query: externalQuery(params) }, options);
  }
}

function externalQuery(params: AssetExternalServiceParams): RequestSpec['query'] {
  return {
    ...refQuery(params),
    fromDate: isoDate(params.fromDate, 'fromDate'),
    toDate: isoDate(params.toDate, 'toDate'),
    comment: params.comment,
  };
}
