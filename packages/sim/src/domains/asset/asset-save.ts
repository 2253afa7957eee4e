import { HttpError } from '../../errors.js';
import type { RouteContext } from '../../routes/route-types.js';
import {
  asInt32,
  asString,
  BodyProblems,
  objectBody,
  optional,
  optionalGuid,
  parseTags,
} from '../body-fields.js';
import {
  descendantsOf,
  findById,
  findBySerial,
  LogType,
  newGuid,
  writeLog,
  type AssetDomainState,
  type AssetRecord,
  type AssetTag,
} from './asset-state.js';
import { applyInterval } from './asset-status.js';

/** Descriptive fields a PUT may set; counts and service dates have operations of their own. */
const TEXT_FIELDS = ['assetName', 'partNumber', 'revision', 'description', 'location'] as const;

interface AssetInput {
  assetId: string | null | undefined;
  serialNumber: string;
  typeId: string;
  parentAssetId: string | null | undefined;
  parentSerialNumber: string | null | undefined;
  text: Partial<Record<(typeof TEXT_FIELDS)[number], string | null>>;
  clientId: number | null | undefined;
  state: number | null | undefined;
  tags: AssetTag[] | null | undefined;
}

function parseAsset(value: unknown): AssetInput {
  const body = objectBody(value, 'an asset');
  const problems = new BodyProblems();
  const serialNumber = body.serialNumber;
  if (typeof serialNumber !== 'string' || serialNumber.trim() === '') problems.add('serialNumber', 'is required');
  const typeId = optionalGuid(body, 'typeId', problems);
  if (!typeId && !problems.list.some((p) => p.startsWith('typeId'))) problems.add('typeId', 'is required (see GET api/Asset/Types)');
  const text: AssetInput['text'] = {};
  for (const field of TEXT_FIELDS) {
    const v = optional(body, field, problems, asString, 'must be a string');
    if (v !== undefined) text[field] = v;
  }
  const state = optional(body, 'state', problems, (v) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 6 ? (v as number) : 'must be 0-6'), 'must be 0-6');
  const input: AssetInput = {
    assetId: optionalGuid(body, 'assetId', problems),
    serialNumber: String(serialNumber ?? '').trim(),
    typeId: typeId ?? '',
    parentAssetId: optionalGuid(body, 'parentAssetId', problems),
    parentSerialNumber: optional(body, 'parentSerialNumber', problems, asString, 'must be a string'),
    text,
    clientId: optional(body, 'ClientId', problems, asInt32, 'must be a 32-bit integer'),
    state,
    tags: parseTags(body, problems),
  };
  problems.throwIfAny();
  return input;
}

/**
 * The new parent: named by `parentAssetId` when it has a value, else by `parentSerialNumber`
 * (a client that re-parents by id while sending back the old serial number means the id).
 * `null` clears the parent; `undefined` keeps it.
 */
function resolveParent(state: AssetDomainState, input: AssetInput, self: string): string | null | undefined {
  const { parentAssetId: id, parentSerialNumber: sn } = input;
  let parent: AssetRecord | undefined;
  if (id) {
    parent = findById(state, id);
    if (!parent) throw new HttpError(400, `parentAssetId: no asset with id '${id}' exists.`);
  } else if (sn) {
    parent = findBySerial(state, sn);
    if (!parent) throw new HttpError(400, `parentSerialNumber: no asset with serial number '${sn}' exists.`);
  } else {
    return id === null || sn === null ? null : undefined;
  }
  if (parent.assetId === self || descendantsOf(state, self).some((a) => a.assetId === parent.assetId)) {
    throw new HttpError(400, `parent: '${parent.serialNumber}' is the asset itself or one of its sub-assets.`);
  }
  return parent.assetId;
}

function setOrClear<K extends keyof AssetRecord>(asset: AssetRecord, key: K, value: AssetRecord[K] | null): void {
  if (value === null) delete asset[key];
  else asset[key] = value;
}

function show(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * `PUT /api/Asset`: creates the asset, or updates the one with this `assetId` (else this serial
 * number). Fields left out are kept; `null` or `""` clears one. Counts and calibration or
 * maintenance dates in the body are ignored, as the spec says they have their own operations.
 * Registering writes a log record of type 1, each changed property one of type 2 (6 for state).
 */
export function saveAsset(ctx: RouteContext, state: AssetDomainState, body: unknown): AssetRecord {
  const input = parseAsset(body);
  const type = state.types[input.typeId];
  if (!type) throw new HttpError(400, `typeId: no asset type with id '${input.typeId}' exists.`);
  let asset = input.assetId ? state.assets[input.assetId] : findBySerial(state, input.serialNumber);
  const other = findBySerial(state, input.serialNumber);
  if (other && other !== asset) {
    throw new HttpError(400, `serialNumber: '${input.serialNumber}' is already used by asset '${other.assetId}'.`);
  }
  const assetId = asset?.assetId ?? input.assetId ?? newGuid();
  const parent = resolveParent(state, input, assetId);
  const now = new Date().toISOString();

  if (!asset) {
    asset = {
      assetId,
      serialNumber: input.serialNumber,
      typeId: input.typeId,
      state: input.state ?? 0,
      firstSeenDate: now,
      lastSeenDate: now,
      totalCount: 0,
      runningCount: 0,
      tags: input.tags ?? [],
    };
    if (parent) asset.parentAssetId = parent;
    for (const [k, v] of Object.entries(input.text)) if (v !== null) asset[k as (typeof TEXT_FIELDS)[number]] = v;
    if (input.clientId !== undefined && input.clientId !== null) asset.clientId = input.clientId;
    applyInterval(asset, type, 'calibration');
    applyInterval(asset, type, 'maintenance');
    state.assets[assetId] = asset;
    writeLog(ctx, state, asset, { type: LogType.register, comment: 'Asset registered' });
    return asset;
  }

  const changes: Array<{ property: string; value: unknown; type?: number }> = [];
  const change = <K extends keyof AssetRecord>(key: K, value: AssetRecord[K] | null | undefined, property: string = key): void => {
    if (value === undefined) return;
    const before = asset![key];
    if (JSON.stringify(before ?? null) === JSON.stringify(value ?? null)) return;
    setOrClear(asset!, key, value);
    changes.push({ property, value: value ?? undefined, ...(key === 'state' ? { type: LogType.stateChange } : {}) });
  };
  change('serialNumber', input.serialNumber);
  change('typeId', input.typeId);
  change('parentAssetId', parent);
  for (const field of TEXT_FIELDS) change(field, input.text[field]);
  change('clientId', input.clientId, 'ClientId');
  change('state', input.state);
  if (input.tags !== undefined) change('tags', input.tags ?? []);
  if (changes.some((c) => c.property === 'typeId')) {
    applyInterval(asset, type, 'calibration');
    applyInterval(asset, type, 'maintenance');
  }
  for (const c of changes) writeLog(ctx, state, asset, { type: c.type ?? LogType.update, property: c.property, value: show(c.value) });
  return asset;
}

/**
 * `DELETE /api/Asset`: removes the asset and its log records. Its sub-assets are kept and move
 * up to its parent (or become top-level assets), as the spec describes.
 */
export function deleteAsset(state: AssetDomainState, asset: AssetRecord): void {
  for (const child of Object.values(state.assets)) {
    if (child.parentAssetId !== asset.assetId) continue;
    if (asset.parentAssetId) child.parentAssetId = asset.parentAssetId;
    else delete child.parentAssetId;
  }
  delete state.assets[asset.assetId];
  state.log = state.log.filter((l) => l.assetId !== asset.assetId);
}
