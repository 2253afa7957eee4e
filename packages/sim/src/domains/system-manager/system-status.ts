import type { SimContext } from '../../context.js';
import { SIM_VERSION_STRING, WATS_SERVER_VERSION } from '../../routes/app.js';
import { listLevels } from '../process/levels.js';
import { clientStatus } from './nodes.js';
import type { SystemManagerState } from './sm-state.js';

/** A .NET `TimeSpan` as `d.hh:mm:ss` (days only when there are any). */
export function formatTimeSpan(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [d, h, m, s] = [Math.floor(total / 86400), Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60];
  const hms = [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
  return d > 0 ? `${d}.${hms}` : hms;
}

/**
 * `GET /api/SystemStatus`: the server's state as name/value strings (the spec's
 * `additionalProperties: string`), computed on every call from the simulator's own state.
 */
export function systemStatus(sim: SimContext, state: SystemManagerState, extra: Record<string, string> = {}): Record<string, string> {
  const now = Date.now();
  const reports = sim.store.list();
  const received = reports.reduce((n, e) => n + e.receiveCount, 0);
  const last = reports.reduce<string | undefined>((max, e) => (max === undefined || e.receivedAt > max ? e.receivedAt : max), undefined);
  const stats = sim.stats.snapshot(reports.length);
  const status: Record<string, string> = {
    status: 'Running',
    serverVersion: WATS_SERVER_VERSION,
    product: SIM_VERSION_STRING,
    serverTimeUtc: new Date(now).toISOString(),
    startedUtc: sim.startedAt.toISOString(),
    uptime: formatTimeSpan(now - sim.startedAt.getTime()),
    uptimeSeconds: String(Math.floor((now - sim.startedAt.getTime()) / 1000)),
    storage: sim.config.dataDir === undefined ? 'memory' : 'disk',
    reportCount: String(reports.length),
    uutReportCount: String(reports.filter((e) => e.summary.fields.reportType === 'T').length),
    uurReportCount: String(reports.filter((e) => e.summary.fields.reportType === 'R').length),
    reportsReceived: String(received),
    clientCount: String(state.clients.length),
    onlineClientCount: String(state.clients.filter((c) => clientStatus(c, now) === 'Online').length),
    levelCount: String(listLevels(sim).length),
    apiRequests: String(stats.received),
    runtime: `node ${process.versions.node}`,
    ...extra,
  };
  if (last !== undefined) status.lastReportReceivedUtc = last;
  return status;
}
