import { obj, list, str, int, type Json } from '../../wsjf/json-read.js';
import type { WsjfReport } from '../../wsjf/validate-report.js';
import { numberText, statusWord, WSXF_NAMESPACE } from './wsxf-codes.js';
import { writeStep, type WsxfWriteOptions } from './wsxf-step-write.js';
import { renderXmlDocument, type XmlOut } from './xml-tree.js';

function commentChild(info: Json): XmlOut[] {
  return typeof info.comment === 'string' ? [{ name: 'Comment', text: info.comment }] : [];
}

function processElement(code: unknown, name: unknown): XmlOut {
  return { name: 'Process', attrs: { Code: int(code), Name: str(name) } };
}

function miscInfos(report: WsjfReport, opts: WsxfWriteOptions): XmlOut[] {
  return list(report.miscInfos).map((m, i) => {
    const numeric = typeof m.numeric === 'number' ? m.numeric : undefined;
    const text = str(m.text);
    return {
      name: 'MiscInfo',
      attrs: {
        Typedef: str(m.typedef) ?? '',
        Description: str(m.description),
        Numeric: numberText(numeric),
        Id: str(m.id),
        idx: opts.includeIndexes ? i : undefined,
        order_no: opts.includeIndexes ? i : undefined,
      },
      // A numeric misc info reads back as its text; write the text only when it says more.
      ...(text !== undefined && text !== '' && (numeric === undefined || text !== String(numeric)) ? { text } : {}),
    };
  });
}

function subUnits(report: WsjfReport): XmlOut[] {
  return list(report.subUnits).map((u) => ({
    name: 'ReportUnitHierarchy',
    attrs: {
      PartType: str(u.partType),
      PN: str(u.pn),
      SN: str(u.sn),
      Rev: str(u.rev),
      Idx: int(u.idx),
      ParentIDX: int(u.parentIdx),
      Position: int(u.position),
      ReplacedIDX: int(u.replacedIdx),
    },
  }));
}

function binary(item: Json, failIdx: number | undefined): XmlOut {
  const data = str(item.data);
  return {
    name: 'Binary',
    attrs: { FailIdx: failIdx },
    children: [
      {
        name: 'Data',
        attrs: {
          BinaryDataGUID: str(item.id),
          ContentType: str(item.contentType),
          FileName: str(item.name),
          size: data === undefined ? undefined : Buffer.from(data, 'base64').length,
        },
        ...(data ? { text: data } : {}),
      },
    ],
  };
}

/** UUR failures (numbered across sub units) and their attachments, then report binary data. */
function repairs(report: WsjfReport): XmlOut[] {
  const failures: XmlOut[] = [];
  const binaries: XmlOut[] = [];
  let failIdx = 0;
  for (const unit of list(report.subUnits)) {
    for (const f of list(unit.failures)) {
      failures.push({
        name: 'Failures',
        attrs: {
          Idx: failIdx,
          PartIdx: int(unit.idx) ?? 0,
          Category: str(f.category),
          Code: str(f.code),
          Comment: str(f.comment),
          CompRef: str(f.comRef),
          FunctionBlock: str(f.funcBlock),
          StepID: int(f.refStepId),
          ArticleNumber: str(f.artNumber),
          ArticleRevision: str(f.artRev),
          ArticleVendor: str(f.artVendor),
          ArticleDescription: str(f.artDescription),
        },
      });
      for (const a of list(f.attachments)) binaries.push(binary(a, failIdx));
      failIdx++;
    }
  }
  for (const b of list(report.binaryData)) binaries.push(binary(b, int(b.failIdx)));
  return [...failures, ...binaries];
}

/**
 * Renders a stored report (received as WSJF or WSXF) as a WSXF document in the WSXF namespace:
 * the inverse of `readWsxf`, so a report fetched as WSXF can be posted again unchanged.
 */
export function writeWsxf(report: WsjfReport, opts: WsxfWriteOptions): string {
  const isUut = report.type === 'T';
  const info = obj(isUut ? report.uut : report.uur) ?? {};
  const children: XmlOut[] = [];
  if (isUut) {
    children.push({
      name: 'UUT',
      attrs: {
        UserLoginName: str(info.user),
        BatchSN: str(info.batchSN),
        ExecutionTime: numberText(info.execTime),
        FixtureId: str(info.fixtureId),
        TestSocketIndex: int(info.testSocketIndex),
        ErrorCode: int(info.errorCode),
        ErrorMessage: str(info.errorMessage),
        BatchFailCount: int(info.batchFailCount),
        BatchLoopIndex: int(info.batchLoopIndex),
      },
      children: commentChild(info),
    });
  } else {
    children.push({
      name: 'UUR',
      attrs: {
        UserLoginName: str(info.user),
        ExecutionTime: numberText(info.execTime),
        ConfirmDate: str(info.confirmDate),
        FinalizeDate: str(info.finalizeDate),
        ReferencedUUT: str(info.refUUT),
        Parent: str(info.parent),
        Active: typeof info.active === 'boolean' ? String(info.active) : undefined,
      },
      children: [...commentChild(info), processElement(info.processCode, info.processName)],
    });
  }
  children.push(processElement(report.processCode, report.processName));
  children.push(...miscInfos(report, opts), ...subUnits(report));
  for (const a of list(report.assets)) children.push({ name: 'Asset', attrs: { AssetSN: str(a.sn), UsageCount: int(a.usageCount) } });
  if (!isUut) children.push(...repairs(report));
  const root = obj(report.root);
  if (isUut && root) children.push(writeStep(root, 1, opts));
  return renderXmlDocument({
    name: 'Reports',
    attrs: { xmlns: WSXF_NAMESPACE },
    children: [
      {
        name: 'Report',
        attrs: {
          type: isUut ? 'UUT' : 'UUR',
          ID: str(report.id),
          Start_utc: str(report.startUTC),
          Start: str(report.start),
          Result: statusWord(report.result),
          SN: str(report.sn),
          PN: str(report.pn),
          Rev: str(report.rev),
          origin: str(report.origin),
          MachineName: str(report.machineName),
          Location: str(report.location),
          Purpose: str(report.purpose),
        },
        children,
      },
    ],
  });
}
