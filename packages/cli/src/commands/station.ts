import {
  StationConfigError,
  formatDuration,
  initStation,
  resolveStationConfig,
  startStation,
  type StationHandle,
  type StationOptions,
  type StationStatus,
} from '@tswats/station';
import { ExitError, UsageError } from '../errors.js';
import { closeGracefully, signalled } from '../signals.js';

/** Flags shared by the station, queue and submit commands. */
export interface StationFlags {
  config?: string;
  url?: string;
  dataDir?: string;
  statusPort?: number;
  logLevel?: string;
}

export function flagLayer(opts: StationFlags): StationOptions {
  const flags: StationOptions = {};
  if (opts.url) flags.server = { url: opts.url };
  if (opts.dataDir) flags.dataDir = opts.dataDir;
  if (opts.statusPort !== undefined) flags.http = { port: opts.statusPort };
  if (opts.logLevel) flags.log = { level: opts.logLevel as NonNullable<StationOptions['log']>['level'] };
  return flags;
}

/** Resolves the config or prints every problem and exits 78 (EX_CONFIG: systemd does not restart on it). */
export async function resolveOrExit(opts: StationFlags, extra: { requireServer?: boolean; requireFolders?: boolean } = {}) {
  try {
    return await resolveStationConfig({ ...(opts.config ? { file: opts.config } : {}), flags: flagLayer(opts), ...extra });
  } catch (err) {
    if (err instanceof StationConfigError) {
      console.error(`tswats: ${err.message}`);
      throw new ExitError(78);
    }
    throw err;
  }
}

export interface RunOptions extends StationFlags {
  /** Convert what is there, upload everything, then exit. */
  once?: boolean;
  /** Grace period for in-flight work at shutdown (ms). */
  grace: number;
}

/** `tswats station run`: the foreground service. SIGTERM/SIGINT stop it gracefully; a second signal forces exit. */
export async function runStation(opts: RunOptions): Promise<void> {
  if (!opts.config && !process.env.WATS_BASE_URL && !opts.url) {
    throw new UsageError('give --config FILE (create one with `tswats station init`)');
  }
  const { config, warnings } = await resolveOrExit(opts);
  // Listen for signals before anything starts: a SIGTERM during start-up stops the service
  // gracefully once it is up, instead of killing it half-started.
  const stop = signalled();
  let station: StationHandle;
  try {
    station = await startStation(config);
  } catch (err) {
    stop.cancel();
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('STATION_ERR_')) {
      console.error(`tswats: ${(err as Error).message}`);
      throw new ExitError(1);
    }
    throw err;
  }
  for (const w of warnings) station.log.warn({ component: 'config' }, w);
  if (process.stderr.isTTY) {
    process.stderr.write(
      `tswats station ${config.station.name}: watching ${config.folders.map((f) => f.path).join(', ')}\n` +
        `  server ${config.server.baseUrl}${station.statusUrl ? `; status ${station.statusUrl}/status` : ''}\n`,
    );
  }

  if (opts.once) {
    await Promise.race([station.whenIdle(), stop.promise]);
    stop.cancel();
    const s = station.status();
    await station.close({ graceMs: opts.grace });
    process.stderr.write(summaryLine(s) + '\n');
    if (s.queue.counts.pending > 0 || s.queue.counts.failed > 0 || s.totals.filesFailed > 0) throw new ExitError(1);
    return;
  }

  await stop.promise;
  await closeGracefully(
    () => station.close({ graceMs: opts.grace }),
    () => station.log.warn({ component: 'station' }, 'second signal: exiting now (in-flight work is picked up at next start)'),
  );
}

function summaryLine(s: StationStatus): string {
  const c = s.queue.counts;
  return `files converted ${s.totals.filesConverted}, failed ${s.totals.filesFailed}; reports uploaded ${s.totals.reportsUploaded}, pending ${c.pending}, failed ${c.failed}`;
}

export interface InitOptions {
  dir: string;
  url?: string;
  tokenFile?: string;
  station?: string;
  location?: string;
  purpose?: string;
  folder?: string[];
  force?: boolean;
}

/** `tswats station init`: a commented config (0600) and its folders. */
export async function runStationInit(opts: InitOptions): Promise<void> {
  const folders: Record<string, string> = {};
  for (const f of opts.folder ?? ['in=auto']) {
    const [name, converter = 'auto'] = f.split('=');
    if (!name || !/^[\w.-]+$/.test(name)) throw new UsageError(`--folder ${f}: expected NAME or NAME=CONVERTER (letters, digits, . _ -)`);
    folders[name] = converter;
  }
  const res = await initStation({
    dir: opts.dir,
    folders,
    ...(opts.url ? { serverUrl: opts.url } : {}),
    ...(opts.tokenFile ? { tokenFile: opts.tokenFile } : {}),
    ...(opts.station ? { stationName: opts.station } : {}),
    ...(opts.location ? { location: opts.location } : {}),
    ...(opts.purpose ? { purpose: opts.purpose } : {}),
    ...(opts.force ? { force: true } : {}),
  }).catch((err: Error & { code?: string }) => {
    if (err.code === 'STATION_ERR_CONFIG_EXISTS') throw new UsageError(err.message);
    throw err;
  });
  const out = process.stdout;
  out.write(`wrote ${res.configFile} (mode 600)\n`);
  for (const f of res.folders) out.write(`watch folder ${f} (with Done/ and Error/)\n`);
  out.write(`data ${res.dataDir}\n\nNext: set server.url and the token (server.tokenFile or env WATS_AUTH_TOKEN), then\n  tswats station run --config ${res.configFile}\n`);
}

export interface StatusOptions extends StationFlags {
  json?: boolean;
  statusUrl?: string;
  token?: string;
}

/** Where the running service's status server is: --status-url, else the config's http section. */
export async function statusBase(opts: StatusOptions): Promise<{ url: string; token: string | undefined }> {
  if (opts.statusUrl) return { url: opts.statusUrl.replace(/\/+$/, ''), token: opts.token };
  const { config } = await resolveOrExit(opts, { requireServer: false, requireFolders: false });
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host === '::' ? '[::1]' : config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  return { url: `http://${host}:${config.http.port}`, token: opts.token ?? config.http.token };
}

/** Calls the running service's status server; undefined when nothing answers. */
export async function callStatusServer(base: { url: string; token: string | undefined }, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown } | undefined> {
  let res: Response;
  try {
    res = await fetch(base.url + path, {
      method: init.method ?? 'GET',
      headers: {
        ...(base.token ? { authorization: `Bearer ${base.token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return undefined;
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}

/** `tswats station status`: reads /status of the running service. */
export async function runStationStatus(opts: StatusOptions): Promise<void> {
  const base = await statusBase(opts);
  const res = await callStatusServer(base, '/status');
  if (!res) {
    console.error(`tswats: no station answers at ${base.url} (is it running? is http.enabled true?)`);
    throw new ExitError(3);
  }
  if (res.status !== 200) {
    console.error(`tswats: ${base.url}/status answered ${res.status}: ${JSON.stringify(res.body)}`);
    throw new ExitError(res.status === 401 ? 4 : 1);
  }
  const s = res.body as StationStatus;
  if (opts.json) {
    process.stdout.write(JSON.stringify(s, null, 2) + '\n');
    return;
  }
  process.stdout.write(formatStatus(s, base.url));
}

export function formatStatus(s: StationStatus, url: string): string {
  const lines: string[] = [];
  const server = s.server.reachable === null ? 'not checked yet' : s.server.reachable ? 'reachable' : `UNREACHABLE${s.server.lastError ? ` (${s.server.lastError})` : ''}`;
  lines.push(`station ${s.station.name} (${s.station.location}, ${s.station.purpose}): ${s.state}, up ${formatDuration(s.uptimeSeconds * 1000)}, tswats ${s.version}`);
  lines.push(`server  ${s.server.url}: ${server}`);
  const c = s.queue.counts;
  const oldest = s.queue.oldestPendingAgeSeconds === null ? '' : `, oldest pending ${formatDuration(s.queue.oldestPendingAgeSeconds * 1000)}`;
  lines.push(`queue   ${c.pending} pending, ${s.queue.sending} sending, ${c.failed} failed, ${c.completed} completed${oldest}${s.queue.accepting ? '' : ' (FULL: watching paused)'}`);
  lines.push(`totals  ${s.totals.filesConverted} files converted, ${s.totals.filesFailed} failed; ${s.totals.reportsUploaded} reports uploaded`);
  for (const f of s.folders) {
    lines.push(`folder  ${f.name} [${f.converter}, priority ${f.priority}] ${f.path}: ${f.waiting} waiting, ${f.converting} converting, ${f.converted} converted, ${f.failed} failed`);
  }
  if (s.lastErrors.length) {
    lines.push('recent errors:');
    for (const e of s.lastErrors.slice(0, 5)) lines.push(`  ${e.at} ${e.component}: ${e.message}${e.file ? ` (${e.file})` : ''}`);
  }
  lines.push(`(from ${url}/status)`);
  return lines.join('\n') + '\n';
}
