import { randomUUID } from 'node:crypto';
import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { canonicalGuid } from '../../guid.js';
import { attachmentFileName } from './attachments.js';
import {
  change,
  PRIORITY_NAMES,
  STATUS_NAMES,
  tagsText,
  type AttachmentRef,
  type Tag,
  type TicketInput,
  type TicketUpdate,
} from './ticket-input.js';

/** A stored ticket: the `Ticket` schema without the write-only `update`. */
export interface Ticket {
  ticketId: string;
  ticketNumber: number;
  subject: string;
  status: number;
  priority: number;
  owner: string;
  assignee?: string;
  team?: string;
  progress?: string;
  origin?: string;
  reportUuid?: string;
  createdUtc: string;
  updatedUtc: string;
  tags: Tag[];
  history: TicketUpdate[];
}

interface TicketState {
  nextNumber: number;
  tickets: Record<string, Ticket>;
}

const STATE = 'root-cause';
const OPEN = 1;
const SOLVED = 8;
const ARCHIVED = 32;

function state(sim: SimContext): TicketState {
  return sim.state.get<TicketState>(STATE, () => ({ nextNumber: 1, tickets: {} }));
}

function copy(t: Ticket): Ticket {
  return structuredClone(t);
}

function entry(user: string, now: string, updateType: TicketUpdate['updateType'], content?: string, attachments?: AttachmentRef[]): TicketUpdate {
  const u: TicketUpdate = { updateId: randomUUID(), updateUtc: now, updateUser: user, updateType };
  if (content !== undefined) u.content = content;
  if (attachments && attachments.length > 0) u.attachments = attachments;
  return u;
}

/** Attachment references must name uploaded files; a missing `filename` is filled in. */
function resolveAttachments(sim: SimContext, refs: AttachmentRef[]): AttachmentRef[] {
  return refs.map((ref) => {
    const name = attachmentFileName(sim, ref.attachmentId);
    if (name === undefined) {
      throw new HttpError(400, `update.attachments: attachment '${ref.attachmentId}' was not uploaded (POST /api/RootCause/Attachment first).`);
    }
    return { attachmentId: ref.attachmentId, filename: ref.filename ?? name };
  });
}

function commentEntry(sim: SimContext, input: TicketInput, user: string, now: string): TicketUpdate | undefined {
  if (!input.comment) return undefined;
  return entry(user, now, 0, input.comment.content, resolveAttachments(sim, input.comment.attachments));
}

/** `POST /api/RootCause/Ticket`: a new ticket owned by the caller; `update` becomes the first history entry. */
export async function createTicket(sim: SimContext, input: TicketInput, user: string): Promise<Ticket> {
  if (!input.subject || input.subject.trim() === '') throw new HttpError(400, 'subject: a ticket needs a subject');
  if (input.status === ARCHIVED) throw new HttpError(400, 'status: a new ticket cannot be archived');
  const s = state(sim);
  const now = new Date().toISOString();
  const ticket: Ticket = {
    ticketId: randomUUID(),
    ticketNumber: s.nextNumber,
    subject: input.subject,
    status: input.status ?? OPEN,
    priority: input.priority ?? 1,
    owner: user,
    createdUtc: now,
    updatedUtc: now,
    tags: input.tags ?? [],
    history: [],
  };
  for (const f of ['assignee', 'team', 'progress', 'origin', 'reportUuid'] as const) {
    if (input[f] !== undefined) ticket[f] = input[f];
  }
  const first = commentEntry(sim, input, user, now);
  if (first) ticket.history.push(first);
  s.nextNumber++;
  s.tickets[ticket.ticketId] = ticket;
  await sim.state.save(STATE);
  return copy(ticket);
}

function find(sim: SimContext, ticketId: string): Ticket {
  const t = state(sim).tickets[canonicalGuid(ticketId)];
  if (!t) throw new HttpError(404, `Ticket '${ticketId}' was not found.`);
  return t;
}

export function getTicket(sim: SimContext, ticketId: string): Ticket {
  return copy(find(sim, ticketId));
}

/**
 * `PUT /api/RootCause/Ticket`: changes the fields present in the body and records what changed
 * in the history (progress → type 1, other properties → type 2, `update` → type 0). Archived
 * tickets are read-only, and archiving goes through `ArchiveTickets`.
 */
export async function updateTicket(sim: SimContext, input: TicketInput, user: string): Promise<Ticket> {
  if (!input.ticketId) throw new HttpError(400, 'ticketId: required to update a ticket');
  const t = find(sim, input.ticketId);
  if (t.status === ARCHIVED) throw new HttpError(400, `Ticket ${t.ticketNumber} is archived and cannot be changed.`);
  if (input.status === ARCHIVED) throw new HttpError(400, 'status: use ArchiveTickets to archive a solved ticket');
  if (input.subject !== undefined && input.subject.trim() === '') throw new HttpError(400, 'subject: must not be empty');
  const now = new Date().toISOString();
  const updates: TicketUpdate[] = [];
  const comment = commentEntry(sim, input, user, now);
  if (comment) updates.push(comment);
  if (input.progress !== undefined && input.progress !== (t.progress ?? '')) {
    updates.push(entry(user, now, 1, input.progress));
  }
  const changes: string[] = [];
  const text = (field: 'subject' | 'assignee' | 'team' | 'origin' | 'reportUuid') => {
    if (input[field] !== undefined && input[field] !== (t[field] ?? '')) changes.push(change(field, t[field], input[field]));
  };
  text('subject');
  if (input.status !== undefined && input.status !== t.status) changes.push(change('status', STATUS_NAMES[t.status], STATUS_NAMES[input.status]));
  if (input.priority !== undefined && input.priority !== t.priority) {
    changes.push(change('priority', PRIORITY_NAMES[t.priority], PRIORITY_NAMES[input.priority]));
  }
  text('assignee');
  text('team');
  text('origin');
  text('reportUuid');
  if (input.tags !== undefined && tagsText(input.tags) !== tagsText(t.tags)) changes.push(change('tags', tagsText(t.tags), tagsText(input.tags)));
  if (changes.length > 0) updates.push(entry(user, now, 2, changes.join('; ')));
  if (updates.length === 0) return copy(t);

  for (const f of ['subject', 'assignee', 'team', 'progress', 'origin', 'reportUuid'] as const) {
    const v = input[f];
    if (v === undefined) continue;
    // An empty string clears an optional field.
    if (v === '' && f !== 'subject') delete t[f];
    else t[f] = v;
  }
  if (input.status !== undefined) t.status = input.status;
  if (input.priority !== undefined) t.priority = input.priority;
  if (input.tags !== undefined) t.tags = input.tags;
  t.history.push(...updates);
  t.updatedUtc = now;
  await sim.state.save(STATE);
  return copy(t);
}

export interface TicketListQuery {
  status: number;
  /** 0 assigned to the caller, 1 followed by the caller, 2 all. */
  view: number;
  searchString?: string;
  user: string;
}

function follows(t: Ticket, user: string): boolean {
  const u = user.toLowerCase();
  return (
    t.owner.toLowerCase() === u ||
    (t.assignee ?? '').toLowerCase() === u ||
    t.history.some((h) => h.updateUser.toLowerCase() === u)
  );
}

/**
 * `GET /api/RootCause/Tickets`: tickets with the status flag, seen from `view`: 0 those
 * assigned to the caller, 1 those the caller follows (owns, is assigned, or updated), 2 all.
 * `searchString` matches subject, tag keys or tag values (ignoring case).
 */
export function listTickets(sim: SimContext, q: TicketListQuery): Ticket[] {
  const needle = q.searchString?.trim().toLowerCase();
  return Object.values(state(sim).tickets)
    .filter((t) => (t.status & q.status) !== 0)
    .filter((t) => q.view === 2 || (q.view === 0 ? (t.assignee ?? '').toLowerCase() === q.user.toLowerCase() : follows(t, q.user)))
    .filter(
      (t) =>
        !needle ||
        t.subject.toLowerCase().includes(needle) ||
        t.tags.some((tag) => tag.key.toLowerCase().includes(needle) || (tag.value ?? '').toLowerCase().includes(needle)),
    )
    .sort((a, b) => a.ticketNumber - b.ticketNumber)
    .map(copy);
}

/**
 * `POST /api/RootCause/ArchiveTickets`: archives solved tickets, all or none (404 for an unknown
 * id, 400 naming the tickets that are not Solved). Answers the last ticket archived, as the
 * spec's single-Ticket response allows.
 */
export async function archiveTickets(sim: SimContext, ids: unknown, user: string): Promise<Ticket> {
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
    throw new HttpError(400, 'The request body must be a non-empty array of ticket ids.');
  }
  const found = (ids as string[]).map((id) => {
    try {
      return find(sim, id);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, `'${id}' is not a GUID.`);
    }
  });
  const tickets = [...new Set(found)];
  const notSolved = tickets.filter((t) => t.status !== SOLVED);
  if (notSolved.length > 0) {
    const list = notSolved.map((t) => `${t.ticketNumber} (${STATUS_NAMES[t.status]})`).join(', ');
    throw new HttpError(400, `Only Solved tickets can be archived; not solved: ${list}.`);
  }
  const now = new Date().toISOString();
  for (const t of tickets) {
    t.history.push(entry(user, now, 2, change('status', STATUS_NAMES[t.status], STATUS_NAMES[ARCHIVED])));
    t.status = ARCHIVED;
    t.updatedUtc = now;
  }
  await sim.state.save(STATE);
  return copy(tickets[tickets.length - 1]!);
}
