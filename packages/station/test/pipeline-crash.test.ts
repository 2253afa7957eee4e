import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert } from '@tswats/converters';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { statIdentity } from '../src/files/fs-utils.js';
import { openJournal } from '../src/files/journal.js';
import type { FileIntent } from '../src/files/post-action.js';
import { tempDir } from './helpers.js';
import { folderConfig, memoryQueue, names, testPipeline, wstfVariant } from './pipeline-helpers.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./pipeline-crash-child.ts', import.meta.url));

async function setup() {
  const root = await tempDir();
  const watch = join(root, 'in');
  await mkdir(watch);
  return { root, watch, stateDir: join(root, 'state'), done: join(watch, 'Done') };
}

describe('file pipeline: crashes', () => {
  it('converts again a file whose reports were queued just before a crash, and post-actions it once', async () => {
    const { watch, stateDir, done } = await setup();
    await wstfVariant(watch, 'x.txt', 'X1');
    const queue = memoryQueue();
    // First life: the reports reach the queue, then the process "dies" before the post-action
    // (the enqueue call stores them and never returns normally; the pipeline is then closed).
    let crashed = false;
    const first = testPipeline({
      folders: [folderConfig(watch)],
      stateDir,
      enqueue: async (reports, ctx) => {
        await queue.enqueue(reports, ctx);
        crashed = true;
        throw new Error('killed');
      },
    });
    await first.start();
    while (!crashed) await new Promise((r) => setTimeout(r, 20));
    await first.close({ graceMs: 0 });
    expect(await names(watch)).toEqual(['x.txt']);
    const ids = [...queue.reports.keys()];

    const second = testPipeline({ folders: [folderConfig(watch)], stateDir, enqueue: queue.enqueue });
    await second.start();
    await second.whenIdle();
    expect(await names(done)).toEqual(['x.txt']);
    expect(queue.calls).toHaveLength(2);
    expect([...queue.reports.keys()]).toEqual(ids); // the same content-derived ids: nothing new
  });

  it('completes a zip a crash interrupted, before scanning, without converting the file again', async () => {
    const { watch, stateDir, done } = await setup();
    const source = await wstfVariant(watch, 'x.txt', 'X2');
    await mkdir(done);
    const tmp = join(done, '.x.txt.zip.crash.tmp');
    await writeFile(tmp, 'PK\x03\x04 half written');
    const journal = await openJournal<FileIntent>(join(stateDir, 'journal'));
    await journal.write({ id: randomUUID(), kind: 'zip', folder: 'in', source, identity: (await statIdentity(source))!, target: join(done, 'x.txt.zip'), tmp, createdAt: new Date().toISOString() });
    const queue = memoryQueue();
    const p = testPipeline({ folders: [folderConfig(watch, { postAction: 'zip' })], stateDir, enqueue: queue.enqueue });
    await p.start();
    await p.whenIdle();
    expect(queue.calls).toEqual([]);
    expect(await names(watch)).toEqual(['Done']);
    expect(await names(done)).toEqual(['x.txt.zip']);
    expect(Object.keys(unzipSync(new Uint8Array(await readFile(join(done, 'x.txt.zip')))))).toEqual(['x.txt']);
  });

  it('post-actions every file exactly once and queues every report when SIGKILLed at random moments', async () => {
    const { root, watch, stateDir, done } = await setup();
    const good = Array.from({ length: 12 }, (_, i) => `unit-${String(i).padStart(2, '0')}.txt`);
    const expected = new Set<string>();
    for (const [i, name] of good.entries()) {
      const path = await wstfVariant(watch, name, `SN-${i}`);
      for (const r of (await convert(path, { timeZone: 'Europe/Oslo' })).reports) expected.add(String(r.id));
    }
    await writeFile(join(watch, 'broken-1.json'), '{"type":');
    await writeFile(join(watch, 'broken-2.txt'), 'no test result here\n');
    const configFile = join(root, 'child.json');
    const queueFile = join(root, 'queue.jsonl');
    await writeFile(configFile, JSON.stringify({ watch, stateDir, queueFile, postAction: 'zip' }));

    /** Runs the child; with `kill`, SIGKILLs it `delayMs` after its `afterEvents`-th file event (0 = after start). */
    const run = (kill: { afterEvents: number; delayMs: number } | undefined) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null; events: number; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tswats/source', CHILD, configFile], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        let events = 0;
        let timer: NodeJS.Timeout | undefined;
        const aim = () => {
          if (kill && !timer && events >= kill.afterEvents) timer = setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
        };
        let buffered = '';
        child.stdout.on('data', (d: Buffer) => {
          buffered += d.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) {
            if (line.startsWith('EVENT')) events++;
            if (line === 'STARTED' || line.startsWith('EVENT')) aim();
          }
        });
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal, events, stderr });
        });
      });

    const history: string[] = [];
    let finished = false;
    for (let round = 0; round < 5 && !finished; round++) {
      const kill = { afterEvents: Math.floor(Math.random() * 3), delayMs: Math.floor(Math.random() * 60) };
      const r = await run(kill);
      history.push(`kill ${kill.delayMs} ms after ${kill.afterEvents} events: ${r.signal ?? `exit ${r.code}`} (${r.events} events)`);
      if (r.code !== null && r.code !== 0) throw new Error(`child failed: ${r.stderr}`);
      finished = r.code === 0;
    }
    if (!finished) {
      const r = await run(undefined);
      history.push(`final run: exit ${r.code} (${r.events} events)`);
      expect(r.code, r.stderr).toBe(0);
    }

    const context = history.join('; ');
    expect(await names(watch), context).toEqual(['Done', 'Error']);
    expect(await names(done), context).toEqual(good.map((n) => `${n}.zip`));
    expect(await names(join(watch, 'Error')), context).toEqual(['broken-1.json', 'broken-1.json.error.json', 'broken-2.txt', 'broken-2.txt.error.json']);
    for (const n of good) {
      const inside = unzipSync(new Uint8Array(await readFile(join(done, `${n}.zip`))));
      expect(Object.keys(inside), context).toEqual([n]);
    }
    const queued = new Set((await readFile(queueFile, 'utf8')).trim().split('\n').flatMap((l) => (JSON.parse(l) as { ids: string[] }).ids));
    expect(queued, context).toEqual(expected);
    expect(await names(join(stateDir, 'journal')), context).toEqual([]);
  });
});
