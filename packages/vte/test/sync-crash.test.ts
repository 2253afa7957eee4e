import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VteRunHeader } from '@tswats/vte';
import { clientFor, repairIds, runGuids, storedIds, syncDb, tempDir, testSim, type SyncDb } from './sync-helpers.js';

const CHILD = fileURLToPath(new URL('./sync-crash-child.ts', import.meta.url));

let s: SyncDb;
let runs: VteRunHeader[];

beforeAll(async () => {
  s = await syncDb({ runs: 2500, seed: 3, stepsPerRun: 4, nullSerialRate: 0.01 });
  runs = [];
  for (let after: { timestamp: string; guid: string } | undefined; ;) {
    const page = await s.source.readRunBatch({ after, limit: 1000 });
    runs.push(...page);
    if (page.length < 1000) break;
    after = { timestamp: page[page.length - 1]!.timestamp, guid: page[page.length - 1]!.indexGuid };
  }
});

afterAll(async () => {
  await s?.close();
});

/** Runs the child; with `killAfter`, SIGKILLs it once it printed that many uploads; else waits for `done`. */
async function runChild(args: string[], killAfter: number | undefined, timeoutMs = 30_000): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tswats/source', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts.filter(Boolean));
    if (killAfter !== undefined && lines.length >= killAfter && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const end = await exited;
  clearTimeout(timer);
  if (killAfter === undefined) {
    expect(end, stderr).toEqual({ code: 0, signal: null });
    expect(lines[lines.length - 1]).toBe('done');
  } else {
    expect(end.signal, `the child ended on its own: ${stderr}`).toBe('SIGKILL');
    expect(lines.length).toBeGreaterThanOrEqual(killAfter);
  }
  return lines;
}

async function readWatermark(dir: string): Promise<{ timestamp: string; guid: string } | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'watermark-runs.json'), 'utf8')) as { timestamp: string; guid: string };
  } catch {
    return undefined;
  }
}

describe('VTE sync: SIGKILL mid-batch', () => {
  it('after several kills and restarts the simulator holds every run exactly once, with no gaps, and the watermark matches', async () => {
    const sim = await testSim();
    // Slow answers, so kills land with uploads in flight.
    sim.faults.latency(3, { route: '/api/Report/WSJF', method: 'POST' });
    const client = clientFor(sim);
    const dir = await tempDir();
    const args = [dir, sim.url, s.db.name];
    const nulls = new Set(s.data.nullSerialRuns);
    expect(nulls.size).toBeGreaterThan(0);
    const position = new Map(runs.map((r, i) => [r.indexGuid, i]));

    let lastMark = -1;
    for (const killAfter of [180, 420, 260, 350]) {
      await runChild(args, killAfter);
      const mark = await readWatermark(dir);
      expect(mark).toBeDefined();
      const at = position.get(mark!.guid)!;
      expect(at).toBeGreaterThanOrEqual(lastMark);
      expect(at).toBeLessThan(runs.length - 1);
      lastMark = at;
      // Consistent: every mappable run up to the watermark is in WATS, every NULL-serial one is a dead letter.
      const stored = await storedIds(client);
      const missing = runs.slice(0, at + 1).filter((r) => !nulls.has(r.indexGuid) && !stored.has(r.indexGuid));
      expect(missing).toEqual([]);
      for (const r of runs.slice(0, at + 1)) if (nulls.has(r.indexGuid)) await readFile(join(dir, 'dead-letter', `${r.indexGuid}.json`));
    }
    await runChild(args, undefined, 60_000);

    const expected = new Set([...(await runGuids(s.db, 'u."Serial" is not null')), ...(await repairIds(s.db)).keys()]);
    const stored = await storedIds(client);
    expect(stored.size).toBe(expected.size);
    expect(stored).toEqual(expected);
    expect(sim.reportCount()).toBe(expected.size);
    const last = runs[runs.length - 1]!;
    expect(await readWatermark(dir)).toMatchObject({ timestamp: last.timestamp, guid: last.indexGuid });
    // Re-sends (overwrites: same ids) are bounded by the batch a kill interrupted: the ledger is
    // written once per batch.
    const resent = sim.stats().reports.received - expected.size;
    expect(resent).toBeGreaterThanOrEqual(0);
    expect(resent).toBeLessThanOrEqual(4 * 50);
  }, 120_000);
});
