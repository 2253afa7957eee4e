/**
 * Child process of the crash tests: does queue work until the test SIGKILLs it.
 *
 *   queue-crash-child.ts enqueue <dir>          enqueues reports 8 at a time, printing each
 *                                               id once its enqueue resolved
 *   queue-crash-child.ts upload <dir> <url> <n> queues n reports, then uploads them to the
 *                                               simulator at <url>, printing each uploaded id
 *
 * Run with: node --import tsx --conditions=@tswats/source queue-crash-child.ts ...
 */
import pino from 'pino';
import { WatsClient } from '@tswats/sdk';
import { openUploadQueue } from '../src/queue/index.js';
import { queueConfig, uut } from './queue-fixtures.js';

const [mode, dir, url, count] = process.argv.slice(2);
if (!dir || (mode !== 'enqueue' && mode !== 'upload')) throw new Error('usage: queue-crash-child.ts enqueue|upload <dir> [url n]');
const queue = await openUploadQueue({
  config: queueConfig(dir, { concurrency: 4 }),
  client: new WatsClient({ baseUrl: url ?? 'http://127.0.0.1:9', logLevel: 'off', maxRetries: 0 }),
  log: pino({ level: 'silent' }),
  pingIntervalMs: 0,
});

if (mode === 'enqueue') {
  let n = 0;
  const worker = async (): Promise<never> => {
    for (;;) {
      const r = uut(`CRASH-${n++}`);
      await queue.enqueue(r, { priority: 5 });
      process.stdout.write(`${r.id}\n`);
      // Every other one is replaced right away, so the kill can also hit a replacing write.
      if (n % 2 === 0) await queue.enqueue({ ...r, sn: `${r.sn}-b` }, { priority: 4 });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
} else {
  const reports = Array.from({ length: Number(count) }, (_, i) => uut(`UPLOAD-CRASH-${i}`));
  await queue.enqueueMany(reports, { priority: 5 });
  process.stdout.write('queued\n');
  queue.on('uploaded', (item) => process.stdout.write(`${item.id}\n`));
  queue.start();
}
