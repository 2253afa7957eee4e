/**
 * The UUT (test report) builder: {@link createUutReport}.
 */
import type { SequenceOptions } from './builder-options.js';
import { ReportBuilderBase, type BuildOptions, type ReportHeaderOptions } from './builder.js';
import { bindSeal, finalizeSequence, resultFromRoot, SequenceBuilder } from './sequence-builder.js';
import type { Asset, SubUnit, UutReport } from './types.js';

/** Options for {@link createUutReport}. */
export interface UutReportOptions extends ReportHeaderOptions {
  /** The test operation code, e.g. 10. */
  processCode: number;
  /** Execution time in seconds (`uut.execTime`). */
  execTime?: number;
  /** `uut.fixtureId`; written only when given (pyWATS invents "Fixture"; we don't). */
  fixtureId?: string;
  /** Written as `uut.batchSN`. */
  batchSerialNumber?: string;
  /** `uut.testSocketIndex` (−1 appears in real data). */
  testSocketIndex?: number;
  /** `uut.errorCode`. */
  errorCode?: number;
  /** `uut.errorMessage`. */
  errorMessage?: string;
  /**
   * Propagate F/E/T from steps to their parent sequences and the report result.
   * When false, sequences and the result stay `P` unless given. A step's own status is
   * still computed from its measurements. @default true
   */
  propagateStatus?: boolean;
  /** Id of the root step; others follow depth-first. @default 0 (as in the official WSJF example) */
  firstStepId?: number;
  /** Name of the root sequence call. @default 'MainSequence Callback' */
  rootName?: string;
  /** `seqCall` path/version and other options of the root sequence. */
  rootSequence?: SequenceOptions;
}

/** A sub unit of a UUT. */
export interface UutSubUnitInput {
  /** Written as `pn`. */
  partNumber: string;
  /** Written as `sn`. */
  serialNumber: string;
  /** Written as `rev`. */
  revision?: string;
  /** e.g. PCBA, MODULE. */
  partType?: string;
}

/** Builds a UUT (test) report. Create one with {@link createUutReport}. */
export class UutReportBuilder extends ReportBuilderBase {
  /** The root sequence (`MainSequence Callback`): add steps here. */
  readonly root: SequenceBuilder;
  private readonly options: UutReportOptions;
  private readonly subUnits: SubUnit[] = [];
  private readonly assets: Asset[] = [];

  constructor(options: UutReportOptions) {
    super(options);
    this.options = options;
    this.root = new SequenceBuilder(options.rootName ?? 'MainSequence Callback', options.rootSequence);
    bindSeal(this.root, this.seal);
  }

  /** Adds a sub unit (a part assembled into the unit under test). */
  addSubUnit(unit: UutSubUnitInput): this {
    this.assertOpen();
    const s: SubUnit = { pn: unit.partNumber, sn: unit.serialNumber };
    if (unit.revision !== undefined) s.rev = unit.revision;
    if (unit.partType !== undefined) s.partType = unit.partType;
    this.subUnits.push(s);
    return this;
  }

  /** Adds an asset (test equipment) used by the test. */
  addAsset(asset: {
    /** Written as `sn`. */
    serialNumber: string;
    /** How many times the asset was used by this test. */
    usageCount?: number;
  }): this {
    this.assertOpen();
    const a: Asset = { sn: asset.serialNumber };
    if (asset.usageCount !== undefined) a.usageCount = asset.usageCount;
    this.assets.push(a);
    return this;
  }

  /**
   * Builds the report. Can be called again after adding more; each call returns a fresh object.
   * With `{ consume: true }` the report is built once, without a defensive copy, and the builder
   * (with its sequences) is sealed: see {@link BuildOptions.consume}.
   */
  build(options?: BuildOptions): UutReport {
    this.assertOpen();
    const o = this.options;
    const root = finalizeSequence(this.root, { nextId: o.firstStepId ?? 0, propagate: o.propagateStatus ?? true });
    const result = o.result ?? ((o.propagateStatus ?? true) ? resultFromRoot(root) : 'P');
    const out = this.headerJson('T', o.processCode, result);
    const uut: Record<string, unknown> = {};
    const map = [
      ['user', o.operator], ['comment', o.comment], ['execTime', o.execTime], ['fixtureId', o.fixtureId],
      ['batchSN', o.batchSerialNumber], ['testSocketIndex', o.testSocketIndex], ['errorCode', o.errorCode],
      ['errorMessage', o.errorMessage],
    ] as const;
    for (const [k, v] of map) if (v !== undefined) uut[k] = v;
    out.uut = uut;
    if (this.subUnits.length) out.subUnits = this.subUnits;
    if (this.assets.length) out.assets = this.assets;
    this.tailJson(out);
    out.root = root;
    return this.finish(out, options) as UutReport;
  }
}

/**
 * Starts a UUT report. Add steps to `.root`, then call `.build()`.
 * @example
 * const b = createUutReport({ partNumber: 'PN1', serialNumber: 'SN1', revision: 'A', processCode: 10,
 *   stationName: 'ST1', location: 'Line 1', purpose: 'Production', operator: 'op' });
 * b.root.addNumeric('Voltage', { value: 5.01, unit: 'V', compOp: 'GELE', lowLimit: 4.5, highLimit: 5.5 });
 * const report = b.build();
 */
export function createUutReport(options: UutReportOptions): UutReportBuilder {
  return new UutReportBuilder(options);
}
