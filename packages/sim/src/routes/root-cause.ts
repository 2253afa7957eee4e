import { callerName } from '../domains/auth/caller.js';
import { contentDisposition, readAttachment, storeUpload } from '../domains/root-cause/attachments.js';
import { parseTicketInput } from '../domains/root-cause/ticket-input.js';
import { archiveTickets, createTicket, getTicket, listTickets, updateTicket } from '../domains/root-cause/tickets.js';
import { jsonBody, type RouteDefinition } from './route-types.js';

/** `POST /api/RootCause/Ticket`: create; the server assigns id, number, owner and dates. */
const postTicket: RouteDefinition = {
  method: 'POST',
  operationId: 'RootCause_PostTicket',
  handle: async (ctx) => ({ body: await createTicket(ctx.sim, parseTicketInput(jsonBody(ctx)), callerName(ctx.request)) }),
};

/** `PUT /api/RootCause/Ticket`: change the fields given; the history records each change. */
const putTicket: RouteDefinition = {
  method: 'PUT',
  operationId: 'RootCause_PutTicket',
  handle: async (ctx) => ({ body: await updateTicket(ctx.sim, parseTicketInput(jsonBody(ctx)), callerName(ctx.request)) }),
};

/** `GET /api/RootCause/Ticket?ticketId=`. */
const getOne: RouteDefinition = {
  method: 'GET',
  operationId: 'RootCause_GetTicket',
  handle: (ctx) => ({ body: getTicket(ctx.sim, ctx.params.query.ticketId as string) }),
};

/** `GET /api/RootCause/Tickets?status=&view=[&searchString=]`. */
const getMany: RouteDefinition = {
  method: 'GET',
  operationId: 'RootCause_GetTickets',
  handle(ctx) {
    const q = ctx.params.query;
    const query = { status: q.status as number, view: q.view as number, user: callerName(ctx.request) };
    const searchString = q.searchString as string | undefined;
    return { body: listTickets(ctx.sim, searchString === undefined ? query : { ...query, searchString }) };
  },
};

/** `POST /api/RootCause/ArchiveTickets`: body is a list of ticket ids; only Solved tickets. */
const archive: RouteDefinition = {
  method: 'POST',
  operationId: 'RootCause_ArchiveTickets',
  handle: async (ctx) => ({ body: await archiveTickets(ctx.sim, jsonBody(ctx), callerName(ctx.request)) }),
};

/** `POST /api/RootCause/Attachment`: multipart upload; answers the new attachment id (a JSON string). */
const upload: RouteDefinition = {
  method: 'POST',
  operationId: 'RootCause_PostAttachment',
  async handle(ctx) {
    const type = ctx.request.headers['content-type'];
    return { body: await storeUpload(ctx.sim, ctx.body, type, callerName(ctx.request)) };
  },
};

/**
 * `GET /api/RootCause/Attachment?attachmentId=[&fileName=]`: the file's bytes with its type;
 * with `fileName` it is offered as a download under that name, else shown inline.
 */
const download: RouteDefinition = {
  method: 'GET',
  operationId: 'RootCause_GetAttachment',
  handle(ctx) {
    const file = readAttachment(ctx.sim, ctx.params.query.attachmentId as string);
    const asked = ctx.params.query.fileName as string | undefined;
    return {
      raw: file.bytes,
      contentType: file.contentType,
      headers: { 'content-disposition': contentDisposition(asked || file.fileName, asked !== undefined && asked !== '') },
    };
  },
};

export const rootCauseRoutes: RouteDefinition[] = [postTicket, putTicket, getOne, getMany, archive, upload, download];
