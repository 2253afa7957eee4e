/**
 * UnitsTested and UnitsInspected -> one UUT report per unit.
 */
import { createUutReport, type UutReport } from '@tswats/sdk';
import { arr, num, obj, str } from '../json.js';
import type { MapRun } from './context.js';
import { cfxReportId } from './ids.js';
import { resolvePartNumber } from './part-number.js';
import { addTestSequence, clip, reportResult } from './steps.js';
import { bodyTime, type CfxTime } from '../time.js';

interface Flavour {
  units: string;
  tests: string;
  method: string;
  operator: string;
  test: { name: string; start: string; end: string; symptoms: string; defects: string };
  methodCodes: Readonly<Record<string, number>>;
}

const TESTED: Omit<Flavour, 'methodCodes'> = {
  units: 'TestedUnits',
  tests: 'Tests',
  method: 'TestMethod',
  operator: 'Tester',
  test: { name: 'TestName', start: 'TestStartTime', end: 'TestEndTime', symptoms: 'SymptomsFound', defects: 'DefectsFound' },
};

const INSPECTED: Omit<Flavour, 'methodCodes'> = {
  units: 'InspectedUnits',
  tests: 'Inspections',
  method: 'InspectionMethod',
  operator: 'Inspector',
  test: { name: 'InspectionName', start: 'InspectionStartTime', end: 'InspectionEndTime', symptoms: 'Symptoms', defects: 'DefectsFound' },
};

/** Maps UnitsTested (`inspected: false`) or UnitsInspected to UUT reports. */
export function mapUnitsTestedOrInspected(run: MapRun, inspected: boolean): UutReport[] {
  const codes = run.config.processCodes;
  const f: Flavour = { ...(inspected ? INSPECTED : TESTED), methodCodes: inspected ? codes.byInspectionMethod : codes.byTestMethod };
  const body = run.env.body;
  const units = arr(body, f.units);
  if (units.length === 0) run.fail(`MessageBody.${f.units}`, 'is missing or empty');
  const station = run.station();
  const tx = str(body, 'TransactionId');
  const work = run.ctx.work?.get(tx);
  const recipeName = str(body, 'RecipeName') ?? work?.recipeName;
  const recipeRevision = str(body, 'RecipeRevision') ?? work?.recipeRevision;
  const method = str(body, f.method);
  const processCode =
    (method === undefined ? undefined : lookupCi(f.methodCodes, method)) ??
    lookupCi(codes.byMessage, run.env.shortName) ??
    codes.default;
  const op = obj(body, f.operator);
  const operator = str(op, 'LoginName') ?? str(op, 'OperatorIdentifier');
  const seen = new Map<string, number>();
  for (const u of units) {
    const id = str(u, 'UnitIdentifier');
    if (id !== undefined) seen.set(id, (seen.get(id) ?? 0) + 1);
  }

  return units.map((unit, i) => {
    const path = `MessageBody.${f.units}[${i}]`;
    const given = run.need(unit, 'UnitIdentifier', path);
    const position = num(unit, 'UnitPositionNumber') ?? num(unit, 'PositionNumber');
    const workUnit = work?.units.find((w) => position !== undefined && w.positionNumber === position);
    // A panel id repeated for several positions: take the per-position serial from WorkStarted,
    // else make one as `<panel>-<position>`.
    let serial = given;
    if ((seen.get(given) ?? 0) > 1 && position !== undefined) {
      serial = workUnit && workUnit.unitIdentifier !== given ? workUnit.unitIdentifier : `${given}-${position}`;
      run.warn(`${path}: panel id ${given} repeated; unit written as ${serial}`);
    }
    const part = resolvePartNumber(run.config, { unitIdentifier: serial, recipeName }, run.ctx.lookupUnit);
    if (part === undefined) run.fail(`${path}.UnitIdentifier`, `no part number for unit ${serial} (recipe ${recipeName ?? 'none'})`);

    const tests = arr(unit, f.tests);
    const times = tests.flatMap((t) => [bodyTime(t, f.test.start, run.config.timeZone), bodyTime(t, f.test.end, run.config.timeZone)]);
    const known = times.filter((t): t is CfxTime => t !== undefined);
    const first = known.reduce<CfxTime | undefined>((a, t) => (a === undefined || t.date < a.date ? t : a), undefined);
    const last = known.reduce<CfxTime | undefined>((a, t) => (a === undefined || t.date > a.date ? t : a), undefined);
    const start = work?.start ?? first ?? run.env.timeStamp ?? run.fail('TimeStamp', 'is missing and no test has a start time');
    const execTime =
      work?.durationSeconds ?? (first && last ? (last.date.getTime() - first.date.getTime()) / 1000 : undefined);
    const result = reportResult(run, unit, 'OverallResult', path);

    const b = createUutReport({
      id: cfxReportId({ uniqueId: run.env.uniqueId, unitIdentifier: serial, position, type: 'T' }),
      partNumber: part.partNumber,
      revision: part.revision,
      serialNumber: serial,
      processCode,
      stationName: station.machineName,
      location: station.location,
      purpose: run.config.defaults.purpose,
      start: start.date,
      startOffsetMinutes: start.offsetMinutes,
      ...(operator === undefined ? {} : { operator: clip(operator) }),
      ...(execTime === undefined ? {} : { execTime }),
      ...(result === undefined ? {} : { result }),
      ...(position === undefined ? {} : { testSocketIndex: position }),
      rootSequence: {
        ...(recipeName === undefined ? {} : { sequenceName: clip(recipeName, 200) }),
        ...(recipeRevision === undefined ? {} : { version: clip(recipeRevision, 30) }),
      },
    });
    const info = (k: string, v: string | number | undefined): void => {
      if (v !== undefined) b.addMiscInfo(k, typeof v === 'string' ? clip(v) : v);
    };
    info('CFX MessageId', run.env.uniqueId);
    info('CFX TransactionId', tx);
    info('CFX Source', run.env.source);
    info(inspected ? 'CFX InspectionMethod' : 'CFX TestMethod', method);
    info('CFX Recipe', recipeName);
    info('CFX RecipeRevision', recipeRevision);
    if (serial !== given) info('CFX PanelIdentifier', given);
    info('CFX PositionNumber', position);
    info('CFX PositionName', workUnit?.positionName);
    info('CFX WorkOrder', work?.workOrderId);
    if (inspected) info('CFX TotalInspectionCount', num(unit, 'TotalInspectionCount'));
    if (station.assetSerial !== undefined) b.addAsset({ serialNumber: station.assetSerial, usageCount: 1 });

    tests.forEach((t, j) => addTestSequence(run, b.root, t, `${path}.${f.tests}[${j}]`, f.test));
    return run.validated(path, b.build({ consume: true }));
  });
}

function lookupCi(map: Readonly<Record<string, number>>, key: string): number | undefined {
  if (Object.hasOwn(map, key)) return map[key];
  const k = Object.keys(map).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : map[k];
}
