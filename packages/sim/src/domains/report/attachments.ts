import { obj, list, type Json } from '../../wsjf/json-read.js';
import { canonicalGuid, derivedGuid, isGuid } from '../../guid.js';
import { HttpError } from '../../errors.js';
import type { WsjfReport } from '../../wsjf/validate-report.js';

/** A file attached to a stored report, wherever in the report it sits. */
export interface ReportAttachment {
  /** `step`: a `WATS_AttachFile` step's `attachment`; `binary`: report `binaryData` or a UUR failure's attachment. */
  kind: 'step' | 'binary';
  /** The step id (`stepId` of `GET /api/Report/Attachment`), for step attachments. */
  stepId?: number;
  /** The attachment id (`attachmentId`), for binary data: the one sent, or a stable derived one. */
  id?: string;
  name: string;
  contentType: string;
  /** Base64 as stored; absent when the report carried only the attachment's metadata. */
  data?: string;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Step attachments, depth-first in document order. */
export function stepAttachments(report: WsjfReport): ReportAttachment[] {
  const found: ReportAttachment[] = [];
  const stack: unknown[] = [report.root];
  while (stack.length > 0) {
    const step = obj(stack.pop());
    if (!step) continue;
    const att = obj(step.attachment);
    if (att && typeof step.id === 'number') {
      const entry: ReportAttachment = {
        kind: 'step',
        stepId: step.id,
        name: text(att.name) ?? `step-${step.id}`,
        contentType: text(att.contentType) ?? 'application/octet-stream',
      };
      if (typeof att.data === 'string') entry.data = att.data;
      found.push(entry);
    }
    const children = Array.isArray(step.steps) ? step.steps : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return found;
}

/**
 * Report `binaryData` followed by the attachments of UUR failures (sub units in order), with
 * the ids the header query shows in `uurAttachments`: the id sent with the attachment, else
 * one derived from the report id and the position (the real server assigns its own).
 */
export function binaryAttachments(report: WsjfReport, reportId: string): ReportAttachment[] {
  const raw: Json[] = [...list(report.binaryData)];
  for (const unit of list(report.subUnits)) {
    for (const failure of list(unit.failures)) raw.push(...list(failure.attachments));
  }
  return raw.map((a, i) => {
    const id = isGuid(a.id) ? canonicalGuid(a.id) : derivedGuid(`${reportId}/attachment/${i}`);
    const entry: ReportAttachment = {
      kind: 'binary',
      id,
      name: text(a.name) ?? id,
      contentType: text(a.contentType) ?? 'application/octet-stream',
    };
    if (typeof a.data === 'string') entry.data = a.data;
    return entry;
  });
}

/** Every attachment of a report: step attachments first, then binary data. */
export function allAttachments(report: WsjfReport, reportId: string): ReportAttachment[] {
  return [...stepAttachments(report), ...binaryAttachments(report, reportId)];
}

/** What `GET /api/Report/Attachment` looks for. */
export interface AttachmentRef {
  attachmentId?: string;
  stepId?: number;
}

/**
 * One attachment by attachment id (binary data, UUR) or step id (step attachment, UUT);
 * 400 when neither or both are given, 404 when the report has no such attachment.
 */
export function findAttachment(report: WsjfReport, reportId: string, ref: AttachmentRef): ReportAttachment {
  if (ref.attachmentId === undefined && ref.stepId === undefined) {
    throw new HttpError(400, 'Give either attachmentId (repair report) or stepId (test report).');
  }
  if (ref.attachmentId !== undefined && ref.stepId !== undefined) {
    throw new HttpError(400, 'Give attachmentId or stepId, not both.');
  }
  let found: ReportAttachment | undefined;
  if (ref.attachmentId !== undefined) {
    const wanted = canonicalGuid(ref.attachmentId);
    found = binaryAttachments(report, reportId).find((a) => a.id === wanted);
    if (!found) throw new HttpError(404, `Report '${reportId}' has no attachment with id '${wanted}'.`);
  } else {
    found = stepAttachments(report).find((a) => a.stepId === ref.stepId);
    if (!found) throw new HttpError(404, `Report '${reportId}' has no attachment on step ${ref.stepId}.`);
  }
  if (found.data === undefined) {
    throw new HttpError(404, `The attachment '${found.name}' of report '${reportId}' was received without data.`);
  }
  return found;
}
