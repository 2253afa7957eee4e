import cliProgress from 'cli-progress';
import { VERSION, WatsClient } from '@tswats/sdk';
import {
  createVteSync, describeVteDatabase, loadVteConfigFile, openVteSource, startVteService, VteConfigError, VteSchemaError, VteSyncLockedError,
  type ResolvedVteConfig, type SyncSummary, type VteConfig, type VteServiceHandle, type VteSource, type VteSync, type VteSyncMode,
} from '@tswats/vte';
import { ExitError, UsageError } from '../errors.js';
import { closeGracefully, signalled } from '../signals.js';

export interface VteFlags {
  config?: string;
  logLevel?: string;
}

/** Loads and resolves the config, or prints every problem and exits 78 (EX_CONFIG: systemd does not restart on it). */
async function resolveOrExit(opts: VteFlags, requireServer: boolean): Promise<ResolvedVteConfig> {
  if (!opts.config) throw new UsageError('give --config FILE (the VTE config, JSON; see docs/vte.md)');
  try {
    const r = await loadVteConfigFile(opts.config, { requireServer });
    if (opts.logLevel) return { ...r, config: { ...r.config, log: { ...r.config.log, level: opts.logLevel as VteConfig['log']['level'] } } };
    return r;
  } catch (err) {
    if (err instanceof VteConfigError) {
      console.error(`tswats: ${err.message}`);
      throw new ExitError(78);
    }
    throw err;
  }
}

function clientFor(config: VteConfig): WatsClient {
  return new WatsClient({
    baseUrl: config.server.baseUrl || 'http://127.0.0.1:9',
    ...(config.server.token ? { token: config.server.token } : {}),
    timeout: config.server.timeoutMs,
    logLevel: 'off',
    userAgentSuffix: `tswats-vte/${VERSION}`,
  });
}

/** Opens source and engine; a locked state directory (a running service) is a clear error. */
async function openEngine(config: VteConfig, client: WatsClient, checkSchema = true): Promise<{ source: VteSource; sync: VteSync; close(): Promise<void> }> {
  let source: VteSource;
  try {
    source = await openVteSource(config, { checkSchema });
  } catch (err) {
    if (err instanceof VteSchemaError) {
      console.error(`tswats: ${err.message}`);
      throw new ExitError(1);
    }
    throw err;
  }
  try {
    const sync = await createVteSync({
      config, source, client, stateDir: config.sync.stateDir, startAt: config.sync.startAt, guardBandMs: config.sync.guardBandMs,
      settleMs: config.sync.settleMs, uploadConcurrency: config.sync.uploadConcurrency,
    });
    return { source, sync, close: async () => { await sync.close(); await source.close(); } };
  } catch (err) {
    await source.close();
    if (err instanceof VteSyncLockedError) {
      console.error(`tswats: ${err.message}`);
      throw new ExitError(75);
    }
    throw err;
  }
}

/** `tswats vte check`: config, schema, database, WATS, gap risk. Exit 1 on any problem. */
export async function runVteCheck(opts: VteFlags & { json?: boolean }): Promise<void> {
  const { config, warnings } = await resolveOrExit(opts, false);
  const problems: string[] = [];
  const lines: string[] = [...warnings.map((w) => `warning: ${w}`)];
  const result: Record<string, unknown> = { warnings };
  let source: VteSource | undefined;
  try {
    source = await openVteSource(config, { checkSchema: false });
    const intro = await source.introspect();
    result.database = { ok: intro.ok, problems: intro.problems };
    lines.push(`database ${describeVteDatabase(config.database)}: ${intro.ok ? 'ok' : `${intro.problems.length} schema problem(s)`}`);
    for (const p of intro.problems) problems.push(`${p.configKey}: ${p.message}`);
  } catch (err) {
    result.database = { ok: false, error: (err as Error).message };
    problems.push(`database ${describeVteDatabase(config.database)}: ${(err as Error).message}`);
  }
  const client = clientFor(config);
  if (config.server.baseUrl) {
    try {
      const version = await client.app.version({ maxRetries: 0, timeout: 15_000 });
      result.wats = { ok: true, url: config.server.baseUrl, version };
      lines.push(`WATS ${config.server.baseUrl}: ok (${version})`);
    } catch (err) {
      result.wats = { ok: false, url: config.server.baseUrl, error: (err as Error).message };
      problems.push(`WATS ${config.server.baseUrl}: ${(err as Error).message}`);
    }
  } else {
    problems.push('server.url: not set (or env WATS_BASE_URL)');
  }
  if (source && problems.length === 0) {
    try {
      const sync = await createVteSync({
        config, source, client, stateDir: config.sync.stateDir, startAt: config.sync.startAt, guardBandMs: config.sync.guardBandMs, settleMs: config.sync.settleMs,
      });
      try {
        const gap = await sync.checkGapRisk();
        result.gapRisk = gap;
        lines.push(`gap check: ${gap.checked} records checked, ${gap.risks.length} at risk`);
        for (const r of gap.risks.slice(0, 20)) problems.push(`gap risk: ${r.kind} ${r.guid} at ${r.timestamp} is behind the guard band and was never sent (backfill its range)`);
      } finally {
        await sync.close();
      }
    } catch (err) {
      if (err instanceof VteSyncLockedError) lines.push(`gap check skipped: ${err.message}`);
      else problems.push(`gap check: ${(err as Error).message}`);
    }
  }
  await source?.close();
  result.ok = problems.length === 0;
  result.problems = problems;
  if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    for (const l of lines) process.stdout.write(l + '\n');
    for (const p of problems) process.stdout.write(`PROBLEM ${p}\n`);
    process.stdout.write(problems.length ? `${problems.length} problem(s)\n` : 'ok\n');
  }
  if (problems.length) throw new ExitError(1);
}

export interface VteSyncFlags extends VteFlags {
  once?: boolean;
  dryRun?: boolean;
  since?: string;
  until?: string;
  force?: boolean;
  json?: boolean;
  progress?: boolean;
}

/** `tswats vte sync`: one pass (normal, dry run, backfill or force). Exit 1 when the pass stopped early. */
export async function runVteSync(opts: VteSyncFlags): Promise<void> {
  if (opts.force && !opts.since) throw new UsageError('--force needs --since (and optionally --until)');
  if (opts.until && !opts.since && !opts.dryRun) throw new UsageError('--until needs --since');
  if (opts.force && opts.dryRun) throw new UsageError('give either --force or --dry-run');
  const mode: VteSyncMode = opts.dryRun ? 'dry-run' : opts.force ? 'force' : opts.since ? 'backfill' : 'normal';
  const { config } = await resolveOrExit(opts, mode !== 'dry-run');
  const engine = await openEngine(config, clientFor(config));
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const bar = !opts.json && opts.progress !== false && process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: '{kind} batch {batch} | read {read} | uploaded {uploaded} | skipped {skipped} | dead letters {dead}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic)
    : undefined;
  const counts = { read: 0, uploaded: 0, skipped: 0, dead: 0 };
  bar?.start(0, 0, { kind: 'runs', batch: 0, ...counts });
  engine.sync.on('batch', (b) => {
    counts.read += b.read;
    counts.uploaded += b.uploaded;
    counts.skipped += b.skipped;
    counts.dead += b.deadLettered;
    bar?.update(0, { kind: b.kind === 'run' ? 'runs' : 'repairs', batch: b.batch, ...counts });
  });
  let summary: SyncSummary;
  try {
    summary = await engine.sync.runOnce({
      mode, signal: ac.signal, ...(opts.since ? { since: localText(opts.since, '--since') } : {}), ...(opts.until ? { until: localText(opts.until, '--until') } : {}),
    });
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await engine.close();
  }
  if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  else process.stdout.write(summaryText(summary));
  if (summary.aborted) throw new ExitError(1);
}

/** `2026-03-01`, `2026-03-01T06:00`, `2026-03-01 06:00:00` → local VTE text. */
function localText(value: string, flag: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?)?$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag} ${value}: expected a local VTE time like 2026-03-01 or 2026-03-01T06:00:00`);
  return `${m[1]}T${m[2] ?? '00:00'}${m[3] ?? ':00'}`;
}

function summaryText(s: SyncSummary): string {
  const k = (name: string, x: SyncSummary['runs']) =>
    `${name}: read ${x.read}, ${s.mode === 'dry-run' ? `mapped ${x.mapped}` : `uploaded ${x.uploaded}`}, skipped ${x.skipped + x.skippedDeadLetter}, mapping failed ${x.mappingFailed}, dead-lettered ${x.deadLettered}`;
  const lines = [`${s.mode} pass [${s.range.since ?? 'start'} .. ${s.range.until}) in ${s.durationMs} ms, ${s.queries} queries`, k('runs', s.runs), k('repairs', s.repairs)];
  for (const f of s.failures.slice(0, 10)) lines.push(`  ${f.kind} ${f.guid} (${f.stage}${f.field ? ` ${f.field}` : ''}): ${f.reason}`);
  if (s.aborted) lines.push(`STOPPED (${s.aborted.stage}): ${s.aborted.reason}; the next pass resumes there`);
  return lines.join('\n') + '\n';
}

/** `tswats vte run`: the service in the foreground; SIGTERM/SIGINT stop it gracefully (exit 0), a second one forces exit. */
export async function runVteService(opts: VteFlags): Promise<void> {
  const { config, warnings } = await resolveOrExit(opts, true);
  const stop = signalled();
  let service: VteServiceHandle;
  try {
    service = await startVteService(config);
  } catch (err) {
    stop.cancel();
    if (err instanceof VteSchemaError || err instanceof VteSyncLockedError) {
      console.error(`tswats: ${err.message}`);
      throw new ExitError(1);
    }
    throw err;
  }
  for (const w of warnings) service.log.warn({ component: 'config' }, w);
  if (process.stderr.isTTY) process.stderr.write(`tswats vte: syncing ${describeVteDatabase(config.database)} to ${config.server.baseUrl}${service.url ? `; status ${service.url}/status` : ''}\n`);
  await stop.promise;
  await closeGracefully(() => service.close());
}


/** `tswats vte dlq list`. */
export async function runVteDlqList(opts: VteFlags & { json?: boolean }): Promise<void> {
  const { config } = await resolveOrExit(opts, false);
  const engine = await openEngine(config, clientFor(config), false);
  try {
    const entries = await engine.sync.deadLetters.list();
    if (opts.json) {
      process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
      return;
    }
    for (const e of entries) process.stdout.write(`${e.guid}\t${e.kind}\t${e.timestamp}\t${e.stage}\t${e.attempts}\t${e.reason}\n`);
    process.stdout.write(`${entries.length} dead letter(s)\n`);
  } finally {
    await engine.close();
  }
}

/** `tswats vte dlq replay <guid...> | --all`. Exit 1 when any failed again. */
export async function runVteDlqReplay(guids: string[], opts: VteFlags & { all?: boolean; json?: boolean }): Promise<void> {
  if (opts.all === (guids.length > 0)) throw new UsageError('give dead-letter GUIDs or --all');
  const { config } = await resolveOrExit(opts, true);
  const engine = await openEngine(config, clientFor(config));
  try {
    const r = await engine.sync.replay(opts.all ? 'all' : guids);
    if (opts.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else {
      process.stdout.write(`uploaded ${r.uploaded.length}, failed ${r.failed.length}, missing ${r.missing.length}, not found ${r.notFound.length}\n`);
      for (const f of r.failed) process.stdout.write(`  ${f.guid}: ${f.reason}\n`);
      if (r.aborted) process.stdout.write(`STOPPED (${r.aborted.stage}): ${r.aborted.reason}\n`);
    }
    if (r.failed.length || r.aborted || r.notFound.length) throw new ExitError(1);
  } finally {
    await engine.close();
  }
}
