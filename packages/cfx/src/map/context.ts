/**
 * What every mapper gets: the envelope, the resolved config, the per-process state, and helpers
 * that name the message and field in errors.
 */
import { ReportValidationError, validateReport, type WsjfReport } from '@tswats/sdk';
import type { CfxMappingConfig } from '../config.js';
import type { CfxEnvelope } from '../envelope.js';
import { CfxMappingError } from '../errors.js';
import { str } from '../json.js';
import type { ReportIndex } from './report-index.js';
import type { UnitLookup } from './types.js';
import type { WorkTracker } from './work-tracker.js';

/** Per-process state and hooks passed to `mapEnvelope`. All optional. */
export interface MapContext {
  /** WorkStarted/WorkCompleted memory; without it those messages are only acknowledged. */
  work?: WorkTracker;
  /** Last UUT per serial number, for UUR `refUUT`. Mapping reads it; call `remember` after submitting. */
  reportIndex?: ReportIndex;
  /** Part numbers of units known to WATS production. */
  lookupUnit?: UnitLookup;
}

/** The station a CFX handle maps to. */
export interface StationInfo {
  machineName: string;
  location: string;
  assetSerial: string | undefined;
}

/** Internal: one mapping run. */
export class MapRun {
  readonly env: CfxEnvelope;
  readonly config: CfxMappingConfig;
  readonly ctx: MapContext;
  readonly warnings: string[] = [];

  constructor(env: CfxEnvelope, config: CfxMappingConfig, ctx: MapContext) {
    this.env = env;
    this.config = config;
    this.ctx = ctx;
  }

  /** Throws a {@link CfxMappingError} for `field` (a path below the envelope). */
  fail(field: string, problem: string, cause?: unknown): never {
    throw new CfxMappingError({
      messageName: this.env.messageName,
      uniqueId: this.env.uniqueId,
      field,
      problem,
      ...(cause === undefined ? {} : { cause }),
    });
  }

  /** Builds the report and runs the SDK's strict validation; an invalid report fails at `path`. */
  validated<T extends WsjfReport>(path: string, report: T): T {
    try {
      validateReport(report);
    } catch (e) {
      if (e instanceof ReportValidationError) this.fail(path, `report is not valid: ${e.issues.map((x) => `${x.path}: ${x.message}`).join('; ')}`, e);
      throw e;
    }
    return report;
  }

  warn(text: string): void {
    this.warnings.push(text);
  }

  /** A required string field of `o` at `path`. */
  need(o: unknown, name: string, path: string): string {
    return str(o, name) ?? this.fail(`${path}.${name}`, 'is missing');
  }

  /** The station of the envelope's `Source` handle (exact, then case-insensitive). */
  station(): StationInfo {
    const handle = this.env.source;
    const stations = this.config.stations;
    let s = handle === undefined ? undefined : stations[handle];
    if (s === undefined && handle !== undefined) {
      const key = Object.keys(stations).find((k) => k.toLowerCase() === handle.toLowerCase());
      if (key !== undefined) s = stations[key];
    }
    const machineName = s?.machineName ?? handle ?? this.fail('Source', 'is missing and no station is configured');
    return {
      machineName: machineName.slice(0, 100),
      location: s?.location ?? this.config.defaults.location,
      assetSerial: s?.assetSerial,
    };
  }
}
