/**
 * A small pool of converter worker threads: at most `concurrency` workers, one job per worker
 * at a time, jobs beyond that wait in order. A job that runs past `timeoutMs` gets its worker
 * terminated (a busy loop cannot be interrupted any other way) and a fresh worker takes the
 * next job. A worker that dies fails only its own job.
 */
import { workerSpec } from '../worker-spec.js';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { ConverterPoolError, rebuildError } from './errors.js';
import type { ConvertJob, ConvertJobResult, FromWorker, ToWorker } from './messages.js';

export type { ConvertJob, ConvertJobResult } from './messages.js';

export interface ConverterPoolOptions {
  /** Workers (conversions at once). @default 1 */
  concurrency?: number;
  /** A conversion running longer than this (ms) is stopped: STATION_ERR_CONVERT_TIMEOUT. 0 = no limit. */
  timeoutMs: number;
  /** Limits of each worker's heap (a converter eating memory dies alone). */
  resourceLimits?: WorkerOptions['resourceLimits'];
}

export interface ConverterPool {
  /**
   * Converts one file in a worker. Rejects with the converters' `ConversionError` for files
   * that cannot be converted, or a `ConverterPoolError` (timeout, crash, converter module
   * that does not load, pool closed).
   */
  convert(job: ConvertJob): Promise<ConvertJobResult>;
  /** Jobs running and waiting. */
  readonly busy: number;
  /** Fails waiting and running jobs (STATION_ERR_CONVERTER_POOL_CLOSED) and terminates the workers. */
  close(): Promise<void>;
}

interface Task {
  id: number;
  job: ConvertJob;
  resolve(result: ConvertJobResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  timer: NodeJS.Timeout | undefined;
  dead: boolean;
  /** The worker has loaded (the timeout counts from here, not from thread start-up). */
  ready: boolean;
}

export function createConverterPool(options: ConverterPoolOptions): ConverterPool {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const timeoutMs = options.timeoutMs;
  const spec = workerSpec(import.meta.url, 'worker');
  const slots: Slot[] = [];
  const waiting: Task[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): Slot => {
    const worker = new Worker(spec.entry, { ...spec.options, ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}) });
    const slot: Slot = { worker, task: undefined, timer: undefined, dead: false, ready: false };
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') {
        slot.ready = true;
        if (slot.task) armTimeout(slot, slot.task);
        return;
      }
      const task = slot.task;
      if (!task || msg.id !== task.id) return;
      settle(slot);
      if (msg.type === 'done') task.resolve(msg.result);
      else task.reject(Object.assign(rebuildError(msg.error, task.job.path), { needsFolder: msg.needsFolder }));
      pump();
    });
    const died = (reason: string, cause?: unknown) => {
      if (slot.dead) return;
      slot.dead = true;
      remove(slot);
      const task = slot.task;
      settle(slot);
      if (task) {
        const code = closed ? 'STATION_ERR_CONVERTER_POOL_CLOSED' : slot.ready ? 'STATION_ERR_CONVERT_WORKER_CRASHED' : 'STATION_ERR_CONVERT_WORKER_START';
        task.reject(new ConverterPoolError(code, task.job.path, closed ? 'the converter pool was closed' : slot.ready ? reason : `the converter worker did not start: ${reason}`, { cause }));
      }
      pump();
    };
    worker.on('error', (err) => died(`the converter worker crashed: ${err.message}`, err));
    worker.on('exit', (code) => died(`the converter worker exited (code ${code})`));
    slots.push(slot);
    return slot;
  };

  const remove = (slot: Slot) => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
  };

  const settle = (slot: Slot) => {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.task = undefined;
    if (!slot.dead) slot.worker.unref(); // an idle pool does not keep the process alive
  };

  const armTimeout = (slot: Slot, task: Task) => {
    if (timeoutMs <= 0 || slot.timer) return;
    slot.timer = setTimeout(() => {
      if (slot.task !== task) return;
      slot.dead = true;
      remove(slot);
      settle(slot);
      void slot.worker.terminate();
      task.reject(new ConverterPoolError('STATION_ERR_CONVERT_TIMEOUT', task.job.path, `conversion did not finish within ${timeoutMs} ms; stopped`));
      pump();
    }, timeoutMs);
  };

  const start = (slot: Slot, task: Task) => {
    slot.task = task;
    slot.worker.ref();
    if (slot.ready) armTimeout(slot, task);
    slot.worker.postMessage({ type: 'convert', id: task.id, job: task.job } satisfies ToWorker);
  };

  const pump = () => {
    while (!closed && waiting.length) {
      const slot = slots.find((s) => !s.task && !s.dead) ?? (slots.length < concurrency ? spawn() : undefined);
      if (!slot) return;
      start(slot, waiting.shift()!);
    }
  };

  return {
    convert(job) {
      if (closed) return Promise.reject(new ConverterPoolError('STATION_ERR_CONVERTER_POOL_CLOSED', job.path, 'the converter pool is closed'));
      return new Promise<ConvertJobResult>((resolve, reject) => {
        waiting.push({ id: nextId++, job, resolve, reject });
        pump();
      });
    },
    get busy() {
      return waiting.length + slots.filter((s) => s.task).length;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const task of waiting.splice(0)) task.reject(new ConverterPoolError('STATION_ERR_CONVERTER_POOL_CLOSED', task.job.path, 'the converter pool was closed'));
      await Promise.all(
        [...slots].map(async (slot) => {
          const task = slot.task;
          slot.dead = true;
          settle(slot);
          task?.reject(new ConverterPoolError('STATION_ERR_CONVERTER_POOL_CLOSED', task.job.path, 'the converter pool was closed'));
          await slot.worker.terminate();
        }),
      );
      slots.length = 0;
    },
  };
}
