import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareLocal, createVteSync, localToInstant, shiftLocal, VteSyncLockedError, type VteRunHeader } from '@tswats/vte';
import { clientFor, insertLateRun, NOW, received, repairIds, runGuids, storedIds, syncDb, tempDir, testSim, testSync, ZONE, type SyncDb } from './sync-helpers.js';

let s: SyncDb;
let runs: VteRunHeader[];

beforeAll(async () => {
  s = await syncDb({ runs: 300, seed: 7, stepsPerRun: 8, nullSerialRate: 0.04 });
  runs = await s.source.readRunBatch({ limit: 1000 });
});

afterAll(async () => {
  await s?.close();
});

/** Report ids a full pass should leave in WATS: runs with a serial, and their repairs. */
async function expectedIds(): Promise<Set<string>> {
  return new Set([...(await runGuids(s.db, 'u."Serial" is not null')), ...(await repairIds(s.db)).keys()]);
}

describe('VTE sync: normal passes', () => {
  it('uploads every run and repair once; the simulator holds exactly the expected ids; repairs refer to their UUT', async () => {
    expect(s.data.nullSerialRuns.length).toBeGreaterThan(0);
    const sim = await testSim();
    const client = clientFor(sim);
    const sync = await testSync(s, client);
    const batches: number[] = [];
    sync.on('batch', (b) => batches.push(b.read));
    const summary = await sync.runOnce();

    expect(summary.aborted).toBeUndefined();
    const expected = await expectedIds();
    expect(await storedIds(client)).toEqual(expected);
    expect(sim.reportCount()).toBe(expected.size);
    expect(received(sim)).toBe(expected.size);
    expect(summary.runs).toMatchObject({ read: 300, uploaded: 300 - s.data.nullSerialRuns.length, mappingFailed: s.data.nullSerialRuns.length, skipped: 0 });
    expect(summary.runs.deadLettered).toBe(s.data.nullSerialRuns.length);
    expect(summary.runs.watermarkBefore).toBeUndefined();
    const last = runs[runs.length - 1]!;
    expect(summary.runs.watermarkAfter).toEqual({ timestamp: last.timestamp, guid: last.indexGuid });
    expect(sync.watermark('run')).toEqual({ timestamp: last.timestamp, guid: last.indexGuid });
    expect(batches.reduce((a, b) => a + b, 0)).toBe(summary.runs.read + summary.repairs.read);
    expect(summary.batches).toBe(batches.length);
    // Queries grow with batches: one header query per batch plus 3 step queries per non-empty batch.
    expect(summary.queries).toBeLessThanOrEqual(summary.batches * 4 + 2);

    // The watermark file on disk.
    const file = JSON.parse(await readFile(join(sync.deadLetters.dir, '..', 'watermark-runs.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ version: 1, timestamp: last.timestamp, guid: last.indexGuid });

    // A UUR refers to its run's UUT report.
    const [uurId, indexGuid] = [...(await repairIds(s.db))][0]!;
    const uur = await client.reports.getWsjf(uurId);
    expect((uur as { uur?: { refUUT?: string } }).uur?.refUUT?.toLowerCase()).toBe(indexGuid);

    // Dead letters: the NULL-serial runs (and their repairs), with the reason.
    const dead = await sync.deadLetters.list();
    const deadRuns = dead.filter((d) => d.kind === 'run');
    expect(deadRuns.map((d) => d.guid).sort()).toEqual([...s.data.nullSerialRuns].sort());
    expect(deadRuns[0]).toMatchObject({ stage: 'map', field: 'UutData.Serial', attempts: 1 });
    expect(deadRuns[0]!.reason).toContain('no serial');

    // A second pass sends nothing new: the guard band is re-read, the ledger skips it.
    const again = await sync.runOnce();
    expect(again.runs.uploaded + again.repairs.uploaded).toBe(0);
    expect(again.runs.skipped).toBeGreaterThan(0);
    expect(again.runs.read).toBeLessThan(300);
    expect(again.runs.deadLettered).toBe(0);
    expect(received(sim)).toBe(expected.size);
    expect(again.runs.watermarkAfter).toEqual(summary.runs.watermarkAfter);
  });

  it('leaves runs younger than the settle delay for the next pass', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    // "Now" is 10 s after the 100th run; a 30 s settle delay keeps the runs of the last 30 s out.
    const at = runs[99]!.timestamp;
    const now = new Date(localToInstant(at, ZONE) + 10_000);
    const cut = shiftLocal(at, -20_000, ZONE);
    const sync = await testSync(s, client, { now: () => now });
    const summary = await sync.runOnce({ kinds: ['run'] });
    expect(summary.range.until).toBe(cut);
    const want = runs.filter((r) => compareLocal(r.timestamp, cut) < 0);
    expect(summary.runs.read).toBe(want.length);
    expect(sync.watermark('run')?.guid).toBe(want[want.length - 1]!.indexGuid);
  });

  it('refuses a second sync on the same state directory', async () => {
    const sim = await testSim();
    const dir = await tempDir();
    const first = await testSync(s, clientFor(sim), { stateDir: dir });
    await expect(createVteSync({ config: s.config, source: s.source, client: clientFor(sim), stateDir: dir, startAt: '2026-01-01T00:00:00' })).rejects.toBeInstanceOf(VteSyncLockedError);
    await first.close();
    const second = await testSync(s, clientFor(sim), { stateDir: dir });
    expect(second.status().running).toBe(false);
  });
});

describe('VTE sync: modes', () => {
  it('dry-run maps and reports, uploads nothing and leaves no state', async () => {
    const sim = await testSim();
    const sync = await testSync(s, clientFor(sim));
    const summary = await sync.runOnce({ mode: 'dry-run' });
    expect(sim.stats().received).toBe(0);
    expect(sim.reportCount()).toBe(0);
    expect(summary.runs).toMatchObject({ read: 300, uploaded: 0, mapped: 300 - s.data.nullSerialRuns.length, mappingFailed: s.data.nullSerialRuns.length, deadLettered: 0 });
    expect(summary.failures.filter((f) => f.kind === 'run').map((f) => f.guid).sort()).toEqual([...s.data.nullSerialRuns].sort());
    expect(sync.watermark('run')).toBeUndefined();
    expect(sync.watermark('repair')).toBeUndefined();
    expect(sync.deadLetters.size).toBe(0);
    expect(sync.status().ledger).toEqual({ run: 0, repair: 0 });
  });

  it('backfill uploads exactly [since, until) and does not move the watermark', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const sync = await testSync(s, client);
    const since = runs[50]!.timestamp;
    const until = runs[150]!.timestamp;
    const summary = await sync.runOnce({ mode: 'backfill', since, until, kinds: ['run'] });
    const inRange = runs.filter((r) => r.timestamp >= since && r.timestamp < until);
    const nulls = new Set(s.data.nullSerialRuns);
    const want = new Set(inRange.filter((r) => !nulls.has(r.indexGuid)).map((r) => r.indexGuid));
    expect(await storedIds(client)).toEqual(want);
    expect(summary.runs.read).toBe(inRange.length);
    expect(sync.watermark('run')).toBeUndefined();
    // The same backfill again: the ledger knows them.
    const again = await sync.runOnce({ mode: 'backfill', since, until, kinds: ['run'] });
    expect(again.runs.uploaded).toBe(0);
    expect(received(sim)).toBe(want.size);
  });

  it('force re-sends a range regardless of the ledger: the server overwrites, no duplicates', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const sync = await testSync(s, client);
    await sync.runOnce();
    const count = sim.reportCount();
    const before = received(sim);
    const mark = sync.watermark('run');
    const since = runs[0]!.timestamp;
    const until = runs[100]!.timestamp;
    const summary = await sync.runOnce({ mode: 'force', since, until, kinds: ['run'] });
    const nulls = new Set(s.data.nullSerialRuns);
    const resend = runs.filter((r) => r.timestamp >= since && r.timestamp < until && !nulls.has(r.indexGuid)).length;
    expect(summary.runs).toMatchObject({ uploaded: resend, skipped: 0 });
    expect(sim.reportCount()).toBe(count);
    expect(received(sim)).toBe(before + resend);
    expect(sync.watermark('run')).toEqual(mark);
    // Dead letters in the range were tried again and counted.
    const dead = (await sync.deadLetters.list()).filter((d) => d.kind === 'run' && d.timestamp < until);
    expect(dead.every((d) => d.attempts === 2)).toBe(true);
  });

  it('needs a range start for backfill and force', async () => {
    const sync = await testSync(s, clientFor(await testSim()));
    await expect(sync.runOnce({ mode: 'backfill' })).rejects.toThrow(/since/);
    await expect(sync.runOnce({ mode: 'force' })).rejects.toThrow(/since/);
  });
});

describe('VTE sync: late runs, dead letters (these tests change the database)', () => {
  it('picks up a late run inside the guard band; checkGapRisk reports one outside it', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const sync = await testSync(s, client);
    await sync.runOnce();
    expect((await sync.checkGapRisk()).risks).toEqual([]);
    const donor = runs.find((r) => r.serial !== null)!;
    const mark = sync.watermark('run')!;
    const inside = { guid: 'aaaaaaaa-0000-4000-8000-000000000001', ts: shiftLocal(mark.timestamp, -5 * 60_000, ZONE) };
    const outside = { guid: 'aaaaaaaa-0000-4000-8000-000000000002', ts: shiftLocal(mark.timestamp, -2 * 3_600_000, ZONE) };
    await insertLateRun(s.db, donor.indexGuid, inside.guid, inside.ts);
    await insertLateRun(s.db, donor.indexGuid, outside.guid, outside.ts);

    const summary = await sync.runOnce();
    expect(summary.runs.uploaded).toBe(1);
    const stored = await storedIds(client);
    expect(stored.has(inside.guid)).toBe(true);
    expect(stored.has(outside.guid)).toBe(false);
    expect(sync.watermark('run')).toEqual(mark);

    const gaps = await sync.checkGapRisk();
    expect(gaps.risks).toEqual([{ kind: 'run', guid: outside.guid, indexGuid: outside.guid, timestamp: expect.stringContaining(outside.ts.slice(0, 19)) }]);
    expect(gaps.windows.run?.to).toBe(shiftLocal(mark.timestamp, -10 * 60_000, ZONE));
    expect(gaps.checked).toBeGreaterThan(100);

    // A backfill of its range fixes it.
    await sync.runOnce({ mode: 'backfill', since: outside.ts, until: shiftLocal(outside.ts, 1, ZONE), kinds: ['run'] });
    expect((await sync.checkGapRisk()).risks).toEqual([]);
  });

  it('dead-letters NULL-serial runs without blocking; replay after fixing the row uploads them and clears the folder', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const sync = await testSync(s, client);
    const dead: string[] = [];
    sync.on('deadLettered', (e) => dead.push(e.guid));
    await sync.runOnce();
    const nullRuns = s.data.nullSerialRuns;
    expect(dead).toEqual(expect.arrayContaining(nullRuns));
    const stored = await storedIds(client);
    expect(nullRuns.some((g) => stored.has(g))).toBe(false);
    expect(stored.size).toBe((await expectedIds()).size);

    // Replaying before the fix fails again and keeps them.
    const early = await sync.replay([nullRuns[0]!, 'bbbbbbbb-0000-4000-8000-000000000000']);
    expect(early.uploaded).toEqual([]);
    expect(early.failed.map((f) => f.guid)).toEqual([nullRuns[0]]);
    expect(early.notFound).toEqual(['bbbbbbbb-0000-4000-8000-000000000000']);
    expect((await sync.deadLetters.get(nullRuns[0]!))?.attempts).toBe(2);

    await s.db.pool.query(`update "UutData" set "Serial" = 'FIXED-' || left("Uut_GUID"::text, 8) where "Serial" is null`);
    const result = await sync.replay('all');
    expect(result.failed).toEqual([]);
    expect(result.aborted).toBeUndefined();
    expect(result.uploaded).toEqual(expect.arrayContaining(nullRuns));
    expect(sync.deadLetters.size).toBe(0);
    expect(await sync.deadLetters.list()).toEqual([]);
    const all = await storedIds(client);
    for (const g of nullRuns) expect(all.has(g)).toBe(true);
    expect(all).toEqual(await expectedIds());
    // Replayed runs are in the ledger: the next pass does not send them again.
    const next = await sync.runOnce();
    expect(next.runs.uploaded).toBe(0);
    expect(NOW.getTime()).toBeGreaterThan(0);
  });
});
