/**
 * The production domain's state: units (keyed by serial number + part number, as the server
 * keys them), batches and the unit-change queue. Serial numbers live in `serial-numbers.ts`.
 */
import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { sameName } from '../product/body.js';

export interface StoredUnit {
  serialNumber: string;
  partNumber: string;
  revision: string;
  /** The parent unit, when this unit is a child (sub unit) of another. */
  parentSerialNumber?: string;
  parentPartNumber?: string;
  batchNumber?: string;
  /** ISO. */
  serialDate?: string;
  currentLocation?: string;
  xmlData?: string;
  unitPhaseId: number;
  /** The unit's current process (`SetUnitProcess`), as a code in a string like the spec's `Unit.processCode`. */
  processCode?: string;
}

/** One entry of the change queue (`GET /api/Production/Units/Changes`). */
export interface StoredChange {
  id: number;
  unitSerialNumber: string;
  newParentSerialNumber?: string;
  newPartNumber: string;
  newRevision: string;
  newUnitPhaseId: number;
}

export interface StoredBatch {
  batchNumber: string;
  batchSize?: number;
}

export interface ProductionState {
  units: StoredUnit[];
  batches: StoredBatch[];
  changes: StoredChange[];
  nextChangeId: number;
}

export const PRODUCTION_STATE = 'production';

export function productionState(sim: SimContext): ProductionState {
  return sim.state.get<ProductionState>(PRODUCTION_STATE, () => ({ units: [], batches: [], changes: [], nextChangeId: 1 }));
}

export function saveProductionState(sim: SimContext): Promise<void> {
  return sim.state.save(PRODUCTION_STATE);
}

export function findUnit(state: ProductionState, serialNumber: string, partNumber: string): StoredUnit | undefined {
  return state.units.find((u) => sameName(u.serialNumber, serialNumber) && sameName(u.partNumber, partNumber));
}

/** The unit, or 404 naming it (`what` says which unit of the request it is). */
export function requireUnit(state: ProductionState, serialNumber: string, partNumber: string, what = 'Unit'): StoredUnit {
  const unit = findUnit(state, serialNumber, partNumber);
  if (!unit) throw new HttpError(404, `${what} '${serialNumber}' with part number '${partNumber}' was not found.`);
  return unit;
}

/** The direct children of a unit. */
export function childrenOf(state: ProductionState, parent: StoredUnit): StoredUnit[] {
  return state.units.filter(
    (u) =>
      u.parentSerialNumber !== undefined &&
      sameName(u.parentSerialNumber, parent.serialNumber) &&
      sameName(u.parentPartNumber, parent.partNumber),
  );
}

/** The parent of a unit, when it has one. */
export function parentOf(state: ProductionState, unit: StoredUnit): StoredUnit | undefined {
  if (unit.parentSerialNumber === undefined || unit.parentPartNumber === undefined) return undefined;
  return findUnit(state, unit.parentSerialNumber, unit.parentPartNumber);
}

/** What the change queue tracks of a unit. */
type Tracked = Pick<StoredUnit, 'parentSerialNumber' | 'partNumber' | 'revision' | 'unitPhaseId'>;

export function tracked(unit: StoredUnit): Tracked {
  return {
    parentSerialNumber: unit.parentSerialNumber,
    partNumber: unit.partNumber,
    revision: unit.revision,
    unitPhaseId: unit.unitPhaseId,
  };
}

/**
 * Queues a change when the unit is new (`before` undefined) or its parent, part number,
 * revision or phase changed. The entry holds the unit's values after the change.
 */
export function recordChange(state: ProductionState, unit: StoredUnit, before: Tracked | undefined): void {
  const after = tracked(unit);
  if (before && (Object.keys(after) as (keyof Tracked)[]).every((k) => before[k] === after[k])) return;
  const change: StoredChange = {
    id: state.nextChangeId++,
    unitSerialNumber: unit.serialNumber,
    newPartNumber: unit.partNumber,
    newRevision: unit.revision,
    newUnitPhaseId: unit.unitPhaseId,
  };
  if (unit.parentSerialNumber !== undefined) change.newParentSerialNumber = unit.parentSerialNumber;
  state.changes.push(change);
}
