import type { SimContext } from '../../context.js';

/** One line of a client's log. */
export interface ClientLogEntry {
  /** ISO time. */
  time: string;
  level: 'INFO' | 'WARN';
  text: string;
}

/** Which level a client's reports count under, from a processing time (`timeStamp`) on. */
export interface LevelSpan {
  clientGroupId?: number;
  /** Reports with a `timeStamp` greater than this belong to the level. */
  after: number;
}

/** A WATS client (station): registered by its first report, edited through `PUT /api/SystemManager/Client`. */
export interface ClientRecord {
  clientId: number;
  /** The machine name, as reports carry it (`machineName`); not changeable. */
  name: string;
  /** The client's identifier (a MAC address, derived from the name: the reports do not carry one). */
  identifier: string;
  displayName: string;
  location?: string;
  purpose?: string;
  /** Client = 5 (LocalServer 1, MasterServer 2, WebClient 6); not changeable. */
  type: number;
  clientGroupId?: number;
  regDateUtc: string;
  lastReportUtc?: string;
  /** UTC offset of the station's clock in hours, from the `start` of its last report. */
  utcOffset?: number;
  /** Level membership over time (`moveWithHistory` rewrites it). */
  levels: LevelSpan[];
  log: ClientLogEntry[];
  /** Bumped whenever the log changes: the `clientLogId` of `GET /api/SystemManager/ClientLog`. */
  logVersion: number;
}

/**
 * The persisted state of the system manager's clients (`state/system-manager.json`). Levels
 * live in the level hierarchy shared with `GET /api/App/Levels` and analytics (`domains/process/levels.ts`).
 */
export interface SystemManagerState {
  clients: ClientRecord[];
  nextClientId: number;
  /** The highest report `timeStamp` already applied to the clients. */
  seenTimeStamp: number;
}

export const SYSTEM_MANAGER_STATE = 'system-manager';

export function systemManagerState(sim: SimContext): SystemManagerState {
  return sim.state.get<SystemManagerState>(SYSTEM_MANAGER_STATE, () => ({
    clients: [],
    nextClientId: 1,
    seenTimeStamp: 0,
  }));
}

/** Log lines kept per client; older ones are dropped. */
export const MAX_LOG_LINES = 500;

export function appendLog(client: ClientRecord, text: string, time: Date = new Date(), level: ClientLogEntry['level'] = 'INFO'): void {
  client.log.push({ time: time.toISOString(), level, text });
  if (client.log.length > MAX_LOG_LINES) client.log.splice(0, client.log.length - MAX_LOG_LINES);
  client.logVersion++;
}
