/**
 * Helpers of the file-pipeline tests: real converter fixtures copied into temp folders, a
 * folder config with test defaults, an in-memory upload queue, and pipelines closed after
 * each test.
 */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { afterEach } from 'vitest';
import type { WsjfReport } from '@tswats/sdk';
import { createFilePipeline, type FilePipeline, type FilePipelineOptions } from '../src/pipeline/index.js';
import type { FolderConfig } from '../src/types.js';
import { tempDir } from './helpers.js';

export const FIXTURES = fileURLToPath(new URL('../../converters/test/fixtures/', import.meta.url));

/** Path of a converter fixture, e.g. `fixture('wstf', 'WatsStandardTextFormat.txt')`. */
export function fixture(format: string, name: string): string {
  return join(FIXTURES, format, name);
}

/** Copies a fixture into `dir` (as `as`, default its own name) and returns the new path. */
export async function copyFixture(format: string, name: string, dir: string, as = name): Promise<string> {
  await mkdir(dir, { recursive: true });
  const to = join(dir, as);
  await copyFile(fixture(format, name), to);
  return to;
}

/** The WSTF fixture with another serial number (so its report id differs), written to `dir/name`. */
export async function wstfVariant(dir: string, name: string, serial: string): Promise<string> {
  const text = await readFile(fixture(...WSTF), 'utf8');
  const to = join(dir, name);
  await mkdir(dir, { recursive: true });
  await writeFile(to, text.replace(/^SerialNumber\t[^\t\r\n]*/m, `SerialNumber\t${serial}`));
  return to;
}

/** Well-known fixtures: one report each unless noted. */
export const WSTF = ['wstf', 'WatsStandardTextFormat.txt'] as const;
export const WSJF = ['wsjf', 'WATS - WSJF UUT Example file.json'] as const;
/** Two boards, two reports. */
export const SEICA_PANEL = ['seica-viva', 'panel-2up-handwritten.xml'] as const;

/** A resolved folder config for `root`, with test defaults (short settle time, Done/Error inside). */
export function folderConfig(root: string, overrides: Partial<FolderConfig> = {}): FolderConfig {
  return {
    name: 'in',
    path: root,
    converter: 'auto',
    converterModule: undefined,
    options: {},
    processName: undefined,
    include: [],
    exclude: [],
    recursive: false,
    priority: 5,
    postAction: 'move',
    doneFolder: join(root, 'Done'),
    errorFolder: join(root, 'Error'),
    settleMs: 100,
    ...overrides,
  };
}

/** An in-memory stand-in for the durable upload queue. */
export interface MemoryQueue {
  enqueue: FilePipelineOptions['enqueue'];
  /** Every report by id (re-enqueued ids overwrite, as the real queue dedupes). */
  reports: Map<string, WsjfReport>;
  /** One entry per enqueue call: the file and its report ids. */
  calls: { file: string; folder: string; ids: string[] }[];
  /** When true, enqueue rejects with STATION_ERR_QUEUE_FULL. */
  full: boolean;
  /** Rejects the next n calls with a plain error. */
  failNext: number;
}

export function memoryQueue(): MemoryQueue {
  const q: MemoryQueue = {
    reports: new Map(),
    calls: [],
    full: false,
    failNext: 0,
    enqueue: async (reports, { folder, file }) => {
      if (q.full) throw Object.assign(new Error('queue full'), { code: 'STATION_ERR_QUEUE_FULL' });
      if (q.failNext > 0) {
        q.failNext--;
        throw new Error('disk on fire');
      }
      for (const r of reports) q.reports.set(String(r.id), r);
      q.calls.push({ file, folder: folder.name, ids: reports.map((r) => String(r.id)) });
    },
  };
  return q;
}

export function silentLog(): Logger {
  return pino({ level: 'silent' });
}

const open: FilePipeline[] = [];
afterEach(async () => {
  for (const p of open.splice(0)) await p.close({ graceMs: 0 });
});

/** Creates (not starts) a pipeline with test defaults; it is closed after the test. */
export function testPipeline(options: Partial<FilePipelineOptions> & Pick<FilePipelineOptions, 'folders' | 'stateDir'>): FilePipeline {
  const p = createFilePipeline({
    conversion: { concurrency: 2, timeoutMs: 20_000 },
    watch: { pollIntervalMs: 0, rescanIntervalMs: 0 },
    log: silentLog(),
    enqueue: memoryQueue().enqueue,
    optionsFor: async (folder) => ({ timeZone: 'Europe/Oslo', ...folder.options }),
    ...options,
  });
  open.push(p);
  return p;
}

/** Sorted names in a folder ([] when it does not exist). */
export async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** A temp root with a watch folder `in` (and where its state, Done and Error go). */
export async function pipelineDirs(): Promise<{ root: string; watch: string; stateDir: string; done: string; error: string }> {
  const root = await tempDir();
  const watch = join(root, 'in');
  await mkdir(watch);
  return { root, watch, stateDir: join(root, 'state'), done: join(watch, 'Done'), error: join(watch, 'Error') };
}
