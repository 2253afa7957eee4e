import type { components } from '../generated/wats-api.js';
import type { ProductTag } from './product.js';

type Schemas = components['schemas'];

/** A unit with its product, revision and sub units (`Mes.Production.Public.Unit`). */
export type Unit = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Production.Public.Unit'];
/** An entry of the unit-change queue (`Mes.Production.Public.UnitChange`). */
export type UnitChange = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Production.Public.UnitChange'];
/** A production batch (`Mes.Production.Public.ProductionBatch`). */
export type ProductionBatch = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Production.Public.ProductionBatch'];
/** A serial-number type (`Mes.Production.Public.SerialNumberType`); identifier 0 serial, 1 MAC, 2 IMEI. */
export type SerialNumberType = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Production.Public.SerialNumberType'];
/** A unit's verification grade (`PublicUnitVerificationGrade`). */
export type UnitVerificationGrade = Schemas['Virinco.WATS.Web.Dashboard.Models.PublicUnitVerificationGrade'];
/** One process of a verification (`PublicUnitVerification`). */
export type UnitVerification = Schemas['Virinco.WATS.Web.Dashboard.Models.PublicUnitVerification'];
export type { SerialNumberFormat } from './serial-number-file.js';

/** The unit phases `PUT /api/Production/SetUnitPhase` documents, by name. */
export const UNIT_PHASES = {
  Unknown: 1,
  UnderProduction: 2,
  ProductionRepair: 4,
  ServiceRepair: 8,
  Finalized: 16,
  Scrapped: 32,
  ExtendedTest: 64,
  Customization: 128,
  Repaired: 256,
  Missing: 512,
  InStorage: 1024,
  Shipped: 2048,
  UnderProductionQueued: 4098,
  ProductionRepairQueued: 4100,
  ServiceRepairQueued: 4104,
} as const;
export type UnitPhaseName = keyof typeof UNIT_PHASES;

/** `PUT /api/Production/Units` input: a unit by serial number + part number; read-only fields left out. */
export type UnitInput = Omit<Unit, 'serialDate' | 'unitPhase' | 'tags' | 'product' | 'productRevision' | 'subUnits'> & {
  serialNumber: string;
  partNumber: string;
  /** Sent as ISO 8601. */
  serialDate?: Date | string;
  /** Used only when `xmlData` is absent: the pairs become `xmlData`. */
  tags?: ProductTag[];
};

/** Identifies a parent/child relation. */
export interface ChildUnitParams {
  parentSerialNumber: string;
  parentPartNumber: string;
  childSerialNumber: string;
  childPartNumber: string;
}

/** What `CheckChildUnits` found (the spec documents no shape; these are the simulator's fields). */
export interface ChildUnitCheck {
  parentSerialNumber?: string;
  parentPartNumber?: string;
  parentRevision?: string;
  /** Every child fits the box build and is finalized, and every box-build line is complete. */
  valid?: boolean;
  childUnits?: { serialNumber: string; partNumber: string; revision?: string; unitPhaseId?: number; unitPhase?: string; valid: boolean; message?: string }[];
  boxBuild?: { partNumber: string; revision?: string; quantity: number; count: number; valid: boolean; message?: string }[];
  [key: string]: unknown;
}

/** One serial number as `ByRange`/`ByReference` return it (the spec documents no shape). */
export interface SerialNumberInfo {
  serialNumber: string;
  /** `Free` or `Taken`. */
  state?: string;
  refSN?: string;
  refPN?: string;
  stationName?: string;
  generatedDate?: string;
  takenDate?: string;
  [key: string]: unknown;
}

/** A date parameter: a `Date` or a date string; sent as ISO 8601. */
export type DateParam = Date | string;

/** Date filters on generated (taken) serial numbers; sent as ISO 8601. */
export interface SerialNumberDates {
  startDate?: DateParam;
  endDate?: DateParam;
}

/** Options for {@link ProductionResource.takeSerialNumbers}. */
export interface TakeSerialNumbersParams {
  serialNumberType: string;
  /** How many to take; fewer come back when fewer are free. */
  quantity: number;
  /** Reference serial number registered with the taken numbers. */
  refSN?: string;
  /** Reference part number registered with the taken numbers. */
  refPN?: string;
  stationName?: string;
  /** Only a gap-free run; fails when there is none long enough. */
  onlyInSequence?: boolean;
}
