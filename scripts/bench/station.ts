/**
 * Station part of `npm run bench`:
 *  1. 10,000 small WSJF reports dropped as files into a watch folder -> every one acknowledged
 *     by the simulator (a separate `tswats sim` process): wall time and reports/s.
 *  2. Durable enqueue rate of the upload queue vs a bare write + fsync + rename loop of the same
 *     bytes, measured alternately in the same run.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { WatsClient, type WsjfReport } from '@tswats/sdk';
import { smallReport } from './station-report.js';
import { openUploadQueue, resolveStationConfig, startStation } from '@tswats/station';
import type { BenchSection } from './run.js';
import { startSimProcess } from './sim-process.js';
import { fmt } from './measure.js';

const WRITER = fileURLToPath(new URL('./station-writer.ts', import.meta.url));


async function endToEnd(count: number): Promise<{ seconds: number; writeSeconds: number; perSecond: number; stored: number; failed: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'tswats-bench-station-'));
  const sim = await startSimProcess();
  try {
    const watch = join(dir, 'in');
    await mkdir(watch, { recursive: true });
    const { config } = await resolveStationConfig({
      env: {},
      cwd: dir,
      flags: {
        server: { url: sim.url },
        dataDir: join(dir, 'data'),
        folders: [{ path: watch, converter: 'wsjf', settle: '200ms', postAction: 'delete' }],
        conversion: { concurrency: 2 },
        queue: { concurrency: 8, maxItems: count * 2, keepCompleted: 0 },
        http: { enabled: false },
      },
    });
    const station = await startStation(config, { log: pino({ level: 'silent' }), env: {} });
    let uploaded = 0;
    station.queue.on('uploaded', () => uploaded++); // before the first file: uploads start at once
    const t0 = performance.now();
    process.stderr.write(`  station: a writer process drops ${count} files\n`);
    const writer = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tswats/source', WRITER, watch, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let writerOut = '';
    writer.stdout.on('data', (d: Buffer) => (writerOut += d.toString()));
    const writerDone = new Promise((r) => writer.once('exit', r));
    let lastReport = performance.now();
    while (uploaded < count) {
      await new Promise((r) => setTimeout(r, 100));
      const s = station.status();
      if (s.totals.filesFailed > 0 || s.queue.counts.failed > 0) break;
      if (performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        process.stderr.write(`  station: ${s.totals.filesConverted} converted, ${uploaded} uploaded, queue ${JSON.stringify(s.queue.counts)}\n`);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    await writerDone;
    const writeSeconds = Number(/done (\d+)/.exec(writerOut)?.[1] ?? NaN) / 1000;
    const s = station.status();
    await station.close({ graceMs: 1000 });
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { reports: { stored: number } };
    return { seconds, writeSeconds, perSecond: count / seconds, stored: stats.reports.stored, failed: s.totals.filesFailed + s.queue.counts.failed };
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function enqueueVsBare(count: number): Promise<{ enqueuePerSecond: number; barePerSecond: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'tswats-bench-enqueue-'));
  try {
    const reports = Array.from({ length: count }, (_, i) => smallReport(i));
    const bodies = reports.map((r) => JSON.stringify(r));
    const client = new WatsClient({ baseUrl: 'http://127.0.0.1:9', logLevel: 'off' });
    const log = pino({ level: 'silent' });
    let round = 0;
    const runQueue = async () => {
      const qdir = join(dir, `q${round}`);
      const q = await openUploadQueue({
        config: { dir: qdir, concurrency: 1, maxItems: count * 2, resumeAt: count, minFreeBytes: 0, maxAgeMs: 0, keepCompletedMs: 0, retry: { initialDelayMs: 1000, maxDelayMs: 1000, jitter: 0 } },
        client,
        log,
        pingIntervalMs: 0,
      });
      const t0 = performance.now();
      // Enqueues arrive one per converted report; a few at a time, as the pipeline's workers do.
      const lanes = 4;
      await Promise.all(
        Array.from({ length: lanes }, async (_, lane) => {
          for (let i = lane; i < count; i += lanes) await q.enqueue(reports[i] as WsjfReport, { priority: 5 });
        }),
      );
      const ms = performance.now() - t0;
      await q.close({ graceMs: 0 });
      return ms;
    };
    const runBare = async () => {
      const bdir = join(dir, `b${round}`);
      await mkdir(bdir, { recursive: true });
      const t0 = performance.now();
      const lanes = 4;
      await Promise.all(
        Array.from({ length: lanes }, async (_, lane) => {
          for (let i = lane; i < count; i += lanes) {
            const tmp = join(bdir, `${i}.tmp`);
            const fh = await open(tmp, 'w');
            await fh.writeFile(bodies[i] as string);
            await fh.sync();
            await fh.close();
            await rename(tmp, join(bdir, `${i}.json`));
          }
        }),
      );
      return performance.now() - t0;
    };
    const q: number[] = [];
    const b: number[] = [];
    for (round = 0; round < 3; round++) {
      q.push(await runQueue());
      b.push(await runBare());
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
    return { enqueuePerSecond: count / (median(q) / 1000), barePerSecond: count / (median(b) / 1000) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchStation({ quick }: { quick: boolean }): Promise<BenchSection> {
  const count = quick ? 1000 : 10_000;
  const e2e = await endToEnd(count);
  const enq = await enqueueVsBare(quick ? 300 : 2000);
  const allThere = e2e.stored === count && e2e.failed === 0;
  const ratio = enq.enqueuePerSecond / enq.barePerSecond;
  const body = `
${count.toLocaleString('en-US')} small WSJF reports (3 steps each) written into a watch folder (temp name, then
renamed, as testers do) by a separate writer process; the station converts them (2 worker threads), queues each durably, deletes
the source, and uploads with 8 in flight to the simulator running as a separate \`tswats sim\`
process. Wall time from the first file written to the last upload acknowledged.

| run | reports | seconds | reports/s | stored by the simulator |
|---|---:|---:|---:|---|
| drop → convert → queue → upload | ${count} | ${fmt(e2e.seconds)} | ${fmt(e2e.perSecond, 0)} | ${e2e.stored} ${allThere ? '✓ (all, none failed)' : `✗ (${e2e.failed} failed)`} |
| (the writer alone, for scale) | ${count} | ${fmt(e2e.writeSeconds)} | ${fmt(count / e2e.writeSeconds, 0)} | – |

Durable enqueue (write, fsync, rename, directory fsync; one file per report keyed by its id) against a
bare loop doing write + fsync + rename of the same JSON bytes (no directory fsync), both with 4
concurrent writers, alternated 3 times, medians:

| run | items/s |
|---|---:|
| upload queue enqueue | ${fmt(enq.enqueuePerSecond, 0)} |
| baseline: bare write + fsync + rename | ${fmt(enq.barePerSecond, 0)} |

Ratio enqueue/bare: ${fmt(ratio, 2)}. fsync cost depends on the disk; compare the ratio.
`;
  return { title: 'Station', body, targetsMet: allThere };
}
