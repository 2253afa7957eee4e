import { HttpError } from '../errors.js';
import { BUILT_IN_PROCESSES } from '../processes.js';
import { arrayBody, atomically, BodyReader, isObject, Problems, sameName } from '../domains/product/body.js';
import { productState } from '../domains/product/product-state.js';
import { addChildUnit, checkChildUnits, removeChildUnit, type ChildUnitRequest } from '../domains/production/child-units.js';
import {
  productionState,
  recordChange,
  requireUnit,
  saveProductionState,
  tracked,
  type StoredBatch,
} from '../domains/production/production-state.js';
import { PHASE_IDS } from '../domains/production/unit-phases.js';
import { reportsOfUnit, verifyUnit } from '../domains/production/unit-verification.js';
import { applyUnit, readUnit, unitView } from '../domains/production/units.js';
import { serialNumberRoutes } from './production-serial-numbers.js';
import { jsonBody, type RouteContext, type RouteDefinition } from './route-types.js';

type UnitKey = { serialNumber: string; partNumber: string };

function view(ctx: RouteContext, unit: Parameters<typeof unitView>[2]): { body: Record<string, unknown> } {
  return { body: unitView(productState(ctx.sim), productionState(ctx.sim), unit) };
}

/** `PUT /api/Production/Units`: add or update units; all or nothing; answers counts. */
const putUnits: RouteDefinition = {
  method: 'PUT',
  operationId: 'Production_PutUnits',
  async handle(ctx) {
    const problems = new Problems();
    const inputs = arrayBody(jsonBody(ctx), 'Unit objects').map((u, i) => readUnit(u, `[${i}].`, problems));
    problems.throwIfAny();
    const products = productState(ctx.sim);
    const state = productionState(ctx.sim);
    const results = atomically(state, () => inputs.map((input) => applyUnit(products, state, input)));
    await saveProductionState(ctx.sim);
    const insertCount = results.filter((r) => r.inserted).length;
    return { body: { insertCount, updateCount: results.length - insertCount } };
  },
};

const getUnit: RouteDefinition = {
  method: 'GET',
  operationId: 'Production_GetUnitPublic',
  handle(ctx) {
    const { serialNumber, partNumber } = ctx.params.path as UnitKey;
    return view(ctx, requireUnit(productionState(ctx.sim), serialNumber, partNumber));
  },
};

/** `PUT .../SetUnitPhase`: one of the phase ids the spec lists; a change is queued. */
const setPhase: RouteDefinition = {
  method: 'PUT',
  operationId: 'Production_SetUnitPhasePublic',
  async handle(ctx) {
    const q = ctx.params.query as UnitKey & { phase: number };
    if (!PHASE_IDS.includes(q.phase)) {
      throw new HttpError(400, `phase: ${q.phase} is not a unit phase; use one of ${PHASE_IDS.join(', ')}.`);
    }
    const state = productionState(ctx.sim);
    const unit = requireUnit(state, q.serialNumber, q.partNumber);
    const before = tracked(unit);
    unit.unitPhaseId = q.phase;
    recordChange(state, unit, before);
    await saveProductionState(ctx.sim);
    return view(ctx, unit);
  },
};

/** `PUT .../SetUnitProcess`: the unit's current process, by process name. */
const setProcess: RouteDefinition = {
  method: 'PUT',
  operationId: 'Production_SetUnitProcessPublic',
  async handle(ctx) {
    const q = ctx.params.query as UnitKey & { processName: string };
    const process = BUILT_IN_PROCESSES.find((p) => sameName(p.name, q.processName));
    if (!process || process.state !== 1) {
      const known = BUILT_IN_PROCESSES.filter((p) => p.state === 1).map((p) => `'${p.name}'`).join(', ');
      const what = process ? `the process '${process.name}' is inactive` : `there is no process named '${q.processName}'`;
      throw new HttpError(400, `processName: ${what} (active processes: ${known}).`);
    }
    const state = productionState(ctx.sim);
    const unit = requireUnit(state, q.serialNumber, q.partNumber);
    unit.processCode = String(process.code);
    await saveProductionState(ctx.sim);
    return view(ctx, unit);
  },
};

const addChild: RouteDefinition = {
  method: 'POST',
  operationId: 'Production_AddChildUnitPublic',
  async handle(ctx) {
    const state = productionState(ctx.sim);
    const parent = addChildUnit(productState(ctx.sim), state, ctx.params.query as unknown as ChildUnitRequest);
    await saveProductionState(ctx.sim);
    return view(ctx, parent);
  },
};

const removeChild: RouteDefinition = {
  method: 'POST',
  operationId: 'Production_RemoveChildUnitPublic',
  async handle(ctx) {
    const state = productionState(ctx.sim);
    const parent = removeChildUnit(state, ctx.params.query as unknown as ChildUnitRequest);
    await saveProductionState(ctx.sim);
    return view(ctx, parent);
  },
};

const checkChildren: RouteDefinition = {
  method: 'GET',
  operationId: 'Production_CheckChildUnitsPublic',
  handle(ctx) {
    const q = ctx.params.query as { parentSerialNumber: string; parentPartNumber: string };
    const state = productionState(ctx.sim);
    const parent = requireUnit(state, q.parentSerialNumber, q.parentPartNumber, 'Parent unit');
    return { body: checkChildUnits(productState(ctx.sim), state, parent) };
  },
};

/** `PUT /api/Production/Batches`: add or update batches by batch number. */
const putBatches: RouteDefinition = {
  method: 'PUT',
  operationId: 'Production_PutBatches',
  async handle(ctx) {
    const problems = new Problems();
    const inputs = arrayBody(jsonBody(ctx), 'ProductionBatch objects').map((b, i) => {
      if (!isObject(b)) {
        problems.add(`[${i}]`, 'must be a ProductionBatch object');
        return undefined;
      }
      const r = new BodyReader(b, problems, `[${i}].`);
      const batchNumber = r.string('batchNumber', { required: true });
      const batchSize = r.int('batchSize');
      if (batchSize !== undefined && batchSize < 0) problems.add(`[${i}].batchSize`, 'must not be negative');
      return batchNumber === undefined ? undefined : { batchNumber: batchNumber.trimEnd(), batchSize };
    });
    problems.throwIfAny();
    const state = productionState(ctx.sim);
    let insertCount = 0;
    for (const input of inputs) {
      const existing = state.batches.find((b) => sameName(b.batchNumber, input!.batchNumber));
      if (existing) {
        if (input!.batchSize !== undefined) existing.batchSize = input!.batchSize;
        continue;
      }
      const batch: StoredBatch = { batchNumber: input!.batchNumber };
      if (input!.batchSize !== undefined) batch.batchSize = input!.batchSize;
      state.batches.push(batch);
      insertCount++;
    }
    await saveProductionState(ctx.sim);
    return { body: { insertCount, updateCount: inputs.length - insertCount } };
  },
};

/** `GET .../Units/Changes`: the oldest `maxCount` entries of the change queue. */
const getChanges: RouteDefinition = {
  method: 'GET',
  operationId: 'Production_GetUnitChanges',
  handle(ctx) {
    const maxCount = ctx.params.query.maxCount as number;
    if (maxCount < 0) throw new HttpError(400, `maxCount: must not be negative, got ${maxCount}.`);
    return { body: productionState(ctx.sim).changes.slice(0, maxCount) };
  },
};

/** `DELETE .../Units/Changes/{id}`: removes a handled change; answers it. */
const deleteChange: RouteDefinition = {
  method: 'DELETE',
  operationId: 'Production_DeleteUnitChange',
  async handle(ctx) {
    const id = ctx.params.path.id as number;
    const state = productionState(ctx.sim);
    const index = state.changes.findIndex((c) => c.id === id);
    if (index < 0) throw new HttpError(404, `Unit change ${id} was not found.`);
    const [change] = state.changes.splice(index, 1);
    await saveProductionState(ctx.sim);
    return { body: change };
  },
};

/** `GET .../UnitVerification`: the unit's grade from the reports submitted for it. */
const verification: RouteDefinition = {
  method: 'GET',
  operationId: 'Production_GetUnitVerification',
  async handle(ctx) {
    const q = ctx.params.query as { serialNumber: string; partNumber?: string };
    const partNumber = q.partNumber?.trim() ? q.partNumber : undefined;
    const reports = reportsOfUnit(ctx.sim.store, q.serialNumber, partNumber);
    const known = productionState(ctx.sim).units.some(
      (u) => sameName(u.serialNumber, q.serialNumber) && (partNumber === undefined || sameName(u.partNumber, partNumber)),
    );
    if (reports.length === 0 && !known) {
      const pn = partNumber === undefined ? '' : ` with part number '${partNumber}'`;
      throw new HttpError(404, `No unit '${q.serialNumber}'${pn} was found: it has no reports and was never added.`);
    }
    return { body: await verifyUnit(ctx.sim.store, reports) };
  },
};

export const productionRoutes: RouteDefinition[] = [
  putUnits,
  getUnit,
  setPhase,
  setProcess,
  addChild,
  removeChild,
  checkChildren,
  putBatches,
  getChanges,
  deleteChange,
  verification,
  ...serialNumberRoutes,
];
