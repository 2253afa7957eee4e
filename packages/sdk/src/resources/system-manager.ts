import type { RequestOptions } from '../client.js';
import { APIResource } from '../core/resource.js';
import { WatsError } from '../core/errors.js';
import type { components } from '../generated/wats-api.js';

/**
 * What `PUT /api/SystemManager/Client` takes (`ClientDto`). `clientId` names the client;
 * `displayName`, `location`, `purpose` and `clientGroupId` (its level) can change; `name` and
 * `type` cannot (send them unchanged or leave them out).
 */
export type ClientUpdate = components['schemas']['Virinco.WATS.Web.Dashboard.Models.Tdm.ClientDto'];

/**
 * A client (station) or level as the system manager lists it. The public spec leaves these
 * answers untyped; the fields follow the server's `SystemManagerNode` model.
 */
export interface SystemManagerNode {
  /** The client's or the level's id. */
  id?: number;
  /** Clients only. */
  clientId?: number;
  /** The level a client is in; for a level, its own id. */
  clientGroupId?: number;
  /** The level above (for a client: its level). */
  parentId?: number;
  /** A client's machine name (as its reports carry it), or a level's name. */
  name?: string;
  displayName?: string;
  /** A client's identifier (MAC address), as `getClient` and `getClientLog` take it. */
  identifier?: string;
  location?: string;
  purpose?: string;
  /** `Client`, `Level`, ... */
  type?: string;
  /** LocalServer 1, MasterServer 2, Client 5, WebClient 6. */
  typeEnum?: number;
  regDateUtc?: string;
  lastReportUtc?: string;
  recentReportCount?: number;
  pendingCount?: number;
  /** `Online`, `Offline`, `Pending` or `Inactive`. */
  statusString?: string;
  [key: string]: unknown;
}

/** A client's log (`ClientLog`): the text is the log itself. */
export interface ClientLog {
  clientLogId?: number;
  clientId?: number;
  logDate?: string;
  userName?: string;
  text: string;
}

/** `GET /api/SystemStatus`: name/value pairs, every value a string. */
export type SystemStatus = Record<string, string>;

/** Which client {@link SystemManagerResource.getClient} fetches: by name, by identifier (MAC), or both. */
export type ClientLookup = { name: string; identifier?: string } | { identifier: string; name?: string };

/** Options of {@link SystemManagerResource.updateClient}. */
export interface ClientUpdateParams {
  /** When `clientGroupId` changes: move the client's earlier reports to the new level too (`moveWithHistory`). */
  moveWithHistory?: boolean;
}

function checkHierarchy(hierarchy: string[]): void {
  if (!Array.isArray(hierarchy) || hierarchy.length === 0 || hierarchy.some((h) => typeof h !== 'string' || h.trim() === '')) {
    throw new WatsError('hierarchy must be a non-empty list of level names, topmost first', { code: 'WATS_ERR_ARGUMENT' });
  }
}

/** System manager: clients (stations), client logs, levels, system status. */
export class SystemManagerResource extends APIResource {
  /**
   * One client by its name or identifier (MAC address).
   * @operation GET /api/SystemManager/Client
   */
  async getClient(lookup: ClientLookup, options?: RequestOptions): Promise<SystemManagerNode> {
    if (!lookup.name && !lookup.identifier) {
      throw new WatsError('getClient needs a name or an identifier', { code: 'WATS_ERR_ARGUMENT' });
    }
    const res = await this.client.request<SystemManagerNode>(
      { method: 'GET', path: '/api/SystemManager/Client', query: { name: lookup.name, identifier: lookup.identifier } },
      options,
    );
    return res.data;
  }

  /**
   * Changes a client's display name, location, purpose or level (`clientGroupId`).
   * @operation PUT /api/SystemManager/Client
   */
  async updateClient(client: ClientUpdate, params: ClientUpdateParams = {}, options?: RequestOptions): Promise<SystemManagerNode> {
    const res = await this.client.request<SystemManagerNode>(
      { method: 'PUT', path: '/api/SystemManager/Client', query: { moveWithHistory: params.moveWithHistory }, body: client },
      options,
    );
    return res.data;
  }

  /**
   * Every client and level, with status, last report and report counts.
   * @operation GET /api/SystemManager/Clients
   */
  async listClients(options?: RequestOptions): Promise<SystemManagerNode[]> {
    const res = await this.client.request<unknown>({ method: 'GET', path: '/api/SystemManager/Clients' }, options);
    if (!Array.isArray(res.data)) {
      throw new WatsError('GET /api/SystemManager/Clients did not return a list', { code: 'WATS_ERR_RESPONSE' });
    }
    return res.data as SystemManagerNode[];
  }

  /**
   * A client's most recent log (WATS Client 6.0 or newer), by identifier (MAC address).
   * @operation GET /api/SystemManager/ClientLog/{identifier}
   */
  async getClientLog(identifier: string, options?: RequestOptions): Promise<ClientLog> {
    const res = await this.client.request<unknown>(
      { method: 'GET', path: `/api/SystemManager/ClientLog/${encodeURIComponent(identifier)}` },
      options,
    );
    // The spec does not type the answer: take a log object, or the log as plain text.
    if (typeof res.data === 'string') return { text: res.data };
    const log = (res.data ?? {}) as ClientLog;
    return { ...log, text: typeof log.text === 'string' ? log.text : '' };
  }

  /**
   * The id of the level at the end of a hierarchy path (topmost first), or `null` when some
   * level on the path does not exist.
   * @operation GET /api/SystemManager/Level
   */
  async getLevelByHierarchy(hierarchy: string[], options?: RequestOptions): Promise<number | null> {
    checkHierarchy(hierarchy);
    // `hierarchy` is an exploded array: one `hierarchy=` per level.
    const query = hierarchy.map((h) => `hierarchy=${encodeURIComponent(h)}`).join('&');
    const res = await this.client.request<unknown>(
      { method: 'GET', path: `/api/SystemManager/Level?${query}`, responseType: 'json' },
      options,
    );
    return typeof res.data === 'number' ? res.data : null;
  }

  /**
   * Creates the levels of a hierarchy path (topmost first) that do not exist yet; answers the
   * id of the last one.
   * @operation POST /api/SystemManager/Level
   */
  async createLevelByHierarchy(hierarchy: string[], options?: RequestOptions): Promise<number> {
    checkHierarchy(hierarchy);
    const res = await this.client.request<unknown>(
      { method: 'POST', path: '/api/SystemManager/Level', body: hierarchy, responseType: 'json' },
      options,
    );
    if (typeof res.data !== 'number') {
      throw new WatsError('POST /api/SystemManager/Level did not answer with a level id', { code: 'WATS_ERR_RESPONSE' });
    }
    return res.data;
  }

  /**
   * The server's status: versions, uptime, report and client counts (all values strings).
   * @operation GET /api/SystemStatus
   */
  async getSystemStatus(options?: RequestOptions): Promise<SystemStatus> {
    const res = await this.client.request<SystemStatus>({ method: 'GET', path: '/api/SystemStatus' }, options);
    return res.data;
  }
}
