import { HttpError } from '../../errors.js';
import { canonicalGuid, isGuid } from '../../guid.js';

/** Ticket status flags (`Ticket.status`). */
export const STATUS_NAMES: Record<number, string> = {
  1: 'Open',
  2: 'InProgress',
  4: 'OnHold',
  8: 'Solved',
  16: 'Closed',
  32: 'Archived',
};

/** `Ticket.priority`. */
export const PRIORITY_NAMES: Record<number, string> = { 0: 'Low', 1: 'Medium', 2: 'High' };

export interface Tag {
  key: string;
  value?: string;
  change?: number;
}

export interface AttachmentRef {
  attachmentId: string;
  filename?: string;
}

/** `Update`: one entry of a ticket's history. */
export interface TicketUpdate {
  updateId: string;
  updateUtc: string;
  updateUser: string;
  content?: string;
  /** 0 content (text), 1 progress changed, 2 properties (assignee, status…), 3 notification. */
  updateType: 0 | 1 | 2 | 3;
  attachments?: AttachmentRef[];
}

/** The fields a client may set on a ticket, as checked from a request body. */
export interface TicketInput {
  ticketId?: string;
  subject?: string;
  status?: number;
  priority?: number;
  assignee?: string;
  team?: string;
  progress?: string;
  origin?: string;
  reportUuid?: string;
  tags?: Tag[];
  /** `update.content` / `update.attachments`: a comment (and files) to add to the history. */
  comment?: { content?: string; attachments: AttachmentRef[] };
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(body: Json, field: string, problems: string[]): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    problems.push(`${field}: must be a string`);
    return undefined;
  }
  return v;
}

function optionalEnum(body: Json, field: string, names: Record<number, string>, problems: string[]): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || names[v] === undefined) {
    problems.push(`${field}: must be one of ${Object.keys(names).join(', ')}`);
    return undefined;
  }
  return v;
}

function checkTags(v: unknown, problems: string[]): Tag[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) {
    problems.push('tags: must be an array of {key, value}');
    return undefined;
  }
  const tags: Tag[] = [];
  v.forEach((t, i) => {
    if (!isObject(t) || typeof t.key !== 'string' || t.key === '') {
      problems.push(`tags[${i}].key: must be a non-empty string`);
      return;
    }
    const tag: Tag = { key: t.key };
    if (typeof t.value === 'string') tag.value = t.value;
    tags.push(tag);
  });
  return tags;
}

function checkComment(v: unknown, problems: string[]): TicketInput['comment'] {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) {
    problems.push('update: must be an object');
    return undefined;
  }
  const attachments: AttachmentRef[] = [];
  if (v.attachments !== undefined && v.attachments !== null) {
    if (!Array.isArray(v.attachments)) problems.push('update.attachments: must be an array');
    else {
      v.attachments.forEach((a, i) => {
        if (!isObject(a) || !isGuid(a.attachmentId)) problems.push(`update.attachments[${i}].attachmentId: must be a GUID`);
        else attachments.push({ attachmentId: canonicalGuid(a.attachmentId), ...(typeof a.filename === 'string' ? { filename: a.filename } : {}) });
      });
    }
  }
  const content = typeof v.content === 'string' && v.content !== '' ? v.content : undefined;
  if (v.content !== undefined && v.content !== null && typeof v.content !== 'string') problems.push('update.content: must be a string');
  if (content === undefined && attachments.length === 0) return undefined;
  return { ...(content !== undefined ? { content } : {}), attachments };
}

/** Checks a `Ticket` request body (POST or PUT); 400 naming every bad field. */
export function parseTicketInput(body: unknown): TicketInput {
  if (!isObject(body)) throw new HttpError(400, 'The request body must be a Ticket object.');
  const problems: string[] = [];
  const input: TicketInput = {};
  if (body.ticketId !== undefined && body.ticketId !== null) {
    if (!isGuid(body.ticketId)) problems.push('ticketId: must be a GUID');
    else input.ticketId = canonicalGuid(body.ticketId);
  }
  if (body.reportUuid !== undefined && body.reportUuid !== null) {
    if (!isGuid(body.reportUuid)) problems.push('reportUuid: must be a GUID');
    else input.reportUuid = canonicalGuid(body.reportUuid);
  }
  for (const field of ['subject', 'assignee', 'team', 'progress', 'origin'] as const) {
    const v = optionalString(body, field, problems);
    if (v !== undefined) input[field] = v;
  }
  const status = optionalEnum(body, 'status', STATUS_NAMES, problems);
  if (status !== undefined) input.status = status;
  const priority = optionalEnum(body, 'priority', PRIORITY_NAMES, problems);
  if (priority !== undefined) input.priority = priority;
  const tags = checkTags(body.tags, problems);
  if (tags) input.tags = tags;
  const comment = checkComment(body.update, problems);
  if (comment) input.comment = comment;
  if (problems.length > 0) throw new HttpError(400, problems.join('; '));
  return input;
}

/** "a → b" for a history entry; empty values read "(none)". */
export function change(field: string, from: string | undefined, to: string | undefined): string {
  return `${field}: ${from || '(none)'} → ${to || '(none)'}`;
}

export function tagsText(tags: Tag[] | undefined): string {
  return (tags ?? []).map((t) => (t.value ? `${t.key}=${t.value}` : t.key)).join(', ');
}
