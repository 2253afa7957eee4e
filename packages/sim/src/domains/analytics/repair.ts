import { processByCode, processName } from '../../processes.js';
import { levelOfLocation } from '../process/levels.js';
import { productGroupsOf, type SimProductGroup } from '../process/product-groups.js';
import { sortRows, type ParsedDimensions } from './dimensions.js';
import type { FilterScope } from './filter.js';
import { combinations, compact, groupItems, type DimensionValue } from './group-by.js';
import { periodLabel } from './periods.js';
import type { FailureFact, ReportFacts } from './report-facts.js';
import type { StepFact } from './step-facts.js';

/** The dimensions `POST /api/App/DynamicRepair` documents. */
export const REPAIR_DIMENSIONS = [
  'partNumber', 'revision', 'productName', 'productGroup', 'unitType', 'repairOperation', 'period', 'level',
  'stationName', 'location', 'purpose', 'operator', 'miscInfoDescription', 'miscInfoString', 'repairCode',
  'repairCategory', 'repairType', 'componentRef', 'componentNumber', 'componentRevision', 'componentVendor',
  'componentDescription', 'functionBlock', 'referencedStep', 'referencedStepPath', 'testOperation', 'testPeriod',
  'testLevel', 'testStationName', 'testLocation', 'testPurpose', 'testOperator', 'batchNumber', 'swFilename', 'swVersion',
] as const;
export const REPAIR_KPIS = ['repairReportCount', 'repairCount'] as const;

/** The names of `repairType` values, as `GET /api/App/Processes` documents them. */
export const REPAIR_TYPES = ['Default', 'AutomaticProcess', 'Scrapped', 'NoFailureFound', 'Component', 'Design', 'ManualProcess', 'Replaced'];

/** One failure of a repair report (or the report itself when it lists none), with its context. */
export interface RepairItem {
  uur: ReportFacts;
  failure?: FailureFact;
  /** The UUT report the repair refers to (`uur.refUUT`), when it is stored. */
  test?: ReportFacts;
  /** The UUT step the failure refers to (`refStepId`, else `refStepName`). */
  step?: StepFact;
  misc?: { description: string; value: string };
  group?: SimProductGroup;
}

function referencedStep(test: ReportFacts | undefined, f: FailureFact | undefined): StepFact | undefined {
  if (!test || !f) return undefined;
  if (f.refStepId !== undefined) {
    const byId = test.steps.find((s) => s.id === f.refStepId);
    if (byId) return byId;
  }
  const name = f.refStepName?.toUpperCase();
  return name === undefined ? undefined : test.steps.find((s) => s.name.toUpperCase() === name);
}

/** Spreads repair reports into one item per failure, with the referenced UUT and step. */
export function repairItems(uurs: ReportFacts[], byId: Map<string, ReportFacts>): RepairItem[] {
  return uurs.flatMap((uur) => {
    const test = uur.uur?.refUut ? byId.get(uur.uur.refUut) : undefined;
    const failures = uur.uur?.failures ?? [];
    return (failures.length > 0 ? failures : [undefined]).map((failure) => {
      const item: RepairItem = { uur };
      if (failure) item.failure = failure;
      if (test) item.test = test;
      const step = referencedStep(test, failure);
      if (step) item.step = step;
      return item;
    });
  });
}

function valueOf(item: RepairItem, name: string, scope: FilterScope, grouping: number): DimensionValue {
  const { uur, failure: f, test } = item;
  switch (name) {
    case 'partNumber': return uur.partNumber;
    case 'revision': return uur.revision;
    case 'productName': return undefined;
    case 'productGroup': return item.group?.productGroupName;
    case 'unitType': return f?.unitPartType ?? uur.subUnits[0]?.partType;
    case 'repairOperation': return uur.processName ?? String(uur.processCode);
    case 'period': return periodLabel(uur.startMs, grouping);
    case 'level': return levelOfLocation(scope, uur.location)?.levelName;
    case 'stationName': return uur.stationName;
    case 'location': return uur.location;
    case 'purpose': return uur.purpose;
    case 'operator': return uur.operator;
    case 'miscInfoDescription': return item.misc?.description;
    case 'miscInfoString': return item.misc?.value;
    case 'repairCode': return f?.code;
    case 'repairCategory': return f?.category;
    case 'repairType': {
      const type = processByCode(uur.processCode)?.repair?.repairType;
      return type === undefined ? undefined : REPAIR_TYPES[type];
    }
    case 'componentRef': return f?.comRef;
    case 'componentNumber': return f?.artNumber;
    case 'componentRevision': return f?.artRev;
    case 'componentVendor': return f?.artVendor;
    case 'componentDescription': return f?.artDescription;
    case 'functionBlock': return f?.funcBlock;
    case 'referencedStep': return item.step?.name ?? f?.refStepName;
    case 'referencedStepPath': return item.step?.path;
    case 'testOperation': {
      const code = uur.uur?.testProcessCode;
      return code === undefined ? undefined : (processName(code) ?? String(code));
    }
    case 'testPeriod': return test ? periodLabel(test.startMs, grouping) : undefined;
    case 'testLevel': return test ? levelOfLocation(scope, test.location)?.levelName : undefined;
    case 'testStationName': return test?.stationName;
    case 'testLocation': return test?.location;
    case 'testPurpose': return test?.purpose;
    case 'testOperator': return test?.operator;
    case 'batchNumber': return test?.batchNumber;
    case 'swFilename': return test?.swFilename;
    case 'swVersion': return test?.swVersion;
    default: return undefined;
  }
}

/**
 * Repair statistics by dimensions: `repairCount` is the number of failures repaired,
 * `repairReportCount` the number of repair reports, per combination of dimension values.
 */
export function repairRows(
  items: RepairItem[],
  dims: ParsedDimensions,
  scope: FilterScope,
  options: { grouping: number; topCount?: number },
): Record<string, unknown>[] {
  const names = dims.dimensions.map((d) => d.name);
  const wanted = dims.kpis.length > 0 ? dims.kpis.map((k) => k.name) : [...REPAIR_KPIS];
  const spread = items.flatMap((item) =>
    combinations<Pick<RepairItem, 'misc' | 'group'>>({
      misc: names.some((n) => n.startsWith('miscInfo')) ? item.uur.miscInfo : [],
      group: names.includes('productGroup') ? productGroupsOf(scope, item.uur.partNumber) : [],
    }).map((c) => ({ ...item, ...c }) as RepairItem),
  );
  const groups = groupItems(spread, names, (item, name) => valueOf(item, name, scope, options.grouping));
  const rows = groups.map((g) => {
    const kpis: Record<string, number> = {
      repairReportCount: new Set(g.items.map((i) => i.uur.id)).size,
      // Each failure once, even when spread over several misc infos or groups.
      repairCount: new Set(g.items.filter((i) => i.failure).map((i) => i.failure)).size,
    };
    const row: Record<string, unknown> = { ...g.values };
    for (const k of wanted) row[k] = kpis[k];
    return compact(row);
  });
  const sorted = sortRows(rows, [...dims.order, ...names.map((name) => ({ name, descending: false }))]);
  return options.topCount !== undefined && options.topCount >= 0 ? sorted.slice(0, options.topCount) : sorted;
}

/** `GET /api/App/RelatedRepairHistory`: every repaired failure, newest repair first. */
export function relatedRepairHistory(items: RepairItem[]): Record<string, unknown>[] {
  const rows = items
    .filter((i) => i.failure)
    .map((i) => {
      const { uur, failure: f } = i;
      const testCode = uur.uur?.testProcessCode;
      const repairedMs = uur.uur?.finalizeMs ?? uur.startMs;
      return {
        at: repairedMs,
        row: compact({
          uurReportId: uur.id,
          uutReportId: uur.uur?.refUut,
          serialNumber: uur.serialNumber,
          partNumber: uur.partNumber,
          revision: uur.revision,
          repairOperationCode: uur.processCode,
          repairOperation: uur.processName,
          testOperationCode: testCode,
          testOperation: testCode === undefined ? undefined : processName(testCode),
          repairDate: new Date(repairedMs).toISOString(),
          category: f?.category,
          code: f?.code,
          componentRef: f?.comRef,
          functionBlock: f?.funcBlock,
          componentNumber: f?.artNumber,
          componentRevision: f?.artRev,
          componentVendor: f?.artVendor,
          componentDescription: f?.artDescription,
          comment: f?.comment,
          failStepName: i.step?.name ?? f?.refStepName,
          failStepPath: i.step?.path,
          operator: uur.operator,
          stationName: uur.stationName,
        }),
      };
    });
  return rows.sort((a, b) => b.at - a.at).map((r) => r.row);
}
