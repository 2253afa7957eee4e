import { homedir } from 'node:os';
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import pino from 'pino';
import { ConversionError, convert, listFolder } from '@tswats/converters';
import { VERSION, WatsClient } from '@tswats/sdk';
import { openUploadQueue, type QueueItem } from '@tswats/station';
import { ExitError, UsageError } from '../errors.js';
import { resolveOrExit, type StationFlags } from './station.js';

export interface SubmitCommandOptions extends StationFlags {
  queueDir?: string;
  json?: boolean;
  progress?: boolean;
}

/**
 * `tswats submit`: one-off upload of WSJF files through a durable queue (same semantics as
 * the station: keyed by report id, retried with backoff, permanent failures reported). An
 * interrupted run leaves its items in the queue folder; the next run sends them first.
 */
export async function runSubmit(paths: string[], opts: SubmitCommandOptions): Promise<void> {
  if (!opts.config && !opts.url && !process.env.WATS_BASE_URL) throw new UsageError('give --url (or env WATS_BASE_URL) or --config FILE');
  const { config } = await resolveOrExit(opts, { requireFolders: false });
  const queueDir = opts.queueDir ?? (opts.config || opts.dataDir ? join(config.dataDir, 'submit-queue') : join(homedir(), '.tswats', 'submit-queue'));

  // Read every input first: a bad file is reported, the rest still go.
  const files: string[] = [];
  let inputErrors = 0;
  for (const p of paths) {
    const st = await stat(p).catch(() => undefined);
    if (!st) {
      inputErrors++;
      report(opts, { file: p, error: 'not found' });
      continue;
    }
    if (st.isDirectory()) files.push(...(await listFolder(p)).filter((f) => /\.json$/i.test(f)).map((f) => join(p, f)));
    else files.push(p);
  }
  const log = pino({ level: process.env.TSWATS_LOG === 'debug' ? 'debug' : 'silent' });
  const client = new WatsClient({
    baseUrl: config.server.baseUrl,
    token: config.server.token,
    timeout: config.server.timeoutMs,
    logLevel: 'off',
    userAgentSuffix: `tswats-submit/${VERSION}`,
  });
  const queue = await openUploadQueue({
    config: { ...config.queue, dir: queueDir, keepCompletedMs: 0, maxAgeMs: 0, concurrency: config.queue.concurrency },
    client,
    log,
    pingIntervalMs: config.server.pingIntervalMs,
  });
  const wanted = new Set<string>();
  try {
    for (const file of files) {
      try {
        const { reports } = await convert(file, { format: 'wsjf' });
        for (const r of reports) {
          const { id } = await queue.enqueue(r, { priority: 5, source: { file } });
          wanted.add(id);
        }
      } catch (err) {
        inputErrors++;
        report(opts, { file, error: err instanceof ConversionError ? err.message : (err as Error).message });
      }
    }
    // Items an earlier interrupted run left behind go too.
    for (const it of queue.list({ state: 'pending' })) wanted.add(it.id);

    const total = wanted.size;
    const bar =
      (opts.progress ?? Boolean(process.stderr.isTTY)) && total > 0
        ? new cliProgress.SingleBar({ format: 'uploading [{bar}] {value}/{total} reports | {status}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic)
        : undefined;
    bar?.start(total, 0, { status: 'connecting' });
    const done = new Map<string, QueueItem>();
    await new Promise<void>((resolve) => {
      const settle = (item: QueueItem) => {
        if (!wanted.has(item.id)) return;
        done.set(item.id, item);
        if (item.state === 'failed') report(opts, { file: item.source?.file ?? item.id, id: item.id, error: item.lastError?.message ?? 'failed' });
        else if (opts.json) report(opts, { file: item.source?.file ?? item.id, id: item.id, uploaded: true });
        bar?.update(done.size, { status: queue.online === false ? 'server unreachable, retrying' : 'ok' });
        if (done.size >= total) resolve();
      };
      queue.on('uploaded', settle);
      queue.on('failed', settle);
      queue.on('offline', () => bar?.update({ status: 'server unreachable, retrying' }));
      queue.on('online', () => bar?.update({ status: 'ok' }));
      // Items already settled before we listened (a re-run of the same files).
      for (const id of wanted) {
        const it = queue.get(id);
        if (it && it.state !== 'pending') settle(it);
      }
      if (total === 0) resolve();
      queue.start();
      const onSignal = () => resolve();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
    bar?.stop();
    const failed = [...done.values()].filter((i) => i.state === 'failed').length;
    const uploaded = [...done.values()].filter((i) => i.state === 'completed').length;
    const left = total - done.size;
    if (!opts.json) {
      process.stderr.write(
        `${uploaded} uploaded, ${failed} failed${inputErrors ? `, ${inputErrors} unreadable file(s)` : ''}${left ? `, ${left} still queued in ${queueDir} (run again to send them)` : ''}\n`,
      );
    }
    if (failed || inputErrors || left) throw new ExitError(1);
  } finally {
    await queue.close({ graceMs: 2000 });
  }
}

function report(opts: SubmitCommandOptions, line: Record<string, unknown>): void {
  if (opts.json) process.stdout.write(JSON.stringify(line) + '\n');
  else if (line.error) process.stderr.write(`${String(line.file)}: ${String(line.error)}\n`);
}
