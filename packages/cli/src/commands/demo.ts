import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { startSim } from '@tswats/sim';
import { resolveStationConfig, startStation, type FileConvertedEvent, type FileFailedEvent } from '@tswats/station';
import { InternalError } from '../errors.js';
import { runSdkDemo } from './demo-sdk.js';
import { waitForSignal } from './sim.js';

/** Options of `tswats demo`. */
export interface DemoOptions {
  port: number;
  /** Keep running after the summary; undefined = only when stdout is a terminal. */
  serve?: boolean;
  /** Folder for the demo station (config, watch folder, data). @default a new temp folder */
  dir?: string;
  /** The older SDK-only demo: one UUT and one UUR built in code. */
  sdk?: boolean;
}

const SAMPLES = fileURLToPath(new URL('../../demo/samples/', import.meta.url));

/**
 * The main job on the embedded default: the simulator in-process, a station watching a
 * folder seeded with real equipment files (one of them broken on purpose), every file
 * converted and uploaded, then a summary saying where to look.
 */
export async function runDemo(opts: DemoOptions): Promise<void> {
  if (opts.sdk) return runSdkDemo(opts);
  const out = process.stdout;
  const sim = await startSim({ port: opts.port });
  const dir = opts.dir ? resolve(opts.dir) : await mkdtemp(join(tmpdir(), 'tswats-demo-'));
  const watch = join(dir, 'in');
  await mkdir(watch, { recursive: true });
  const configFile = join(dir, 'station.json');
  await writeFile(
    configFile,
    JSON.stringify(
      {
        server: { url: sim.url },
        station: { name: 'DEMO-STATION', location: 'Demo line', purpose: 'Demo' },
        dataDir: 'data',
        folders: [{ path: 'in', converter: 'auto', settle: '300ms', postAction: 'move' }],
        http: { port: 0 },
        log: { level: 'info', file: 'station.log' },
      },
      null,
      2,
    ) + '\n',
  );
  const { config } = await resolveStationConfig({ file: configFile, env: {} });
  const log = pino({ level: 'info' }, pino.destination({ dest: join(dir, 'station.log'), mkdir: true, sync: false }));
  const station = await startStation(config, { log, env: {} });
  try {
    const results: { file: string; line: string }[] = [];
    station.pipeline.on('converted', (e: FileConvertedEvent) => {
      results.push({ file: basename(e.file), line: `${e.format.padEnd(14)} ${String(e.reportIds.length).padStart(2)} report(s)  -> Done` });
    });
    station.pipeline.on('failed', (e: FileFailedEvent) => {
      results.push({ file: basename(e.file), line: `FAILED: ${e.error.reason}  -> Error (reason in ${basename(e.file)}.error.json)` });
    });

    // Seed the watch folder with real samples, plus one broken file.
    const samples = (await readdir(SAMPLES)).sort();
    for (const name of samples) await copyFile(join(SAMPLES, name), join(watch, name));
    const atml = samples.find((n) => n.startsWith('ATML'));
    if (atml) {
      const text = await readFile(join(SAMPLES, atml), 'utf8');
      await writeFile(join(watch, 'truncated-run.xml'), text.slice(0, Math.floor(text.length / 2)));
    }
    const expectedFiles = samples.length + (atml ? 1 : 0);

    await waitUntil(async () => results.length >= expectedFiles, 60_000);
    await station.whenIdle();
    const s = station.status();
    if (s.totals.filesConverted !== samples.length) {
      throw new InternalError(`the demo expected ${samples.length} converted files, got ${s.totals.filesConverted}: ${JSON.stringify(s.lastErrors)}`);
    }

    out.write(`WATS simulator   ${sim.url} (in memory; ${sim.reportCount()} reports stored)\n`);
    out.write(`Station status   ${station.statusUrl}/status   (also /health/ready, /metrics)\n`);
    out.write(`Watch folder     ${watch}   (drop more files here)\n`);
    out.write(`Config and log   ${configFile}, ${join(dir, 'station.log')}\n\n`);
    out.write(`Converted ${s.totals.filesConverted} of ${expectedFiles} files into ${s.totals.reportsQueued} reports (every unit in a file is its own report):\n`);
    const width = Math.min(48, Math.max(...results.map((r) => r.file.length)));
    for (const r of results.sort((a, b) => a.file.localeCompare(b.file))) {
      const name = r.file.length > width ? `${r.file.slice(0, width - 1)}…` : r.file.padEnd(width);
      out.write(`  ${name}  ${r.line}\n`);
    }
    out.write(
      `\nUploaded ${s.totals.reportsUploaded} reports; queue: ${s.queue.counts.pending} pending, ${s.queue.counts.failed} failed. ` +
        `Sources are in ${join(watch, 'Done')}, the broken one in ${join(watch, 'Error')}.\n`,
    );

    const serve = opts.serve ?? Boolean(process.stdout.isTTY);
    if (serve) {
      out.write(`\nTry: curl ${station.statusUrl}/status\n`);
      out.write(`     curl '${sim.url}/api/Report/Query/Header?$top=5'\n`);
      out.write(`     npx tswats station status --status-url ${station.statusUrl}\n`);
      out.write('The station and the simulator keep running; drop files into the watch folder. Ctrl-C to stop.\n');
      await waitForSignal();
    }
  } finally {
    await station.close({ graceMs: 2000 });
    log.flush();
    await sim.close();
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new InternalError('the demo station did not finish its files in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
