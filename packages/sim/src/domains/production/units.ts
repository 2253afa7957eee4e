/**
 * Units: `PUT /api/Production/Units` adds or updates them, `GET /api/Production/Unit/{sn}/{pn}`
 * shows one with its product, revision and sub units. A unit must name an existing product
 * (one that may have units, i.e. not `nonSerial`) and an existing revision of it.
 */
import { HttpError } from '../../errors.js';
import { BodyReader, defined, isObject, prop, sameName, type Json, type Problems } from '../product/body.js';
import {
  findProduct,
  findRevision,
  productView,
  revisionView,
  type ProductState,
} from '../product/product-state.js';
import type { Rename } from '../product/product-upsert.js';
import { checkXmlData, tagsOf, xmlDataFromTags } from '../product/xml-tags.js';
import {
  childrenOf,
  findUnit,
  parentOf,
  recordChange,
  tracked,
  type ProductionState,
  type StoredUnit,
} from './production-state.js';
import { DEFAULT_PHASE, PHASE_IDS, phaseName } from './unit-phases.js';

export interface UnitInput {
  at: string;
  serialNumber?: string;
  partNumber?: string;
  revision?: string;
  parentSerialNumber?: string;
  batchNumber?: string;
  serialDate?: string;
  currentLocation?: string;
  xmlData?: string;
  unitPhaseId?: number;
  processCode?: string;
}

/** Reads one `Unit` of a `PUT /api/Production/Units` body. */
export function readUnit(value: unknown, at: string, problems: Problems): UnitInput {
  if (!isObject(value)) {
    problems.add(at, 'must be a Unit object');
    return { at };
  }
  const r = new BodyReader(value, problems, at);
  // Unit.processCode is a string in the spec; Json.NET would also take a number.
  const code = prop(value, 'processCode');
  const xml = r.string('xmlData');
  return {
    at,
    serialNumber: r.string('serialNumber', { required: true }),
    partNumber: r.string('partNumber', { required: true }),
    revision: r.string('revision'),
    parentSerialNumber: r.string('parentSerialNumber'),
    batchNumber: r.string('batchNumber'),
    serialDate: r.date('serialDate'),
    currentLocation: r.string('currentLocation'),
    xmlData: xml !== undefined ? checkXmlData(xml, `${at}xmlData`, problems) : xmlDataFromTags(prop(value, 'tags'), `${at}tags`, problems),
    unitPhaseId: r.int('unitPhaseId', PHASE_IDS),
    processCode: typeof code === 'number' ? String(code) : r.string('processCode'),
  };
}

/** True when making `parent` the parent of `child` would close a loop. */
export function wouldLoop(state: ProductionState, child: StoredUnit, parent: StoredUnit): boolean {
  const seen = new Set<StoredUnit>();
  for (let u: StoredUnit | undefined = parent; u && !seen.has(u); u = parentOf(state, u)) {
    if (u === child) return true;
    seen.add(u);
  }
  return false;
}

/** Resolves `parentSerialNumber` of a body: exactly one unit must have that serial number. */
function resolveParent(state: ProductionState, unit: StoredUnit, serialNumber: string, at: string): StoredUnit {
  const candidates = state.units.filter((u) => u !== unit && sameName(u.serialNumber, serialNumber));
  if (candidates.length === 0) throw new HttpError(404, `${at}parentSerialNumber: no unit has the serial number '${serialNumber}'.`);
  if (candidates.length > 1) {
    throw new HttpError(400, `${at}parentSerialNumber: '${serialNumber}' is the serial number of ${candidates.length} units (part numbers differ); use AddChildUnit.`);
  }
  const parent = candidates[0]!;
  if (wouldLoop(state, unit, parent)) throw new HttpError(400, `${at}parentSerialNumber: '${serialNumber}' is a sub unit of '${unit.serialNumber}'; that would be a loop.`);
  return parent;
}

/** Adds or updates one unit; queues a change when it is new or its tracked values changed. */
export function applyUnit(products: ProductState, state: ProductionState, input: UnitInput): { unit: StoredUnit; inserted: boolean } {
  const { at } = input;
  const partNumber = input.partNumber!;
  const product = findProduct(products, partNumber);
  if (!product) throw new HttpError(404, `${at}partNumber: Product '${partNumber}' was not found.`);
  if (product.nonSerial) throw new HttpError(400, `${at}partNumber: product '${product.partNumber}' is non-serial and cannot have units.`);
  const existing = findUnit(state, input.serialNumber!, partNumber);
  const revisionName = input.revision?.trim() ? input.revision : existing?.revision;
  if (revisionName === undefined) throw new HttpError(400, `${at}revision: required for a new unit.`);
  const revision = findRevision(product, revisionName);
  if (!revision) throw new HttpError(404, `${at}revision: Product '${product.partNumber}' has no revision '${revisionName}'.`);

  const before = existing ? tracked(existing) : undefined;
  const unit: StoredUnit = existing ?? {
    serialNumber: input.serialNumber!.trimEnd(),
    partNumber: product.partNumber,
    revision: revision.revision,
    unitPhaseId: DEFAULT_PHASE,
    serialDate: new Date().toISOString(),
  };
  unit.revision = revision.revision;
  const optional = {
    batchNumber: input.batchNumber,
    serialDate: input.serialDate,
    currentLocation: input.currentLocation,
    xmlData: input.xmlData,
    unitPhaseId: input.unitPhaseId,
    processCode: input.processCode,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (unit as unknown as Json)[k] = v;
  if (!existing) state.units.push(unit);
  if (input.parentSerialNumber !== undefined) {
    if (input.parentSerialNumber.trim() === '') {
      delete unit.parentSerialNumber;
      delete unit.parentPartNumber;
    } else {
      const parent = resolveParent(state, unit, input.parentSerialNumber, at);
      unit.parentSerialNumber = parent.serialNumber;
      unit.parentPartNumber = parent.partNumber;
    }
  }
  recordChange(state, unit, before);
  return { unit, inserted: !existing };
}

/** The public `Unit`, with its product, revision and sub units (recursively). */
export function unitView(products: ProductState, state: ProductionState, unit: StoredUnit, seen = new Set<StoredUnit>()): Json {
  seen.add(unit);
  const product = findProduct(products, unit.partNumber);
  const revision = product ? findRevision(product, unit.revision) : undefined;
  return defined({
    serialNumber: unit.serialNumber,
    partNumber: unit.partNumber,
    revision: unit.revision,
    parentSerialNumber: unit.parentSerialNumber,
    batchNumber: unit.batchNumber,
    serialDate: unit.serialDate,
    currentLocation: unit.currentLocation,
    xmlData: unit.xmlData,
    unitPhaseId: unit.unitPhaseId,
    unitPhase: phaseName(unit.unitPhaseId),
    processCode: unit.processCode,
    tags: tagsOf(unit.xmlData),
    productRevision: product && revision ? revisionView(product, revision) : undefined,
    product: product ? productView(product, false) : undefined,
    subUnits: childrenOf(state, unit)
      .filter((c) => !seen.has(c))
      .map((c) => unitView(products, state, c, seen)),
  });
}

/**
 * Units follow a renamed part number or revision (they refer to the product revision, not to
 * its name); each unit whose part number or revision changes gets a change queued. Returns
 * whether any unit changed.
 */
export function followRenames(state: ProductionState, renames: Rename[]): boolean {
  let changed = false;
  for (const r of renames) {
    for (const unit of state.units) {
      const before = tracked(unit);
      const parentBefore = unit.parentPartNumber;
      if (r.from !== undefined) {
        if (sameName(unit.partNumber, r.from)) unit.partNumber = r.partNumber;
        if (unit.parentPartNumber !== undefined && sameName(unit.parentPartNumber, r.from)) unit.parentPartNumber = r.partNumber;
      }
      if (r.revision && sameName(unit.partNumber, r.partNumber) && sameName(unit.revision, r.revision.from)) unit.revision = r.revision.to;
      if (unit.partNumber !== before.partNumber || unit.revision !== before.revision || unit.parentPartNumber !== parentBefore) {
        changed = true;
        recordChange(state, unit, before);
      }
    }
  }
  return changed;
}
