import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WsjfReport } from '@tswats/sdk';
import { QueueFullError, type QueueItem, type UploadedItem } from '../src/queue/index.js';
import { clientFor, tempDir, testSim, waitFor } from './helpers.js';
import { delay, queueConfig, testQueue, uut } from './queue-helpers.js';

/** Faults aimed at report uploads only (the server checks must not use them up). */
const POST_REPORT = { route: '/api/Report/WSJF', method: 'POST' };

function uploadedOrder(q: { on(e: 'uploaded', l: (i: UploadedItem) => void): unknown }): string[] {
  const order: string[] = [];
  q.on('uploaded', (i) => order.push(i.id));
  return order;
}

describe('upload queue: uploading', () => {
  it('uploads everything in priority order, oldest first within a priority', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const q = await testQueue(client, queueConfig(await tempDir(), { concurrency: 1 }));
    const plan: [string, number][] = [['A', 5], ['B', 1], ['C', 5], ['D', 3], ['E', 1]];
    const reports = new Map<string, WsjfReport>();
    for (const [sn, priority] of plan) {
      const r = uut(sn);
      reports.set(sn, r);
      await q.enqueue(r, { priority });
    }
    const order = uploadedOrder(q);
    q.start();
    await q.whenIdle();
    expect(order).toEqual(['B', 'E', 'D', 'A', 'C'].map((sn) => reports.get(sn)!.id));
    expect(sim.reportCount()).toBe(5);
    expect(q.counts()).toEqual({ pending: 0, failed: 0, completed: 5 });
    expect(q.stats()).toEqual({ uploaded: 5, uploadFailures: 0, retries: 0, expired: 0 });
    expect(q.online).toBe(true);
    expect(q.lastCheckAt).toBeTypeOf('number');
    const a = reports.get('A')!;
    expect(q.get(a.id!)).toMatchObject({ state: 'completed', attempts: 1, sending: false });
    expect(await client.reports.getWsjf(a.id!)).toEqual(a);
  });

  it('stores every report exactly once through a 503 storm', async () => {
    const sim = await testSim();
    const q = await testQueue(clientFor(sim), queueConfig(await tempDir(), { concurrency: 3 }));
    const reports = Array.from({ length: 6 }, (_, i) => uut(`STORM-${i}`));
    await q.enqueueMany(reports, { priority: 5 });
    sim.faults.failNext(8, { status: 503, ...POST_REPORT });
    const retried: QueueItem[] = [];
    q.on('retry', (item) => retried.push(item));
    q.start();
    await q.whenIdle();
    expect(sim.reportCount()).toBe(6);
    expect(sim.stats().reports.received).toBe(6);
    expect(q.stats()).toMatchObject({ uploaded: 6, retries: 8, uploadFailures: 0 });
    expect(retried).toHaveLength(8);
    expect(retried[0]!.lastError).toMatchObject({ status: 503, permanent: false });
    const attempts = q.list().reduce((n, i) => n + i.attempts, 0);
    expect(attempts).toBe(6 + 8);
  });

  it('honours Retry-After of a 429 and holds back the other reports until then', async () => {
    const sim = await testSim();
    const q = await testQueue(clientFor(sim), queueConfig(await tempDir(), { concurrency: 1 }));
    await q.enqueueMany([uut('RA-1'), uut('RA-2'), uut('RA-3')], { priority: 5 });
    sim.faults.failNext(1, { status: 429, retryAfter: 0.4, ...POST_REPORT });
    let retry: { item: QueueItem; delayMs: number } | undefined;
    q.on('retry', (item, delayMs) => (retry = { item, delayMs }));
    const uploadedAt: number[] = [];
    q.on('uploaded', () => uploadedAt.push(Date.now()));
    q.start();
    await q.whenIdle();
    expect(retry!.delayMs).toBe(400);
    expect(retry!.item.lastError).toMatchObject({ status: 429, permanent: false });
    const failedAt = retry!.item.lastError!.at;
    expect(retry!.item.nextAttemptAt).toBe(failedAt + 400);
    expect(uploadedAt).toHaveLength(3);
    for (const t of uploadedAt) expect(t).toBeGreaterThanOrEqual(failedAt + 400);
    expect(sim.reportCount()).toBe(3);
  });

  it('resends after dropped connections (before and after the server stored it) without duplicates or counted attempts', async () => {
    const sim = await testSim();
    const q = await testQueue(clientFor(sim), queueConfig(await tempDir(), { concurrency: 1, retry: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 } }));
    const reports = [uut('DROP-1'), uut('DROP-2'), uut('DROP-3')];
    await q.enqueueMany(reports, { priority: 5 });
    sim.faults.dropNext(1, { when: 'before', ...POST_REPORT });
    sim.faults.dropNext(1, { when: 'after', ...POST_REPORT });
    let offline = 0;
    q.on('offline', () => offline++);
    q.start();
    await q.whenIdle();
    expect(offline).toBeGreaterThanOrEqual(1);
    expect(sim.stats().faults).toMatchObject({ dropBefore: 1, dropAfter: 1 });
    expect(sim.reportCount()).toBe(3);
    expect(sim.stats().reports.received).toBe(4); // the one dropped after storing was overwritten
    expect(q.list().map((i) => i.attempts)).toEqual([1, 1, 1]);
    expect(q.online).toBe(true);
  });

  it('keeps queueing through an outage without spending attempts, then drains oldest-first within priority', async () => {
    const sim = await testSim();
    sim.faults.outage(60_000);
    const q = await testQueue(clientFor(sim), queueConfig(await tempDir(), { concurrency: 1, retry: { initialDelayMs: 20, maxDelayMs: 150, jitter: 0.1 } }));
    const early = [uut('OUT-1'), uut('OUT-2')];
    await q.enqueueMany(early, { priority: 5 });
    const offline = once(q, 'offline');
    q.start();
    await offline;
    expect(q.online).toBe(false);
    expect(q.lastServerError).toBeTruthy();
    // Conversion goes on while the server is away: the queue grows.
    const late = [uut('OUT-3'), uut('OUT-4'), uut('OUT-5')];
    await q.enqueue(late[0]!, { priority: 9 });
    await q.enqueue(late[1]!, { priority: 1 });
    await q.enqueue(late[2]!, { priority: 5 });
    await delay(400); // a few probes fail meanwhile
    expect(q.counts().pending).toBe(5);
    expect(q.list().every((i) => i.attempts === 0 && i.state === 'pending')).toBe(true);
    expect(sim.stats().faults.outage).toBeGreaterThanOrEqual(3);

    const order = uploadedOrder(q);
    const online = once(q, 'online');
    sim.faults.endOutage();
    await online;
    await q.whenIdle();
    expect(order).toEqual([late[1]!.id, early[0]!.id, early[1]!.id, late[2]!.id, late[0]!.id]);
    expect(q.list().map((i) => i.attempts)).toEqual([1, 1, 1, 1, 1]);
    expect(sim.reportCount()).toBe(5);
  });

  it('checks the server while idle and notices it going away and coming back', async () => {
    const sim = await testSim();
    const q = await testQueue(clientFor(sim), queueConfig(await tempDir(), { retry: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 } }), 50);
    expect(q.online).toBeNull();
    q.start();
    await waitFor(() => q.online === true, 5000, 'first check');
    const offline = once(q, 'offline');
    sim.faults.outage(60_000);
    await offline;
    const online = once(q, 'online');
    sim.faults.endOutage();
    await online;
    expect(sim.stats().byOperation['App_Version']).toBeGreaterThanOrEqual(3);
    expect(sim.stats().reports.received).toBe(0);
  });
});

describe('upload queue: failures, capacity, expiry, lifecycle', () => {
  it('moves a report refused with a 4xx to failed with the server message; retry() sends it', async () => {
    const sim = await testSim();
    const q = await testQueue(clientFor(sim), queueConfig(await tempDir()));
    const r = uut('BAD-1');
    await q.enqueue(r, { priority: 5 });
    sim.faults.failNext(1, { status: 400, message: 'Unknown process code 10', ...POST_REPORT });
    const failed = once(q, 'failed') as Promise<[QueueItem]>;
    q.start();
    const [item] = await failed;
    expect(item).toMatchObject({ id: r.id, state: 'failed', attempts: 1 });
    expect(item.lastError).toMatchObject({ status: 400, permanent: true });
    expect(item.lastError!.message).toContain('Unknown process code 10');
    await q.whenIdle(); // failed items do not keep the queue busy
    expect(q.counts()).toEqual({ pending: 0, failed: 1, completed: 0 });
    expect(q.stats().uploadFailures).toBe(1);
    expect(sim.reportCount()).toBe(0);

    q.pause();
    expect(await q.retry(r.id!)).toBe(true);
    expect(q.get(r.id!)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(q.get(r.id!)!.lastError).toBeUndefined();
    q.resume();
    await q.whenIdle();
    expect(q.get(r.id!)).toMatchObject({ state: 'completed', attempts: 1 });
    expect(sim.reportCount()).toBe(1);
    expect(await q.retry(r.id!)).toBe(false);
  });

  it('fails a report that does not pass validation without sending it', async () => {
    const sim = await testSim();
    const q = await testQueue(clientFor(sim), queueConfig(await tempDir()));
    const bad = { ...uut('INVALID'), pn: '' };
    await q.enqueue(bad, { priority: 5 });
    const failed = once(q, 'failed') as Promise<[QueueItem]>;
    q.start();
    const [item] = await failed;
    expect(item.lastError).toMatchObject({ permanent: true, code: 'WATS_ERR_VALIDATION' });
    expect(item.lastError!.message).toContain('pn: must not be empty');
    expect(sim.stats().reports.received).toBe(0);
    expect(await q.retryAllFailed()).toBe(1);
  });

  it('refuses reports when full (QueueFullError, accepting events) and accepts again after draining', async () => {
    const sim = await testSim();
    const q = await testQueue(clientFor(sim), queueConfig(await tempDir(), { maxItems: 3, resumeAt: 1 }));
    const events: boolean[] = [];
    q.on('accepting', (a) => events.push(a));
    const reports = [uut('CAP-1'), uut('CAP-2'), uut('CAP-3')];
    for (const r of reports) await q.enqueue(r, { priority: 5 });
    expect(q.isAccepting()).toBe(false);
    expect(events).toEqual([false]);
    const err = await q.enqueue(uut('CAP-4'), { priority: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueFullError);
    expect(err).toMatchObject({ code: 'STATION_ERR_QUEUE_FULL', reason: 'items' });
    await expect(q.enqueueMany([uut('CAP-5'), uut('CAP-6')], { priority: 5 })).rejects.toBeInstanceOf(QueueFullError);
    expect(q.counts().pending).toBe(3); // nothing of the refused set was written
    // Replacing a waiting report does not grow the queue, so it is still allowed.
    await expect(q.enqueue({ ...reports[0]!, sn: 'CAP-1b' }, { priority: 5 })).resolves.toMatchObject({ created: false });

    q.start();
    await q.whenIdle();
    expect(events).toEqual([false, true]);
    expect(q.isAccepting()).toBe(true);
    await expect(q.enqueue(uut('CAP-7'), { priority: 5 })).resolves.toMatchObject({ created: true });
    expect(sim.reportCount()).toBe(3);
  });

  it('refuses reports when the disk has less free space than minFreeBytes', async () => {
    const sim = await testSim();
    const q = await testQueue(clientFor(sim), queueConfig(await tempDir(), { minFreeBytes: Number.MAX_SAFE_INTEGER }));
    expect(q.isAccepting()).toBe(false);
    await expect(q.enqueue(uut('DISK-1'), { priority: 5 })).rejects.toMatchObject({ code: 'STATION_ERR_QUEUE_FULL', reason: 'disk' });
    expect(q.counts().pending).toBe(0);
  });

  it('expires pending reports older than maxAgeMs to failed (kept, not permanent) and uploads them after a retry', async () => {
    const sim = await testSim();
    sim.faults.outage(60_000);
    const q = await testQueue(clientFor(sim), queueConfig(await tempDir(), { maxAgeMs: 300, retry: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 } }));
    const r = uut('OLD-1');
    await q.enqueue(r, { priority: 5 });
    const failed = once(q, 'failed') as Promise<[QueueItem]>;
    q.start();
    const [item] = await failed;
    expect(item.lastError).toMatchObject({ code: 'STATION_ERR_QUEUE_EXPIRED', permanent: false });
    expect(item.lastError!.message).toMatch(/^expired/);
    expect(q.stats().expired).toBe(1);
    expect(q.counts()).toEqual({ pending: 0, failed: 1, completed: 0 });
    sim.faults.endOutage();
    await once(q, 'online');
    expect(await q.retry(r.id!)).toBe(true);
    await waitFor(() => q.get(r.id!)?.state === 'completed', 5000, 'upload after retry');
    expect(sim.reportCount()).toBe(1);
  });

  it('skips an unchanged completed report, resends a changed one, and purges completed items', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const q = await testQueue(client, queueConfig(await tempDir()));
    const r = uut('SAME-1', 5);
    await q.enqueue(r, { priority: 5 });
    q.start();
    await q.whenIdle();
    expect(await q.enqueue(structuredClone(r), { priority: 5 })).toEqual({ id: r.id, created: false, state: 'completed' });
    expect(q.counts().pending).toBe(0);
    const changed = { ...uut('SAME-1', 5.1), id: r.id };
    expect(await q.enqueue(changed, { priority: 5 })).toEqual({ id: r.id, created: false, state: 'pending' });
    await q.whenIdle();
    expect(sim.stats().reports.received).toBe(2);
    expect(sim.reportCount()).toBe(1);
    expect(await client.reports.getWsjf(r.id!)).toEqual(changed);
    expect(await q.purge({ state: 'completed', olderThanMs: 60_000 })).toBe(0);
    expect(await q.purge({ state: 'completed', olderThanMs: 0 })).toBe(1);
    expect(q.get(r.id!)).toBeUndefined();
  });

  it('removes completed items after keepCompletedMs (at once for 0), still counting them', async () => {
    const sim = await testSim();
    const dir = await tempDir();
    const q = await testQueue(clientFor(sim), queueConfig(dir, { keepCompletedMs: 0 }));
    const r = uut('KEEP-0');
    await q.enqueue(r, { priority: 5 });
    const uploaded = once(q, 'uploaded') as Promise<[UploadedItem]>;
    q.start();
    const [item] = await uploaded;
    expect(item).toMatchObject({ id: r.id, state: 'completed', sending: false });
    expect(item.durationMs).toBeGreaterThanOrEqual(0);
    await q.whenIdle();
    expect(q.get(r.id!)).toBeUndefined();
    expect(q.counts()).toEqual({ pending: 0, failed: 0, completed: 0 });
    expect(q.stats().uploaded).toBe(1);
    await waitFor(async () => (await readdir(join(dir, 'items'))).length === 0, 2000, 'files removed');
    await q.close();

    const dir2 = await tempDir();
    const q2 = await testQueue(clientFor(sim), queueConfig(dir2, { keepCompletedMs: 150 }));
    await q2.enqueue(uut('KEEP-150'), { priority: 5 });
    q2.start();
    await waitFor(() => q2.counts().completed === 1, 5000, 'completed');
    await waitFor(() => q2.counts().completed === 0, 5000, 'removed after keepCompletedMs');
    expect(q2.stats().uploaded).toBe(1);
  });

  it('pauses and resumes uploading', async () => {
    const sim = await testSim();
    const q = await testQueue(clientFor(sim), queueConfig(await tempDir()));
    q.start();
    q.pause();
    await q.enqueue(uut('PAUSE-1'), { priority: 5 });
    await delay(150);
    expect(q.counts().pending).toBe(1);
    expect(sim.stats().reports.received).toBe(0);
    q.resume();
    await q.whenIdle();
    expect(sim.reportCount()).toBe(1);
  });

  it('aborts an upload still in flight after the close grace period; it stays pending and goes out after reopening', async () => {
    const sim = await testSim();
    const dir = await tempDir();
    const client = clientFor(sim);
    sim.faults.latency(1000, POST_REPORT);
    const q = await testQueue(client, queueConfig(dir));
    const r = uut('CLOSE-1');
    await q.enqueue(r, { priority: 5 });
    q.start();
    await waitFor(() => q.sendingCount() === 1, 5000, 'upload in flight');
    const idle = q.whenIdle().catch((e: unknown) => e);
    await q.close({ graceMs: 50 });
    expect(await idle).toMatchObject({ code: 'STATION_ERR_QUEUE_CLOSED' });
    await expect(q.enqueue(uut('CLOSE-2'), { priority: 5 })).rejects.toMatchObject({ code: 'STATION_ERR_QUEUE_CLOSED' });

    sim.faults.latency(0);
    const again = await testQueue(client, queueConfig(dir));
    expect(again.get(r.id!)).toMatchObject({ state: 'pending', attempts: 0, sending: false });
    again.start();
    await again.whenIdle();
    expect(again.get(r.id!)).toMatchObject({ state: 'completed' });
    await waitFor(() => sim.reportCount() === 1, 3000, 'stored once');
  });
});

describe('upload queue: a token the server refuses', () => {
  it('holds every report (none failed, no attempts used) until a client with a good token takes over', async () => {
    const sim = await testSim({ token: 'Z29vZDp0b2tlbg==' });
    const dir = await tempDir();
    const bad = await testQueue(clientFor(sim, { token: 'd3Jvbmc6dG9rZW4=' }), queueConfig(dir));
    for (const sn of ['T1', 'T2', 'T3']) await bad.enqueue(uut(sn), { priority: 5 });
    bad.start();
    await waitFor(() => bad.online === false, 5_000, 'the queue to hold on 401');
    await delay(300);
    expect(bad.counts()).toEqual({ pending: 3, failed: 0, completed: 0 });
    expect(bad.list().every((i) => i.attempts === 0)).toBe(true);
    expect(bad.lastServerError).toMatch(/401.*refuses the token/);
    expect(sim.reportCount()).toBe(0);
    await bad.close({ graceMs: 0 });

    const good = await testQueue(clientFor(sim, { token: 'Z29vZDp0b2tlbg==' }), queueConfig(dir));
    good.start();
    await good.whenIdle();
    expect(sim.reportCount()).toBe(3);
    expect(good.counts()).toMatchObject({ pending: 0, failed: 0 });
  });
});
