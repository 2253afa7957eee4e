/**
 * Stage 1 of the bridge, for one message: decode, map every envelope, serialise the reports.
 * Synchronous and self-contained, so it runs in the bridge's mapping worker thread; the state
 * it keeps (work transactions, last UUT per unit, known part numbers) lives where it runs.
 *
 * When a unit's part number may come from WATS (no config rule gives it and the cache does not
 * know it yet), `prepare` answers `lookup` with the serial numbers and commits nothing; the
 * caller asks WATS, hands the answers to `addUnits` and calls `prepare` again.
 */
import { reportToJson } from '@tswats/sdk';
import type { CfxMappingConfig } from '../config.js';
import { CfxDecodeError, CfxMappingError } from '../errors.js';
import { mapEnvelope } from '../map/map-envelope.js';
import { createReportIndex } from '../map/report-index.js';
import type { AssetUpdate, CfxMapResult, KnownUnit, ProductionUpdate } from '../map/types.js';
import { WorkTracker } from '../map/work-tracker.js';
import { decodeCfxBody } from '../wire.js';
import { UnitCache } from './lookup.js';

/** A report ready to send: its JSON text and what the bridge needs to know about it. */
export interface PreparedReport {
  id: string;
  type: 'T' | 'R';
  sn: string;
  json: string;
}

/** The WATS calls one message needs. */
export interface Prepared {
  reports: PreparedReport[];
  /** With the ledger key suffix `<UniqueID>:<index>`. */
  assetUpdates: { update: AssetUpdate; key: string }[];
  productionUpdates: { update: ProductionUpdate; key: string }[];
  /** Per envelope: short name (`(unknown)` for names not mapped), status and warnings. */
  envelopes: { short: string; messageName: string; uniqueId: string; status: CfxMapResult['status']; warnings: string[] }[];
  /** Every envelope was of a message name this bridge does not map. */
  unknownOnly: boolean;
}

export type PrepareOutcome =
  | { kind: 'ok'; prepared: Prepared }
  | { kind: 'unprocessable'; code: string; message: string; field?: string }
  | { kind: 'lookup'; serials: string[] };

export interface PreparerOptions {
  mapping: CfxMappingConfig;
  lookup: { enabled: boolean; ttlMs: number; negativeTtlMs: number; maxEntries: number };
}

export class Preparer {
  private readonly mapping: CfxMappingConfig;
  private readonly lookupEnabled: boolean;
  private readonly work = new WorkTracker();
  private readonly reportIndex = createReportIndex({ maxEntries: 50_000 });
  readonly units: UnitCache;

  constructor(options: PreparerOptions) {
    this.mapping = options.mapping;
    this.lookupEnabled = options.lookup.enabled;
    this.units = new UnitCache(options.lookup);
  }

  /** Answers from WATS for serial numbers `prepare` asked about (`undefined`: not in WATS). */
  addUnits(entries: readonly (readonly [string, KnownUnit | undefined])[]): void {
    for (const [sn, unit] of entries) {
      this.units.misses++; // each was a cache miss that went to WATS
      this.units.set(sn, unit);
    }
  }

  prepare(body: Uint8Array, contentEncoding: string | undefined): PrepareOutcome {
    let envelopes;
    try {
      envelopes = decodeCfxBody(body, { contentEncoding, timeZone: this.mapping.timeZone });
    } catch (e) {
      if (e instanceof CfxDecodeError) return { kind: 'unprocessable', code: e.code, message: `${e.reason}: ${e.message}` };
      throw e;
    }
    const missing = new Set<string>();
    const units = this.units;
    const lookupUnit = (sn: string) => {
      if (this.lookupEnabled && !units.knows(sn)) missing.add(sn);
      return units.lookup(sn);
    };
    const results: CfxMapResult[] = [];
    for (const [i, env] of envelopes.entries()) {
      try {
        results.push(mapEnvelope(env, this.mapping, { work: this.work, reportIndex: this.reportIndex, lookupUnit }));
      } catch (e) {
        // A unit WATS may know could be what failed: ask first, judge after.
        if (missing.size > 0) break;
        if (e instanceof CfxMappingError) {
          return { kind: 'unprocessable', code: e.code, message: envelopes.length > 1 ? `envelope ${i}: ${e.message}` : e.message, field: e.field };
        }
        throw e;
      }
    }
    if (missing.size > 0) return { kind: 'lookup', serials: [...missing] };

    const prepared: Prepared = { reports: [], assetUpdates: [], productionUpdates: [], envelopes: [], unknownOnly: false };
    let unknown = 0;
    for (const r of results) {
      const isUnknown = r.status === 'unknown';
      if (isUnknown) unknown++;
      prepared.envelopes.push({
        // Names this bridge does not map are counted together: a sender making up names must
        // not grow /status and the metric labels without bound.
        short: isUnknown ? '(unknown)' : r.messageName.slice(r.messageName.lastIndexOf('.') + 1),
        messageName: r.messageName,
        uniqueId: r.uniqueId,
        status: r.status,
        warnings: r.warnings,
      });
      for (const report of r.reports) prepared.reports.push({ id: report.id as string, type: report.type, sn: report.sn, json: reportToJson(report) });
      r.assetUpdates.forEach((update, j) => prepared.assetUpdates.push({ update, key: `${r.uniqueId}:${j}` }));
      r.productionUpdates.forEach((update, j) => prepared.productionUpdates.push({ update, key: `${r.uniqueId}:${j}` }));
      // Remembered now, not after submitting: a UnitsRepaired right behind refers to these.
      this.reportIndex.remember(r.reports);
    }
    prepared.unknownOnly = unknown > 0 && unknown === results.length;
    return { kind: 'ok', prepared };
  }
}
