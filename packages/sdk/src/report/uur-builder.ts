/**
 * The UUR (repair report) builder: {@link createUurReport}.
 *
 * Shape follows the official WSJF UUR example and sdk.md §2.3-§2.4: the top-level
 * `processCode` is the *repair* operation, `uur.processCode` the *test* operation that
 * failed; `subUnits[0]` (idx 0) is the main unit, inserted automatically; failures hang off
 * sub units, and their attachments are nested in the failure as in the official example.
 */
import { attachmentObject } from './builder-measurements.js';
import type { AttachmentInput } from './builder-options.js';
import { ReportBuilderBase, type BuildOptions, type ReportHeaderOptions } from './builder.js';
import { formatWatsDate } from './dates.js';
import type { SubUnit, UurFailure, UurReport } from './types.js';

/** Options for {@link createUurReport}. */
export interface UurReportOptions extends ReportHeaderOptions {
  /** The repair operation code (top-level `processCode`), e.g. 500. */
  repairProcessCode: number;
  /** The test operation that failed (`uur.processCode`), e.g. 10. */
  testProcessCode: number;
  /** Id of the failed UUT report (`uur.refUUT`); omit for a stand-alone repair. */
  refUut?: string;
  /** `uur.confirmDate`. @default `start` */
  confirmDate?: Date;
  /** `uur.finalizeDate`. @default `start` */
  finalizeDate?: Date;
  /** Repair time in seconds; the API needs it (sdk.md §2.3). @default 0 */
  execTime?: number;
  /** `partType` of the main unit (idx 0); written only when given. */
  mainUnitPartType?: string;
}

/** A repaired sub unit. */
export interface UurSubUnitInput {
  /** Written as `pn`. */
  partNumber: string;
  /** Written as `sn`; may be empty in a UUR. */
  serialNumber: string;
  /** Written as `rev`. */
  revision?: string;
  /** e.g. PCBA, MODULE. */
  partType?: string;
  /** @default one more than the highest idx so far (the main unit is 0) */
  idx?: number;
  /** @default 0 (the main unit) */
  parentIdx?: number;
  /** Position of the unit in its parent. */
  position?: number;
  /** idx of the unit this one replaced. */
  replacedIdx?: number;
}

/** A failure found during repair. */
export interface UurFailureInput {
  /** From the repair operation's fail-code tree. */
  category: string;
  /** Fail code within `category`. */
  code: string;
  /** idx of the sub unit that failed. @default 0 (the main unit) */
  subUnitIdx?: number;
  /** Free text. */
  comment?: string;
  /** Component reference, e.g. `C12`. */
  comRef?: string;
  /** Functional block. */
  funcBlock?: string;
  /** Id of the UUT step that found the failure. */
  refStepId?: number;
  /** Name of the UUT step that found the failure. */
  refStepName?: string;
  /** Replaced article: part number. */
  artNumber?: string;
  /** Replaced article: revision. */
  artRev?: string;
  /** Replaced article: vendor. */
  artVendor?: string;
  /** Replaced article: description. */
  artDescription?: string;
  /** Files nested in the failure (`failures[].attachments`). */
  attachments?: AttachmentInput[];
}

const FAILURE_KEYS = [
  'comment', 'comRef', 'funcBlock', 'refStepId', 'refStepName', 'artNumber', 'artRev', 'artVendor', 'artDescription',
] as const;

/** Builds a UUR (repair) report. Create one with {@link createUurReport}. */
export class UurReportBuilder extends ReportBuilderBase {
  private readonly options: UurReportOptions;
  private readonly units: SubUnit[];

  constructor(options: UurReportOptions) {
    super(options);
    for (const k of ['repairProcessCode', 'testProcessCode'] as const) {
      if (!Number.isInteger(options[k])) throw new TypeError(`${k} must be an integer, got ${String(options[k])}`);
    }
    this.options = options;
    const main: SubUnit = { pn: options.partNumber, sn: options.serialNumber, rev: options.revision };
    if (options.mainUnitPartType !== undefined) main.partType = options.mainUnitPartType;
    main.idx = 0;
    this.units = [main];
  }

  /** Adds a sub unit (idx 0, the main unit, is already there). */
  addSubUnit(unit: UurSubUnitInput): this {
    this.assertOpen();
    const idx = unit.idx ?? Math.max(...this.units.map((u) => u.idx ?? 0)) + 1;
    if (!Number.isInteger(idx) || this.units.some((u) => u.idx === idx)) {
      throw new TypeError(`sub unit idx ${idx} is not a new integer`);
    }
    const s: SubUnit = { pn: unit.partNumber, sn: unit.serialNumber };
    if (unit.revision !== undefined) s.rev = unit.revision;
    if (unit.partType !== undefined) s.partType = unit.partType;
    s.idx = idx;
    s.parentIdx = unit.parentIdx ?? 0;
    for (const k of ['position', 'replacedIdx'] as const) if (unit[k] !== undefined) s[k] = unit[k];
    this.units.push(s);
    return this;
  }

  /** Records a failure on a sub unit (default: the main unit). */
  addFailure(failure: UurFailureInput): this {
    this.assertOpen();
    const idx = failure.subUnitIdx ?? 0;
    const unit = this.units.find((u) => u.idx === idx);
    if (!unit) throw new TypeError(`addFailure: no sub unit with idx ${idx}; add it with addSubUnit first`);
    if (typeof failure.category !== 'string' || typeof failure.code !== 'string') {
      throw new TypeError('addFailure: category and code must be strings');
    }
    const f: UurFailure = { category: failure.category, code: failure.code };
    for (const k of FAILURE_KEYS) if (failure[k] !== undefined) (f as Record<string, unknown>)[k] = failure[k];
    if (failure.attachments?.length) {
      f.attachments = failure.attachments.map((a, i) => attachmentObject(a, `addFailure: attachments[${i}]`));
    }
    (unit.failures ??= []).push(f);
    return this;
  }

  /**
   * Builds the report. Can be called again after adding more; each call returns a fresh object.
   * With `{ consume: true }` the report is built once, without a defensive copy, and the builder
   * is sealed: see {@link BuildOptions.consume}.
   */
  build(options?: BuildOptions): UurReport {
    this.assertOpen();
    const o = this.options;
    const out = this.headerJson('R', o.repairProcessCode, o.result ?? 'P');
    const uur: Record<string, unknown> = {};
    if (o.operator !== undefined) uur.user = o.operator;
    if (o.comment !== undefined) uur.comment = o.comment;
    uur.processCode = o.testProcessCode;
    if (o.refUut !== undefined) uur.refUUT = o.refUut;
    uur.confirmDate = formatWatsDate(o.confirmDate ?? this.start, o.startOffsetMinutes);
    uur.finalizeDate = formatWatsDate(o.finalizeDate ?? this.start, o.startOffsetMinutes);
    uur.execTime = o.execTime ?? 0;
    out.uur = uur;
    out.subUnits = this.units;
    this.tailJson(out);
    return this.finish(out, options) as UurReport;
  }
}

/**
 * Starts a UUR (repair) report; sub unit idx 0 (the main unit) is added for you.
 * @example
 * const r = createUurReport({ partNumber: 'PN1', serialNumber: 'SN1', revision: 'A', repairProcessCode: 500,
 *   testProcessCode: 10, stationName: 'RW1', location: 'Line 1', purpose: 'Repair', refUut: uutId })
 *   .addFailure({ category: 'Component', code: 'CAP_FAIL', comRef: 'C12' })
 *   .build();
 */
export function createUurReport(options: UurReportOptions): UurReportBuilder {
  return new UurReportBuilder(options);
}
