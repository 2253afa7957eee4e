import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { waitFor } from './helpers.js';
import { copyFixture, fixture, FIXTURES, folderConfig, memoryQueue, names, testPipeline, WSJF, WSTF, wstfVariant, pipelineDirs } from './pipeline-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const setup = pipelineDirs;

describe('file pipeline: post-actions', () => {
  it('never overwrites in Done or Error: same names get numbered', async () => {
    const { watch, stateDir, done, error } = await setup();
    await mkdir(done);
    await mkdir(error);
    await writeFile(join(done, 'run.txt'), 'an earlier run.txt');
    await writeFile(join(error, 'bad.json'), 'an earlier bad.json');
    await writeFile(join(error, 'bad.json.error.json'), '{"earlier":true}');
    await copyFixture(...WSTF, watch, 'run.txt');
    await writeFile(join(watch, 'bad.json'), '{ nope');
    const p = testPipeline({ folders: [folderConfig(watch)], stateDir });
    await p.start();
    await p.whenIdle();
    expect(await names(done)).toEqual(['run (1).txt', 'run.txt']);
    expect(await readFile(join(done, 'run.txt'), 'utf8')).toBe('an earlier run.txt');
    expect(await readFile(join(done, 'run (1).txt'))).toEqual(await readFile(fixture(...WSTF)));
    expect(await names(error)).toEqual(['bad (1).json', 'bad (1).json.error.json', 'bad.json', 'bad.json.error.json']);
    expect(await readFile(join(error, 'bad.json.error.json'), 'utf8')).toBe('{"earlier":true}');
    expect(JSON.parse(await readFile(join(error, 'bad (1).json.error.json'), 'utf8'))).toMatchObject({ code: 'CONVERT_ERR_NO_CONVERTER', file: join(watch, 'bad.json') });

    // The same name arriving again while running.
    await copyFixture(...WSTF, watch, 'run.txt');
    await waitFor(() => p.totals().filesConverted === 2, 10_000);
    await p.whenIdle();
    expect(await names(done)).toEqual(['run (1).txt', 'run (2).txt', 'run.txt']);
  });

  it('zips the file into Done', async () => {
    const { watch, stateDir, done } = await setup();
    await copyFixture(...WSJF, watch, 'unit.json');
    const p = testPipeline({ folders: [folderConfig(watch, { postAction: 'zip' })], stateDir });
    await p.start();
    await p.whenIdle();
    expect(await names(watch)).toEqual(['Done']);
    expect(await names(done)).toEqual(['unit.json.zip']);
    const unzipped = unzipSync(new Uint8Array(await readFile(join(done, 'unit.json.zip'))));
    expect(Object.keys(unzipped)).toEqual(['unit.json']);
    expect(Buffer.from(unzipped['unit.json']!)).toEqual(await readFile(fixture(...WSJF)));
  });

  it('deletes the file once its reports are queued', async () => {
    const { watch, stateDir } = await setup();
    await copyFixture(...WSTF, watch, 'a.txt');
    const queue = memoryQueue();
    const p = testPipeline({ folders: [folderConfig(watch, { postAction: 'delete' })], stateDir, enqueue: queue.enqueue });
    await p.start();
    await p.whenIdle();
    expect(await names(watch)).toEqual([]);
    expect(queue.reports.size).toBe(1);
  });

  it('keeps the file: not converted again after a restart, converted again when it changes', async () => {
    const { watch, stateDir } = await setup();
    const path = await wstfVariant(watch, 'kept.txt', 'SN-1');
    const folders = [folderConfig(watch, { postAction: 'keep' })];
    const queue = memoryQueue();

    const first = testPipeline({ folders, stateDir, enqueue: queue.enqueue, watch: { pollIntervalMs: 0, rescanIntervalMs: 200 } });
    await first.start();
    await first.whenIdle();
    expect(queue.calls).toHaveLength(1);
    await sleep(600); // a few rescans: still not converted again
    expect(queue.calls).toHaveLength(1);
    await first.close();

    const second = testPipeline({ folders, stateDir, enqueue: queue.enqueue });
    await second.start();
    await second.whenIdle();
    expect(queue.calls).toHaveLength(1);
    expect(await names(watch)).toEqual(['kept.txt']);

    await wstfVariant(watch, 'kept.txt', 'SN-2'); // the tester rewrites it
    await waitFor(() => queue.calls.length === 2, 10_000, 'the changed file to convert');
    await second.whenIdle();
    await second.close();
    expect(new Set(queue.calls.flatMap((c) => c.ids)).size).toBe(2);

    const third = testPipeline({ folders, stateDir, enqueue: queue.enqueue });
    await third.start();
    await third.whenIdle();
    expect(queue.calls).toHaveLength(2);
    expect(await names(watch)).toEqual(['kept.txt']);
    expect(path).toBe(join(watch, 'kept.txt'));
  });

  it('moves a Klippel file with its companion folder, and does not convert the folder', async () => {
    const { watch, stateDir, done } = await setup();
    const name = 'DUT xyz115 2020-05-14 10-01-37-5 UTC+0200';
    await cp(join(FIXTURES, 'klippel', `${name}.txt`), join(watch, `${name}.txt`));
    await cp(join(FIXTURES, 'klippel', name), join(watch, name), { recursive: true });
    const queue = memoryQueue();
    const p = testPipeline({ folders: [folderConfig(watch, { recursive: true })], stateDir, enqueue: queue.enqueue });
    await p.start();
    await p.whenIdle();
    expect(queue.calls).toHaveLength(1);
    expect(p.totals()).toMatchObject({ filesConverted: 1, filesFailed: 0 });
    expect(await names(watch)).toEqual(['Done']);
    expect(await names(done)).toEqual([name, `${name}.txt`]);
    expect(await names(join(done, name))).toEqual(await names(join(FIXTURES, 'klippel', name)));
  });

  it('keeps the sub-folder of a recursive watch folder in Done', async () => {
    const { watch, stateDir, done } = await setup();
    await copyFixture(...WSTF, join(watch, 'line-2'), 'run.txt');
    const p = testPipeline({ folders: [folderConfig(watch, { recursive: true })], stateDir });
    await p.start();
    await p.whenIdle();
    expect(await names(join(done, 'line-2'))).toEqual(['run.txt']);
  });
});
