/**
 * What mapping a CFX envelope produces: reports to submit, asset and production calls to make.
 * Mapping is pure: it describes the calls, the bridge makes them.
 */
import type {
  AssetExternalServiceParams,
  AssetRef,
  AssetServiceParams,
  AssetStateValue,
  ChildUnitParams,
  WsjfReport,
} from '@tswats/sdk';

/** A call to make on `client.asset` (the method names are `AssetResource`'s). */
export type AssetUpdate =
  | {
      method: 'recordExternalMaintenance' | 'recordExternalCalibration';
      /** WATS 25.3 routes: `fromDate` is when it was done. */
      params: AssetExternalServiceParams;
      /** Short name of the CFX message this came from. */
      reason: string;
    }
  | { method: 'recordMaintenance' | 'recordCalibration'; params: AssetServiceParams; reason: string }
  | { method: 'addMessage'; ref: AssetRef; content: string; reason: string }
  | { method: 'setState'; ref: AssetRef; state: AssetStateValue; reason: string };

/** A call to make on `client.production`. */
export interface ProductionUpdate {
  method: 'addChildUnit';
  /** `checkPartNumber`: the child's part number WATS checks instead of the box build (config `materials.check`). */
  params: ChildUnitParams & { checkPartNumber?: string };
  /** Where the sub-assembly sits (`InstalledComponent.ReferenceDesignator`). */
  referenceDesignator?: string;
  /** Panel position of the parent unit. */
  parentPosition?: number;
}

/**
 * - `mapped`: reports and/or updates were produced;
 * - `tracked`: remembered for later messages (WorkStarted, WorkCompleted), nothing to send;
 * - `ignored`: a known message with nothing for WATS (Heartbeat, EndpointConnected);
 * - `unknown`: a message name this package does not map (the bridge counts and acks or releases it per config).
 */
export type CfxMapStatus = 'mapped' | 'tracked' | 'ignored' | 'unknown';

/** The result of `mapEnvelope`. */
export interface CfxMapResult {
  status: CfxMapStatus;
  messageName: string;
  uniqueId: string;
  /** Each passed the SDK's strict validation. */
  reports: WsjfReport[];
  assetUpdates: AssetUpdate[];
  productionUpdates: ProductionUpdate[];
  /** Things mapped with a fallback (an unknown unit, a measurement type not understood…). */
  warnings: string[];
}

/** A unit known to WATS production, for part numbers CFX messages do not carry. */
export interface KnownUnit {
  partNumber: string;
  revision?: string;
}

/**
 * Looks a unit up by serial number. Synchronous on purpose: the bridge fills a cache from the
 * WATS production API (`production.getUnit`) before mapping, so mapping stays pure.
 */
export type UnitLookup = (serialNumber: string) => KnownUnit | undefined;
