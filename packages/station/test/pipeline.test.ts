import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileConvertedEvent, FileFailedEvent } from '../src/pipeline/index.js';
import { waitFor } from './helpers.js';
import { copyFixture, fixture, folderConfig, memoryQueue, names, SEICA_PANEL, testPipeline, WSJF, WSTF, pipelineDirs } from './pipeline-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const setup = pipelineDirs;

describe('file pipeline: finding and converting files', () => {
  it('converts the files present before start, queues every report, then moves each file to Done', async () => {
    const { watch, stateDir, done } = await setup();
    await copyFixture(...WSTF, watch);
    await copyFixture(...WSJF, watch);
    await copyFixture(...SEICA_PANEL, watch);
    const queue = memoryQueue();
    const p = testPipeline({ folders: [folderConfig(watch)], stateDir, enqueue: queue.enqueue });
    const converted: FileConvertedEvent[] = [];
    p.on('converted', (e: FileConvertedEvent) => converted.push(e));
    await p.start();
    await p.whenIdle();
    expect(queue.reports.size).toBe(4); // the Seica panel holds two boards
    expect(converted.map((e) => e.format).sort()).toEqual(['seica-viva', 'wsjf', 'wstf']);
    expect(converted.find((e) => e.format === 'seica-viva')!.reportIds).toHaveLength(2);
    expect(converted.every((e) => e.folder === 'in' && e.target?.startsWith(done))).toBe(true);
    expect(await names(watch)).toEqual(['Done']);
    expect(await names(done)).toEqual([SEICA_PANEL[1], WSJF[1], WSTF[1]].sort());
    expect(p.totals()).toEqual({ filesConverted: 3, filesFailed: 0, reportsQueued: 4 });
    expect(p.status()).toEqual([expect.objectContaining({ name: 'in', waiting: 0, converting: 0, converted: 3, failed: 0, reports: 4 })]);
  });

  it('converts new and moved-in files while watching', async () => {
    const { root, watch, stateDir, done } = await setup();
    const queue = memoryQueue();
    const p = testPipeline({ folders: [folderConfig(watch)], stateDir, enqueue: queue.enqueue });
    await p.start();
    await p.whenIdle();
    await copyFixture(...WSTF, watch, 'new.txt');
    const outside = await copyFixture(...WSJF, join(root, 'elsewhere'), 'moved.json');
    await rename(outside, join(watch, 'moved.json'));
    await waitFor(() => p.totals().filesConverted === 2, 10_000, 'two conversions');
    await p.whenIdle();
    expect(await names(done)).toEqual(['moved.json', 'new.txt']);
    expect(queue.calls.map((c) => c.file).sort()).toEqual([join(watch, 'moved.json'), join(watch, 'new.txt')]);
  });

  it('converts a file written slowly in chunks exactly once, after it is complete', async () => {
    const { watch, stateDir, done } = await setup();
    const queue = memoryQueue();
    const p = testPipeline({ folders: [folderConfig(watch, { settleMs: 300 })], stateDir, enqueue: queue.enqueue });
    const failed: FileFailedEvent[] = [];
    p.on('failed', (e: FileFailedEvent) => failed.push(e));
    await p.start();
    const content = await readFile(fixture(...WSTF));
    const path = join(watch, 'slow.txt');
    const chunk = Math.ceil(content.length / 10);
    for (let i = 0; i < 10; i++) {
      await appendFile(path, content.subarray(i * chunk, (i + 1) * chunk));
      await sleep(150);
      if (i < 9) expect(p.totals().filesConverted + p.totals().filesFailed).toBe(0);
    }
    await waitFor(() => p.totals().filesConverted === 1, 10_000, 'the conversion');
    await p.whenIdle();
    await sleep(400);
    expect(failed).toEqual([]);
    expect(queue.calls).toHaveLength(1);
    expect(queue.reports.size).toBe(1);
    expect(await names(done)).toEqual(['slow.txt']);
    expect(await readFile(join(done, 'slow.txt'))).toEqual(content);
  });

  it('moves malformed, wrong-format, empty and binary files to Error with a reason file, and keeps going', async () => {
    const { watch, stateDir, done, error } = await setup();
    await writeFile(join(watch, 'malformed.json'), '{"type":"T",\n "pn": 12,\n');
    await writeFile(join(watch, 'wrong-format.txt'), 'hello\nthis is no test result\n');
    await writeFile(join(watch, 'empty.txt'), '');
    await writeFile(join(watch, 'binary.dat'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    await copyFixture(...WSTF, watch, 'good.txt');
    const queue = memoryQueue();
    const p = testPipeline({ folders: [folderConfig(watch)], stateDir, enqueue: queue.enqueue });
    const failed: FileFailedEvent[] = [];
    p.on('failed', (e: FileFailedEvent) => failed.push(e));
    await p.start();
    await p.whenIdle();
    expect(await names(done)).toEqual(['good.txt']);
    expect(await names(error)).toEqual([
      'binary.dat', 'binary.dat.error.json',
      'empty.txt', 'empty.txt.error.json',
      'malformed.json', 'malformed.json.error.json',
      'wrong-format.txt', 'wrong-format.txt.error.json',
    ]);
    const sidecar = async (n: string) => JSON.parse(await readFile(join(error, `${n}.error.json`), 'utf8'));
    expect(await sidecar('malformed.json')).toMatchObject({
      code: 'CONVERT_ERR_SYNTAX', format: 'wsjf', converter: 'auto', folder: 'in',
      file: join(watch, 'malformed.json'), position: { line: 3, column: 1 }, reason: expect.stringMatching(/not valid JSON/),
    });
    expect(await sidecar('wrong-format.txt')).toMatchObject({ code: 'CONVERT_ERR_NO_CONVERTER' });
    expect(await sidecar('empty.txt')).toMatchObject({ code: 'CONVERT_ERR_EMPTY' });
    expect(await sidecar('binary.dat')).toMatchObject({ code: 'CONVERT_ERR_BINARY' });
    for (const n of ['malformed.json', 'empty.txt']) expect(typeof (await sidecar(n)).time).toBe('string');
    expect(failed.map((f) => f.error.code).sort()).toEqual(['CONVERT_ERR_BINARY', 'CONVERT_ERR_EMPTY', 'CONVERT_ERR_NO_CONVERTER', 'CONVERT_ERR_SYNTAX']);
    expect(failed.find((f) => f.error.code === 'CONVERT_ERR_SYNTAX')!.target).toBe(join(error, 'malformed.json'));
    expect(p.totals()).toEqual({ filesConverted: 1, filesFailed: 4, reportsQueued: 1 });
    expect(p.status()[0]).toMatchObject({ failed: 4, converted: 1, lastError: { component: 'pipeline' } });
  });

  it('fails a file from which the converter gets no report', async () => {
    const { root, watch, stateDir, error } = await setup();
    const mod = join(root, 'nothing.mjs');
    await writeFile(mod, `export const converter = { name: 'nothing', description: 'yields nothing', extensions: ['.txt'],
      detect() { return { confidence: 1 }; }, async *convert() {} };\n`);
    await writeFile(join(watch, 'x.txt'), 'some data');
    const p = testPipeline({ folders: [folderConfig(watch, { converterModule: mod })], stateDir });
    await p.start();
    await p.whenIdle();
    expect(await names(error)).toEqual(['x.txt', 'x.txt.error.json']);
    const info = JSON.parse(await readFile(join(error, 'x.txt.error.json'), 'utf8'));
    expect(info).toMatchObject({ converter: mod, reason: expect.stringMatching(/no test result|no reports/) });
  });

  it('never picks up its own sidecars, temp files, dotfiles or files in Done/Error', async () => {
    const { watch, stateDir, done, error } = await setup();
    await mkdir(done);
    await mkdir(error);
    await copyFixture(...WSTF, done, 'already-done.txt');
    await copyFixture(...WSTF, error, 'already-failed.txt');
    await writeFile(join(error, 'already-failed.txt.error.json'), '{}');
    await copyFixture(...WSJF, watch, 'x.json.error.json');
    await copyFixture(...WSTF, watch, '.hidden.txt');
    await copyFixture(...WSTF, watch, 'upload.txt.tmp');
    const queue = memoryQueue();
    const p = testPipeline({ folders: [folderConfig(watch, { recursive: true })], stateDir, enqueue: queue.enqueue });
    await p.start();
    await p.whenIdle();
    await copyFixture(...WSTF, watch, 'later.tmp');
    await sleep(400);
    await p.whenIdle();
    expect(queue.calls).toEqual([]);
    expect(p.totals()).toEqual({ filesConverted: 0, filesFailed: 0, reportsQueued: 0 });
  });
});
