import type { RequestOptions } from '../client.js';
import { APIResource } from '../core/resource.js';
import { WatsError } from '../core/errors.js';
import type { components } from '../generated/wats-api.js';

type Schemas = components['schemas'];

/** A root-cause ticket (`Ticket`). */
export type Ticket = Schemas['Virinco.WATS.Web.Models.RootCause.Ticket'];
/** One entry of a ticket's history, or the comment sent with a create/update (`Update`). */
export type TicketUpdate = Schemas['Virinco.WATS.Web.Models.RootCause.Update'];
/** A file attached to a ticket update (`Attachment`). */
export type TicketAttachment = Schemas['Virinco.WATS.Web.Models.RootCause.Attachment'];
/** A ticket tag (`Setting`: `key`, `value`). */
export type TicketTag = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Product.Setting'];

/** Ticket status flags (`Ticket.status`, `status` of `GET /api/RootCause/Tickets`). */
export const TicketStatus = { Open: 1, InProgress: 2, OnHold: 4, Solved: 8, Closed: 16, Archived: 32 } as const;
export type TicketStatus = (typeof TicketStatus)[keyof typeof TicketStatus];

/** `Ticket.priority`. */
export const TicketPriority = { Low: 0, Medium: 1, High: 2 } as const;
export type TicketPriority = (typeof TicketPriority)[keyof typeof TicketPriority];

/** `view` of `GET /api/RootCause/Tickets`. */
export const TicketView = { Assigned: 0, Following: 1, All: 2 } as const;
export type TicketView = (typeof TicketView)[keyof typeof TicketView];

/** `Update.updateType`. */
export const TicketUpdateType = { Content: 0, Progress: 1, Properties: 2, Notification: 3 } as const;
export type TicketUpdateType = (typeof TicketUpdateType)[keyof typeof TicketUpdateType];

/** Fields the server assigns; a create or update never sends them. */
type ServerFields = 'ticketId' | 'ticketNumber' | 'owner' | 'createdUtc' | 'updatedUtc' | 'history';

/** Body of {@link RootCauseResource.createTicket}: a `Ticket` with the fields a client sets. */
export type TicketCreateParams = Omit<Ticket, ServerFields> & {
  /** Required by the server. */
  subject: string;
  /** A first comment (`content`) and files (`attachments`, uploaded first) for the history. */
  update?: Pick<TicketUpdate, 'content' | 'attachments'>;
};

/**
 * Body of {@link RootCauseResource.updateTicket}: the ticket id plus the fields to change
 * (`update.content` adds a comment to the history).
 */
export type TicketUpdateParams = Omit<Ticket, Exclude<ServerFields, 'ticketId'>> & {
  ticketId: string;
  update?: Pick<TicketUpdate, 'content' | 'attachments'>;
};

/** Query of {@link RootCauseResource.listTickets} (`GET /api/RootCause/Tickets`). */
export interface TicketListParams {
  /**
   * One status, or several: the spec's `status` takes a single flag value, so several are
   * fetched one request each and merged (pyWATS sent `status=3`, which the spec does not allow).
   */
  status: TicketStatus | TicketStatus[];
  /** Whose tickets: 0 assigned to me, 1 followed by me, 2 all ("Manage All Tickets"). */
  view: TicketView;
  /** Matches subject, tags and tag values. */
  searchString?: string;
}

/** Options of {@link RootCauseResource.downloadAttachment}. */
export interface AttachmentDownloadParams {
  /** Download under this file name (`fileName`); leave out to get the file for inline display. */
  fileName?: string;
}

/** A file to upload: bytes or a `Blob`/`File`. */
export type UploadData = Blob | Uint8Array | ArrayBuffer;

/** Options of {@link RootCauseResource.uploadAttachment}. */
export interface AttachmentUploadParams {
  /** The file name stored with the attachment. Required unless `data` is a `File`. */
  fileName?: string;
  /** Its media type. @default the Blob's type, else `application/octet-stream` */
  contentType?: string;
}

/** Root cause: tickets and their attachments (`/api/RootCause/...`). */
export class RootCauseResource extends APIResource {
  /**
   * Creates a ticket; the server assigns `ticketId`, `ticketNumber`, `owner` and the dates.
   * @operation POST /api/RootCause/Ticket
   */
  async createTicket(ticket: TicketCreateParams, options?: RequestOptions): Promise<Ticket> {
    const res = await this.client.request<Ticket>({ method: 'POST', path: '/api/RootCause/Ticket', body: ticket }, options);
    return res.data;
  }

  /**
   * Changes a ticket: send `ticketId` and the fields to change; `update.content` adds a
   * comment. The answer carries the whole history.
   * @operation PUT /api/RootCause/Ticket
   */
  async updateTicket(ticket: TicketUpdateParams, options?: RequestOptions): Promise<Ticket> {
    const res = await this.client.request<Ticket>({ method: 'PUT', path: '/api/RootCause/Ticket', body: ticket }, options);
    return res.data;
  }

  /**
   * One ticket with its history.
   * @operation GET /api/RootCause/Ticket
   */
  async getTicket(ticketId: string, options?: RequestOptions): Promise<Ticket> {
    const res = await this.client.request<Ticket>(
      { method: 'GET', path: '/api/RootCause/Ticket', query: { ticketId } },
      options,
    );
    return res.data;
  }

  /**
   * Tickets with a status (or several), as seen from `view`.
   * @operation GET /api/RootCause/Tickets
   */
  async listTickets(params: TicketListParams, options?: RequestOptions): Promise<Ticket[]> {
    const statuses = [...new Set([params.status].flat())];
    if (statuses.length === 0) {
      throw new WatsError('listTickets: give at least one status', { code: 'WATS_ERR_ARGUMENT' });
    }
    const seen = new Set<string | undefined>();
    const out: Ticket[] = [];
    for (const status of statuses) {
      const res = await this.client.request<Ticket[]>(
        {
          method: 'GET',
          path: '/api/RootCause/Tickets',
          query: { status, view: params.view, searchString: params.searchString },
        },
        options,
      );
      if (!Array.isArray(res.data)) {
        throw new WatsError('GET /api/RootCause/Tickets did not return a list', { code: 'WATS_ERR_RESPONSE' });
      }
      for (const t of res.data) {
        if (t.ticketId !== undefined && seen.has(t.ticketId)) continue;
        seen.add(t.ticketId);
        out.push(t);
      }
    }
    return out;
  }

  /**
   * Archives solved tickets (only Solved ones can be; the owner or "Manage All Tickets").
   * The server answers with one ticket, as its spec says.
   * @operation POST /api/RootCause/ArchiveTickets
   */
  async archiveTickets(ticketIds: string[], options?: RequestOptions): Promise<Ticket> {
    const res = await this.client.request<Ticket>(
      { method: 'POST', path: '/api/RootCause/ArchiveTickets', body: ticketIds },
      options,
    );
    return res.data;
  }

  /**
   * Uploads a file as `multipart/form-data` and returns its attachment id; put it in a
   * ticket's `update.attachments` to attach it. (pyWATS crashed here: it had no multipart.)
   * @operation POST /api/RootCause/Attachment
   */
  async uploadAttachment(data: UploadData, params: AttachmentUploadParams = {}, options?: RequestOptions): Promise<string> {
    const named = (data as { name?: unknown }).name;
    const fileName = params.fileName ?? (typeof named === 'string' && named !== '' ? named : undefined);
    if (!fileName) {
      throw new WatsError('uploadAttachment: give params.fileName (or pass a File)', { code: 'WATS_ERR_ARGUMENT' });
    }
    const type = params.contentType ?? (data instanceof Blob && data.type ? data.type : 'application/octet-stream');
    const blob = data instanceof Blob && !params.contentType ? data : new Blob([data as ArrayBuffer], { type });
    const form = new FormData();
    form.append('file', blob, fileName);
    const res = await this.client.request<unknown>(
      { method: 'POST', path: '/api/RootCause/Attachment', body: form },
      options,
    );
    if (typeof res.data !== 'string') {
      throw new WatsError('POST /api/RootCause/Attachment did not return an attachment id', { code: 'WATS_ERR_RESPONSE' });
    }
    return res.data;
  }

  /**
   * The bytes of an attachment.
   * @operation GET /api/RootCause/Attachment
   */
  async downloadAttachment(
    attachmentId: string,
    params: AttachmentDownloadParams = {},
    options?: RequestOptions,
  ): Promise<Uint8Array> {
    const res = await this.client.request<Uint8Array>(
      {
        method: 'GET',
        path: '/api/RootCause/Attachment',
        query: { attachmentId, fileName: params.fileName },
        responseType: 'bytes',
      },
      options,
    );
    return res.data;
  }
}
