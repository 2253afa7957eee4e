/**
 * One WSXF `<Report>` element → one WSJF report (UUT or UUR): header, UUT/UUR info, process,
 * misc infos, sub units, assets, UUR failures and binary data, and the step tree.
 */
import type { StepStatus, WsjfReport } from '@tswats/sdk';
import { isFlatReport, nestFlatReport } from './flat.js';
import { ReadContext } from './read-context.js';
import { formatWithOffset, parseLocalTimestamp } from '../time.js';
import { canonicalGuid, isGuidText, processCodeByName, startFromParts, statusLetter, STATUS_WORDS } from './shared.js';
import { readStep, readTimestampIn, StepIds } from './steps.js';
import { attr, type XNode } from './xml-stream.js';
import type { ConvertContext } from '../types.js';

type Json = Record<string, unknown>;

/** Process codes used when the file gives none (and the options neither). */
export const DEFAULT_TEST_PROCESS_CODE = 10;
export const DEFAULT_REPAIR_PROCESS_CODE = 500;

const REPORT_ATTRS = ['type', 'ID', 'Start', 'Start_utc', 'Result', 'SN', 'PN', 'Rev', 'MachineName', 'Location', 'Purpose', 'origin'];
const REPORT_CHILDREN = new Set(['UUT', 'UUR', 'Process', 'MiscInfo', 'ReportUnitHierarchy', 'Asset', 'Failures', 'Binary', 'Step']);

function defined(entries: Json): Json {
  const out: Json = {};
  for (const k in entries) {
    const v = entries[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** `<Process Code Name>`: the code as written, else by name from the options, else the default. */
function readProcess(rc: ReadContext, el: XNode | undefined, where: string, fallback: number, what: string, useOption = true): { code: number; name?: string } {
  if (el) rc.unmapped(el, where, ['Code', 'Name', 'CodeFormat']);
  const code = el ? rc.int(el, 'Code', where) : undefined;
  const name = el ? rc.text(el, 'Name') : undefined;
  if (code !== undefined) return defined({ code, name }) as { code: number; name?: string };
  const byName = processCodeByName(rc.ctx, 'wsxf', name);
  if (byName !== undefined) {
    rc.warn(`${what}: no Code; ${byName} for the process named '${name}' (format setting processCodes)`, el, where);
    return { code: byName, name: name! };
  }
  const fromOption = useOption && rc.ctx.options.processCode !== undefined;
  const code2 = fromOption ? rc.ctx.options.processCode! : fallback;
  rc.warn(`${what}: ${el ? `no Code${name ? ` for the process named '${name}'` : ''}` : 'no Process element'}; process code ${code2} ${fromOption ? 'from the options' : '(default)'}`, el, where);
  return defined({ code: code2, name }) as { code: number; name?: string };
}

function readMiscInfo(rc: ReadContext, el: XNode, where: string): Json {
  rc.unmapped(el, where, ['Description', 'Numeric', 'NumericFormat', 'Id']);
  let description = rc.str(el, 'Description');
  if (description === undefined || description.trim() === '') {
    rc.error('CONVERT_ERR_MISSING_FIELD', el, where, 'Description is required');
  }
  description = description.trim();
  const numeric = rc.num(el, 'Numeric', where);
  const text = el.text.trim() === '' && numeric !== undefined ? String(numeric) : el.text;
  return defined({ description, text, numeric, id: rc.text(el, 'Id') });
}

function readSubUnit(rc: ReadContext, el: XNode, where: string, isUur: boolean): Json {
  rc.unmapped(el, where, ['PartType', 'PN', 'SN', 'Rev', 'Idx', 'ParentIDX', 'Position', 'ReplacedIDX']);
  const pn = rc.text(el, 'PN');
  if (!pn) rc.error('CONVERT_ERR_MISSING_FIELD', el, where, 'PN is required');
  const sn = rc.str(el, 'SN')?.trim() ?? '';
  if (!isUur && sn === '') rc.error('CONVERT_ERR_MISSING_FIELD', el, where, 'SN is required');
  return defined({
    partType: rc.str(el, 'PartType')?.trim(), pn, sn, rev: rc.str(el, 'Rev')?.trim(),
    idx: rc.int(el, 'Idx', where), parentIdx: rc.int(el, 'ParentIDX', where), position: rc.int(el, 'Position', where),
    replacedIdx: rc.int(el, 'ReplacedIDX', where),
  });
}

function readUut(rc: ReadContext, el: XNode, where: string): Json {
  rc.unmapped(el, where, [
    'UserLoginName', 'BatchSN', 'ExecutionTime', 'FixtureId', 'TestSocketIndex', 'TestSocketIndexFormat', 'ErrorCode',
    'ErrorCodeFormat', 'ErrorMessage', 'BatchFailCount', 'BatchFailCountFormat', 'BatchLoopIndex', 'BatchLoopIndexFormat', 'Comment',
  ]);
  for (const c of el.children) if (c.name !== 'Comment') rc.unmappedChild(c, where);
  let user = rc.str(el, 'UserLoginName')?.trim();
  if (!user && rc.ctx.options.operator !== undefined) {
    user = rc.ctx.options.operator;
    rc.warn(`UserLoginName missing: operator "${user}" from the options`, el, where);
  }
  return defined({
    user: user || undefined,
    comment: rc.attrOrChildText(el, 'Comment'),
    execTime: rc.num(el, 'ExecutionTime', where),
    fixtureId: rc.str(el, 'FixtureId')?.trim(),
    testSocketIndex: rc.int(el, 'TestSocketIndex', where),
    testSocketIndexFormat: rc.str(el, 'TestSocketIndexFormat'),
    errorCode: rc.int(el, 'ErrorCode', where),
    errorCodeFormat: rc.str(el, 'ErrorCodeFormat'),
    errorMessage: rc.str(el, 'ErrorMessage'),
    batchSN: rc.str(el, 'BatchSN')?.trim(),
    batchFailCount: rc.int(el, 'BatchFailCount', where),
    batchFailCountFormat: rc.str(el, 'BatchFailCountFormat'),
    batchLoopIndex: rc.int(el, 'BatchLoopIndex', where),
    batchLoopIndexFormat: rc.str(el, 'BatchLoopIndexFormat'),
  });
}

function readDate(rc: ReadContext, el: XNode, name: string, where: string): string | undefined {
  const raw = rc.text(el, name);
  if (raw === undefined) return undefined;
  const t = readTimestampIn(rc, raw);
  if (t === undefined) rc.error('CONVERT_ERR_VALUE', el, where, `${name} '${raw}' is not a date and time`);
  return t;
}

function readUur(rc: ReadContext, el: XNode, where: string, start: string): Json {
  rc.unmapped(el, where, ['UserLoginName', 'ConfirmDate', 'FinalizeDate', 'Active', 'ExecutionTime', 'ReferencedUUT', 'Parent', 'Comment']);
  for (const c of el.children) if (c.name !== 'Comment' && c.name !== 'Process') rc.unmappedChild(c, where);
  const process = readProcess(rc, rc.child(el, 'Process'), `${where}/Process`, DEFAULT_TEST_PROCESS_CODE, 'the tested process (UUR/Process)', false);
  const ref = rc.text(el, 'ReferencedUUT');
  if (ref && !isGuidText(ref)) rc.error('CONVERT_ERR_VALUE', el, where, `ReferencedUUT '${ref}' is not a report id (GUID)`);
  let confirmDate = readDate(rc, el, 'ConfirmDate', where);
  let finalizeDate = readDate(rc, el, 'FinalizeDate', where);
  if (confirmDate === undefined) {
    confirmDate = start;
    rc.warn('ConfirmDate missing: the report start is used', el, where);
  }
  if (finalizeDate === undefined) {
    finalizeDate = start;
    rc.warn('FinalizeDate missing: the report start is used', el, where);
  }
  let user = rc.str(el, 'UserLoginName')?.trim();
  if (!user && rc.ctx.options.operator !== undefined) {
    user = rc.ctx.options.operator;
    rc.warn(`UserLoginName missing: operator "${user}" from the options`, el, where);
  }
  return defined({
    user: user || undefined,
    comment: rc.attrOrChildText(el, 'Comment'),
    processCode: process.code,
    processName: process.name,
    refUUT: ref ? canonicalGuid(ref) : undefined,
    confirmDate,
    finalizeDate,
    execTime: rc.num(el, 'ExecutionTime', where),
    parent: rc.text(el, 'Parent'),
    active: rc.bool(el, 'Active', where),
  });
}

/** UUR `Failures` go to their sub unit (`PartIdx`); `Binary` data to its failure (`FailIdx`) or the report. */
function readRepairs(rc: ReadContext, report: Json, el: XNode): void {
  const units = report.subUnits as Json[];
  const byFailIdx = new Map<number, Json>();
  rc.children(el, 'Failures', 'Failure').forEach((f, i) => {
    const here = `${rc.reportPath}/Failures[${i}]`;
    rc.unmapped(f, here, [
      'Category', 'Code', 'Idx', 'PartIdx', 'CompRef', 'FunctionBlock', 'StepID', 'Comment', 'ArticleNumber',
      'ArticleRevision', 'ArticleVendor', 'ArticleDescription',
    ]);
    const partIdx = rc.int(f, 'PartIdx', here) ?? 0;
    const unit = units.find((u) => (u.idx ?? 0) === partIdx);
    if (!unit) rc.error('CONVERT_ERR_VALUE', f, here, `PartIdx ${partIdx} names no ReportUnitHierarchy Idx`);
    const category = rc.text(f, 'Category');
    const code = rc.text(f, 'Code');
    if (!category || !code) rc.error('CONVERT_ERR_MISSING_FIELD', f, here, 'Category and Code are required');
    const failure = defined({
      category, code,
      comment: rc.attrOrChildText(f, 'Comment'),
      comRef: rc.str(f, 'CompRef'),
      funcBlock: rc.str(f, 'FunctionBlock'),
      refStepId: rc.int(f, 'StepID', here),
      artNumber: rc.str(f, 'ArticleNumber'),
      artRev: rc.str(f, 'ArticleRevision'),
      artVendor: rc.str(f, 'ArticleVendor'),
      artDescription: rc.str(f, 'ArticleDescription'),
    });
    ((unit.failures ??= []) as Json[]).push(failure);
    const idx = rc.int(f, 'Idx', here) ?? i;
    if (byFailIdx.has(idx)) rc.error('CONVERT_ERR_VALUE', f, here, `Failures Idx ${idx} is used twice`);
    byFailIdx.set(idx, failure);
  });
  rc.children(el, 'Binary').forEach((b, i) => {
    const here = `${rc.reportPath}/Binary[${i}]`;
    rc.unmapped(b, here, ['FailIdx']);
    const data = rc.child(b, 'Data');
    if (!data) rc.error('CONVERT_ERR_MISSING_FIELD', b, here, 'the Data element is required');
    rc.unmapped(data, `${here}/Data`, ['BinaryDataGUID', 'ContentType', 'FileName']);
    const guid = rc.text(data, 'BinaryDataGUID');
    if (guid && !isGuidText(guid)) rc.error('CONVERT_ERR_VALUE', data, here, `BinaryDataGUID '${guid}' is not a GUID`);
    const content = data.text.replace(/\s+/g, '');
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(content)) rc.error('CONVERT_ERR_VALUE', data, here, 'the content is not base64');
    const name = rc.str(data, 'FileName');
    if (!name) rc.error('CONVERT_ERR_MISSING_FIELD', data, here, 'FileName is required');
    let contentType = rc.text(data, 'ContentType');
    if (!contentType) {
      contentType = 'application/octet-stream';
      rc.warn('ContentType missing: application/octet-stream', data, here);
    }
    const item = defined({ contentType, data: content, name, id: guid ? canonicalGuid(guid) : undefined });
    const failIdx = rc.int(b, 'FailIdx', here);
    if (failIdx === undefined) ((report.binaryData ??= []) as Json[]).push(item);
    else {
      const failure = byFailIdx.get(failIdx);
      if (!failure) rc.error('CONVERT_ERR_VALUE', b, here, `FailIdx ${failIdx} names no Failures Idx`);
      ((failure.attachments ??= []) as Json[]).push(item);
    }
  });
}

/** A header attribute (trimmed), else the option that fills it (with a warning). */
function header(rc: ReadContext, el: XNode, attr: string, fill: string | undefined, label: string): string | undefined {
  const v = rc.text(el, attr);
  if (v !== undefined) return v;
  if (fill !== undefined) rc.warn(`${attr} missing: ${label} "${fill}" from the options`, el, rc.reportPath);
  return fill;
}

/**
 * `Start` (local, with or without offset) and `Start_utc`. A `Start_offset` (`+02:00` or
 * minutes) labels `Start_utc` when `Start` is absent. With `keepTimestamps`, `Start` is kept
 * as written.
 */
function readStart(rc: ReadContext, el: XNode, path: string, startText: string | undefined, startUtc: string | undefined): string {
  if (startText && rc.ctx.options.formats.wsxf?.keepTimestamps === true) {
    if (readTimestampIn(rc, startText) === undefined) rc.error('CONVERT_ERR_VALUE', el, path, `Start '${startText}' is not a date and time`);
    return startText;
  }
  if (!startText && startUtc) {
    const offsetText = rc.text(el, 'Start_offset');
    const m = offsetText ? /^([+-])(\d{2}):?(\d{2})$/.exec(offsetText) : null;
    const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : offsetText && /^[+-]?\d{1,4}$/.test(offsetText) ? Number(offsetText) : undefined;
    const utcIso = parseLocalTimestamp(startUtc, 'UTC');
    if (utcIso === undefined) rc.error('CONVERT_ERR_VALUE', el, path, `Start_utc '${startUtc}' is not a date and time`);
    if (minutes !== undefined && Math.abs(minutes) <= 14 * 60) return formatWithOffset(Date.parse(utcIso), minutes);
  }
  const r = startFromParts(startText, startUtc, rc.ctx.options.timeZone);
  if (r === undefined) return rc.error('CONVERT_ERR_MISSING_FIELD', el, path, 'Start or Start_utc is required');
  if ('bad' in r) return rc.error('CONVERT_ERR_VALUE', el, path, r.bad === 'local' ? `Start '${startText}' is not a date and time` : `Start_utc '${startUtc}' is not a date and time`);
  if (r.note) rc.warn(`Start: ${r.note}`, el, path);
  return r.iso;
}

/** Reads one `<Report>` element. */
export function readReport(ctx: ConvertContext, file: string, raw: XNode, index: number): WsjfReport {
  const path = `Report[${index}]`;
  const rc: ReadContext = new ReadContext(ctx, file, path);
  const el = isFlatReport(raw) ? nestFlatReport(raw, file, path, (m, line) => ctx.warn(m, { line, element: path })) : raw;
  rc.unmapped(el, path, REPORT_ATTRS);
  for (const c of el.children) {
    if (REPORT_CHILDREN.has(c.name)) continue;
    rc.unmappedChild(c, path, c.name === 'AdditionalData' ? 'has no defined WSJF mapping (free XML)' : undefined);
  }

  const typeWord = rc.text(el, 'type')?.toUpperCase();
  if (typeWord !== 'UUT' && typeWord !== 'UUR') rc.error(typeWord ? 'CONVERT_ERR_VALUE' : 'CONVERT_ERR_MISSING_FIELD', el, path, `type '${attr(el, 'type') ?? ''}' is not UUT or UUR`);
  const isUut = typeWord === 'UUT';
  const idText = rc.text(el, 'ID');
  if (idText && !isGuidText(idText)) rc.error('CONVERT_ERR_VALUE', el, path, `ID '${idText}' is not a GUID`);

  const startText = rc.text(el, 'Start');
  const startUtc = rc.text(el, 'Start_utc');
  const start = readStart(rc, el, path, startText, startUtc);

  const sn = rc.text(el, 'SN');
  if (!sn) rc.error('CONVERT_ERR_MISSING_FIELD', el, path, 'SN is required');
  const pn = header(rc, el, 'PN', ctx.options.partNumber, 'part number');
  if (!pn) rc.error('CONVERT_ERR_MISSING_FIELD', el, path, 'PN is required (or give the partNumber option)');

  const resultRaw = rc.str(el, 'Result');
  const result = statusLetter(resultRaw);
  if (result === null || result === 'S') rc.error('CONVERT_ERR_VALUE', el, path, `Result '${resultRaw}' is not one of ${STATUS_WORDS.replace('Skipped, ', '')}`);

  const process = readProcess(rc, rc.child(el, 'Process'), `${path}/Process`, isUut ? DEFAULT_TEST_PROCESS_CODE : DEFAULT_REPAIR_PROCESS_CODE, 'Process');
  const report: Json = defined({
    type: isUut ? 'T' : 'R',
    id: idText ? canonicalGuid(idText) : undefined,
    pn,
    sn,
    rev: header(rc, el, 'Rev', ctx.options.partRevision, 'revision'),
    processCode: process.code,
    processName: process.name,
    result: result ?? 'P',
    machineName: header(rc, el, 'MachineName', ctx.options.stationName, 'station'),
    location: header(rc, el, 'Location', ctx.options.location, 'location'),
    purpose: header(rc, el, 'Purpose', ctx.options.purpose, 'purpose'),
    origin: rc.text(el, 'origin'),
    start,
    startUTC: startUtc,
  });

  const info = rc.child(el, isUut ? 'UUT' : 'UUR');
  if (isUut) report.uut = info ? readUut(rc, info, `${path}/UUT`) : {};
  else {
    if (!info) rc.error('CONVERT_ERR_MISSING_FIELD', el, path, 'the UUR element is required in a UUR report');
    report.uur = readUur(rc, info, `${path}/UUR`, start);
  }
  if (isUut && !info) rc.warn('the UUT element is missing: no operator, execution time or comment', el, path);
  for (const other of rc.children(el, isUut ? 'UUR' : 'UUT')) rc.unmappedChild(other, path, `does not belong in a ${typeWord} report`);

  const misc = rc.children(el, 'MiscInfo').map((m, i) => readMiscInfo(rc, m, `${path}/MiscInfo[${i}]`));
  if (misc.length) report.miscInfos = misc;
  const units = rc.children(el, 'ReportUnitHierarchy').map((u, i) => readSubUnit(rc, u, `${path}/ReportUnitHierarchy[${i}]`, !isUut));
  if (!isUut) {
    // A UUR's idx 0 is the unit under repair itself; its failures hang off it.
    units.forEach((u, i) => {
      if (u.idx === undefined) {
        let next = 0;
        while (units.some((o) => o.idx === next)) next++;
        u.idx = next;
        rc.warn(`ReportUnitHierarchy[${i}] has no Idx: given ${next}`, undefined, path);
      }
    });
    if (!units.some((u) => u.idx === 0)) {
      units.unshift(defined({ pn, sn, rev: report.rev, idx: 0 }));
      rc.warn('no ReportUnitHierarchy with Idx 0: the repaired unit itself was added as idx 0', el, path);
    }
  }
  report.subUnits = units;
  const assets = rc.children(el, 'Asset').map((a, i) => {
    const w = `${path}/Asset[${i}]`;
    rc.unmapped(a, w, ['AssetSN', 'UsageCount', 'UsageCountFormat']);
    const assetSn = rc.text(a, 'AssetSN');
    if (!assetSn) rc.error('CONVERT_ERR_MISSING_FIELD', a, w, 'AssetSN is required');
    return defined({ sn: assetSn, usageCount: rc.int(a, 'UsageCount', w) });
  });
  if (assets.length) report.assets = assets;
  if (!isUut) readRepairs(rc, report, el);
  if (!(report.subUnits as Json[]).length) delete report.subUnits;

  const steps = rc.children(el, 'Step');
  if (isUut) {
    if (steps.length > 1) rc.error('CONVERT_ERR_FORMAT', steps[1], `${path}/Step[1]`, `the report has ${steps.length} root steps; expected one (a SequenceCall)`);
    const ids = new StepIds();
    if (steps[0]) {
      const root = readStep(rc, steps[0], `${path}/Step`, ids);
      if (root.stepType !== 'SequenceCall' && root.stepType !== 'WATS_SeqCall') {
        rc.error('CONVERT_ERR_FORMAT', steps[0], `${path}/Step`, `the root step must be a SequenceCall, not ${String(root.stepType)}`);
      }
      report.root = root;
    } else {
      report.root = { id: 0, group: 'M', stepType: 'SequenceCall', name: 'MainSequence Callback', status: (result ?? 'P') as StepStatus, steps: [] };
      rc.warn('the report has no steps: an empty root sequence was added', el, path);
    }
    // As the server's WSJF does: the UUT names the first step that caused its failure.
    if (ids.causedFailure !== undefined) (report.uut as Json).stepIdCausedUUTFailure = ids.causedFailure;
    if (result === undefined) {
      report.result = ['F', 'E', 'T'].includes((report.root as Json).status as string) ? (report.root as Json).status : 'P';
      rc.warn(`Result missing: ${String(report.result)}, from the root step`, el, path);
    }
  } else {
    if (steps.length > 0) rc.unmappedChild(steps[0]!, path, 'is not part of a UUR report');
    if (result === undefined) rc.warn('Result missing: Passed', el, path);
  }
  return report as unknown as WsjfReport;
}
