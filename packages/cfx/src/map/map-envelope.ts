/**
 * `mapEnvelope`: one decoded CFX envelope -> WATS reports, asset and production updates.
 */
import type { CfxMappingConfig } from '../config.js';
import type { CfxEnvelope } from '../envelope.js';
import { field } from '../json.js';
import { mapCalibration, mapFault, mapMaintenance, mapStationState } from './assets.js';
import { MapRun, type MapContext } from './context.js';
import { mapMaterialsInstalled } from './materials.js';
import type { CfxMapResult, CfxMapStatus } from './types.js';
import { mapUnitsRepaired } from './units-repaired.js';
import { mapUnitsTestedOrInspected } from './units-tested.js';

/**
 * Maps one envelope. Pure apart from `context.work` (WorkStarted/WorkCompleted are recorded
 * there). Throws `CfxMappingError` naming the message and field when a known message cannot be
 * mapped; an unknown message name gives `status: 'unknown'`.
 */
export function mapEnvelope(envelope: CfxEnvelope, config: CfxMappingConfig, context: MapContext = {}): CfxMapResult {
  const run = new MapRun(envelope, config, context);
  const result = (status: CfxMapStatus, parts: Partial<Pick<CfxMapResult, 'reports' | 'assetUpdates' | 'productionUpdates'>> = {}): CfxMapResult => ({
    status,
    messageName: envelope.messageName,
    uniqueId: envelope.uniqueId,
    reports: parts.reports ?? [],
    assetUpdates: parts.assetUpdates ?? [],
    productionUpdates: parts.productionUpdates ?? [],
    warnings: run.warnings,
  });
  const ts = field(envelope.raw, 'TimeStamp');
  if (envelope.timeStamp === undefined && ts !== undefined && ts !== null) run.warn(`TimeStamp "${String(ts)}" is not a date`);
  if (!envelope.known) return result('unknown');
  switch (envelope.shortName) {
    case 'UnitsTested':
      return result('mapped', { reports: mapUnitsTestedOrInspected(run, false) });
    case 'UnitsInspected':
      return result('mapped', { reports: mapUnitsTestedOrInspected(run, true) });
    case 'UnitsRepaired':
      return result('mapped', { reports: mapUnitsRepaired(run) });
    case 'MaterialsInstalled':
      return result('mapped', { productionUpdates: mapMaterialsInstalled(run) });
    case 'MaintenancePerformed':
      return result('mapped', { assetUpdates: mapMaintenance(run) });
    case 'CalibrationPerformed':
      return result('mapped', { assetUpdates: mapCalibration(run) });
    case 'FaultOccurred':
      return result('mapped', { assetUpdates: mapFault(run) });
    case 'StationStateChanged':
      return result('mapped', { assetUpdates: mapStationState(run) });
    case 'WorkStarted':
    case 'WorkCompleted':
      if (context.work === undefined) return result('ignored');
      if (context.work.record(envelope) === undefined) run.fail('MessageBody.TransactionID', 'is missing');
      return result('tracked');
    default:
      return result('ignored');
  }
}
