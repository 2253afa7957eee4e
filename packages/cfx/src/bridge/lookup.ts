/**
 * Part numbers of units that CFX messages do not carry, from WATS: the newest report of the
 * serial number (`GET /api/Report/Query/Header`, OData filter on serialNumber, newest first).
 * WATS production's own unit route needs the part number already, so reports are where a
 * serial number alone can be looked up.
 *
 * Mapping is synchronous: the mapping worker keeps a {@link UnitCache} and asks the bridge for
 * the serial numbers it does not know; the bridge asks WATS with {@link lookUpUnits} (through
 * its gate) and hands the answers back (`Preparer.addUnits`).
 */
import { eq, type WatsClient } from '@tswats/sdk';
import type { KnownUnit, UnitLookup } from '../map/types.js';

interface Entry {
  unit: KnownUnit | undefined;
  expires: number;
}

export interface UnitCacheOptions {
  ttlMs: number;
  negativeTtlMs: number;
  maxEntries: number;
  now?: () => number;
}

export class UnitCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;
  private readonly now: () => number;

  private readonly options: UnitCacheOptions;

  constructor(options: UnitCacheOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** The synchronous lookup mapping uses (cache only). */
  readonly lookup: UnitLookup = (sn) => {
    const e = this.entries.get(sn);
    if (e && e.expires > this.now()) {
      this.hits++;
      return e.unit;
    }
    return undefined;
  };

  /** Whether the cache has a current answer (found or not) for `sn`. */
  knows(sn: string): boolean {
    const e = this.entries.get(sn);
    return e !== undefined && e.expires > this.now();
  }

  set(sn: string, unit: KnownUnit | undefined): void {
    this.entries.delete(sn);
    this.entries.set(sn, { unit, expires: this.now() + (unit ? this.options.ttlMs : this.options.negativeTtlMs) });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The part number of each serial number from its newest report in WATS (`undefined`: none). */
export async function lookUpUnits(client: WatsClient, serials: readonly string[], signal?: AbortSignal): Promise<[string, KnownUnit | undefined][]> {
  const out: [string, KnownUnit | undefined][] = [];
  for (const sn of serials) {
    const page = await client.reports.queryHeaders(
      { filter: eq('serialNumber', sn), orderBy: ['start desc'], top: 1, select: ['partNumber', 'revision', 'serialNumber', 'start'] },
      signal ? { signal } : {},
    );
    const h = page[0];
    out.push([sn, h?.partNumber ? { partNumber: h.partNumber, ...(h.revision ? { revision: h.revision } : {}) } : undefined]);
  }
  return out;
}
