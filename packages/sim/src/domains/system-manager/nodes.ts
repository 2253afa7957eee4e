import type { SimContext } from '../../context.js';
import { clientOfReport, levelOfReport } from './clients.js';
import { listLevels, type SimLevel } from '../process/levels.js';
import { levelPath } from './levels.js';
import type { ClientRecord, SystemManagerState } from './sm-state.js';

type Json = Record<string, unknown>;

/** "Recent" reports: received within this window. */
const RECENT_MS = 24 * 3600_000;
/** A client that reported within this window is online (the simulator has no pings). */
const ONLINE_MS = 3600_000;
/** A client silent for this long is inactive rather than offline. */
const INACTIVE_MS = 90 * 24 * 3600_000;

interface Counts {
  total: number;
  recent: number;
}

function bump(map: Map<number, Counts>, id: number, recent: boolean): void {
  const c = map.get(id) ?? { total: 0, recent: 0 };
  c.total++;
  if (recent) c.recent++;
  map.set(id, c);
}

/** Reports per client and per level (a level counts its sub levels' reports too). */
function countReports(sim: SimContext, state: SystemManagerState, now: number) {
  const byClient = new Map<number, Counts>();
  const byLevel = new Map<number, Counts>();
  const parents = new Map(listLevels(sim).map((l) => [l.levelId, l.parentId]));
  for (const entry of sim.store.list()) {
    const client = clientOfReport(state, entry);
    if (!client) continue;
    const recent = now - Date.parse(entry.receivedAt) < RECENT_MS;
    bump(byClient, client.clientId, recent);
    const seen = new Set<number>();
    for (let level = levelOfReport(client, entry.timeStamp); level !== undefined && !seen.has(level); level = parents.get(level)) {
      seen.add(level);
      bump(byLevel, level, recent);
    }
  }
  return { byClient, byLevel };
}

/** Online, Offline or Inactive, from the time of the client's last report. */
export function clientStatus(client: ClientRecord, now: number): string {
  if (!client.lastReportUtc) return 'Offline';
  const age = now - Date.parse(client.lastReportUtc);
  return age < ONLINE_MS ? 'Online' : age < INACTIVE_MS ? 'Offline' : 'Inactive';
}

function defined(entries: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * A client as the system manager shows it (the fields of the internal `SystemManagerNode`
 * schema, plus `identifier`, `levelPath` and the all-time `reportCount`).
 */
export function clientNode(sim: SimContext, client: ClientRecord, counts: Counts | undefined, now: number): Json {
  return defined({
    id: client.clientId,
    clientId: client.clientId,
    parentId: client.clientGroupId,
    clientGroupId: client.clientGroupId,
    name: client.name,
    displayName: client.displayName,
    identifier: client.identifier,
    location: client.location,
    purpose: client.purpose,
    typeEnum: client.type,
    type: 'Client',
    regDateUtc: client.regDateUtc,
    lastReportUtc: client.lastReportUtc,
    recentReportCount: counts?.recent ?? 0,
    reportCount: counts?.total ?? 0,
    pendingCount: 0,
    statusString: clientStatus(client, now),
    levelPath: client.clientGroupId === undefined ? undefined : levelPath(sim, client.clientGroupId),
  });
}

function levelNode(level: SimLevel, counts: Counts | undefined): Json {
  return defined({
    id: level.levelId,
    clientGroupId: level.levelId,
    parentId: level.parentId,
    name: level.levelName,
    displayName: level.levelName,
    type: 'Level',
    recentReportCount: counts?.recent ?? 0,
    reportCount: counts?.total ?? 0,
  });
}

/** `GET /api/SystemManager/Clients`: every level, then every client. */
export function systemManagerNodes(sim: SimContext, state: SystemManagerState, now = Date.now()): Json[] {
  const { byClient, byLevel } = countReports(sim, state, now);
  return [
    ...listLevels(sim).map((l) => levelNode(l, byLevel.get(l.levelId))),
    ...state.clients.map((c) => clientNode(sim, c, byClient.get(c.clientId), now)),
  ];
}

/** One client's node, with its report counts. */
export function singleClientNode(sim: SimContext, state: SystemManagerState, client: ClientRecord, now = Date.now()): Json {
  const { byClient } = countReports(sim, state, now);
  return clientNode(sim, client, byClient.get(client.clientId), now);
}
