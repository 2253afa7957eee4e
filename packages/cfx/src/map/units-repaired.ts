/**
 * UnitsRepaired -> one UUR report per repaired unit, referencing the unit's last UUT when the
 * report index knows it.
 */
import { createUurReport, type UurReport } from '@tswats/sdk';
import { arr, num, obj, str } from '../json.js';
import type { MapRun } from './context.js';
import { cfxReportId } from './ids.js';
import { resolvePartNumber } from './part-number.js';
import { clip, defectText, symptomText } from './steps.js';
import { bodyTime, type CfxTime } from '../time.js';

/** Maps UnitsRepaired to UUR reports. */
export function mapUnitsRepaired(run: MapRun): UurReport[] {
  const body = run.env.body;
  const units = arr(body, 'RepairedUnits');
  if (units.length === 0) run.fail('MessageBody.RepairedUnits', 'is missing or empty');
  const station = run.station();
  const op = obj(body, 'RepairOperator');
  const operator = str(op, 'LoginName') ?? str(op, 'OperatorIdentifier');
  const codes = run.config.processCodes;
  const tz = run.config.timeZone;

  return units.map((unit, i) => {
    const path = `MessageBody.RepairedUnits[${i}]`;
    const serial = run.need(unit, 'UnitIdentifier', path);
    const position = num(unit, 'UnitPositionNumber');
    const last = run.ctx.reportIndex?.lastUut(serial);
    const part = last
      ? { partNumber: last.partNumber, revision: last.revision }
      : resolvePartNumber(run.config, { unitIdentifier: serial }, run.ctx.lookupUnit);
    if (part === undefined) run.fail(`${path}.UnitIdentifier`, `no part number for unit ${serial}`);
    const repairs = arr(unit, 'Repairs');
    const starts = repairs.map((r) => bodyTime(r, 'RepairStartTime', tz)).filter((t): t is CfxTime => t !== undefined);
    const ends = repairs.map((r) => bodyTime(r, 'RepairEndTime', tz)).filter((t): t is CfxTime => t !== undefined);
    const first = starts.reduce<CfxTime | undefined>((a, t) => (a === undefined || t.date < a.date ? t : a), undefined);
    const lastEnd = ends.reduce<CfxTime | undefined>((a, t) => (a === undefined || t.date > a.date ? t : a), undefined);
    const start = first ?? run.env.timeStamp ?? run.fail('TimeStamp', 'is missing and no repair has a start time');
    const end = lastEnd ?? start;
    const overall = str(unit, 'OverallResult');
    const b = createUurReport({
      id: cfxReportId({ uniqueId: run.env.uniqueId, unitIdentifier: serial, position, type: 'R' }),
      partNumber: part.partNumber,
      revision: part.revision,
      serialNumber: serial,
      repairProcessCode: codes.repair,
      testProcessCode: last?.processCode ?? codes.byMessage['UnitsTested'] ?? codes.default,
      ...(last ? { refUut: last.id } : {}),
      stationName: station.machineName,
      location: station.location,
      purpose: run.config.defaults.purpose,
      start: start.date,
      startOffsetMinutes: start.offsetMinutes,
      finalizeDate: end.date,
      confirmDate: end.date,
      execTime: Math.max(0, (end.date.getTime() - start.date.getTime()) / 1000),
      ...(operator === undefined ? {} : { operator: clip(operator) }),
      ...(overall === undefined ? {} : { comment: `CFX OverallResult: ${overall}` }),
    });
    b.addMiscInfo('CFX MessageId', run.env.uniqueId);
    const tx = str(body, 'TransactionId');
    if (tx !== undefined) b.addMiscInfo('CFX TransactionId', tx);
    if (position !== undefined) b.addMiscInfo('CFX PositionNumber', position);
    if (!last) run.warn(`${path}: no earlier UUT known for ${serial}; UUR written without refUUT`);

    repairs.forEach((r, j) => {
      const defects = arr(r, 'ReclassifiedDefects');
      const symptoms = arr(r, 'ReclassifiedSymptoms');
      const code = str(defects[0], 'DefectCode') ?? str(symptoms[0], 'SymptomCode') ?? run.config.repair.defaultFailCode;
      const com = obj(r, 'ComponentOfInterest');
      const lines = [
        str(r, 'RepairName'),
        str(r, 'Result') && `Result: ${str(r, 'Result')}`,
        str(r, 'Comments'),
        str(r, 'Error') && `Error: ${str(r, 'Error')}`,
        ...defects.map(defectText),
        ...symptoms.map(symptomText),
      ].filter((x): x is string => typeof x === 'string' && x !== '');
      const refDes = str(com, 'ReferenceDesignator');
      const artNumber = str(com, 'PartNumber');
      b.addFailure({
        category: run.config.repair.failCategory,
        code: clip(code),
        ...(refDes === undefined ? {} : { comRef: clip(refDes) }),
        ...(artNumber === undefined ? {} : { artNumber: clip(artNumber) }),
        ...(lines.length ? { comment: clip(lines.join('\n'), 2000) } : {}),
      });
    });
    return run.validated(path, b.build({ consume: true }));
  });
}
