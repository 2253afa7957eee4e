import { HttpError } from '../../errors.js';
import { asBoolean, asInt32, asNumber, asString, BodyProblems, objectBody, optional, optionalGuid } from '../body-fields.js';
import { newGuid, type AssetDomainState, type AssetTypeRecord } from './asset-state.js';
import { applyInterval } from './asset-status.js';

const LIMITS = ['runningCountLimit', 'totalCountLimit'] as const;
const INTERVALS = ['calibrationInterval', 'maintenanceInterval'] as const;
const THRESHOLDS = ['warningThreshold', 'alarmThreshold'] as const;

type NumberField = (typeof LIMITS)[number] | (typeof INTERVALS)[number] | (typeof THRESHOLDS)[number];

interface TypeInput {
  typeId: string | null | undefined;
  typeName: string;
  numbers: Partial<Record<NumberField, number | null>>;
  isReadonly: boolean | null | undefined;
  icon: string | null | undefined;
}

function parseType(value: unknown): TypeInput {
  const body = objectBody(value, 'an asset type');
  const problems = new BodyProblems();
  const typeName = body.typeName;
  if (typeof typeName !== 'string' || typeName.trim() === '') problems.add('typeName', 'is required');
  const numbers: TypeInput['numbers'] = {};
  for (const field of LIMITS) {
    const v = optional(body, field, problems, asInt32, 'must be a 32-bit integer');
    if (typeof v === 'number' && v < 0) problems.add(field, 'must be 0 or more (0 = no limit)');
    else if (v !== undefined) numbers[field] = v;
  }
  for (const field of INTERVALS) {
    const v = optional(body, field, problems, asNumber, 'must be a number');
    if (typeof v === 'number' && v < 0 && v !== -1 && v !== -2) {
      problems.add(field, 'must be a number of days, -1 (unlimited) or -2 (external)');
    } else if (v !== undefined) numbers[field] = v;
  }
  for (const field of THRESHOLDS) {
    const v = optional(body, field, problems, asNumber, 'must be a number');
    if (typeof v === 'number' && v < 0) problems.add(field, 'must be a percentage, 0 or more');
    else if (v !== undefined) numbers[field] = v;
  }
  const input: TypeInput = {
    typeId: optionalGuid(body, 'typeId', problems),
    typeName: String(typeName ?? '').trim(),
    numbers,
    isReadonly: optional(body, 'isReadonly', problems, asBoolean, 'must be true or false'),
    icon: optional(body, 'icon', problems, asString, 'must be a string'),
  };
  problems.throwIfAny();
  return input;
}

/**
 * `PUT /api/Asset/Types`: creates the type, or updates the one with this `typeId`. Fields left
 * out are kept on update; `null` clears one. Names are unique (ignoring case); read-only types
 * cannot be changed. When an interval changes, the next calibration or maintenance date of
 * every asset of the type is computed again.
 */
export function saveAssetType(state: AssetDomainState, body: unknown): AssetTypeRecord {
  const input = parseType(body);
  const existing = input.typeId ? state.types[input.typeId] : undefined;
  if (existing?.isReadonly) throw new HttpError(400, `The asset type '${existing.typeName}' is read-only.`);
  const clash = Object.values(state.types).find(
    (t) => t !== existing && t.typeName.toUpperCase() === input.typeName.toUpperCase(),
  );
  if (clash) throw new HttpError(400, `typeName: an asset type named '${clash.typeName}' already exists (typeId ${clash.typeId}).`);

  // Changed on a copy, so a refused request leaves the stored type as it was.
  const type: AssetTypeRecord = existing ? { ...existing } : { typeId: input.typeId ?? newGuid(), typeName: input.typeName };
  type.typeName = input.typeName;
  for (const [field, value] of Object.entries(input.numbers) as Array<[NumberField, number | null]>) {
    if (value === null) delete type[field];
    else type[field] = value;
  }
  const warn = type.warningThreshold;
  const alarm = type.alarmThreshold;
  if (warn !== undefined && alarm !== undefined && warn > alarm) {
    throw new HttpError(400, `warningThreshold: ${warn}% is above alarmThreshold ${alarm}%.`);
  }
  if (input.isReadonly !== undefined) {
    if (input.isReadonly === null) delete type.isReadonly;
    else type.isReadonly = input.isReadonly;
  }
  if (input.icon !== undefined) {
    if (input.icon === null) delete type.icon;
    else type.icon = input.icon;
  }
  state.types[type.typeId] = type;
  for (const asset of Object.values(state.assets)) {
    if (asset.typeId !== type.typeId) continue;
    applyInterval(asset, type, 'calibration');
    applyInterval(asset, type, 'maintenance');
  }
  return type;
}
