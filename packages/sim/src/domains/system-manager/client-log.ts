import type { ClientRecord } from './sm-state.js';

/** `Virinco.WATS.Web.Dashboard.Models.Tdm.ClientLog`, the record a client log is kept in. */
export interface ClientLogAnswer {
  clientLogId: number;
  clientId: number;
  /** When the log last changed (ISO). */
  logDate: string;
  /** Who the log belongs to: the client's machine name. */
  userName: string;
  /** The log itself: one line per event, oldest first (`yyyy-MM-dd HH:mm:ss.fff LEVEL text`). */
  text: string;
}

/**
 * `GET /api/SystemManager/ClientLog/{identifier}`: the client's most recent log. The simulator
 * has no client software to upload a log file, so it keeps the log a client would write about
 * what the server saw: registration, every report received, every change made through
 * `PUT /api/SystemManager/Client` (the last 500 lines).
 */
export function clientLog(client: ClientRecord): ClientLogAnswer {
  const lines = client.log.map((e) => `${e.time.replace('T', ' ').replace('Z', '')} ${e.level.padEnd(5)} ${e.text}`);
  return {
    clientLogId: client.logVersion,
    clientId: client.clientId,
    logDate: client.log.at(-1)?.time ?? client.regDateUtc,
    userName: client.name,
    text: lines.join('\r\n'),
  };
}
