import { randomUUID } from 'node:crypto';
import { HttpError } from '../../errors.js';
import { canonicalGuid, isGuid } from '../../guid.js';
import type { RouteContext } from '../../routes/route-types.js';
import { callerName } from '../auth/caller.js';

/** A tag on an asset (`Setting` in the spec): `change` is only meaningful in requests. */
export interface AssetTag {
  key: string;
  value?: string;
}

/** An asset type as stored (the spec's `AssetType`). Intervals are days; -1 unlimited, -2 external. */
export interface AssetTypeRecord {
  typeId: string;
  typeName: string;
  runningCountLimit?: number;
  totalCountLimit?: number;
  maintenanceInterval?: number;
  calibrationInterval?: number;
  warningThreshold?: number;
  alarmThreshold?: number;
  isReadonly?: boolean;
  icon?: string;
}

/** An asset as stored. Dates are ISO strings; the parent's serial number is derived when answering. */
export interface AssetRecord {
  assetId: string;
  serialNumber: string;
  typeId: string;
  parentAssetId?: string;
  assetName?: string;
  partNumber?: string;
  revision?: string;
  clientId?: number;
  state: number;
  description?: string;
  location?: string;
  firstSeenDate: string;
  lastSeenDate: string;
  lastMaintenanceDate?: string;
  nextMaintenanceDate?: string;
  lastCalibrationDate?: string;
  nextCalibrationDate?: string;
  totalCount: number;
  runningCount: number;
  tags: AssetTag[];
}

/**
 * Asset log types. The spec documents 0-5; pyWATS adds 6 (state change); the schema's enum
 * goes up to 8.
 */
export const LogType = {
  message: 0,
  register: 1,
  update: 2,
  resetCount: 3,
  calibration: 4,
  maintenance: 5,
  stateChange: 6,
} as const;

export interface AssetLogRecord {
  logId: number;
  assetId: string;
  serialNumber: string;
  date: string;
  user: string;
  type: number;
  property?: string;
  value?: string;
  comment?: string;
}

/** The asset domain's persisted state (`<dataDir>/state/asset.json`). */
export interface AssetDomainState {
  /** By canonical asset id, in creation order. */
  assets: Record<string, AssetRecord>;
  /** By canonical type id. */
  types: Record<string, AssetTypeRecord>;
  log: AssetLogRecord[];
  nextLogId: number;
}

export const ASSET_DOMAIN = 'asset';

/** The live asset state of this simulator. */
export function assetState(ctx: RouteContext): AssetDomainState {
  return ctx.sim.state.get<AssetDomainState>(ASSET_DOMAIN, () => ({ assets: {}, types: {}, log: [], nextLogId: 1 }));
}

export async function saveAssetState(ctx: RouteContext): Promise<void> {
  await ctx.sim.state.save(ASSET_DOMAIN);
}

export function newGuid(): string {
  return randomUUID();
}

export function findById(state: AssetDomainState, id: string): AssetRecord | undefined {
  return isGuid(id) ? state.assets[canonicalGuid(id)] : undefined;
}

/** Serial numbers are unique and, as in SQL Server's collation, compared ignoring case. */
export function findBySerial(state: AssetDomainState, serialNumber: string): AssetRecord | undefined {
  const key = serialNumber.toUpperCase();
  return Object.values(state.assets).find((a) => a.serialNumber.toUpperCase() === key);
}

/**
 * The asset named by the `id` / `serialNumber` query parameters that most asset operations
 * take: 400 when neither is given (or they name different assets), 404 when it does not exist.
 */
export function assetFromQuery(ctx: RouteContext, state = assetState(ctx)): AssetRecord {
  const id = ctx.params.query.id as string | undefined;
  const serialNumber = ctx.params.query.serialNumber as string | undefined;
  if (!id && !serialNumber) throw new HttpError(400, 'id or serialNumber is required to identify the asset.');
  if (id) {
    const asset = findById(state, id);
    if (!asset) throw new HttpError(404, `Asset with id '${id}' was not found.`);
    if (serialNumber && asset.serialNumber.toUpperCase() !== serialNumber.toUpperCase()) {
      throw new HttpError(400, `id '${id}' and serialNumber '${serialNumber}' name different assets.`);
    }
    return asset;
  }
  const asset = findBySerial(state, serialNumber!);
  if (!asset) throw new HttpError(404, `Asset with serialNumber '${serialNumber}' was not found.`);
  return asset;
}

export function typeOf(state: AssetDomainState, asset: AssetRecord): AssetTypeRecord | undefined {
  return state.types[asset.typeId];
}

/** Direct children of an asset, in creation order. */
export function childrenOf(state: AssetDomainState, assetId: string): AssetRecord[] {
  return Object.values(state.assets).filter((a) => a.parentAssetId === assetId);
}

/** Descendants, breadth first, down to `levels` (0 = all levels). */
export function descendantsOf(state: AssetDomainState, assetId: string, levels = 0): AssetRecord[] {
  const out: AssetRecord[] = [];
  let frontier = [assetId];
  for (let depth = 1; frontier.length > 0 && (levels === 0 || depth <= levels); depth++) {
    const next: AssetRecord[] = frontier.flatMap((id) => childrenOf(state, id));
    out.push(...next);
    frontier = next.map((a) => a.assetId);
  }
  return out;
}

/** Appends one asset log record; every change to an asset writes one. */
export function writeLog(
  ctx: RouteContext,
  state: AssetDomainState,
  asset: AssetRecord,
  entry: { type: number; property?: string; value?: string; comment?: string },
  date = new Date(),
): AssetLogRecord {
  const record: AssetLogRecord = {
    logId: state.nextLogId++,
    assetId: asset.assetId,
    serialNumber: asset.serialNumber,
    date: date.toISOString(),
    user: callerName(ctx.request),
    type: entry.type,
  };
  if (entry.property !== undefined) record.property = entry.property;
  if (entry.value !== undefined) record.value = entry.value;
  if (entry.comment !== undefined && entry.comment !== '') record.comment = entry.comment;
  state.log.push(record);
  return record;
}
