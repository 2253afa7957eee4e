import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIConnectionError, AuthenticationError, BadRequestError, InternalServerError, ReportValidationError } from '@tswats/sdk';
import { classifyUploadError, isTransientSqlError, withSqlRetry, type VteRunHeader } from '@tswats/vte';
import { clientFor, received, repairIds, runGuids, storedIds, syncDb, testSim, testSync, type SyncDb } from './sync-helpers.js';

let s: SyncDb;
let runs: VteRunHeader[];
let expected: Set<string>;

beforeAll(async () => {
  s = await syncDb({ runs: 400, seed: 11, stepsPerRun: 5, nullSerialRate: 0 });
  runs = await s.source.readRunBatch({ limit: 1000 });
  expected = new Set([...(await runGuids(s.db)), ...(await repairIds(s.db)).keys()]);
});

afterAll(async () => {
  await s?.close();
});

describe('VTE sync: WATS faults', () => {
  it('a WATS outage mid-pass stops it without moving the watermark past unsent runs; the next pass completes with no gaps', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { maxRetries: 1 });
    const sync = await testSync(s, client, { batchSize: 50 });
    let uploaded = 0;
    sync.on('uploaded', () => {
      if (++uploaded === 120) sim.faults.outage(60_000);
    });
    const first = await sync.runOnce();
    expect(first.aborted).toMatchObject({ kind: 'run', stage: 'upload' });
    expect(first.aborted!.reason).toMatch(/WATS unavailable/);
    expect(first.repairs.read).toBe(0);
    expect(sync.deadLetters.size).toBe(0);

    // Every run up to the watermark is in WATS; the watermark is short of the end.
    sim.faults.endOutage();
    const stored = await storedIds(client);
    const mark = sync.watermark('run')!;
    const upTo = runs.findIndex((r) => r.indexGuid === mark.guid);
    expect(upTo).toBeGreaterThanOrEqual(99);
    expect(upTo).toBeLessThan(runs.length - 1);
    for (const r of runs.slice(0, upTo + 1)) expect(stored.has(r.indexGuid)).toBe(true);

    const second = await sync.runOnce();
    expect(second.aborted).toBeUndefined();
    expect(await storedIds(client)).toEqual(expected);
    expect(sim.reportCount()).toBe(expected.size);
    expect(sync.watermark('run')?.guid).toBe(runs[runs.length - 1]!.indexGuid);
  });

  it('a 503 storm is ridden out by the SDK retries: every report stored once, none dead-lettered', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { maxRetries: 30 });
    const sync = await testSync(s, client);
    sim.faults.failNext(40, { status: 503, retryAfter: 0.01 });
    const summary = await sync.runOnce();
    expect(summary.aborted).toBeUndefined();
    expect(sim.stats().rejected.byStatus['503']).toBe(40);
    expect(await storedIds(client)).toEqual(expected);
    expect(received(sim)).toBe(expected.size);
    expect(sync.deadLetters.size).toBe(0);
  });

  it('a report WATS refuses (400) is dead-lettered with the status and does not block the rest; replay sends it', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const sync = await testSync(s, client, { uploadConcurrency: 1 });
    sim.faults.failNext(1, { status: 400, message: 'Bad report', route: '/api/Report/WSJF' });
    const summary = await sync.runOnce({ kinds: ['run'] });
    expect(summary.aborted).toBeUndefined();
    expect(summary.runs.deadLettered).toBe(1);
    const [dead] = await sync.deadLetters.list();
    expect(dead).toMatchObject({ kind: 'run', guid: runs[0]!.indexGuid, stage: 'upload', status: 400, serverMessage: 'Bad report' });
    expect(sync.watermark('run')?.guid).toBe(runs[runs.length - 1]!.indexGuid);
    expect(sim.reportCount()).toBe(runs.length - 1);
    const replay = await sync.replay([dead!.guid]);
    expect(replay.uploaded).toEqual([dead!.guid]);
    expect(sim.reportCount()).toBe(runs.length);
    expect(sync.deadLetters.size).toBe(0);
  });
});

describe('VTE sync: error classes', () => {
  it('sorts WATS failures into stop (transient, client problems) and dead letter (record problems)', () => {
    expect(classifyUploadError(new APIConnectionError()).kind).toBe('stop');
    expect(classifyUploadError(new InternalServerError({ status: 503 })).kind).toBe('stop');
    expect(classifyUploadError(new Error('boom')).kind).toBe('stop');
    expect(classifyUploadError(new AuthenticationError({ status: 401 })).kind).toBe('stop');
    expect(classifyUploadError(new BadRequestError({ status: 400, body: { Message: 'no' } }))).toMatchObject({ kind: 'permanent', status: 400, serverMessage: 'no' });
    expect(classifyUploadError(new ReportValidationError([{ path: 'sn', message: 'required' }])).kind).toBe('permanent');
  });

  it('retries transient SQL errors with backoff, and only those', async () => {
    const policy = { retries: 3, initialDelayMs: 1, maxDelayMs: 5 };
    let calls = 0;
    const retries: number[] = [];
    const value = await withSqlRetry(async () => {
      if (++calls < 3) throw Object.assign(new Error('Connection terminated unexpectedly'), {});
      return 42;
    }, policy, (r) => retries.push(r.attempt));
    expect(value).toBe(42);
    expect(retries).toEqual([1, 2]);

    calls = 0;
    await expect(withSqlRetry(async () => {
      calls++;
      throw Object.assign(new Error('syntax error'), { code: '42601' });
    }, policy, () => {})).rejects.toThrow('syntax error');
    expect(calls).toBe(1);

    calls = 0;
    await expect(withSqlRetry(async () => {
      calls++;
      throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    }, policy, () => {})).rejects.toThrow('administrator');
    expect(calls).toBe(4);

    expect(isTransientSqlError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientSqlError(new Error('outer', { cause: Object.assign(new Error('inner'), { number: 1205 }) }))).toBe(true);
    expect(isTransientSqlError(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
  });
});
