import { describe, expect, it } from 'vitest';
import { clientFor, tempDir, testSim } from './helpers.js';
import { queueConfig, runChildUntilKilled, testQueue } from './queue-helpers.js';

describe('upload queue: crash while uploading', () => {
  it('after a SIGKILL mid-drain, reopening sends the rest and the server holds each report exactly once', async () => {
    const sim = await testSim();
    // Slow answers, so the kill lands while uploads are in flight.
    sim.faults.latency(15, { route: '/api/Report/WSJF', method: 'POST' });
    const dir = await tempDir();
    const total = 40;
    const lines = await runChildUntilKilled(['upload', dir, sim.url, String(total)], (l) => l.length >= 1 + 10);
    expect(lines[0]).toBe('queued');
    const uploadedBefore = lines.slice(1);
    const storedAtKill = sim.reportCount();
    expect(storedAtKill).toBeGreaterThanOrEqual(uploadedBefore.length);
    expect(storedAtKill).toBeLessThan(total);

    const q = await testQueue(clientFor(sim), queueConfig(dir, { concurrency: 4 }));
    const before = q.counts();
    expect(before.pending + before.completed).toBe(total);
    expect(q.sendingCount()).toBe(0);
    expect(q.list().every((i) => !i.sending)).toBe(true);
    // Reports whose upload the child saw complete are not sent again unless the kill came
    // before their completion was written; either way each id is stored once.
    q.start();
    await q.whenIdle();
    expect(q.counts()).toEqual({ pending: 0, failed: 0, completed: total });
    await expect.poll(() => sim.reportCount()).toBe(total);
    const resent = sim.stats().reports.received - total;
    expect(resent).toBeGreaterThanOrEqual(0);
    expect(resent).toBeLessThanOrEqual(8); // at most the uploads that were in flight or unrecorded at the kill
  });
});
