/**
 * The bridge's mapping worker thread: runs {@link Preparer} on the messages in the order they
 * arrive. A message that needs part numbers from WATS holds the queue until the answers come
 * (so a later message never overtakes it), then is prepared again.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ToMapWorker, FromMapWorker } from './map-protocol.js';
import { Preparer, type PreparerOptions } from './prepare.js';

const port = parentPort;
if (!port) throw new Error('map-worker: not started as a worker thread');

const preparer = new Preparer(workerData as PreparerOptions);
const queue: Extract<ToMapWorker, { t: 'map' }>[] = [];
let blocked: number | undefined;

const post = (m: FromMapWorker) => port.postMessage(m);
const stats = () => ({ entries: preparer.units.size, hits: preparer.units.hits, misses: preparer.units.misses });

function run(): void {
  while (blocked === undefined && queue.length > 0) {
    const job = queue[0]!;
    let out;
    try {
      out = preparer.prepare(job.body, job.encoding);
    } catch (e) {
      queue.shift();
      post({ t: 'failed', id: job.id, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      continue;
    }
    if (out.kind === 'lookup') {
      blocked = job.id;
      post({ t: 'lookup', id: job.id, serials: out.serials });
      return;
    }
    queue.shift();
    post({ t: 'done', id: job.id, outcome: out, units: stats() });
  }
}

port.on('message', (m: ToMapWorker) => {
  if (m.t === 'map') {
    queue.push(m);
    run();
  } else if (m.t === 'units') {
    preparer.addUnits(m.entries);
    if (blocked === m.id) blocked = undefined;
    run();
  }
});
