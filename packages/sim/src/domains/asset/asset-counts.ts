import { HttpError } from '../../errors.js';
import type { RouteContext } from '../../routes/route-types.js';
import { descendantsOf, LogType, writeLog, type AssetDomainState, type AssetRecord } from './asset-state.js';

const INT32_MAX = 2147483647;

/**
 * The increment a `PUT /api/Asset/Count` asks for: `incrementBy`, or `totalCount` (the new
 * total; the increment is the difference). One of them is required, not both, and counts only
 * go up (resetting is `ResetRunningCount`; setting is the WATS 25.3 routes).
 */
export function requestedIncrement(asset: AssetRecord, query: Record<string, unknown>): number {
  const incrementBy = query.incrementBy as number | undefined;
  const totalCount = query.totalCount as number | undefined;
  if (incrementBy !== undefined && totalCount !== undefined) {
    throw new HttpError(400, 'Give either totalCount or incrementBy, not both.');
  }
  if (incrementBy === undefined && totalCount === undefined) throw new HttpError(400, 'totalCount or incrementBy is required.');
  if (incrementBy !== undefined) {
    if (incrementBy < 0) throw new HttpError(400, `incrementBy: must be 0 or more, got ${incrementBy}.`);
    return incrementBy;
  }
  if (totalCount! < asset.totalCount) {
    throw new HttpError(400, `totalCount: ${totalCount} is below the current total count ${asset.totalCount}; counts only go up.`);
  }
  return totalCount! - asset.totalCount;
}

/**
 * Adds `by` to the running and total count of the asset and, with `children`, of every
 * sub-asset below it (all levels); each asset counted is "seen" now and gets a log record.
 * Checked for every asset before any is changed, so a refused request changes nothing.
 */
export function incrementCounts(ctx: RouteContext, state: AssetDomainState, asset: AssetRecord, by: number, children: boolean): AssetRecord[] {
  const targets = [asset, ...(children ? descendantsOf(state, asset.assetId) : [])];
  for (const t of targets) {
    if (t.totalCount + by > INT32_MAX) throw new HttpError(400, `The total count of '${t.serialNumber}' would exceed ${INT32_MAX}.`);
  }
  const now = new Date();
  for (const t of targets) {
    t.runningCount += by;
    t.totalCount += by;
    t.lastSeenDate = now.toISOString();
    const via = t === asset ? '' : ` (via parent '${asset.serialNumber}')`;
    writeLog(ctx, state, t, { type: LogType.update, property: 'totalCount', value: String(t.totalCount), comment: `Count incremented by ${by}${via}; running count ${t.runningCount}` }, now);
  }
  return targets;
}

/** `ResetRunningCount`: the running count goes to 0, the total count stays (log type 3). */
export function resetRunningCount(ctx: RouteContext, state: AssetDomainState, asset: AssetRecord, comment: string | undefined): void {
  const before = asset.runningCount;
  asset.runningCount = 0;
  writeLog(ctx, state, asset, { type: LogType.resetCount, property: 'runningCount', value: '0', comment: comment ?? `Running count ${before} reset` });
}

/**
 * WATS 25.3 `SetRunningCount` / `SetTotalCount`: set one count to a value. The running count
 * counts since the last reset, so it can never exceed the total count; either call refuses to
 * break that.
 */
export function setCount(ctx: RouteContext, state: AssetDomainState, asset: AssetRecord, field: 'runningCount' | 'totalCount', value: number): void {
  if (value < 0) throw new HttpError(400, `${field}: must be 0 or more, got ${value}.`);
  if (field === 'runningCount' && value > asset.totalCount) {
    throw new HttpError(400, `runningCount: ${value} is above the total count ${asset.totalCount}.`);
  }
  if (field === 'totalCount' && value < asset.runningCount) {
    throw new HttpError(400, `totalCount: ${value} is below the running count ${asset.runningCount}.`);
  }
  const before = asset[field];
  asset[field] = value;
  writeLog(ctx, state, asset, { type: LogType.update, property: field, value: String(value), comment: `${field} set from ${before} to ${value}` });
}
