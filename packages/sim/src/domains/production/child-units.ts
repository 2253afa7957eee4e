/**
 * Parent/child relations between units (`AddChildUnit`, `RemoveChildUnit`, `CheckChildUnits`),
 * with the rules the spec lists: a child has at most one parent, relations never form a loop,
 * the child must be finalized (or in the phase its revision's `PhaseFinalized` tag names), and
 * it must fit the parent's box build unless `checkPartNumber`/`checkRevision` override that.
 *
 * The box build of a unit is the BOM of its product revision (`PUT /api/Product/BOM`): each
 * `<Component Number Rev Qty>` allows `Qty` children of that part number whose revision matches
 * `Rev` (a revision or a mask with `%`/`*`; absent = any). The real server keeps box builds
 * apart from BOMs, editable only through internal routes.
 */
import { HttpError } from '../../errors.js';
import { defined, matchesMask, sameName } from '../product/body.js';
import { findProduct, findRevision, type BomComponent, type ProductState } from '../product/product-state.js';
import { tagValue } from '../product/xml-tags.js';
import { childrenOf, recordChange, requireUnit, tracked, type ProductionState, type StoredUnit } from './production-state.js';
import { FINALIZED_PHASE, phaseName, phaseNamed } from './unit-phases.js';
import { wouldLoop } from './units.js';

/** The box build of a unit: its revision's BOM components, undefined when it has no BOM. */
function boxBuildOf(products: ProductState, unit: StoredUnit): BomComponent[] | undefined {
  const product = findProduct(products, unit.partNumber);
  const revision = product ? findRevision(product, unit.revision) : undefined;
  return revision?.bom?.components;
}

function fits(component: BomComponent, unit: StoredUnit): boolean {
  return sameName(component.number, unit.partNumber) && (component.rev === undefined || matchesMask(unit.revision, component.rev));
}

/** Why the unit's phase does not allow it to be a child, or undefined when it does. */
function phaseProblem(products: ProductState, unit: StoredUnit): string | undefined {
  if (unit.unitPhaseId === FINALIZED_PHASE) return undefined;
  const product = findProduct(products, unit.partNumber);
  const revision = product ? findRevision(product, unit.revision) : undefined;
  const finalized = tagValue(revision?.xmlData, 'PhaseFinalized');
  if (finalized !== undefined && phaseNamed(unit.unitPhaseId, finalized)) return undefined;
  const expected = finalized ?? phaseName(FINALIZED_PHASE);
  return `unit '${unit.serialNumber}' is in phase '${phaseName(unit.unitPhaseId)}', not '${expected}'`;
}

export interface ChildUnitRequest {
  parentSerialNumber: string;
  parentPartNumber: string;
  childSerialNumber: string;
  childPartNumber: string;
  checkPartNumber?: string;
  checkRevision?: string;
}

/** Validates and creates a parent/child relation; answers the parent. */
export function addChildUnit(products: ProductState, state: ProductionState, q: ChildUnitRequest): StoredUnit {
  const parent = requireUnit(state, q.parentSerialNumber, q.parentPartNumber, 'Parent unit');
  const child = requireUnit(state, q.childSerialNumber, q.childPartNumber, 'Child unit');
  if (child === parent) throw new HttpError(400, 'A unit cannot be its own child.');
  if (child.parentSerialNumber !== undefined) {
    throw new HttpError(400, `Child unit '${child.serialNumber}' already has a parent ('${child.parentSerialNumber}'); remove it from there first.`);
  }
  if (wouldLoop(state, child, parent)) {
    throw new HttpError(400, `Unit '${parent.serialNumber}' is a sub unit of '${child.serialNumber}'; the relation would be a loop.`);
  }
  const checkPn = q.checkPartNumber?.trim() ?? '';
  const checkRev = q.checkRevision?.trim() ?? '';
  if (checkPn !== '') {
    if (!sameName(child.partNumber, checkPn)) {
      throw new HttpError(400, `checkPartNumber: child unit '${child.serialNumber}' has part number '${child.partNumber}', not '${checkPn}'.`);
    }
    if (checkRev !== '' && !matchesMask(child.revision, checkRev)) {
      throw new HttpError(400, `checkRevision: child unit '${child.serialNumber}' has revision '${child.revision}', which does not match '${checkRev}'.`);
    }
  } else if (checkRev !== '') {
    throw new HttpError(400, 'checkRevision: give checkPartNumber with it, or leave both blank to use the box build.');
  } else {
    const boxBuild = boxBuildOf(products, parent);
    const where = `'${parent.partNumber}' revision '${parent.revision}'`;
    if (!boxBuild) {
      throw new HttpError(400, `${where} has no box build (BOM); put one, or give checkPartNumber/checkRevision.`);
    }
    const component = boxBuild.find((c) => fits(c, child));
    if (!component) {
      throw new HttpError(400, `Child unit '${child.serialNumber}' ('${child.partNumber}' revision '${child.revision}') is not part of the box build of ${where}.`);
    }
    const present = childrenOf(state, parent).filter((c) => fits(component, c)).length;
    if (present >= component.qty) {
      throw new HttpError(400, `The box build of ${where} allows ${component.qty} of '${component.number}', and unit '${parent.serialNumber}' has ${present}.`);
    }
  }
  const phase = phaseProblem(products, child);
  if (phase) throw new HttpError(400, `Child ${phase}.`);
  const before = tracked(child);
  child.parentSerialNumber = parent.serialNumber;
  child.parentPartNumber = parent.partNumber;
  recordChange(state, child, before);
  return parent;
}

/** Removes an existing parent/child relation; answers the parent. */
export function removeChildUnit(state: ProductionState, q: ChildUnitRequest): StoredUnit {
  const parent = requireUnit(state, q.parentSerialNumber, q.parentPartNumber, 'Parent unit');
  const child = requireUnit(state, q.childSerialNumber, q.childPartNumber, 'Child unit');
  if (!childrenOf(state, parent).includes(child)) {
    throw new HttpError(400, `Unit '${child.serialNumber}' is not a child of '${parent.serialNumber}'.`);
  }
  const before = tracked(child);
  delete child.parentSerialNumber;
  delete child.parentPartNumber;
  recordChange(state, child, before);
  return parent;
}

/** `CheckChildUnits`: each direct child and each box-build line, judged. */
export function checkChildUnits(products: ProductState, state: ProductionState, parent: StoredUnit): Record<string, unknown> {
  const boxBuild = boxBuildOf(products, parent) ?? [];
  const children = childrenOf(state, parent);
  const childUnits = children.map((child) => {
    const problems: string[] = [];
    if (!boxBuild.some((c) => fits(c, child))) problems.push('not part of the box build');
    const phase = phaseProblem(products, child);
    if (phase) problems.push(phase);
    return defined({
      serialNumber: child.serialNumber,
      partNumber: child.partNumber,
      revision: child.revision,
      unitPhaseId: child.unitPhaseId,
      unitPhase: phaseName(child.unitPhaseId),
      valid: problems.length === 0,
      message: problems.length > 0 ? problems.join('; ') : undefined,
    });
  });
  const lines = boxBuild.map((c) => {
    const count = children.filter((child) => fits(c, child)).length;
    return defined({
      partNumber: c.number,
      revision: c.rev,
      quantity: c.qty,
      count,
      valid: count === c.qty,
      message: count === c.qty ? undefined : `${count} of ${c.qty} present`,
    });
  });
  return {
    parentSerialNumber: parent.serialNumber,
    parentPartNumber: parent.partNumber,
    parentRevision: parent.revision,
    valid: childUnits.every((c) => c.valid) && lines.every((l) => l.valid),
    childUnits,
    boxBuild: lines,
  };
}
