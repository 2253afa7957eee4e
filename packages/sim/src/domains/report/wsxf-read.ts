import { randomUUID } from 'node:crypto';
import { canonicalGuid, isGuid } from '../../guid.js';
import { BUILT_IN_PROCESSES } from '../../processes.js';
import type { WsjfReport } from '../../wsjf/validate-report.js';
import {
  boolAttr,
  defined,
  fail,
  intAttr,
  numberAttr,
  statusLetter,
  stringAttr,
  WSXF_NAMESPACE,
  type XmlPath,
} from './wsxf-codes.js';
import { readStep, StepIds } from './wsxf-step-read.js';
import { childNamed, childrenNamed, parseXmlDocument, type XmlElement } from './xml-tree.js';

type Json = Record<string, unknown>;

function required(el: XmlElement, name: string, path: XmlPath): string {
  const value = el.attrs[name]?.trim();
  return value ? value : fail(path, `${name} is required`);
}

function commentOf(el: XmlElement): string | undefined {
  return childNamed(el, 'Comment')?.text ?? stringAttr(el, 'Comment');
}

/** `<Process Code Name>`: a name alone is looked up among the processes the simulator knows. */
function readProcess(el: XmlElement | undefined, path: XmlPath): { code: number; name?: string } {
  if (!el) return fail(path, 'the Process element is required');
  const code = intAttr(el, 'Code', `${path}/Process`);
  const name = stringAttr(el, 'Name') || undefined;
  if (code !== undefined) return name === undefined ? { code } : { code, name };
  const known = name && BUILT_IN_PROCESSES.find((p) => p.name.toLowerCase() === name.toLowerCase());
  return known ? { code: known.code, name: known.name } : fail(`${path}/Process`, `Code is required (no process is named '${name ?? ''}')`);
}

function readMiscInfo(el: XmlElement, path: XmlPath): Json {
  const numeric = numberAttr(el, 'Numeric', path);
  const text = el.text !== '' ? el.text : numeric !== undefined ? String(numeric) : undefined;
  return defined({
    description: required(el, 'Description', path),
    text,
    numeric,
    typedef: stringAttr(el, 'Typedef') || undefined,
    id: stringAttr(el, 'Id') || undefined,
  });
}

function readSubUnit(el: XmlElement, path: XmlPath): Json {
  return defined({
    partType: stringAttr(el, 'PartType'),
    pn: required(el, 'PN', path),
    rev: stringAttr(el, 'Rev'),
    sn: stringAttr(el, 'SN') ?? '',
    idx: intAttr(el, 'Idx', path),
    parentIdx: intAttr(el, 'ParentIDX', path),
    position: intAttr(el, 'Position', path),
    replacedIdx: intAttr(el, 'ReplacedIDX', path),
  });
}

function readUut(el: XmlElement, path: XmlPath): Json {
  return defined({
    execTime: numberAttr(el, 'ExecutionTime', path),
    testSocketIndex: intAttr(el, 'TestSocketIndex', path),
    batchSN: stringAttr(el, 'BatchSN'),
    comment: commentOf(el),
    errorCode: intAttr(el, 'ErrorCode', path),
    errorMessage: stringAttr(el, 'ErrorMessage'),
    fixtureId: stringAttr(el, 'FixtureId'),
    user: stringAttr(el, 'UserLoginName'),
    batchFailCount: intAttr(el, 'BatchFailCount', path),
    batchLoopIndex: intAttr(el, 'BatchLoopIndex', path),
  });
}

function readUur(el: XmlElement, path: XmlPath): Json {
  const process = readProcess(childNamed(el, 'Process'), path);
  const ref = stringAttr(el, 'ReferencedUUT');
  if (ref && !isGuid(ref)) fail(path, 'ReferencedUUT must be a report id (GUID)');
  return defined({
    comment: commentOf(el),
    user: stringAttr(el, 'UserLoginName'),
    processCode: process.code,
    processName: process.name,
    refUUT: ref ? canonicalGuid(ref) : undefined,
    confirmDate: stringAttr(el, 'ConfirmDate'),
    finalizeDate: stringAttr(el, 'FinalizeDate'),
    execTime: numberAttr(el, 'ExecutionTime', path),
    parent: stringAttr(el, 'Parent') || undefined,
    active: boolAttr(el, 'Active', path),
  });
}

/** UUR `Failures` go to their sub unit (`PartIdx`); `Binary` data to its failure (`FailIdx`) or the report. */
function readRepairs(report: Json, el: XmlElement, path: XmlPath): void {
  const units = report.subUnits as Json[];
  const byFailIdx = new Map<number, Json>();
  childrenNamed(el, 'Failures', 'Failure').forEach((f, i) => {
    const here = `${path}/Failures[${i}]`;
    const partIdx = intAttr(f, 'PartIdx', here) ?? 0;
    const unit = units.find((u) => (u.idx ?? 0) === partIdx) ?? fail(here, `PartIdx ${partIdx} names no ReportUnitHierarchy Idx`);
    const failure = defined({
      category: required(f, 'Category', here),
      code: required(f, 'Code', here),
      comment: commentOf(f),
      comRef: stringAttr(f, 'CompRef'),
      funcBlock: stringAttr(f, 'FunctionBlock'),
      refStepId: intAttr(f, 'StepID', here),
      artNumber: stringAttr(f, 'ArticleNumber'),
      artRev: stringAttr(f, 'ArticleRevision'),
      artVendor: stringAttr(f, 'ArticleVendor'),
      artDescription: stringAttr(f, 'ArticleDescription'),
    });
    ((unit.failures ??= []) as Json[]).push(failure);
    byFailIdx.set(intAttr(f, 'Idx', here) ?? i, failure);
  });
  childrenNamed(el, 'Binary').forEach((b, i) => {
    const here = `${path}/Binary[${i}]`;
    const data = childNamed(b, 'Data') ?? fail(here, 'the Data element is required');
    const guid = stringAttr(data, 'BinaryDataGUID');
    if (guid && !isGuid(guid)) fail(here, 'BinaryDataGUID is not a GUID');
    const item = defined({
      contentType: stringAttr(data, 'ContentType') ?? 'application/octet-stream',
      data: data.text.replace(/\s+/g, ''),
      name: stringAttr(data, 'FileName') ?? fail(here, 'FileName is required'),
      id: guid ? canonicalGuid(guid) : undefined,
    });
    const failIdx = intAttr(b, 'FailIdx', here);
    if (failIdx === undefined) {
      ((report.binaryData ??= []) as Json[]).push(item);
    } else {
      const failure = byFailIdx.get(failIdx) ?? fail(here, `FailIdx ${failIdx} names no Failures Idx`);
      ((failure.attachments ??= []) as Json[]).push(item);
    }
  });
}

/** One WSXF `Report` element as a WSJF report (the model `POST /api/Report/WSJF` stores). */
function readReport(el: XmlElement, path: XmlPath): WsjfReport {
  const typeWord = required(el, 'type', path).toUpperCase();
  if (typeWord !== 'UUT' && typeWord !== 'UUR') fail(path, `type '${el.attrs.type}' is not UUT or UUR`);
  const isUut = typeWord === 'UUT';
  const idText = stringAttr(el, 'ID');
  if (idText && !isGuid(idText)) fail(path, `ID '${idText}' is not a GUID`);
  const start = stringAttr(el, 'Start');
  const startUtc = stringAttr(el, 'Start_utc');
  if (!start && !startUtc) fail(path, 'Start or Start_utc is required');
  const process = readProcess(childNamed(el, 'Process'), path);
  const report: Json = defined({
    type: isUut ? 'T' : 'R',
    id: idText ? canonicalGuid(idText) : randomUUID(),
    pn: required(el, 'PN', path),
    sn: required(el, 'SN', path),
    rev: required(el, 'Rev', path),
    processCode: process.code,
    processName: process.name,
    result: statusLetter(required(el, 'Result', path), path, 'Result'),
    machineName: stringAttr(el, 'MachineName'),
    location: stringAttr(el, 'Location'),
    purpose: stringAttr(el, 'Purpose'),
    origin: stringAttr(el, 'origin'),
    start: start || undefined,
    startUTC: startUtc || undefined,
  });
  if (report.result === 'S') fail(path, "Result 'Skipped' is not a report result");
  const info = childNamed(el, isUut ? 'UUT' : 'UUR') ?? fail(path, `the ${isUut ? 'UUT' : 'UUR'} element is required`);
  report[isUut ? 'uut' : 'uur'] = isUut ? readUut(info, `${path}/UUT`) : readUur(info, `${path}/UUR`);
  report.miscInfos = childrenNamed(el, 'MiscInfo').map((m, i) => readMiscInfo(m, `${path}/MiscInfo[${i}]`));
  report.subUnits = childrenNamed(el, 'ReportUnitHierarchy').map((u, i) => readSubUnit(u, `${path}/ReportUnitHierarchy[${i}]`));
  const assets = childrenNamed(el, 'Asset');
  if (assets.length > 0) {
    report.assets = assets.map((a, i) =>
      defined({ sn: required(a, 'AssetSN', `${path}/Asset[${i}]`), usageCount: intAttr(a, 'UsageCount', `${path}/Asset[${i}]`) }),
    );
  }
  if (!isUut) readRepairs(report, el, path);
  const steps = childrenNamed(el, 'Step');
  if (isUut) {
    if (steps.length > 1) fail(path, `has ${steps.length} root steps; expected 1`);
    // A report may carry only its header; the stored model still needs a root sequence.
    const ids = new StepIds(path);
    report.root = steps[0]
      ? readStep(steps[0], `${path}/Step`, ids)
      : { id: 0, group: 'M', stepType: 'SequenceCall', name: 'MainSequence Callback', status: report.result, steps: [] };
    // As the server's WSJF does: the UUT names the step that caused its failure.
    if (ids.causedFailure !== undefined) (report.uut as Json).stepIdCausedUUTFailure = ids.causedFailure;
  } else if (steps.length > 0) {
    fail(path, 'a UUR report has no steps');
  }
  return report;
}

/**
 * Reads a WSXF document (`<Reports xmlns="http://wats.virinco.com/schemas/WATS/Report/wsxf">`
 * with one or more `Report` elements) into WSJF reports. Every problem is a 400 naming where
 * it is, e.g. `WSXF Report[0]/Step[Id=6]/NumericLimit[0]: NumericValue 'x' is not a number`.
 */
export function readWsxf(xml: string): WsjfReport[] {
  const root = parseXmlDocument(xml);
  if (root.namespace !== WSXF_NAMESPACE) {
    fail(root.name, `the document is not in the WSXF namespace '${WSXF_NAMESPACE}' (found '${root.namespace ?? 'none'}')`);
  }
  const elements = root.name === 'Reports' ? childrenNamed(root, 'Report') : root.name === 'Report' ? [root] : [];
  if (elements.length === 0) fail(root.name, 'expected a Reports element with at least one Report');
  return elements.map((el, i) => readReport(el, `Report[${i}]`));
}
