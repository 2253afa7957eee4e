/**
 * Part numbers: CFX test messages carry none. Order: the recipe map, the unit identifier rules,
 * the unit as WATS production knows it (`lookupUnit`), the configured fallback.
 */
import type { CfxMappingConfig } from '../config.js';
import type { KnownUnit, UnitLookup } from './types.js';

/** A resolved part number and where it came from. */
export interface ResolvedPart {
  partNumber: string;
  revision: string;
  source: 'recipe' | 'rule' | 'production' | 'fallback';
}

/** Resolves the part number of a unit; undefined when nothing gives one. */
export function resolvePartNumber(
  config: CfxMappingConfig,
  unit: { unitIdentifier: string; recipeName?: string | undefined },
  lookupUnit?: UnitLookup,
): ResolvedPart | undefined {
  const rev = (p: { revision?: string | undefined }): string => p.revision ?? config.defaults.revision;
  const { recipes, rules, fallback } = config.partNumbers;
  if (unit.recipeName !== undefined && Object.hasOwn(recipes, unit.recipeName)) {
    const p = recipes[unit.recipeName]!;
    return { partNumber: p.partNumber, revision: rev(p), source: 'recipe' };
  }
  for (const r of rules) {
    const hit = 'prefix' in r ? unit.unitIdentifier.startsWith(r.prefix) : new RegExp(r.pattern).test(unit.unitIdentifier);
    if (hit) return { partNumber: r.partNumber, revision: rev(r), source: 'rule' };
  }
  const known: KnownUnit | undefined = lookupUnit?.(unit.unitIdentifier);
  if (known) return { partNumber: known.partNumber, revision: rev(known), source: 'production' };
  if (fallback) return { partNumber: fallback.partNumber, revision: rev(fallback), source: 'fallback' };
  return undefined;
}
