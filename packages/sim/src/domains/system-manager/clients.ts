import { createHash } from 'node:crypto';
import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import type { StoredReport } from '../../store/report-store.js';
import { levelOfLocation } from '../process/levels.js';
import { levelById } from './levels.js';
import {
  appendLog,
  systemManagerState,
  SYSTEM_MANAGER_STATE,
  type ClientRecord,
  type SystemManagerState,
} from './sm-state.js';

/** `Client = 5` in the spec's list of client types. */
export const CLIENT_TYPE = 5;

/**
 * A stable MAC-style identifier for a station: reports carry the machine name but no MAC, so
 * the simulator derives one from the name (a locally administered unicast address, `x2:`, `x6:`, `xA:` or `xE:` first).
 */
export function derivedMac(machineName: string): string {
  const bytes = createHash('sha1').update(machineName.trim().toUpperCase()).digest().subarray(0, 6);
  bytes[0] = (bytes[0]! & 0xfc) | 0x02;
  return [...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** `02:AB:..`, `02-ab-..` and `02AB..` are the same identifier. */
export function normalizeIdentifier(value: string): string {
  return value.replace(/[\s:.-]/g, '').toUpperCase();
}

function sameName(a: string, b: string): boolean {
  return a.trim().toUpperCase() === b.trim().toUpperCase();
}

function describeReport(entry: StoredReport): string {
  const f = entry.summary.fields;
  const kind = f.reportType === 'R' ? 'repair report' : 'test report';
  return `Report ${entry.id} received (${kind}): SN '${String(f.serialNumber)}', PN '${String(f.partNumber)}', ` +
    `rev '${String(f.revision ?? '')}', process ${String(f.processCode)}, ${String(f.result ?? 'no result')}`;
}

/**
 * Brings the clients up to date with the report store: a report from a machine name the
 * simulator has not seen registers a new client (in the level its location belongs to, if
 * any), and every report sets its client's location,
 * purpose and last-report time (the last writer wins: a report received after a
 * `PUT /api/SystemManager/Client` changes location and purpose again). Reports are applied in
 * processing order, each once, however they arrived (WSJF, WSXF, or loaded from disk).
 */
export async function syncClients(sim: SimContext): Promise<SystemManagerState> {
  const state = systemManagerState(sim);
  const fresh = sim.store
    .list()
    .filter((e) => e.timeStamp > state.seenTimeStamp)
    .sort((a, b) => a.timeStamp - b.timeStamp);
  if (fresh.length === 0) return state;
  for (const entry of fresh) {
    const f = entry.summary.fields;
    const name = typeof f.stationName === 'string' && f.stationName.trim() !== '' ? f.stationName.trim() : undefined;
    if (name) {
      const at = new Date(entry.receivedAt);
      let client = state.clients.find((c) => sameName(c.name, name));
      if (!client) {
        client = {
          clientId: state.nextClientId++,
          name,
          identifier: derivedMac(name),
          displayName: name,
          type: CLIENT_TYPE,
          regDateUtc: entry.receivedAt,
          levels: [{ after: 0 }],
          log: [],
          logVersion: 0,
        };
        // A new station joins the level its location belongs to (the hierarchy analytics uses).
        const level = levelOfLocation(sim, typeof f.location === 'string' ? f.location : undefined);
        if (level) {
          client.clientGroupId = level.levelId;
          client.levels = [{ clientGroupId: level.levelId, after: 0 }];
        }
        state.clients.push(client);
        appendLog(client, `Client '${name}' registered by its first report${level ? ` in level '${level.levelName}'` : ''}`, at);
      }
      if (typeof f.location === 'string') client.location = f.location;
      if (typeof f.purpose === 'string') client.purpose = f.purpose;
      client.lastReportUtc = entry.receivedAt;
      appendLog(client, describeReport(entry), at);
    }
    state.seenTimeStamp = Math.max(state.seenTimeStamp, entry.timeStamp);
  }
  await sim.state.save(SYSTEM_MANAGER_STATE);
  return state;
}

/** The level a report counts under: its client's level when it was processed. */
export function levelOfReport(client: ClientRecord, timeStamp: number): number | undefined {
  let level: number | undefined;
  for (const span of client.levels) if (timeStamp > span.after) level = span.clientGroupId;
  return level;
}

/** The client that sent a report (by machine name), if any. */
export function clientOfReport(state: SystemManagerState, entry: StoredReport): ClientRecord | undefined {
  const name = entry.summary.fields.stationName;
  return typeof name === 'string' ? state.clients.find((c) => sameName(c.name, name)) : undefined;
}

/** `GET /api/SystemManager/Client?name|identifier`: 400 without either, 404 when none matches both. */
export function findClient(state: SystemManagerState, name: string | undefined, identifier: string | undefined): ClientRecord {
  if ((name === undefined || name.trim() === '') && (identifier === undefined || identifier.trim() === '')) {
    throw new HttpError(400, 'Give the client name or identifier.');
  }
  const client = state.clients.find(
    (c) =>
      (name === undefined || sameName(c.name, name)) &&
      (identifier === undefined || normalizeIdentifier(c.identifier) === normalizeIdentifier(identifier)),
  );
  if (!client) {
    const what = [name !== undefined ? `name '${name}'` : '', identifier !== undefined ? `identifier '${identifier}'` : '']
      .filter(Boolean)
      .join(' and ');
    throw new HttpError(404, `No client with ${what} was found.`);
  }
  return client;
}

/** The fields of `ClientDto` (spec `Virinco.WATS.Web.Dashboard.Models.Tdm.ClientDto`). */
export interface ClientDto {
  clientId: number;
  name?: string;
  displayName?: string;
  location?: string;
  purpose?: string;
  type?: number;
  clientGroupId?: number;
}

function checkDto(body: unknown): ClientDto {
  const dto = body as Record<string, unknown> | null;
  if (typeof dto !== 'object' || dto === null || Array.isArray(dto)) throw new HttpError(400, 'The body must be a ClientDto object.');
  if (typeof dto.clientId !== 'number' || !Number.isInteger(dto.clientId)) throw new HttpError(400, 'clientId: required (an integer).');
  for (const key of ['name', 'displayName', 'location', 'purpose'] as const) {
    if (dto[key] !== undefined && dto[key] !== null && typeof dto[key] !== 'string') throw new HttpError(400, `${key}: must be a string.`);
  }
  for (const key of ['type', 'clientGroupId'] as const) {
    if (dto[key] !== undefined && dto[key] !== null && !Number.isInteger(dto[key])) throw new HttpError(400, `${key}: must be an integer.`);
  }
  return dto as unknown as ClientDto;
}

/**
 * `PUT /api/SystemManager/Client`: changes displayName, location, purpose and clientGroupId of
 * an existing client. Name and type cannot change (400 when the body tries). A new
 * clientGroupId moves the client to that level; with `moveWithHistory` its earlier reports
 * move too, otherwise they stay counted under the level they were received in.
 */
export async function updateClient(sim: SimContext, body: unknown, moveWithHistory: boolean): Promise<ClientRecord> {
  const dto = checkDto(body);
  const state = await syncClients(sim);
  const client = state.clients.find((c) => c.clientId === dto.clientId);
  if (!client) throw new HttpError(404, `No client with clientId ${dto.clientId} was found.`);
  if (typeof dto.name === 'string' && dto.name !== '' && !sameName(dto.name, client.name)) {
    throw new HttpError(400, `name: a client's name cannot be changed ('${client.name}').`);
  }
  if (typeof dto.type === 'number' && dto.type !== 0 && dto.type !== client.type) {
    throw new HttpError(400, `type: a client's type cannot be changed (${client.type}).`);
  }
  const changes: string[] = [];
  for (const key of ['displayName', 'location', 'purpose'] as const) {
    const value = dto[key];
    if (typeof value === 'string' && value !== client[key]) {
      changes.push(`${key} '${client[key] ?? ''}' -> '${value}'`);
      client[key] = value;
    }
  }
  if (typeof dto.clientGroupId === 'number' && dto.clientGroupId !== client.clientGroupId) {
    const level = levelById(sim, dto.clientGroupId);
    if (!level) throw new HttpError(400, `clientGroupId: level ${dto.clientGroupId} does not exist.`);
    client.clientGroupId = level.levelId;
    if (moveWithHistory) client.levels = [{ clientGroupId: level.levelId, after: 0 }];
    else client.levels.push({ clientGroupId: level.levelId, after: state.seenTimeStamp });
    changes.push(`moved to level '${level.levelName}' (${level.levelId}) ${moveWithHistory ? 'with' : 'without'} its history`);
  }
  if (changes.length > 0) {
    appendLog(client, `Client updated: ${changes.join('; ')}`);
    await sim.state.save(SYSTEM_MANAGER_STATE);
  }
  return client;
}
