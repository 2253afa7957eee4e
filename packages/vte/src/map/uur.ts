/**
 * A VTE repair session (RepairData + failure code + actions) → a WATS UUR report that refers to
 * the UUT report of the repaired run (`refUUT` = its Index_GUID, which is that report's id).
 *
 * - id: a v5 UUID of the Repair_GUID (stable: re-sending overwrites).
 * - pn/sn/rev/station/location from the repaired run; test process code = the run's.
 * - failure code (+ category) → one failure on the main unit; action components → its comRef.
 * - each action → a misc info `Action <n>` (`<code>: <description> [<component>] <comment>`).
 */
import { createUurReport, type UurReport } from '@tswats/sdk';
import type { VteRepair } from '../db/types.js';
import { clip, fail, localInstant, nonEmpty, runIdentity, validated, type RecordRef, type VteMapConfig } from './common.js';
import { isGuid, repairReportId, runReportId } from './ids.js';

/** Maps one repair; throws `VteMappingError` (naming the repair, its run and the field) when it cannot be a valid report. */
export function mapRepairToUur(repair: VteRepair, config: VteMapConfig): UurReport {
  const ref: RecordRef = { kind: 'repair', indexGuid: repair.indexGuid, repairGuid: repair.repairGuid };
  if (!isGuid(repair.repairGuid)) fail(ref, 'RepairData.Repair_GUID', `not a GUID: ${JSON.stringify(repair.repairGuid)}`);
  const run = repair.run;
  if (run === null) fail(ref, 'RepairData.Index_GUID', 'the repaired run is not in IndexData');
  const id = runIdentity(ref, run, config);
  const { date, offsetMinutes } = localInstant(ref, 'RepairData.Timestamp', repair.timestamp, config.timeZone);
  const comment = nonEmpty(repair.comment);
  const uur = createUurReport({
    partNumber: id.partNumber,
    serialNumber: id.serialNumber,
    revision: id.revision,
    stationName: id.stationName,
    location: id.location,
    purpose: 'Repair',
    id: repairReportId(repair.repairGuid),
    repairProcessCode: config.processCode.repair,
    testProcessCode: id.processCode,
    refUut: runReportId(run.indexGuid),
    start: date,
    startOffsetMinutes: offsetMinutes,
    ...(nonEmpty(repair.userName) ? { operator: clip(repair.userName!, 100) } : {}),
    ...(comment ? { comment: clip(comment, 5000) } : {}),
  });
  const code = nonEmpty(repair.failureCode);
  if (code !== undefined) {
    const components = [...new Set(repair.actions.map((a) => nonEmpty(a.component)).filter((c): c is string => c !== undefined))];
    uur.addFailure({
      category: nonEmpty(repair.failureCategory) ?? 'VTE',
      code,
      ...(components.length ? { comRef: components.join(', ') } : {}),
      ...(nonEmpty(repair.failureDescription) ? { comment: repair.failureDescription!.trim() } : {}),
    });
  }
  repair.actions.forEach((a, i) => {
    const text = [
      [nonEmpty(a.actionCode), nonEmpty(a.actionDescription)].filter(Boolean).join(': '),
      nonEmpty(a.component) ? `[${a.component!.trim()}]` : '',
      nonEmpty(a.comment) ?? '',
    ].filter(Boolean).join(' ');
    uur.addMiscInfo(`Action ${i + 1}`, clip(text || '(no details)', 500));
  });
  return validated(ref, uur.build({ consume: true }));
}
