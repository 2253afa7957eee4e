/**
 * ResourcePerformance messages -> asset calls. The CFX handle maps to an asset serial number
 * by configuration (`stations.<handle>.assetSerial`).
 */
import { ASSET_STATE, type AssetRef, type AssetStateValue } from '@tswats/sdk';
import { arr, field, num, obj, str } from '../json.js';
import type { MapRun } from './context.js';
import type { AssetUpdate } from './types.js';
import { bodyTime } from '../time.js';

function assetRef(run: MapRun): AssetRef {
  const serial = run.station().assetSerial;
  if (serial === undefined) run.fail('Source', `no assetSerial configured for handle ${run.env.source ?? '(none)'}`);
  return { serialNumber: serial };
}

function when(run: MapRun, o: unknown, name: string): string {
  const t = (name === '' ? undefined : bodyTime(o, name, run.config.timeZone)) ?? run.env.timeStamp;
  if (t === undefined) run.fail(name === '' ? 'TimeStamp' : `MessageBody.${name}`, 'no time given');
  // Keep the sender's offset: the SDK accepts ISO text as well as a Date.
  return t.hadOffset ? t.text : t.date.toISOString();
}

/** MaintenancePerformed -> (external) maintenance record. */
export function mapMaintenance(run: MapRun): AssetUpdate[] {
  const b = run.env.body;
  const ref = assetRef(run);
  const tasks = arr(b, 'Tasks').map((t) => {
    const who = str(obj(t, 'Operator'), 'LoginName') ?? str(obj(t, 'Operator'), 'OperatorIdentifier');
    const hours = num(t, 'ManHoursConsumed');
    return [str(t, 'Task'), str(t, 'TaskId') && `(${str(t, 'TaskId')})`, who && `by ${who}`, hours !== undefined && `${hours} h`]
      .filter(Boolean)
      .join(' ');
  });
  const materials = arr(b, 'ConsumedMaterials').map((m) => {
    const loc = obj(m, 'MaterialLocation');
    const pn = str(obj(loc, 'MaterialData'), 'InternalPartNumber') ?? str(loc, 'LocationIdentifier') ?? 'material';
    return `${pn} used ${num(m, 'QuantityUsed') ?? 0}`;
  });
  const comment = [
    `CFX maintenance ${str(b, 'MaintenanceType') ?? ''}`.trim(),
    str(b, 'MaintenanceOrderNumber') && `order ${str(b, 'MaintenanceOrderNumber')}`,
    str(b, 'MaintenanceJobCode') && `job ${str(b, 'MaintenanceJobCode')}`,
    tasks.length ? `tasks: ${tasks.join('; ')}` : '',
    materials.length ? `materials: ${materials.join('; ')}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const date = when(run, b, '');
  return [
    run.config.externalAssetRoutes
      ? { method: 'recordExternalMaintenance', params: { ...ref, fromDate: date, comment }, reason: 'MaintenancePerformed' }
      : { method: 'recordMaintenance', params: { ...ref, dateTime: date, comment }, reason: 'MaintenancePerformed' },
  ];
}

/** CalibrationPerformed -> (external) calibration record. */
export function mapCalibration(run: MapRun): AssetUpdate[] {
  const cal = obj(run.env.body, 'Calibration') ?? run.fail('MessageBody.Calibration', 'is missing');
  const ref = assetRef(run);
  const date = when(run, cal, 'CalibrationTime');
  const comment = [
    `CFX calibration ${str(cal, 'CalibrationType') ?? ''}`.trim(),
    str(cal, 'CalibrationCode') && `code ${str(cal, 'CalibrationCode')}`,
    str(cal, 'Status') && `status ${str(cal, 'Status')}`,
    str(cal, 'Comments'),
    arr(cal, 'Measurements').length ? `${arr(cal, 'Measurements').length} measurements` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return [
    run.config.externalAssetRoutes
      ? { method: 'recordExternalCalibration', params: { ...ref, fromDate: date, comment }, reason: 'CalibrationPerformed' }
      : { method: 'recordCalibration', params: { ...ref, dateTime: date, comment }, reason: 'CalibrationPerformed' },
  ];
}

/** FaultOccurred -> an asset log message. */
export function mapFault(run: MapRun): AssetUpdate[] {
  const fault = obj(run.env.body, 'Fault') ?? run.fail('MessageBody.Fault', 'is missing');
  const ref = assetRef(run);
  const stage = str(obj(fault, 'Stage'), 'StageName');
  const content = [
    `CFX fault ${str(fault, 'Severity') ?? ''} ${str(fault, 'Cause') ?? ''}`.replace(/\s+/g, ' ').trim(),
    str(fault, 'FaultCode') && `code ${str(fault, 'FaultCode')}`,
    str(fault, 'Description'),
    stage && `stage ${stage}`,
    str(fault, 'OccurredAt') && `at ${str(fault, 'OccurredAt')}`,
    str(fault, 'FaultOccurrenceId') && `occurrence ${str(fault, 'FaultOccurrenceId')}`,
  ]
    .filter(Boolean)
    .join(', ');
  return [{ method: 'addMessage', ref, content, reason: 'FaultOccurred' }];
}

/**
 * SEMI E10 state -> WATS asset state, where WATS has one. Productive, standby and engineering
 * mean the asset is in operation; scheduled maintenance (4300) and repair (5300) mean in
 * maintenance. Other down states and non-scheduled time have no WATS state: only logged.
 */
export function assetStateForE10(code: number): AssetStateValue | undefined {
  if (code >= 1000 && code < 4000) return ASSET_STATE.inOperation;
  if (code === 4300 || code === 5300) return ASSET_STATE.inMaintenance;
  return undefined;
}

/** StationStateChanged -> a log message, and a state change where WATS has a matching state. */
export function mapStationState(run: MapRun): AssetUpdate[] {
  const b = run.env.body;
  const ref = assetRef(run);
  const newState = num(b, 'NewState');
  if (newState === undefined) run.fail('MessageBody.NewState', `is missing or not a SEMI E10 code (${String(field(b, 'NewState'))})`);
  const oldState = num(b, 'OldState');
  const duration = str(b, 'OldStateDuration');
  const content = [
    `CFX station state ${oldState ?? '?'} -> ${newState}`,
    duration && `after ${duration}`,
    str(obj(b, 'RelatedFault'), 'FaultCode') && `fault ${str(obj(b, 'RelatedFault'), 'FaultCode')}`,
  ]
    .filter(Boolean)
    .join(', ');
  const out: AssetUpdate[] = [{ method: 'addMessage', ref, content, reason: 'StationStateChanged' }];
  const state = assetStateForE10(newState);
  if (state !== undefined) out.push({ method: 'setState', ref, state, reason: 'StationStateChanged' });
  return out;
}
