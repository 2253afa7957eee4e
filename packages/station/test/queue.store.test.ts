import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WatsClient } from '@tswats/sdk';
import { openQueueStore, QueueLockedError, QueueReportIdError } from '../src/queue/index.js';
import { tempDir } from './helpers.js';
import { queueConfig, runChildUntilKilled, testQueue, testStore, uut } from './queue-helpers.js';

// Store-level behaviour needs no server: the queue is never started here.
const offlineClient = new WatsClient({ baseUrl: 'http://127.0.0.1:9', logLevel: 'off' });

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid!;
  await new Promise((r) => child.on('exit', r));
  return pid;
}

describe('upload queue store', () => {
  it('keeps every enqueued report across a reopen, with its metadata', async () => {
    const dir = await tempDir();
    const q = await testQueue(offlineClient, queueConfig(dir));
    const a = uut('SN-A');
    const b = uut('SN-B');
    const ra = await q.enqueue(a, { priority: 5, source: { file: '/in/a.xml', folder: 'line1' } });
    const rb = await q.enqueue(b, { priority: 1 });
    expect(ra).toEqual({ id: a.id, created: true, state: 'pending' });
    expect(rb.created).toBe(true);
    await q.close();

    const s = await testStore(dir);
    expect(s.counts()).toEqual({ pending: 2, failed: 0, completed: 0 });
    const item = s.get(a.id!)!;
    expect(item).toMatchObject({ id: a.id, state: 'pending', priority: 5, attempts: 0, sending: false, source: { file: '/in/a.xml', folder: 'line1' } });
    expect(item.bytes).toBeGreaterThan(100);
    expect(await s.readReport(a.id!)).toEqual(a);
    expect(await s.readReport(b.id!)).toEqual(b);
    expect(s.list().map((i) => i.id)).toEqual([a.id, b.id]);
    expect(s.list({ state: 'pending', limit: 1 }).map((i) => i.id)).toEqual([a.id]);
  });

  it('refuses a report without a valid id, naming the problem', async () => {
    const q = await testQueue(offlineClient, queueConfig(await tempDir()));
    const r = uut('SN-X');
    await expect(q.enqueue({ ...r, id: undefined }, { priority: 5 })).rejects.toThrow(/without an id/);
    await expect(q.enqueue({ ...r, id: 'report-1' }, { priority: 5 })).rejects.toMatchObject({
      code: 'STATION_ERR_QUEUE_REPORT_ID',
    });
    await expect(q.enqueueMany([uut('SN-Y'), { ...r, id: 'nope' }], { priority: 5 })).rejects.toBeInstanceOf(QueueReportIdError);
    // Nothing of the refused set was written.
    expect(q.counts().pending).toBe(0);
  });

  it('replaces the payload when the same id is queued again, keeping createdAt', async () => {
    const dir = await tempDir();
    const q = await testQueue(offlineClient, queueConfig(dir));
    const first = uut('SN-R', 5);
    await q.enqueue(first, { priority: 5 });
    const createdAt = q.get(first.id!)!.createdAt;
    const second = { ...uut('SN-R', 5.2), id: first.id!.toUpperCase() };
    const again = await q.enqueue(second, { priority: 3 });
    expect(again).toEqual({ id: first.id, created: false, state: 'pending' });
    expect(q.counts().pending).toBe(1);
    expect(q.get(first.id!)).toMatchObject({ createdAt, priority: 3 });
    expect(await q.readReport(first.id!)).toEqual(second);
    await q.close();
    const s = await testStore(dir);
    expect(await s.readReport(first.id!)).toEqual(second);
    expect(s.get(first.id!)!.createdAt).toBe(createdAt);
  });

  it('takes the directory lock: a second open fails while the first is open', async () => {
    const dir = await tempDir();
    const q = await testQueue(offlineClient, queueConfig(dir));
    const err = await openQueueStore(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueLockedError);
    expect(err).toMatchObject({ code: 'STATION_ERR_QUEUE_LOCKED', pid: process.pid });
    const lock = JSON.parse(await readFile(join(dir, '.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(process.pid);
    await q.close();
    await expect(stat(join(dir, '.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
    const s = await testStore(dir);
    expect(s.counts().pending).toBe(0);
  });

  it('takes over the stale lock of a dead process, but not a lock from another host', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.lock'), JSON.stringify({ pid: await deadPid(), host: hostname(), since: '2026-01-01T00:00:00Z', nonce: 'x' }));
    const s = await testStore(dir);
    expect(JSON.parse(await readFile(join(dir, '.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    await s.close();

    const other = await tempDir();
    await writeFile(join(other, '.lock'), JSON.stringify({ pid: 1, host: `not-${hostname()}`, nonce: 'y' }));
    await expect(openQueueStore(other)).rejects.toThrow(/on host not-/);
  });

  it('recovers what a killed process left: temp files removed, stale state ignored, damaged files quarantined', async () => {
    const dir = await tempDir();
    const q = await testQueue(offlineClient, queueConfig(dir));
    const a = uut('SN-1');
    const b = uut('SN-2');
    const c = uut('SN-3');
    for (const r of [a, b, c]) await q.enqueue(r, { priority: 5 });
    await q.close();
    const items = join(dir, 'items');
    // A write cut short (temp files), a state file of an older payload, an orphan state
    // file, a data file torn by a disk fault, and the lock of the killed process.
    await writeFile(join(items, `${a.id}.7.tmp`), '{"v":1,"id":');
    await writeFile(join(items, `${b.id}.8.tmp`), '');
    await writeFile(join(items, `${a.id}.state`), JSON.stringify({ v: 1, gen: 'old', state: 'failed', priority: 5, updatedAt: 1, pendingSince: 1, attempts: 9, nextAttemptAt: 1 }));
    const orphan = '0b4a9a4e-4a3c-4a8e-9d7c-1f2e3d4c5b6a';
    await writeFile(join(items, `${orphan}.state`), '{}');
    const cFile = join(items, `${c.id}.wsjf`);
    const cText = await readFile(cFile, 'utf8');
    await writeFile(cFile, cText.slice(0, cText.length - 20));
    await writeFile(join(dir, '.lock'), JSON.stringify({ pid: await deadPid(), host: hostname(), nonce: 'z' }));

    const s = await testStore(dir);
    expect(s.counts()).toEqual({ pending: 2, failed: 0, completed: 0 });
    expect(s.get(a.id!)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await s.readReport(b.id!)).toEqual(b);
    expect(s.get(c.id!)).toBeUndefined();
    const names = await readdir(items);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names).not.toContain(`${orphan}.state`);
    expect(names).not.toContain(`${a.id}.state`);
    const quarantined = await readdir(join(dir, 'corrupt'));
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toContain(c.id);
  });

  it('purges items by state and age, and retries failed ones from the store', async () => {
    const dir = await tempDir();
    const q = await testQueue(offlineClient, queueConfig(dir));
    const reports = [uut('P-1'), uut('P-2'), uut('P-3')];
    await q.enqueueMany(reports, { priority: 5 });
    await q.close();
    // Mark two as failed the way the uploader writes it (a state file of the current gen).
    const items = join(dir, 'items');
    for (const r of reports.slice(0, 2)) {
      const header = JSON.parse((await readFile(join(items, `${r.id}.wsjf`), 'utf8')).split('\n')[0]!) as { gen: string };
      await writeFile(
        join(items, `${r.id}.state`),
        JSON.stringify({ v: 1, gen: header.gen, state: 'failed', priority: 5, updatedAt: Date.now(), pendingSince: 0, attempts: 3, nextAttemptAt: 0, lastError: { at: 1, message: 'bad', permanent: true } }),
      );
    }
    const s = await testStore(dir);
    expect(s.counts()).toEqual({ pending: 1, failed: 2, completed: 0 });
    expect(s.get(reports[0]!.id!)).toMatchObject({ attempts: 3, lastError: { message: 'bad', permanent: true } });
    expect(await s.purge({ state: 'failed', olderThanMs: 60_000 })).toBe(0);
    expect(await s.retry(reports[0]!.id!)).toBe(true);
    expect(await s.retry(reports[2]!.id!)).toBe(false); // pending, not failed
    expect(s.get(reports[0]!.id!)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(s.get(reports[0]!.id!)!.lastError).toBeUndefined();
    expect(await s.purge({ state: 'failed', olderThanMs: 0 })).toBe(1);
    expect(s.counts()).toEqual({ pending: 2, failed: 0, completed: 0 });
    await s.close();
    const names = await readdir(items);
    expect(names.some((n) => n.startsWith(reports[1]!.id!))).toBe(false);
    const again = await testStore(dir);
    expect(again.counts()).toEqual({ pending: 2, failed: 0, completed: 0 });
    expect(await again.retryAllFailed()).toBe(0);
  });

  it('keeps enqueue order for a large backlog and loads it back', async () => {
    const dir = await tempDir();
    const q = await testQueue(offlineClient, queueConfig(dir));
    const reports = Array.from({ length: 1000 }, (_, i) => uut(`BULK-${i}`));
    const results = await q.enqueueMany(reports, { priority: 5 });
    expect(results.every((r) => r.created)).toBe(true);
    await q.enqueue(uut('BULK-high'), { priority: 1 });
    await q.close();
    const s = await testStore(dir);
    expect(s.counts().pending).toBe(1001);
    expect(s.list({ limit: 1000 }).map((i) => i.id)).toEqual(reports.map((r) => r.id));
  });

  it('shows every report whose enqueue resolved after the process is SIGKILLed mid-write', async () => {
    const dir = await tempDir();
    const acked = await runChildUntilKilled(['enqueue', dir], (lines) => lines.length >= 60);

    const s = await testStore(dir);
    for (const id of acked) {
      const item = s.get(id);
      expect(item, `acknowledged report ${id}`).toMatchObject({ state: 'pending', sending: false });
      const report = await s.readReport(id);
      expect(report.id).toBe(id);
    }
    const names = await readdir(join(dir, 'items'));
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(s.counts().pending).toBe(names.filter((n) => n.endsWith('.wsjf')).length);
    await mkdir(join(dir, 'corrupt'), { recursive: true });
    expect(await readdir(join(dir, 'corrupt'))).toEqual([]);
  });
});
