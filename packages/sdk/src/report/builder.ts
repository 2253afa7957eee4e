/**
 * The shared half of the report builders: header options and report-level parts
 * (misc infos, attachments, additional data). See `uut-builder.ts` and `uur-builder.ts`.
 *
 * Only keys the caller gave (or the server needs) are written: unlike pyWATS there is no
 * invented `fixtureId: "Fixture"` and no fake `seqCall` path. Report ids are random UUIDs
 * from `globalThis.crypto`. `start` is written with its real UTC offset.
 */
import { attachmentObject } from './builder-measurements.js';
import type { ReportAttachmentInput } from './builder-options.js';
import { formatWatsDate } from './dates.js';
import { randomUuid } from './encoding.js';
import { cloneJsonTree, shareJsonTree } from './json-tree.js';
import type { BuilderSeal } from './sequence-builder.js';
import type { AdditionalData, AdditionalDataProp, BinaryData, MiscInfo, ReportResult } from './types.js';

/** Options of a report builder's `build()`. */
export interface BuildOptions {
  /**
   * Build once, without the defensive deep copy: the report is assembled from the objects the
   * builder holds (and may share objects you passed in, such as `extra` or `additionalResults`
   * values), so it is cheaper for large reports. The builder is sealed afterwards: any later
   * `add*` call (on it or on any of its sequences) or `build()` throws a `TypeError`. The report
   * is the same as a plain `build()` gives (NaN written as "NaN", undefined values left out, ...).
   * @default false
   */
  consume?: boolean;
}

/** Header fields shared by UUT and UUR builders. */
export interface ReportHeaderOptions {
  /** Written as `pn` (max 100; avoid `* % ? [ ] ^ ! / \`). */
  partNumber: string;
  /** Written as `sn` (max 100; avoid `* % ? [ ] ^ ! / \`). */
  serialNumber: string;
  /** Written as `rev` (max 100). */
  revision: string;
  /** Written as `machineName`. */
  stationName: string;
  /** Station location (max 100). */
  location: string;
  /** e.g. Production, Development, Repair. */
  purpose: string;
  /** Written as `uut.user` / `uur.user`. */
  operator?: string;
  /** Written as `uut.comment` / `uur.comment`. */
  comment?: string;
  /** When the test (or repair) started. @default the time the builder was created */
  start?: Date;
  /** UTC offset of `start` in minutes east of UTC. @default the machine's offset at `start` */
  startOffsetMinutes?: number;
  /** Report UUID. Re-submitting the same id overwrites the report. @default a random UUID */
  id?: string;
  /** Report result; computed when omitted (UUT: from the root sequence; UUR: `P`). */
  result?: ReportResult;
}

/** Report-level parts shared by both builders. */
export abstract class ReportBuilderBase {
  protected readonly header: ReportHeaderOptions;
  protected readonly start: Date;
  protected readonly id: string;
  protected readonly miscInfos: MiscInfo[] = [];
  protected readonly binaryData: BinaryData[] = [];
  protected readonly additionalData: AdditionalData[] = [];
  /** @internal Set by `build({ consume: true })`; shared with the builder's sequences. */
  protected readonly seal: BuilderSeal = { sealed: false };

  constructor(header: ReportHeaderOptions) {
    for (const k of ['partNumber', 'serialNumber', 'revision', 'stationName', 'location', 'purpose'] as const) {
      if (typeof header[k] !== 'string') throw new TypeError(`report option ${k} must be a string`);
    }
    this.header = header;
    this.start = header.start ?? new Date();
    this.id = header.id ?? randomUuid();
    formatWatsDate(this.start, header.startOffsetMinutes); // fail early on a bad date or offset
  }

  /** Adds a `miscInfos` entry (a key/value pair shown with the report). */
  addMiscInfo(description: string, text: string | number): this {
    this.assertOpen();
    this.miscInfos.push({ description, text: String(text) });
    return this;
  }

  /** Adds a report-level attachment (`binaryData`); `data` is bytes or UTF-8 text. */
  addAttachment(input: ReportAttachmentInput): this {
    this.assertOpen();
    const b: BinaryData = { ...attachmentObject(input, 'binaryData') };
    if (input.failIdx !== undefined) b.failIdx = input.failIdx;
    this.binaryData.push(b);
    return this;
  }

  /** Adds an `additionalData` block. */
  addAdditionalData(name: string, props: AdditionalDataProp[]): this {
    this.assertOpen();
    this.additionalData.push({ name, props });
    return this;
  }

  /** Throws once the builder has been consumed by `build({ consume: true })`. */
  protected assertOpen(): void {
    if (this.seal.sealed) {
      throw new TypeError('this report builder was consumed by build({ consume: true }); create a new builder for another report');
    }
  }

  /**
   * The finished report from the assembled `out`: a deep copy (the default), or, when consuming,
   * `out` itself with only what JSON cannot hold replaced; the builder is sealed then.
   */
  protected finish(out: Record<string, unknown>, options: BuildOptions | undefined): unknown {
    if (options?.consume !== true) return cloneJsonTree(out, 'string');
    this.seal.sealed = true;
    return shareJsonTree(out, 'string');
  }

  protected headerJson(type: 'T' | 'R', processCode: number, result: ReportResult): Record<string, unknown> {
    if (!Number.isInteger(processCode)) throw new TypeError(`processCode must be an integer, got ${processCode}`);
    const h = this.header;
    return {
      id: this.id, type, pn: h.partNumber, sn: h.serialNumber, rev: h.revision, processCode, result,
      machineName: h.stationName, location: h.location, purpose: h.purpose,
      start: formatWatsDate(this.start, h.startOffsetMinutes),
    };
  }

  protected tailJson(out: Record<string, unknown>): void {
    if (this.miscInfos.length) out.miscInfos = this.miscInfos;
    if (this.binaryData.length) out.binaryData = this.binaryData;
    if (this.additionalData.length) out.additionalData = this.additionalData;
  }
}
