import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError } from '@tswats/sdk';
import { clientFor, testSim } from '../helpers.js';

// Wire values of the spec's enums (TicketStatus, TicketPriority, TicketView, TicketUpdateType).
const OPEN = 1;
const IN_PROGRESS = 2;
const SOLVED = 8;
const ARCHIVED = 32;
const VIEW_ASSIGNED = 0;
const VIEW_ALL = 2;

/** `base64("user:password")`, the shape of a WATS token. */
function tokenFor(user: string): string {
  return Buffer.from(`${user}:secret`).toString('base64');
}

describe('root cause tickets', () => {
  it('creates a ticket whose first comment starts the history, and reads it back', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { token: tokenFor('ola') });
    const reportUuid = '6a2c9c52-3c1e-4f57-9a3e-1f0f4d8d2b11';
    const created = await client.rootCause.createTicket({
      subject: 'Fixture 3 fails ICT on R12',
      priority: 2,
      assignee: 'kari',
      reportUuid,
      tags: [{ key: 'line', value: 'L2' }],
      update: { content: 'Seen on 4 boards since Monday' },
    });
    expect(created.ticketId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created).toMatchObject({
      ticketNumber: 1,
      subject: 'Fixture 3 fails ICT on R12',
      status: OPEN,
      priority: 2,
      owner: 'ola',
      assignee: 'kari',
      reportUuid,
      tags: [{ key: 'line', value: 'L2' }],
    });
    expect(created.history).toEqual([
      expect.objectContaining({ updateType: 0, updateUser: 'ola', content: 'Seen on 4 boards since Monday' }),
    ]);

    const back = await client.rootCause.getTicket(created.ticketId!);
    expect(back).toEqual(created);
    await expect(client.rootCause.getTicket('00000000-0000-0000-0000-000000000001')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps a history of every update: comments, progress and property changes', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { token: tokenFor('ola') });
    const t = await client.rootCause.createTicket({ subject: 'Drift on 5 V rail' });
    expect(t.history).toEqual([]);

    const later = await client.withOptions({ token: tokenFor('kari') }).rootCause.updateTicket({
      ticketId: t.ticketId!,
      status: IN_PROGRESS,
      assignee: 'kari',
      progress: 'Replaced the reference resistor',
      update: { content: 'Taking this one' },
    });
    expect(later.status).toBe(IN_PROGRESS);
    expect(later.assignee).toBe('kari');
    expect(later.progress).toBe('Replaced the reference resistor');
    expect(later.owner).toBe('ola');
    expect(later.history?.map((h) => [h.updateType, h.updateUser, h.content])).toEqual([
      [0, 'kari', 'Taking this one'],
      [1, 'kari', 'Replaced the reference resistor'],
      [2, 'kari', 'status: Open → InProgress; assignee: (none) → kari'],
    ]);
    expect(Date.parse(later.updatedUtc!)).toBeGreaterThanOrEqual(Date.parse(t.updatedUtc!));

    // An update that changes nothing adds nothing.
    const same = await client.rootCause.updateTicket({ ticketId: t.ticketId!, status: IN_PROGRESS });
    expect(same.history).toHaveLength(3);
    expect((await client.rootCause.getTicket(t.ticketId!)).history).toHaveLength(3);
  });

  it('uploads an attachment as multipart, links it to a ticket and downloads the same bytes (pyWATS crashed here)', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const bytes = new Uint8Array(2048).map((_, i) => (i * 7) % 256);
    const attachmentId = await client.rootCause.uploadAttachment(bytes, { fileName: 'scope-trace.png', contentType: 'image/png' });
    expect(attachmentId).toMatch(/^[0-9a-f-]{36}$/);

    const t = await client.rootCause.createTicket({
      subject: 'Ripple on output',
      update: { content: 'Scope trace attached', attachments: [{ attachmentId }] },
    });
    expect(t.history?.[0]?.attachments).toEqual([{ attachmentId, filename: 'scope-trace.png' }]);

    const back = await client.rootCause.downloadAttachment(attachmentId, { fileName: 'trace.png' });
    expect(back).toBeInstanceOf(Uint8Array);
    expect([...back]).toEqual([...bytes]);
    // Without fileName too (for inline display), and as a File with its own name and type.
    const file = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    const textId = await client.rootCause.uploadAttachment(file);
    expect(new TextDecoder().decode(await client.rootCause.downloadAttachment(textId))).toBe('hello');
    // An id that was never uploaded cannot be attached.
    await expect(
      client.rootCause.updateTicket({
        ticketId: t.ticketId!,
        update: { content: 'x', attachments: [{ attachmentId: '00000000-0000-0000-0000-000000000009' }] },
      }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });

  it('lists by status and view, searching subject and tags', async () => {
    const sim = await testSim();
    const ola = clientFor(sim, { token: tokenFor('ola') });
    const a = await ola.rootCause.createTicket({ subject: 'Solder bridges on U7', assignee: 'kari' });
    const b = await ola.rootCause.createTicket({ subject: 'Label misprint', tags: [{ key: 'area', value: 'packing' }] });
    await ola.rootCause.updateTicket({ ticketId: b.ticketId!, status: IN_PROGRESS });

    const all = await ola.rootCause.listTickets({ status: OPEN, view: VIEW_ALL });
    expect(all.map((t) => t.ticketId)).toEqual([a.ticketId]);
    const search = await ola.rootCause.listTickets({ status: IN_PROGRESS, view: VIEW_ALL, searchString: 'PACK' });
    expect(search.map((t) => t.ticketId)).toEqual([b.ticketId]);

    // Assigned view: what is assigned to the caller.
    const kari = clientFor(sim, { token: tokenFor('kari') });
    expect((await kari.rootCause.listTickets({ status: OPEN, view: VIEW_ASSIGNED })).map((t) => t.subject)).toEqual([
      'Solder bridges on U7',
    ]);
    expect(await ola.rootCause.listTickets({ status: OPEN, view: VIEW_ASSIGNED })).toEqual([]);
  });

  it('sends one request per status for several statuses, never a combined flag the spec forbids (pyWATS sent status=3)', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const a = await client.rootCause.createTicket({ subject: 'A' });
    const b = await client.rootCause.createTicket({ subject: 'B', status: IN_PROGRESS });
    await client.rootCause.createTicket({ subject: 'C', status: SOLVED });
    const active = await client.rootCause.listTickets({ status: [OPEN, IN_PROGRESS], view: VIEW_ALL });
    expect(active.map((t) => t.ticketId)).toEqual([a.ticketId, b.ticketId]);
    expect(sim.stats().byOperation.RootCause_GetTickets).toBe(2);
    // The afterEach hook checks that no request broke the spec (status must be a single flag).
  });

  it('archives solved tickets only, and archived tickets are read-only', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const t = await client.rootCause.createTicket({ subject: 'Wrong torque on screws' });
    await expect(client.rootCause.archiveTickets([t.ticketId!])).rejects.toThrow(/Only Solved tickets/);

    await client.rootCause.updateTicket({ ticketId: t.ticketId!, status: SOLVED, update: { content: 'Tool recalibrated' } });
    const archived = await client.rootCause.archiveTickets([t.ticketId!]);
    expect(archived.ticketId).toBe(t.ticketId);
    expect(archived.status).toBe(ARCHIVED);
    expect(archived.history?.at(-1)).toMatchObject({ updateType: 2, content: 'status: Solved → Archived' });
    expect(await client.rootCause.listTickets({ status: ARCHIVED, view: VIEW_ALL })).toHaveLength(1);
    await expect(client.rootCause.updateTicket({ ticketId: t.ticketId!, status: OPEN })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('keeps tickets and attachments across a simulator restart with a data directory', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = await mkdtemp(join(tmpdir(), 'tswats-rc-'));
    try {
      const first = await testSim({ dataDir });
      const id = await clientFor(first).rootCause.uploadAttachment(new Uint8Array([1, 2, 3]), { fileName: 'a.bin' });
      const t = await clientFor(first).rootCause.createTicket({ subject: 'Persist me', update: { attachments: [{ attachmentId: id }] } });
      await first.close();
      const second = await testSim({ dataDir });
      const client = clientFor(second);
      expect((await client.rootCause.getTicket(t.ticketId!)).subject).toBe('Persist me');
      expect([...(await client.rootCause.downloadAttachment(id))]).toEqual([1, 2, 3]);
      expect((await client.rootCause.createTicket({ subject: 'Next' })).ticketNumber).toBe(2);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
