/**
 * MaterialsInstalled -> parent/child units in WATS production. Only components with an
 * `InstalledUnitIdentifier` (a serialised sub-assembly) become child units; loose parts are
 * not units in WATS.
 */
import { arr, num, obj, str } from '../json.js';
import type { MapRun } from './context.js';
import { resolvePartNumber } from './part-number.js';
import type { ProductionUpdate } from './types.js';

/** Maps MaterialsInstalled to `addChildUnit` calls. */
export function mapMaterialsInstalled(run: MapRun): ProductionUpdate[] {
  const out: ProductionUpdate[] = [];
  const work = run.ctx.work?.get(str(run.env.body, 'TransactionId'));
  arr(run.env.body, 'InstalledMaterials').forEach((m, i) => {
    const path = `MessageBody.InstalledMaterials[${i}]`;
    const parent = run.need(m, 'UnitIdentifier', path);
    const position = num(m, 'UnitPositionNumber');
    const children = arr(m, 'InstalledComponents').filter((c) => str(c, 'InstalledUnitIdentifier') !== undefined);
    if (children.length === 0) return;
    const parentPart = resolvePartNumber(run.config, { unitIdentifier: parent, recipeName: work?.recipeName }, run.ctx.lookupUnit);
    if (parentPart === undefined) run.fail(`${path}.UnitIdentifier`, `no part number for unit ${parent}`);
    const material = obj(m, 'Material');
    children.forEach((c, j) => {
      const child = str(c, 'InstalledUnitIdentifier')!;
      const childPn =
        str(material, 'InternalPartNumber') ??
        str(m, 'ReferencePartNumber') ??
        resolvePartNumber(run.config, { unitIdentifier: child }, run.ctx.lookupUnit)?.partNumber ??
        run.fail(`${path}.InstalledComponents[${j}].InstalledUnitIdentifier`, `no part number for sub-unit ${child}`);
      const u: ProductionUpdate = {
        method: 'addChildUnit',
        params: {
          parentSerialNumber: parent,
          parentPartNumber: parentPart.partNumber,
          childSerialNumber: child,
          childPartNumber: childPn,
          ...(run.config.materials.check === 'part-number' ? { checkPartNumber: childPn } : {}),
        },
      };
      const refDes = str(c, 'ReferenceDesignator');
      if (refDes !== undefined) u.referenceDesignator = refDes;
      if (position !== undefined) u.parentPosition = position;
      out.push(u);
    });
  });
  return out;
}
