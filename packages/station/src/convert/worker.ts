/**
 * A converter worker thread: converts one file at a time, as the pool asks, and answers with
 * the reports or a serialised error. User converter modules are loaded here (once each), so a
 * converter that hangs or crashes takes down only this worker.
 */
import { parentPort } from 'node:worker_threads';
import { BUILT_IN_CONVERTERS, convert, loadConverter, type Converter } from '@tswats/converters';
import { serializeError } from './errors.js';
import type { FromWorker, ToWorker } from './messages.js';

const port = parentPort;
if (!port) throw new Error('worker.ts must run as a worker thread');

const loaded = new Map<string, Promise<Converter>>();

function userConverter(modulePath: string): Promise<Converter> {
  let c = loaded.get(modulePath);
  if (!c) {
    c = loadConverter(modulePath);
    loaded.set(modulePath, c);
    c.catch(() => loaded.delete(modulePath)); // a fixed module loads at the next try
  }
  return c;
}

port.on('message', (msg: ToWorker) => {
  if (msg.type !== 'convert') return;
  void run(msg);
});
port.postMessage({ type: 'ready' } satisfies FromWorker);

async function run({ id, job }: ToWorker): Promise<void> {
  let needsFolder = false;
  let reply: FromWorker;
  try {
    let user: Converter | undefined;
    if (job.converterModule) {
      try {
        user = await userConverter(job.converterModule);
      } catch (err) {
        port!.postMessage({ type: 'failed', id, error: serializeError(err, 'load'), needsFolder } satisfies FromWorker);
        return;
      }
    }
    const format = user?.name ?? (job.converter && job.converter !== 'auto' ? job.converter : undefined);
    const converters = user ? [user] : BUILT_IN_CONVERTERS;
    // Known before converting when the format is forced; otherwise from the error or result.
    needsFolder = !!converters.find((c) => c.name === format)?.needsFolder;
    const result = await convert(job.path, { ...job.options, ...(format ? { format } : {}), converters });
    needsFolder = !!converters.find((c) => c.name === result.format)?.needsFolder;
    reply = { type: 'done', id, result: { format: result.format, reports: result.reports, warnings: result.warnings, needsFolder } };
  } catch (err) {
    const error = serializeError(err, 'internal');
    if (error.format) needsFolder = !!BUILT_IN_CONVERTERS.find((c) => c.name === error.format)?.needsFolder || needsFolder;
    reply = { type: 'failed', id, error, needsFolder };
  }
  try {
    port!.postMessage(reply);
  } catch (err) {
    // A report that cannot be cloned (a user converter returned functions or the like).
    port!.postMessage({ type: 'failed', id, error: serializeError(err, 'internal'), needsFolder } satisfies FromWorker);
  }
}
