/**
 * A station-like process for the crash test: runs the file pipeline on one folder with a
 * file-backed "queue" (one fsynced JSON line per enqueue) until idle, then exits 0.
 * The test SIGKILLs it at random moments and starts it again.
 *
 * Usage: node --import tsx --conditions=@tswats/source pipeline-crash-child.ts <config.json>
 */
import { appendFile, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createFilePipeline } from '../src/pipeline/index.js';
import type { PostAction } from '../src/types.js';

interface ChildConfig {
  watch: string;
  stateDir: string;
  queueFile: string;
  postAction: PostAction;
}

const config = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as ChildConfig;

const pipeline = createFilePipeline({
  folders: [
    {
      name: 'in',
      path: config.watch,
      converter: 'auto',
      converterModule: undefined,
      options: {},
      processName: undefined,
      include: [],
      exclude: [],
      recursive: false,
      priority: 5,
      postAction: config.postAction,
      doneFolder: join(config.watch, 'Done'),
      errorFolder: join(config.watch, 'Error'),
      settleMs: 50,
    },
  ],
  conversion: { concurrency: 2, timeoutMs: 20_000 },
  watch: { pollIntervalMs: 0, rescanIntervalMs: 0 },
  stateDir: config.stateDir,
  log: pino({ level: 'silent' }),
  enqueue: async (reports, { file }) => {
    const fh = await open(config.queueFile, 'a');
    try {
      await fh.appendFile(`${JSON.stringify({ file, ids: reports.map((r) => r.id) })}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  optionsFor: async () => ({ timeZone: 'Europe/Oslo' }),
});

// Progress lines let the test aim its kills at moments when files are being worked on.
pipeline.on('converted', (e: { file: string }) => process.stdout.write(`EVENT converted ${e.file}\n`));
pipeline.on('failed', (e: { file: string }) => process.stdout.write(`EVENT failed ${e.file}\n`));
await pipeline.start();
process.stdout.write('STARTED\n');
await pipeline.whenIdle();
await pipeline.close();
await appendFile(join(config.stateDir, 'runs.log'), 'completed\n');
process.stdout.write('DONE\n');
