/**
 * Helpers for whole-station tests: real sample files from the converters' fixtures, a
 * resolved config pointing at a simulator, and the report ids a file must produce.
 */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { convert, type ConvertOptions } from "@tswats/converters";
import { resolveStationConfig, startStation, type StationHandle, type StationOptions } from '@tswats/station';
import pino from 'pino';

const FIXTURES = fileURLToPath(new URL('../../converters/test/fixtures/', import.meta.url));

/** Real equipment files (copied into the converters' fixtures with their provenance). */
export const SAMPLES = {
  wsjf: join(FIXTURES, 'wsjf', 'WATS - WSJF UUT Example file.json'),
  wstfMulti: join(FIXTURES, 'wstf', 'multi-uut.txt'),
  wstf: join(FIXTURES, 'wstf', 'WatsStandardTextFormat.txt'),
  atml6: join(FIXTURES, 'atml', 'ATML 6.01 [2 31 52 PM][5 15 2019].xml'),
  atmlBatch: join(FIXTURES, 'atml', 'Parallel Testing Strategies_BatchReport.6 45 31 AM..9 13 2022.xml'),
  seica: join(FIXTURES, 'seica-viva', '800721A_FailReport.xml .xml'),
  wsxf: join(FIXTURES, 'wsxf', 'wrml-uut-and-uur.xml'),
  xjtag: join(FIXTURES, 'xjtag', '567567_14_29_24_17_06_2020_Pass.xml'),
  teststand: join(FIXTURES, 'teststand-xml', 'TSWithWats2.xml'),
} as const;

const open: StationHandle[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close({ graceMs: 0 });
});

/** The station identity `testStation` gives its folder (it fills reports, so it is part of their content). */
export const TEST_IDENTITY = { stationName: 'TEST-STATION', location: 'Lab', purpose: 'Test' };

/**
 * The report ids converting `file` gives with the test station's options (ids are derived
 * from content, and the options fill part of it: the same file and options, the same ids).
 */
export async function expectedIds(file: string, options: ConvertOptions = TEST_IDENTITY): Promise<string[]> {
  const { reports } = await convert(file, options);
  return reports.map((r) => r.id as string);
}

export async function copySample(sample: string, toDir: string, name = basename(sample)): Promise<string> {
  await mkdir(toDir, { recursive: true });
  const to = join(toDir, name);
  await copyFile(sample, to);
  return to;
}

export async function listNames(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isFile())
    .map((d) => d.name)
    .sort();
}

/** A station on `dir` (one folder `in`, auto-detect) uploading to `url`; closed after the test. */
export async function testStation(dir: string, url: string, flags: StationOptions = {}): Promise<StationHandle> {
  await mkdir(join(dir, 'in'), { recursive: true });
  const { config } = await resolveStationConfig({
    env: {},
    cwd: dir,
    flags: {
      server: { url, pingInterval: '1s', timeout: '5s' },
      station: { name: 'TEST-STATION', location: 'Lab', purpose: 'Test' },
      dataDir: join(dir, 'data'),
      folders: [{ path: join(dir, 'in'), settle: '150ms' }],
      http: { port: 0 },
      watch: { rescanInterval: '1s' },
      ...flags,
      queue: { retry: { initialDelay: '50ms', maxDelay: '300ms' }, ...flags.queue },
    },
  });
  const station = await startStation(config, { log: pino({ level: 'silent' }), env: {} });
  open.push(station);
  return station;
}
