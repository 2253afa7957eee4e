/**
 * Remembers the last UUT report per serial number, so a later UnitsRepaired can reference it
 * (`uur.refUUT`) and reuse its part number and test operation.
 */
import type { WsjfReport } from '@tswats/sdk';

/** What a UUR needs from the unit's last UUT. */
export interface UutRef {
  id: string;
  partNumber: string;
  revision: string;
  processCode: number;
}

/** Where `mapEnvelope` finds (and, through the bridge, records) the last UUT of a unit. */
export interface ReportIndex {
  lastUut(serialNumber: string): UutRef | undefined;
  /** Records the UUT reports among `reports`; UURs are ignored. */
  remember(reports: readonly WsjfReport[]): void;
}

/** An in-memory {@link ReportIndex} holding at most `maxEntries` serial numbers. */
export function createReportIndex(options: { maxEntries?: number } = {}): ReportIndex {
  const max = options.maxEntries ?? 10_000;
  const map = new Map<string, UutRef>();
  return {
    lastUut: (sn) => map.get(sn),
    remember(reports) {
      for (const r of reports) {
        if (r.type !== 'T' || r.id === undefined) continue;
        map.delete(r.sn);
        map.set(r.sn, { id: r.id, partNumber: r.pn, revision: r.rev, processCode: r.processCode });
        while (map.size > max) {
          const oldest = map.keys().next().value;
          if (oldest === undefined) break;
          map.delete(oldest);
        }
      }
    },
  };
}
