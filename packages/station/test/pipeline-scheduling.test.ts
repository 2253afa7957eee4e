import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileConvertedEvent, FileFailedEvent } from '../src/pipeline/index.js';
import { waitFor } from './helpers.js';
import { copyFixture, folderConfig, memoryQueue, names, testPipeline, WSTF, wstfVariant, pipelineDirs } from './pipeline-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const setup = pipelineDirs;

describe('file pipeline: scheduling, timeouts and back-pressure', () => {
  it('stops a conversion that never finishes, moves the file to Error, and goes on converting', async () => {
    const { root, watch, stateDir, done, error } = await setup();
    const hang = join(root, 'hang.mjs');
    await writeFile(hang, `export const converter = { name: 'hang', description: 'never finishes', extensions: ['.hang'],
      detect(file) { return { confidence: file.name.endsWith('.hang') ? 1 : 0 }; },
      async *convert() { for (;;) {} } };\n`);
    const slow = join(root, 'slow');
    await mkdir(slow);
    await writeFile(join(slow, 'stuck.hang'), 'whatever');
    await copyFixture(...WSTF, watch, 'fine.txt');
    const p = testPipeline({
      folders: [folderConfig(slow, { name: 'slow', converterModule: hang, priority: 1 }), folderConfig(watch)],
      stateDir,
      conversion: { concurrency: 1, timeoutMs: 1500 },
    });
    const failed: FileFailedEvent[] = [];
    p.on('failed', (e: FileFailedEvent) => failed.push(e));
    await p.start();
    await p.whenIdle();
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toMatchObject({ code: 'STATION_ERR_CONVERT_TIMEOUT', converter: hang, reason: expect.stringMatching(/1500 ms/) });
    expect(await names(join(slow, 'Error'))).toEqual(['stuck.hang', 'stuck.hang.error.json']);
    const info = JSON.parse(await readFile(join(slow, 'Error', 'stuck.hang.error.json'), 'utf8'));
    expect(info).toMatchObject({ code: 'STATION_ERR_CONVERT_TIMEOUT', folder: 'slow' });
    // the pool still works: the other file was converted after the timeout
    expect(await names(done)).toEqual(['fine.txt']);
    expect(await names(error)).toEqual([]);
  });

  it('converts files of higher-priority folders first', async () => {
    const { root, stateDir } = await setup();
    const low = join(root, 'low');
    const high = join(root, 'high');
    const mid = join(root, 'mid');
    for (let i = 0; i < 3; i++) {
      await wstfVariant(low, `low-${i}.txt`, `L${i}`);
      await wstfVariant(high, `high-${i}.txt`, `H${i}`);
      await wstfVariant(mid, `mid-${i}.txt`, `M${i}`);
    }
    const order: string[] = [];
    const p = testPipeline({
      folders: [folderConfig(low, { name: 'low', priority: 9 }), folderConfig(mid, { name: 'mid', priority: 5 }), folderConfig(high, { name: 'high', priority: 1 })],
      stateDir,
      conversion: { concurrency: 1, timeoutMs: 20_000 },
    });
    p.on('converted', (e: FileConvertedEvent) => order.push(e.folder));
    await p.start();
    await p.whenIdle();
    expect(order).toEqual(['high', 'high', 'high', 'mid', 'mid', 'mid', 'low', 'low', 'low']);
  });

  it('leaves files in place while the queue is full, and converts them after resume()', async () => {
    const { watch, stateDir, done } = await setup();
    await wstfVariant(watch, 'a.txt', 'A');
    await wstfVariant(watch, 'b.txt', 'B');
    const queue = memoryQueue();
    queue.full = true;
    const p = testPipeline({ folders: [folderConfig(watch)], stateDir, enqueue: queue.enqueue, heldRetryMs: 0 });
    await p.start();
    await waitFor(() => p.status()[0]!.converting === 0 && p.status()[0]!.waiting === 2, 10_000, 'files held');
    await sleep(300);
    expect(await names(watch)).toEqual(['a.txt', 'b.txt']);
    expect(queue.reports.size).toBe(0);
    expect(p.totals().filesConverted).toBe(0);
    queue.full = false;
    p.resume();
    await p.whenIdle();
    expect(await names(done)).toEqual(['a.txt', 'b.txt']);
    expect(queue.reports.size).toBe(2);
  });

  it('keeps a file whose reports could not be queued, records why, and tries again later', async () => {
    const { watch, stateDir, done, error } = await setup();
    await copyFixture(...WSTF, watch, 'a.txt');
    const queue = memoryQueue();
    queue.failNext = 2;
    const p = testPipeline({ folders: [folderConfig(watch)], stateDir, enqueue: queue.enqueue, retryDelayMs: 200 });
    await p.start();
    await waitFor(() => p.status()[0]!.lastError, 10_000, 'the error to be recorded');
    expect(p.status()[0]!.lastError).toMatchObject({ message: expect.stringMatching(/disk on fire/), file: join(watch, 'a.txt') });
    await p.whenIdle();
    expect(await names(done)).toEqual(['a.txt']);
    expect(await names(error)).toEqual([]);
    expect(queue.calls).toHaveLength(1);
  });

  it('keeps a file whose converter options cannot be resolved, and tries again later', async () => {
    const { watch, stateDir, done } = await setup();
    await copyFixture(...WSTF, watch, 'a.txt');
    let fail = true;
    const p = testPipeline({
      folders: [folderConfig(watch)],
      stateDir,
      retryDelayMs: 200,
      optionsFor: async () => {
        if (fail) throw new Error('process "ICT" unknown and the server is offline');
        return {};
      },
    });
    await p.start();
    await waitFor(() => p.status()[0]!.lastError, 10_000);
    expect(await names(watch)).toEqual(['a.txt']);
    fail = false;
    await p.whenIdle();
    expect(await names(done)).toEqual(['a.txt']);
  });

  it('takes no new conversions while paused', async () => {
    const { watch, stateDir, done } = await setup();
    const queue = memoryQueue();
    const p = testPipeline({ folders: [folderConfig(watch)], stateDir, enqueue: queue.enqueue });
    p.pause();
    await p.start();
    await copyFixture(...WSTF, watch, 'a.txt');
    await waitFor(() => p.status()[0]!.waiting === 1, 5000);
    await sleep(500);
    expect(queue.calls).toEqual([]);
    expect(p.status()[0]).toMatchObject({ waiting: 1, converting: 0 });
    p.resume();
    await p.whenIdle();
    expect(await names(done)).toEqual(['a.txt']);
  });

  it('leaves a file whose conversion is cut short by close() for the next start', async () => {
    const { root, watch, stateDir } = await setup();
    const hang = join(root, 'hang.mjs');
    await writeFile(hang, `export const converter = { name: 'hang', description: 'never finishes', extensions: [],
      detect() { return { confidence: 1 }; }, async *convert() { for (;;) {} } };\n`);
    await writeFile(join(watch, 'x.txt'), 'data');
    const p = testPipeline({ folders: [folderConfig(watch, { converterModule: hang })], stateDir });
    await p.start();
    await waitFor(() => p.status()[0]!.converting === 1, 10_000);
    await p.close({ graceMs: 200 });
    expect(await names(watch)).toEqual(['x.txt']);
    expect(p.totals()).toEqual({ filesConverted: 0, filesFailed: 0, reportsQueued: 0 });
    await p.whenIdle(); // resolves once closed
  });
});
