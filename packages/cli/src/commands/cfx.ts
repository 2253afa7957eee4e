/**
 * `tswats cfx map | send | bridge | status`: IPC-CFX messages to WATS (see docs/cfx.md).
 *
 * `map` is the dry run (files in, WATS data out, nothing sent), `send` publishes envelope files
 * to the broker as a CFX endpoint would, `bridge` is the service, `status` asks a running one.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  BrokerConnection,
  CfxConfigError,
  CfxDecodeError,
  CfxMappingError,
  ConfirmingSender,
  createReportIndex,
  decodeCfxBody,
  encodeCfxMessage,
  loadBridgeConfig,
  mapEnvelope,
  resolveBridgeConfig,
  startBridge,
  WorkTracker,
  type BridgeConfig,
  type BridgeHandle,
  type BridgeStatus,
  type CfxEnvelope,
  type CfxMapResult,
  type CfxWireMessage,
  type JsonObject,
  type ResolvedBridgeConfig,
} from '@tswats/cfx';
import { closeLogger, createLogger, createSystemdNotifier, formatDuration } from '@tswats/station';
import { ExitError, UsageError } from '../errors.js';
import { closeGracefully, signalled } from '../signals.js';
import { callStatusServer } from './station.js';

/** Time `cfx send` waits for the broker connection and the sender link. */
const CONNECT_TIMEOUT_MS = 10_000;
/** `cfx bridge` tells systemd READY=1 at the latest this long after start, ready or not. */
const READY_AT_LATEST_MS = 30_000;

export interface CfxFlags {
  config?: string;
  logLevel?: string;
}

/**
 * Loads the config (or the defaults and the environment without a file), or prints every
 * problem with its path and exits 78 (EX_CONFIG: systemd does not restart on it).
 */
async function resolveOrExit(opts: CfxFlags, requireWats: boolean): Promise<ResolvedBridgeConfig> {
  try {
    const r = opts.config ? await loadBridgeConfig(opts.config, { requireWats }) : await resolveBridgeConfig({}, { requireWats, source: 'defaults and environment' });
    if (opts.logLevel) r.config.logLevel = logLevelOf(opts.logLevel);
    return r;
  } catch (err) {
    if (err instanceof CfxConfigError) {
      console.error(`tswats: ${err.message}`);
      throw new ExitError(78);
    }
    throw err;
  }
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
function logLevelOf(value: string): BridgeConfig['logLevel'] {
  if (!(LEVELS as readonly string[]).includes(value)) throw new UsageError(`--log-level ${value}: expected one of ${LEVELS.join(', ')}`);
  return value as BridgeConfig['logLevel'];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line naming why a file or envelope failed: the decode reason or the mapping field. */
function failureText(err: unknown): { code: string; message: string; reason?: string; position?: number; field?: string } {
  if (err instanceof CfxDecodeError) {
    return { code: err.code, reason: err.reason, message: err.message, ...(err.position === undefined ? {} : { position: err.position }) };
  }
  if (err instanceof CfxMappingError) return { code: err.code, field: err.field, message: err.message };
  const e = err as NodeJS.ErrnoException;
  return { code: e.code ?? 'ERROR', message: e.message ?? String(err) };
}

/** Reads a file and decodes it as a CFX message body (JSON envelope, JSON array batch, gzip of either). */
async function readEnvelopes(file: string, timeZone: string): Promise<CfxEnvelope[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw Object.assign(new Error(`cannot read it: ${e.code ?? e.message}`), { code: 'READ_ERROR' });
  }
  return decodeCfxBody(bytes, { timeZone });
}

// --- map ---------------------------------------------------------------------------------

export interface CfxMapFlags extends CfxFlags {
  out?: string;
}

interface MappedEnvelope {
  index: number;
  messageName: string;
  uniqueId: string;
  status: CfxMapResult['status'] | 'failed';
  reports: CfxMapResult['reports'];
  assetUpdates: CfxMapResult['assetUpdates'];
  productionUpdates: CfxMapResult['productionUpdates'];
  warnings: string[];
  error?: ReturnType<typeof failureText>;
}

/**
 * `tswats cfx map <files...>`: maps envelope files as the bridge would and shows the result;
 * sends nothing. stdout: one JSON array, an entry `{file, envelopes, error}` per file (or, with
 * --out, the paths written). stderr: a summary line per envelope and every problem.
 * WorkStarted/WorkCompleted and UUTs are remembered across the files of one run.
 */
export async function runCfxMap(files: string[], opts: CfxMapFlags): Promise<void> {
  const { config, warnings } = await resolveOrExit(opts, false);
  for (const w of warnings) process.stderr.write(`tswats: warning: ${w}\n`);
  const work = new WorkTracker();
  const reportIndex = createReportIndex();
  if (opts.out) await mkdir(opts.out, { recursive: true });
  const results: { file: string; envelopes: MappedEnvelope[]; error: ReturnType<typeof failureText> | null }[] = [];
  const written: string[] = [];
  let failed = 0;
  for (const file of files) {
    let envelopes: CfxEnvelope[];
    try {
      envelopes = await readEnvelopes(file, config.mapping.timeZone);
    } catch (err) {
      const f = failureText(err);
      failed++;
      process.stderr.write(`tswats: ${file}: ${f.reason ?? f.code}: ${f.message}\n`);
      results.push({ file, envelopes: [], error: f });
      continue;
    }
    const mapped: MappedEnvelope[] = [];
    let n = 0;
    for (const [index, env] of envelopes.entries()) {
      const label = `${file} [${index}] ${env.shortName} ${env.uniqueId}`;
      try {
        const r = mapEnvelope(env, config.mapping, { work, reportIndex });
        reportIndex.remember(r.reports);
        mapped.push({ index, ...r });
        process.stderr.write(
          `# ${label}: ${r.status}, ${plural(r.reports.length, 'report')}, ${plural(r.assetUpdates.length, 'asset update')}, ${plural(r.productionUpdates.length, 'production update')}\n`,
        );
        for (const w of r.warnings) process.stderr.write(`#   warning: ${w}\n`);
        if (opts.out) {
          for (const report of r.reports) {
            const target = join(opts.out, `${basename(file)}.${++n}.wsjf.json`);
            await writeFile(target, `${JSON.stringify(report, null, 2)}\n`);
            written.push(target);
          }
        }
      } catch (err) {
        const f = failureText(err);
        failed++;
        process.stderr.write(`tswats: ${file} [${index}]: ${f.message}\n`);
        mapped.push({ index, messageName: env.messageName, uniqueId: env.uniqueId, status: 'failed', reports: [], assetUpdates: [], productionUpdates: [], warnings: [], error: f });
      }
    }
    if (opts.out) {
      const updates = mapped.filter((m) => m.assetUpdates.length || m.productionUpdates.length);
      if (updates.length) {
        const target = join(opts.out, `${basename(file)}.updates.json`);
        const body = updates.map((m) => ({ index: m.index, messageName: m.messageName, uniqueId: m.uniqueId, assetUpdates: m.assetUpdates, productionUpdates: m.productionUpdates }));
        await writeFile(target, `${JSON.stringify(body, null, 2)}\n`);
        written.push(target);
      }
    }
    results.push({ file, envelopes: mapped, error: null });
  }
  if (opts.out) for (const w of written) process.stdout.write(`${w}\n`);
  else process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  if (failed > 0) {
    process.stderr.write(`tswats: ${plural(failed, 'failure')} (see above); everything else was mapped\n`);
    throw new ExitError(1);
  }
}

// --- send --------------------------------------------------------------------------------

export interface CfxSendFlags extends CfxFlags {
  address?: string;
  gzip?: boolean;
  batch?: boolean;
}

/**
 * `tswats cfx send <files...>`: publishes envelope files in the CFX wire form and waits until
 * the broker accepted each message. Every file is checked before anything is sent.
 */
export async function runCfxSend(files: string[], opts: CfxSendFlags): Promise<void> {
  const { config, warnings } = await resolveOrExit(opts, false);
  for (const w of warnings) process.stderr.write(`tswats: warning: ${w}\n`);
  const address = opts.address ?? config.send.address;
  const gzip = opts.gzip ?? config.send.gzip;

  // One message per file (an array file is one batched message), or one for everything.
  const loaded: { file: string; raw: JsonObject[]; batched: boolean }[] = [];
  let bad = 0;
  for (const file of files) {
    try {
      const envelopes = await readEnvelopes(file, config.mapping.timeZone);
      const raw = envelopes.map((e) => e.raw);
      loaded.push({ file, raw, batched: raw.length > 1 || (await isJsonArray(file)) });
    } catch (err) {
      const f = failureText(err);
      bad++;
      process.stderr.write(`tswats: ${file}: ${f.reason ?? f.code}: ${f.message}\n`);
    }
  }
  if (bad > 0) {
    process.stderr.write(`tswats: nothing sent: ${plural(bad, 'file')} not valid CFX\n`);
    throw new ExitError(1);
  }
  const messages: { from: string; count: number; wire: CfxWireMessage }[] = opts.batch
    ? [{ from: plural(files.length, 'file'), count: loaded.reduce((n, l) => n + l.raw.length, 0), wire: encodeCfxMessage(loaded.flatMap((l) => l.raw), { gzip }) }]
    : loaded.map((l) => ({ from: l.file, count: l.raw.length, wire: encodeCfxMessage(l.batched ? l.raw : l.raw[0]!, { gzip }) }));

  let conn: BrokerConnection;
  try {
    conn = await connect(config.broker);
  } catch (err) {
    process.stderr.write(`tswats: ${(err as Error).message}\n`);
    throw new ExitError(1);
  }
  let sender: ConfirmingSender | undefined;
  let sent = 0;
  try {
    try {
      sender = new ConfirmingSender(conn, address);
      await waitSenderOpen(conn, sender, address);
    } catch (err) {
      process.stderr.write(`tswats: ${(err as Error).message}\n`);
      throw new ExitError(1);
    }
    for (const m of messages) {
      try {
        await sender.send(m.wire);
      } catch (err) {
        process.stderr.write(
          `tswats: ${m.from}: message ${m.wire.message_id} (subject ${m.wire.subject}) was not accepted: ${(err as Error).message}` +
            `${sent ? `; ${plural(sent, 'message')} sent before it` : ''}\n`,
        );
        throw new ExitError(1);
      }
      sent++;
      process.stdout.write(`sent ${m.wire.subject} ${m.wire.message_id} ${m.wire.body.length} bytes${gzip ? ' gzip' : ''} (${plural(m.count, 'envelope')} from ${m.from})\n`);
    }
  } finally {
    sender?.close();
    await conn.close();
  }
  process.stderr.write(`tswats: ${plural(sent, 'message')} accepted by ${conn.display} at ${address}\n`);
}

/**
 * Connects, trying again with a growing delay (a broker restarting) for up to
 * {@link CONNECT_TIMEOUT_MS}. Each attempt is a connection without reconnects, and every wait is
 * short, so nothing keeps the process alive after a failure. Once open, a dropped connection
 * is an answer: RabbitMQ 3.x drops it when the target exchange does not exist.
 */
async function connect(settings: BridgeConfig['broker']): Promise<BrokerConnection> {
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  let delay = 250;
  for (;;) {
    const conn = new BrokerConnection(settings, {}, { reconnect: false });
    while (!conn.connected && conn.lastError === undefined && Date.now() < deadline) {
      await conn.waitOpen(250).catch(() => {});
    }
    if (conn.connected) return conn;
    await conn.close();
    if (Date.now() + delay >= deadline) {
      throw new Error(`cannot connect to the broker at ${conn.display} within ${CONNECT_TIMEOUT_MS / 1000} s: ${conn.lastError ?? 'no answer'}`);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 2_000);
  }
}

/**
 * Waits until the sender link is attached, in short steps so that nothing keeps the process
 * alive after a failure: a refused link, a dropped connection, or {@link CONNECT_TIMEOUT_MS}.
 */
async function waitSenderOpen(conn: BrokerConnection, sender: ConfirmingSender, address: string): Promise<void> {
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  for (;;) {
    try {
      await sender.waitOpen(250);
      return;
    } catch (err) {
      if (!conn.connected) {
        throw new Error(`the broker at ${conn.display} dropped the connection when asked to send to ${address} (${conn.lastError ?? 'no reason given'}): does ${address} exist?`);
      }
      if (sender.error !== undefined || Date.now() >= deadline) throw err;
    }
  }
}

/** Whether a file (gzip or not) holds a JSON array: such a file is sent as one batched message. */
async function isJsonArray(file: string): Promise<boolean> {
  let bytes = await readFile(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return /^\uFEFF?\s*\[/.test(bytes.subarray(0, 64).toString('utf8'));
}

// --- bridge ------------------------------------------------------------------------------

/** `tswats cfx bridge`: the service in the foreground. SIGTERM/SIGINT stop it gracefully (exit 0); a second one forces exit. */
export async function runCfxBridge(opts: CfxFlags): Promise<void> {
  if (!opts.config) throw new UsageError('give --config FILE (the bridge config, YAML or JSON; see deploy/cfx/cfx-bridge.example.yaml)');
  const { config, warnings } = await resolveOrExit(opts, true);
  for (const w of warnings) process.stderr.write(`tswats: warning: ${w}\n`);
  const secrets = [config.wats.token, config.broker.password, config.http.token].filter((s): s is string => !!s);
  const log = createLogger({ level: config.logLevel, file: undefined }, secrets);
  let handle: BridgeHandle | undefined;
  let state: BridgeStatus['state'] = 'starting';
  const notifier = createSystemdNotifier({ log: log.child({ component: 'systemd' }), isHealthy: () => state !== 'stopped' });
  let readySent = false;
  const ready = (text: string) => {
    if (readySent) return;
    readySent = true;
    notifier.ready(text);
  };
  // Listen for signals before anything starts: a SIGTERM during start-up stops the bridge once it is up.
  const stop = signalled();
  try {
    handle = await startBridge(config, {
      log,
      onState(s) {
        state = s.state;
        const text = statusLine(s);
        if (s.ready) ready(text);
        notifier.status(text);
      },
    });
  } catch (err) {
    stop.cancel();
    notifier.close();
    process.stderr.write(`tswats: the bridge did not start: ${(err as Error).message}\n`);
    await closeLogger(log);
    throw new ExitError(1);
  }
  const bridge = handle;
  // A broker or WATS outage at boot must not make systemd fail the start (and stop restarting
  // after StartLimitBurst): READY=1 after a while anyway, STATUS= says what it waits for.
  const readyTimer = setTimeout(() => ready(statusLine(bridge.status())), READY_AT_LATEST_MS).unref();
  process.stderr.write(
    `tswats cfx bridge: consuming ${config.broker.source} from ${bridge.status().broker.url}, sending to WATS ${config.wats.url}` +
      `${bridge.url ? `; status ${bridge.url}/status` : '; status server off'}\n`,
  );
  const sig = await stop.promise;
  clearTimeout(readyTimer);
  notifier.stopping();
  notifier.status(`stopping (${sig}): finishing messages in flight`);
  await closeGracefully(
    () => bridge.close(),
    () => log.warn({ component: 'bridge' }, 'second signal: exiting now (unsettled messages go back to the broker)'),
  );
  notifier.close();
  const s = bridge.status();
  await closeLogger(log);
  process.stderr.write(`tswats cfx bridge stopped (${sig}) after ${formatDuration(Date.now() - Date.parse(s.startedAt))}: ${totalsLine(s)}\n`);
}

function statusLine(s: BridgeStatus): string {
  const t = s.totals;
  return `${s.state}${s.reason && s.reason !== s.state ? ` (${s.reason})` : ''}; ${t.received} received, ${t.accepted} accepted, ${t.deadLettered} dead-lettered, ${t.reports} reports`;
}

function totalsLine(s: BridgeStatus): string {
  const t = s.totals;
  return (
    `messages received ${t.received}, accepted ${t.accepted}, dead-lettered ${t.deadLettered}, rejected ${t.rejected}, released ${t.released}, unknown ${t.unknown}; ` +
    `envelopes ${t.envelopes}: reports ${t.reports}, asset updates ${t.assetUpdates}, production updates ${t.productionUpdates}, skipped (already done) ${t.skipped}`
  );
}

// --- status ------------------------------------------------------------------------------

export interface CfxStatusFlags extends CfxFlags {
  url?: string;
  token?: string;
  json?: boolean;
}

/** `tswats cfx status`: GET /status of a running bridge. */
export async function runCfxStatus(opts: CfxStatusFlags): Promise<void> {
  let base: { url: string; token: string | undefined };
  if (opts.url) base = { url: opts.url.replace(/\/+$/, ''), token: opts.token };
  else {
    const { config } = await resolveOrExit(opts, false);
    const h = config.http.host;
    const host = h === '0.0.0.0' ? '127.0.0.1' : h === '::' ? '[::1]' : h.includes(':') ? `[${h}]` : h;
    base = { url: `http://${host}:${config.http.port}`, token: opts.token ?? config.http.token };
  }
  const res = await callStatusServer(base, '/status');
  if (!res) {
    console.error(`tswats: no bridge answers at ${base.url} (is it running? is http.enabled true?)`);
    throw new ExitError(3);
  }
  if (res.status !== 200) {
    console.error(`tswats: ${base.url}/status answered ${res.status}: ${JSON.stringify(res.body)}`);
    throw new ExitError(res.status === 401 ? 4 : 1);
  }
  const s = res.body as BridgeStatus;
  if (opts.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
  else process.stdout.write(formatBridgeStatus(s, base.url));
}

export function formatBridgeStatus(s: BridgeStatus, url: string): string {
  const b = s.broker;
  const lines = [
    `bridge  ${s.state}${s.ready ? ' (ready)' : ''}${s.reason ? `: ${s.reason}` : ''}; up since ${s.startedAt}, ${s.inFlight} in flight`,
    `broker  ${b.url}: ${b.connected ? 'connected' : `NOT CONNECTED${b.lastError ? ` (${b.lastError})` : ''}`}; source ${b.source} ${b.linkOpen ? `open, credit ${b.credit}/${b.window}` : `CLOSED${b.linkError ? ` (${b.linkError})` : ''}`}; dead letters ${b.deadLetter ?? 'rejected'}; ${plural(b.reconnects, 'reconnect')}`,
    `wats    ${s.wats.url ?? '(not set)'}: ${s.wats.state} since ${s.wats.since}${s.wats.reason ? ` (${s.wats.reason})` : ''}`,
    `totals  ${totalsLine(s)}`,
  ];
  const by = Object.entries(s.byMessage);
  if (by.length) lines.push(`by message  ${by.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (s.lookup.enabled) lines.push(`lookup  ${s.lookup.entries} cached, ${s.lookup.hits} hits, ${s.lookup.misses} misses`);
  if (s.lastErrors.length) {
    lines.push('recent problems:');
    for (const p of s.lastErrors.slice(0, 5)) lines.push(`  ${p.time} ${p.code} ${p.subject ?? ''} ${p.messageId ?? ''}: ${p.reason}${p.field ? ` (${p.field})` : ''} -> ${p.deadLetteredTo}`);
  }
  lines.push(`(from ${url}/status)`);
  return `${lines.join('\n')}\n`;
}
