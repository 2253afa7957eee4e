import { levelOfLocation } from '../process/levels.js';
import { productGroupsOf, type SimProductGroup } from '../process/product-groups.js';
import type { FilterScope } from './filter.js';
import { combinations, compact, groupItems, type DimensionValue } from './group-by.js';
import { periodLabel } from './periods.js';
import type { ReportFacts } from './report-facts.js';
import { sortRows, type OrderSpec, type ParsedDimensions } from './dimensions.js';
import { YIELD_KPIS, yieldKpis } from './yield-kpis.js';

/** The dimensions `POST /api/App/DynamicYield` documents. */
export const YIELD_DIMENSIONS = [
  'partNumber', 'productName', 'stationName', 'location', 'purpose', 'revision', 'testOperation', 'processCode',
  'swFilename', 'swVersion', 'productGroup', 'level', 'period', 'batchNumber', 'operator', 'fixtureId',
  'socketIndex', 'errorCode', 'miscInfoDescription', 'miscInfoString', 'stepCausedUutFailure',
  'stepPathCausedUutFailure', 'assetSerialNumber', 'assetName',
] as const;

/** One report seen through its multi-valued dimensions (one misc info, asset, product group). */
interface Variant {
  r: ReportFacts;
  misc?: { description: string; value: string };
  asset?: string;
  group?: SimProductGroup;
}

export interface YieldContext {
  scope: FilterScope;
  /** `dateGrouping` for the `period` dimension (day when the filter gives none). */
  grouping: number;
}

function valueOf(v: Variant, name: string, ctx: YieldContext): DimensionValue {
  const r = v.r;
  switch (name) {
    case 'testOperation': return r.processName ?? String(r.processCode);
    case 'processCode': return r.processCode;
    case 'operator': return r.operator;
    case 'socketIndex': return r.socketIndex;
    case 'productGroup': return v.group?.productGroupName;
    case 'level': return levelOfLocation(ctx.scope, r.location)?.levelName;
    case 'period': return periodLabel(r.startMs, ctx.grouping);
    case 'miscInfoDescription': return v.misc?.description;
    case 'miscInfoString': return v.misc?.value;
    case 'stepCausedUutFailure': return r.causedUutFailure;
    case 'stepPathCausedUutFailure': return r.causedUutFailurePath;
    // The simulator has no asset registry: an asset is known by its serial number only.
    case 'assetSerialNumber': case 'assetName': return v.asset;
    // No product registry either: the product name is unknown.
    case 'productName': return undefined;
    default: {
      const value = (r as unknown as Record<string, unknown>)[name];
      return typeof value === 'string' || typeof value === 'number' ? value : undefined;
    }
  }
}

function variants(reports: ReportFacts[], names: string[], ctx: YieldContext): Variant[] {
  const wantMisc = names.some((n) => n.startsWith('miscInfo'));
  const wantAsset = names.some((n) => n.startsWith('asset'));
  const wantGroup = names.includes('productGroup');
  return reports.flatMap((r) =>
    combinations<Omit<Variant, 'r'>>({
      misc: wantMisc ? r.miscInfo : [],
      asset: wantAsset ? r.assets : [],
      group: wantGroup ? productGroupsOf(ctx.scope, r.partNumber) : [],
    }).map((c) => ({ r, ...c }) as Variant),
  );
}

/**
 * Yield rows: one per combination of dimension values, with the KPIs named in the dimensions
 * (all of them when none is named), sorted as the dimensions say, the first `topCount` kept.
 * A unit is counted in a group from the reports of that group (so a unit retested on another
 * station counts once per station).
 */
export function yieldRows(
  reports: ReportFacts[],
  dims: ParsedDimensions,
  ctx: YieldContext,
  options: { topCount?: number; minCount?: number; extraOrder?: OrderSpec[] } = {},
): Record<string, unknown>[] {
  const names = dims.dimensions.map((d) => d.name);
  const wanted = dims.kpis.length > 0 ? dims.kpis.map((k) => k.name) : [...YIELD_KPIS];
  const groups = groupItems(variants(reports, names, ctx), names, (v, name) => valueOf(v, name, ctx));
  let rows = groups.map((g) => {
    // A report appears once per group even when spread over several variants.
    const kpis = yieldKpis([...new Set(g.items.map((v) => v.r))]);
    const row: Record<string, unknown> = { ...g.values };
    for (const k of wanted) row[k] = kpis[k as keyof typeof kpis];
    return { row: compact(row), unitCount: kpis.unitCount as number };
  });
  if (options.minCount !== undefined) rows = rows.filter((r) => r.unitCount >= options.minCount!);
  const order = [...dims.order, ...(options.extraOrder ?? []), ...names.map((name) => ({ name, descending: false }))];
  const sorted = sortRows(rows.map((r) => r.row), order);
  return options.topCount !== undefined && options.topCount >= 0 ? sorted.slice(0, options.topCount) : sorted;
}
