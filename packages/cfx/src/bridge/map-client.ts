/**
 * The bridge's side of the mapping worker: sends each message's body in arrival order, answers
 * the worker's part-number questions (through `lookUp`, which the bridge routes through its
 * WATS gate), and resolves each message's outcome. A worker that dies is replaced on the next
 * message; the messages it held fail (the bridge releases them to the broker).
 */
import { Worker } from 'node:worker_threads';
import { workerSpec } from '@tswats/station';
import type { KnownUnit } from '../map/types.js';
import type { FromMapWorker, ToMapWorker } from './map-protocol.js';
import type { PrepareOutcome, PreparerOptions } from './prepare.js';

type Done = Exclude<PrepareOutcome, { kind: 'lookup' }>;

export interface MapClientOptions {
  preparer: PreparerOptions;
  /** Asks WATS for part numbers; rejects only when the bridge is stopping. */
  lookUp(serials: string[]): Promise<[string, KnownUnit | undefined][]>;
  /** The worker failed (a bug) or exited. */
  onWorkerError(error: Error): void;
}

export class MapClient {
  private readonly options: MapClientOptions;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(o: Done): void; reject(e: Error): void }>();
  private nextId = 1;
  private closed = false;
  /** Part-number cache figures, as the worker last reported them. */
  units = { entries: 0, hits: 0, misses: 0 };

  constructor(options: MapClientOptions) {
    this.options = options;
  }

  /** Prepares one message (body bytes and content-encoding) in the worker. */
  prepare(body: Uint8Array, encoding: string | undefined): Promise<Done> {
    if (this.closed) return Promise.reject(new Error('the mapping worker is closed'));
    const id = this.nextId++;
    const w = this.worker ?? this.spawn();
    return new Promise<Done>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ t: 'map', id, body, encoding } satisfies ToMapWorker);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the mapping worker was stopped'));
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    const spec = workerSpec(import.meta.url, 'map-worker');
    const w = new Worker(spec.entry, { ...spec.options, workerData: this.options.preparer });
    this.worker = w;
    w.on('message', (m: FromMapWorker) => this.receive(w, m));
    const gone = (e: Error) => {
      if (this.worker === w) this.worker = undefined;
      if (this.closed) return;
      this.failAll(e);
      this.options.onWorkerError(e);
    };
    w.on('error', gone);
    w.on('exit', (code) => gone(new Error(`the mapping worker exited (code ${code})`)));
    w.unref();
    return w;
  }

  private receive(w: Worker, m: FromMapWorker): void {
    if (m.t === 'lookup') {
      this.options.lookUp(m.serials).then(
        (entries) => w.postMessage({ t: 'units', id: m.id, entries } satisfies ToMapWorker),
        (e: unknown) => this.pending.get(m.id)?.reject(e instanceof Error ? e : new Error(String(e))),
      );
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.t === 'done') {
      this.units = m.units;
      p.resolve(m.outcome);
    } else {
      const e = new Error(`mapping failed unexpectedly: ${m.message}`);
      this.options.onWorkerError(e);
      p.reject(e);
    }
  }

  private failAll(e: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }
}
