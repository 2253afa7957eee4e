/**
 * How to start a worker thread whose entry sits next to the calling module. Under vitest/tsx the
 * modules are TypeScript, and so is the worker: Node 20 does not apply `--import tsx` from a
 * worker's execArgv before loading its entry, so the worker starts on a tiny bootstrap that
 * registers tsx and then imports the `.ts` entry. Built code starts the `.js` entry directly.
 */
import type { WorkerOptions } from 'node:worker_threads';

/** `base`: the caller's `import.meta.url`; `name`: the entry's file name without extension. */
export function workerSpec(base: string, name: string): { entry: string | URL; options: WorkerOptions } {
  if (base.endsWith('.ts')) {
    const entry = new URL(`./${name}.ts`, base).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return { entry: code, options: { eval: true, execArgv: ['--conditions=@tswats/source'] } };
  }
  return { entry: new URL(`./${name}.js`, base), options: {} };
}
