import { derivedGuid } from './guid.js';

/**
 * The processes (operations) the simulator knows by code: the one table behind
 * `GET /api/App/Processes`, the header query's `processName` and every analytics answer that
 * names a test or repair operation. A report that names its own `processName` keeps it;
 * otherwise the name is looked up here.
 *
 * WATS has three kinds of process: test operations (UUT reports are filed under them), repair
 * operations (UUR reports) and WIP operations (production steps a unit passes through without
 * a test report, e.g. assembly or packing). Codes and names below follow a typical WATS
 * installation: 10 "SW Debug" and 500 "Repair" are defaults of every server; pyWATS uses 100
 * as its default test operation.
 */
export type ProcessKind = 'test' | 'repair' | 'wip';

/** How strongly a repair operation binds a field: 0 required, 1 optional, 2 never. */
export type Binding = 0 | 1 | 2;

/** The settings `GET /api/App/Processes` documents for repair operations. */
export interface RepairSettings {
  /** Must a repair refer to a failed UUT report? */
  uutBinding: Binding;
  /** Must a replaced component be in the product's BOM? */
  bomBinding: Binding;
  /** Must a replaced component name its vendor? */
  vendorBinding: Binding;
  /** Must a failure carry an image? */
  imageConstraint: Binding;
  /** Default 0, AutomaticProcess 1, Scrapped 2, NoFailureFound 3, Component 4, Design 5, ManualProcess 6, Replaced 7. */
  repairType: number;
}

export interface SimProcess {
  code: number;
  name: string;
  description: string;
  kind: ProcessKind;
  /** Display order. */
  processIndex: number;
  /** 1 active, 0 inactive (inactive ones are listed only on request). */
  state: 0 | 1;
  /** The process's GUID (stable: derived from the code). */
  processId: string;
  /** Repair operations only. */
  repair?: RepairSettings;
}

type Row = [code: number, name: string, kind: ProcessKind, description: string, state?: 0 | 1, repair?: RepairSettings];

const ROWS: Row[] = [
  [10, 'SW Debug', 'test', 'Software debugging and development runs'],
  [20, 'PCBA Test', 'test', 'Functional test of the bare board'],
  [30, 'ICT', 'test', 'In-circuit test'],
  [40, 'Burn-in', 'test', 'Extended run at elevated temperature'],
  [50, 'Final Function Test', 'test', 'Functional test of the assembled unit'],
  [90, 'Legacy Test', 'test', 'Retired test operation, kept for old reports', 0],
  [100, 'End of line test', 'test', 'Last test before shipping'],
  [150, 'Calibration', 'test', 'Calibration and verification'],
  [200, 'Assembly', 'wip', 'Mechanical assembly'],
  [210, 'Conformal Coating', 'wip', 'Coating of assembled boards'],
  [250, 'Packing', 'wip', 'Packed for shipping'],
  [500, 'Repair', 'repair', 'Board-level repair', 1,
    { uutBinding: 0, bomBinding: 1, vendorBinding: 2, imageConstraint: 1, repairType: 0 }],
  [510, 'RMA Repair', 'repair', 'Repair of units returned from the field', 1,
    { uutBinding: 1, bomBinding: 1, vendorBinding: 1, imageConstraint: 1, repairType: 6 }],
  [520, 'Scrap', 'repair', 'Unit scrapped instead of repaired', 1,
    { uutBinding: 1, bomBinding: 2, vendorBinding: 2, imageConstraint: 2, repairType: 2 }],
];

export const BUILT_IN_PROCESSES: readonly SimProcess[] = ROWS.map(([code, name, kind, description, state, repair], i) => {
  const p: SimProcess = { code, name, description, kind, processIndex: i + 1, state: state ?? 1, processId: derivedGuid(`process/${code}`) };
  if (repair) p.repair = repair;
  return p;
});

/** The process with this code, or undefined. */
export function processByCode(code: number): SimProcess | undefined {
  return BUILT_IN_PROCESSES.find((p) => p.code === code);
}

/** The name of a process code, or undefined when the simulator does not know it. */
export function processName(code: number): string | undefined {
  return processByCode(code)?.name;
}
