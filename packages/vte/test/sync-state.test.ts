import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareLocal, DeadLetterFolder, instantToLocal, openSyncState, shiftLocal, SyncLedger, VteSyncLockedError, VteSyncStateError } from '@tswats/vte';
import { tempDir } from './sync-helpers.js';

const G1 = '0f8fad5b-d9cb-469f-a165-70867728950e';
const G2 = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('sync state directory', () => {
  it('writes watermarks atomically and reads them back after reopening', async () => {
    const dir = await tempDir();
    const state = await openSyncState(dir);
    expect(state.watermark('run')).toBeUndefined();
    await state.setWatermark('run', { timestamp: '2026-03-27T06:00:00.000', guid: G1.toUpperCase() });
    await state.setWatermark('repair', { timestamp: '2026-03-27T07:00:00.000', guid: G2 });
    await state.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = await openSyncState(dir);
    expect(again.watermark('run')).toEqual({ timestamp: '2026-03-27T06:00:00.000', guid: G1 });
    expect(again.watermark('repair')).toEqual({ timestamp: '2026-03-27T07:00:00.000', guid: G2 });
    await again.close();
    await writeFile(join(dir, 'watermark-runs.json'), '{"timestamp": ');
    await expect(openSyncState(dir)).rejects.toBeInstanceOf(VteSyncStateError);
  });

  it('locks the directory: a live owner refuses, a dead one is taken over', async () => {
    const dir = await tempDir();
    const state = await openSyncState(dir);
    await expect(openSyncState(dir)).rejects.toBeInstanceOf(VteSyncLockedError);
    await state.close();
    // A lock left by a process that is gone (pid 2^22 + 1 is above Linux's pid_max default).
    await writeFile(join(dir, 'sync.lock'), JSON.stringify({ pid: 4_194_305, host: hostname(), startedAt: 'x' }));
    const taken = await openSyncState(dir);
    expect(JSON.parse(await readFile(join(dir, 'sync.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    await taken.close();
    await writeFile(join(dir, 'sync.lock'), JSON.stringify({ pid: 1, host: 'another-host', startedAt: 'x' }));
    await expect(openSyncState(dir)).rejects.toThrow(/another-host/);
  });

  it('ledger: durable appends, a torn last line dropped, pruning by timestamp', async () => {
    const dir = await tempDir();
    const path = join(dir, 'ledger.tsv');
    const ledger = await SyncLedger.open(path);
    await ledger.add([{ timestamp: '2026-03-27T06:00:00.000', guid: G1 }, { timestamp: '2026-03-27T08:00:00.000', guid: G2 }]);
    await ledger.close();
    await appendFile(path, '2026-03-27T09:00:00.000\tdeadbeef-0000');
    const again = await SyncLedger.open(path);
    expect(again.size).toBe(2);
    expect(again.has(G1.toUpperCase())).toBe(true);
    expect(await again.prune('2026-03-27T07:00:00')).toBe(1);
    expect(again.has(G1)).toBe(false);
    await again.add([{ timestamp: '2026-03-27T09:00:00.000', guid: G1 }]);
    await again.close();
    expect(await readFile(path, 'utf8')).toBe(`2026-03-27T08:00:00.000\t${G2}\n2026-03-27T09:00:00.000\t${G1}\n`);
  });

  it('dead-letter folder: one JSON per GUID, repeats counted', async () => {
    const dir = await tempDir();
    const dlq = await DeadLetterFolder.open(dir);
    const input = { kind: 'run' as const, guid: G1, indexGuid: G1, timestamp: '2026-03-27T06:00:00.000', stage: 'map' as const, reason: 'no serial', field: 'UutData.Serial' };
    await dlq.add(input, new Date('2026-04-01T00:00:00Z'));
    const second = await dlq.add({ ...input, reason: 'still no serial' }, new Date('2026-04-02T00:00:00Z'));
    expect(second).toMatchObject({ attempts: 2, firstFailedAt: '2026-04-01T00:00:00.000Z', time: '2026-04-02T00:00:00.000Z', reason: 'still no serial' });
    expect(await readdir(dir)).toEqual([`${G1}.json`]);
    expect((await DeadLetterFolder.open(dir)).has(G1)).toBe(true);
    expect(await dlq.remove(G1)).toBe(true);
    expect(await dlq.list()).toEqual([]);
  });

  it('local-time arithmetic follows the zone across DST and compares any precision', () => {
    // Europe/Oslo springs forward at 02:00 on 2026-03-29: one hour before 03:30 is 01:30.
    expect(shiftLocal('2026-03-29T03:30:00', -3_600_000, 'Europe/Oslo')).toBe('2026-03-29T01:30:00.000');
    expect(instantToLocal(Date.UTC(2026, 5, 1, 12), 'Europe/Oslo')).toBe('2026-06-01T14:00:00.000');
    expect(compareLocal('2026-03-27T06:00:00', '2026-03-27T06:00:00.000000')).toBe(0);
    expect(compareLocal('2026-03-27T06:00:00.5', '2026-03-27T06:00:00.123456')).toBe(1);
  });
});
