/**
 * The report header of a TestStand unit (UUT and StationInfo properties, start date and time,
 * process model result) and the assembly of the WSJF report. Shared by `teststand-xml` and
 * `teststand-wats-dump`.
 */
import { createUutReport, type ReportResult, type StepStatus, type UutReport, type UutReportBuilder } from '@tswats/sdk';
import type { ConvertContext } from '../types.js';
import { localToIso, validLocal } from '../time.js';
import {
  at, child, clip, fail, int, itemProp, nonEmpty, num, str, where, type PropNode, type Source,
} from './prop-tree.js';
import { addResults, commonOptions, fit, sequenceInfo, stepStatusOf, STEP_NAME_MAX, type WalkState } from './steps.js';
import type { RawUnit } from './reader.js';

/** The process code when neither the file nor the options give one: 10, WATS's "UUT test". */
export const DEFAULT_PROCESS_CODE = 10;

const RESULTS: Readonly<Record<string, ReportResult>> = {
  passed: 'P', failed: 'F', error: 'E', terminated: 'T', aborted: 'T', done: 'D',
};

/** WSJF result of a TestStand UUT result text (`Passed`, `Failed`, `Error`, `Terminated`). */
export function resultOf(text: string | undefined): ReportResult | undefined {
  return text === undefined ? undefined : RESULTS[text.trim().toLowerCase()];
}

/** What the `UUT` property holds (stock process model, plus the WATS add-on's fields). */
export interface UutFields {
  serialNumber: string | undefined;
  partNumber: string | undefined;
  revision: string | undefined;
  processCode: number | undefined;
  processName: string | undefined;
  comment: string | undefined;
  fixtureId: string | undefined;
  batchSerialNumber: string | undefined;
  testSocketIndex: number | undefined;
}

export function readUut(src: Source, uut: PropNode | undefined): UutFields {
  const details = child(uut, 'UUTOperationTypeDetails');
  const opInt = int(src, details, 'OpTypeCodeInt');
  const opType = int(src, uut, 'UUTOperationType');
  return {
    serialNumber: nonEmpty(uut, 'SerialNumber'),
    partNumber: nonEmpty(uut, 'UUTPartNumber') ?? nonEmpty(uut, 'PartNumber'),
    revision: nonEmpty(uut, 'UUTPartRevisionNumber'),
    processCode: opType ?? (opInt !== undefined && opInt > 0 ? opInt : undefined),
    processName: nonEmpty(details, 'OpTypeName'),
    comment: nonEmpty(uut, 'Comment'),
    fixtureId: nonEmpty(uut, 'UUT_Fixture_ID'),
    batchSerialNumber: nonEmpty(uut, 'BatchSerialNumber'),
    testSocketIndex: int(src, uut, 'TestSocketIndex'),
  };
}

/** What the `StationInfo` property holds. */
export interface StationFields {
  stationId: string | undefined;
  loginName: string | undefined;
  location: string | undefined;
  purpose: string | undefined;
}

export function readStation(station: PropNode | undefined): StationFields {
  return {
    stationId: nonEmpty(station, 'StationID'),
    loginName: nonEmpty(station, 'LoginName'),
    location: nonEmpty(station, 'Location'),
    purpose: nonEmpty(station, 'Purpose'),
  };
}

/**
 * The start of a stock report: `StartDate` (Year, Month, MonthDay) and `StartTime` (Hours,
 * Minutes, Seconds, Milliseconds), local wall-clock time of the test station, read in
 * `timeZone` and written with the offset in force then.
 *
 * When `Year` disagrees with the four-digit year in `StartDate.ShortText`/`Text` (the WATS
 * converter has met files where it does), the text's year is used, with a warning.
 */
export function startFromDetails(src: Source, ctx: ConvertContext, date: PropNode | undefined, time: PropNode | undefined): string | undefined {
  if (!date || !time) return undefined;
  let year = int(src, date, 'Year');
  const month = int(src, date, 'Month');
  const day = int(src, date, 'MonthDay');
  const hour = int(src, time, 'Hours');
  const minute = int(src, time, 'Minutes');
  const second = int(src, time, 'Seconds');
  const millisecond = int(src, time, 'Milliseconds') ?? 0;
  const textYear = yearInText(str(date, 'ShortText')) ?? yearInText(str(date, 'Text'));
  if (textYear !== undefined && year !== textYear) {
    src.warn(`StartDate.Year is ${year ?? 'missing'} but the date text says ${textYear}; ${textYear} used`, where(child(date, 'Year') ?? date));
    year = textYear;
  }
  const fields: Array<[string, number | undefined]> = [['StartDate.Year', year], ['StartDate.Month', month], ['StartDate.MonthDay', day], ['StartTime.Hours', hour], ['StartTime.Minutes', minute], ['StartTime.Seconds', second]];
  const missing = fields.filter(([, v]) => v === undefined).map(([k]) => k);
  if (missing.length) fail(src, 'CONVERT_ERR_MISSING_FIELD', missing[0]!.startsWith('StartDate') ? date : time, `the start ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`);
  const local = { year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second!, millisecond };
  if (!validLocal(local) || millisecond < 0 || millisecond > 999) {
    fail(src, 'CONVERT_ERR_VALUE', date, `the start ${year}-${month}-${day} ${hour}:${minute}:${second}.${millisecond} is not a valid date and time`);
  }
  return localToIso(local, ctx.options.timeZone);
}

function yearInText(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /(?:^|\D)(\d{4})(?:\D|$)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Everything the header needs, resolved (file first, then options, then defaults). */
export interface Header {
  serialNumber: string;
  partNumber: string;
  revision: string;
  processCode: number;
  processName: string | undefined;
  stationName: string;
  location: string;
  purpose: string;
  operator: string | undefined;
  /** ISO 8601 with offset. */
  start: string;
  /** Report id to keep (WATS dump only). */
  id?: string;
}

/** Sub units (UUT_Part_Info), misc infos (Misc_UUT_Info) and assets (Asset_Info) of the WATS add-on. */
function addUutExtras(src: Source, b: UutReportBuilder, uut: PropNode | undefined): void {
  const misc = child(uut, 'MiscUUTResult');
  for (const item of child(misc, 'Misc_UUT_Info')?.items ?? []) {
    const m = itemProp(item);
    if (!m) continue;
    const description = nonEmpty(m, 'Description');
    if (description === undefined) {
      src.warn('a Misc_UUT_Info entry without a Description was skipped', where(item));
      continue;
    }
    const text = nonEmpty(m, 'Data_String');
    const numeric = num(src, m, 'Data_Numeric');
    const value = text ?? (numeric !== undefined ? String(numeric) : '');
    b.addMiscInfo(fit(src, description, 100, 'misc info description', item), fit(src, value, 100, 'misc info text', item));
  }
  for (const item of child(misc, 'UUT_Part_Info')?.items ?? []) {
    const p = itemProp(item);
    if (!p) continue;
    const pn = nonEmpty(p, 'Part_Number');
    const sn = nonEmpty(p, 'Part_Serial_Number');
    if (pn === undefined || sn === undefined) {
      src.warn(`a UUT_Part_Info entry without ${pn === undefined ? 'Part_Number' : 'Part_Serial_Number'} was skipped`, where(item));
      continue;
    }
    const rev = nonEmpty(p, 'Part_Revision_Number');
    const type = nonEmpty(p, 'Part_Type');
    const pos = item;
    b.addSubUnit({
      partNumber: fit(src, pn, 100, 'sub unit part number', pos),
      serialNumber: fit(src, sn, 100, 'sub unit serial number', pos),
      ...(rev !== undefined ? { revision: fit(src, rev, 100, 'sub unit revision', pos) } : {}),
      ...(type !== undefined ? { partType: fit(src, type, 50, 'sub unit part type', pos) } : {}),
    });
  }
  for (const item of child(misc, 'Asset_Info')?.items ?? []) {
    const a = itemProp(item);
    const sn = nonEmpty(a, 'AssetSerialNumber');
    if (!a || sn === undefined) continue;
    const usage = int(src, a, 'UsageCount');
    b.addAsset({ serialNumber: fit(src, sn, 100, 'asset serial number', item), ...(usage !== undefined ? { usageCount: usage } : {}) });
  }
  for (const holder of [uut]) {
    const extra = child(holder, 'AdditionalData');
    if (extra && extra.props.length) src.warn(`UUT.AdditionalData (${extra.props.length} properties) not converted`, where(extra));
  }
}

/**
 * Builds the WSJF report of one unit. `root` is the main TEResult (the "MainSequence Callback"
 * step); `resultText` the process model's verdict (`UUTResult`). Statuses all come from the file.
 */
export function buildReport(
  src: Source,
  ctx: ConvertContext,
  unit: RawUnit,
  h: Header,
  parts: { uut: PropNode | undefined; station: PropNode | undefined; root: PropNode | undefined; resultText: string | undefined; uutFields: UutFields },
): UutReport {
  const { uut, station, root, uutFields } = parts;
  const unitPos = { line: unit.line, element: unit.element };
  const rootStatus = root ? stepStatusOf(str(root, 'Status')) : undefined;
  let result = resultOf(parts.resultText);
  if (parts.resultText !== undefined && !result) {
    src.warn(`UUT result ${JSON.stringify(clip(parts.resultText))} is not a TestStand result (Passed, Failed, Error, Terminated)`, unitPos);
  }
  if (!result && rootStatus && rootStatus !== 'S') {
    result = rootStatus;
    src.warn(`no UUT result in the report: taken from the main sequence status (${str(root, 'Status')})`, unitPos);
  }
  if (!result) src.warn('no UUT result in the report: computed from the step statuses', unitPos);

  const start = new Date(h.start);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(h.start);
  const startOffsetMinutes = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;

  const rootTs = child(root, 'TS');
  const rootName = fit(src, nonEmpty(rootTs, 'StepName') ?? 'MainSequence Callback', STEP_NAME_MAX, 'main step name', unitPos);
  const rootOpts = root ? commonOptions(src, root, rootStatus ?? (result && result !== 'D' ? result : 'P')) : { status: (result ?? 'P') as StepStatus };
  const execTime = num(src, rootTs, 'TotalTime');
  const err = child(root, 'Error');
  const errorCode = num(src, err, 'Code');
  const errorMessage = nonEmpty(err, 'Msg') ?? (unit.errorText?.trim() ? unit.errorText.trim() : undefined);
  const pos = unitPos;

  const b = createUutReport({
    serialNumber: fit(src, h.serialNumber, 100, 'serial number', pos),
    partNumber: fit(src, h.partNumber, 100, 'part number', pos),
    revision: fit(src, h.revision, 100, 'part revision', pos),
    processCode: h.processCode,
    stationName: fit(src, h.stationName, 100, 'station name', pos),
    location: fit(src, h.location, 100, 'location', pos),
    purpose: fit(src, h.purpose, 100, 'purpose', pos),
    ...(h.operator !== undefined ? { operator: fit(src, h.operator, 100, 'operator', pos) } : {}),
    ...(uutFields.comment !== undefined ? { comment: fit(src, uutFields.comment, 5000, 'UUT comment', pos) } : {}),
    start,
    startOffsetMinutes,
    ...(h.id !== undefined ? { id: h.id } : {}),
    ...(result !== undefined ? { result } : {}),
    ...(execTime !== undefined && Number.isFinite(execTime) ? { execTime } : {}),
    ...(uutFields.fixtureId !== undefined ? { fixtureId: fit(src, uutFields.fixtureId, 100, 'fixture id', pos) } : {}),
    ...(uutFields.batchSerialNumber !== undefined ? { batchSerialNumber: fit(src, uutFields.batchSerialNumber, 100, 'batch serial number', pos) } : {}),
    ...(uutFields.testSocketIndex !== undefined ? { testSocketIndex: uutFields.testSocketIndex } : {}),
    ...(errorCode !== undefined && Number.isFinite(errorCode) && errorCode !== 0 ? { errorCode: Math.trunc(errorCode) } : {}),
    ...(errorMessage !== undefined ? { errorMessage } : {}),
    rootName,
    rootSequence: { ...rootOpts, ...sequenceInfo(src, at(root, 'TS.SequenceCall')) },
  });
  addUutExtras(src, b, uut);
  const stationExtra = child(station, 'AdditionalData');
  if (stationExtra && stationExtra.props.length) src.warn(`StationInfo.AdditionalData (${stationExtra.props.length} properties) not converted`, where(stationExtra));

  const failureChain = new Set<number>();
  for (const item of child(uut, 'CriticalFailureStack')?.items ?? []) {
    const id = int(src, itemProp(item), 'ResultId');
    if (id !== undefined) failureChain.add(id);
  }
  const state: WalkState = { steps: 0, failureChain };
  if (root) addResults(b.root, at(root, 'TS.SequenceCall.ResultList'), src, state);
  else src.warn('the report holds no step results (no TEResult): the report has its header only', unitPos);
  const declared = unit.attrs.StepCount;
  if (declared !== undefined && /^\d+$/.test(declared.trim()) && Number(declared) !== state.steps) {
    src.warn(`the report says StepCount='${declared}' but holds ${state.steps} step results`, unitPos);
  }

  let report: UutReport;
  try {
    report = b.build({ consume: true });
  } catch (e) {
    if (e instanceof TypeError) fail(src, 'CONVERT_ERR_VALUE', unitPos, e.message);
    throw e;
  }
  const out = report as UutReport & Record<string, unknown>;
  if (h.id === undefined) delete out.id; // the registry derives a content-based id
  if (h.processName !== undefined) out.processName = h.processName;
  return report;
}

/**
 * Resolves the header: the file's value first, then the option, then the default. A serial number
 * must come from the file; a part number from the file or `--part-number`.
 */
export function resolveHeader(
  src: Source,
  ctx: ConvertContext,
  unit: RawUnit,
  file: { serialNumber?: string; partNumber?: string; revision?: string; processCode?: number; processName?: string; station: StationFields; start: string | undefined; id?: string },
  positions: { serial: PropNode | undefined; start: PropNode | undefined },
): Header {
  const o = ctx.options;
  const unitPos = { line: unit.line, element: unit.element };
  if (file.serialNumber === undefined) {
    fail(src, 'CONVERT_ERR_MISSING_FIELD', positions.serial ?? unitPos, 'the UUT serial number is empty (a "Single Pass" run tests no particular unit and cannot be a WATS report)');
  }
  const partNumber = file.partNumber ?? o.partNumber;
  if (partNumber === undefined) {
    fail(src, 'CONVERT_ERR_MISSING_FIELD', unitPos, 'the report has no part number (UUT.PartNumber is empty or missing): give one with the partNumber option (--part-number)');
  }
  if (file.start === undefined) fail(src, 'CONVERT_ERR_MISSING_FIELD', positions.start ?? unitPos, 'the report has no start date and time');
  return {
    serialNumber: file.serialNumber,
    partNumber,
    revision: file.revision ?? o.partRevision,
    processCode: file.processCode ?? o.processCode ?? DEFAULT_PROCESS_CODE,
    processName: file.processName,
    stationName: file.station.stationId ?? o.stationName,
    location: file.station.location ?? o.location,
    purpose: file.station.purpose ?? o.purpose,
    operator: file.station.loginName ?? o.operator,
    start: file.start,
    ...(file.id !== undefined ? { id: file.id } : {}),
  };
}
