import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHandle } from '@tswats/sim';
import { createVteSchema, generateVteData, type GeneratedVteData } from '@tswats/vte';
import { createTestDatabase, type TestDatabase } from '../../vte/test/helpers.js';
import { tswats } from './helpers.js';

let db: TestDatabase;
let data: GeneratedVteData;
let sim: SimHandle;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await createVteSchema(db.pool);
  data = await generateVteData(db.pool, { runs: 80, seed: 5, stepsPerRun: 3, nullSerialRate: 0.1 });
  sim = await startSim({});
  dir = await mkdtemp(join(tmpdir(), 'tswats-vte-cli-'));
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function configFile(name: string, over: Record<string, unknown> = {}): Promise<string> {
  const file = join(dir, `${name}.json`);
  const cfg = {
    vte: {
      database: { dialect: 'postgres', host: '127.0.0.1', port: 5432, user: 'postgres', database: db.name, encrypt: false },
      timeZone: 'Europe/Oslo', processCode: { default: 10 }, server: { url: sim.url }, stateDir: join(dir, `${name}-state`),
      startAt: '2026-01-01', settle: 0, http: { port: 0 }, log: { level: 'silent' }, ...over,
    },
  };
  await writeFile(file, JSON.stringify(cfg));
  return file;
}

async function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const p = tswats(args);
  const code = await p.exited;
  return { code, out: p.stdout(), err: p.stderr() };
}

describe('tswats vte', () => {
  it('check passes on a good schema; a bad config exits 78', async () => {
    const file = await configFile('check');
    const ok = await run(['vte', 'check', '--config', file]);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/database postgres .*: ok/);
    expect(ok.out).toMatch(/WATS .*: ok/);
    const bad = await run(['vte', 'check', '--config', await configFile('bad', { interval: 'soon' })]);
    expect(bad.code).toBe(78);
    expect(bad.err).toContain('interval');
  }, 20_000);

  it('sync --dry-run --json uploads nothing; sync uploads; dlq list shows the NULL-serial runs', async () => {
    const file = await configFile('sync');
    const before = sim.stats().reports.received;
    const dry = await run(['vte', 'sync', '--config', file, '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const summary = JSON.parse(dry.out) as { mode: string; runs: { read: number; mapped: number; uploaded: number } };
    expect(summary).toMatchObject({ mode: 'dry-run', runs: { read: 80, uploaded: 0 } });
    expect(summary.runs.mapped).toBe(80 - data.nullSerialRuns.length);
    expect(sim.stats().reports.received).toBe(before);

    const real = await run(['vte', 'sync', '--config', file, '--json']);
    expect(real.code).toBe(0);
    expect((JSON.parse(real.out) as { runs: { uploaded: number } }).runs.uploaded).toBe(80 - data.nullSerialRuns.length);

    const list = await run(['vte', 'dlq', 'list', '--config', file, '--json']);
    expect(list.code).toBe(0);
    const entries = JSON.parse(list.out) as { guid: string; stage: string }[];
    expect(data.nullSerialRuns.length).toBeGreaterThan(0);
    expect(entries.map((e) => e.guid).sort()).toEqual([...data.nullSerialRuns].sort());
    expect(entries.every((e) => e.stage === 'map')).toBe(true);
  }, 30_000);

  it('dlq replay --all uploads the dead letters once their serials are fixed, and empties the DLQ', async () => {
    const file = await configFile('sync'); // the state of the previous test: the NULL-serial runs are dead letters
    expect(data.nullSerialRuns.length).toBeGreaterThan(0);
    const storedBefore = sim.reportCount();
    const fixed = await db.pool.query(`update "UutData" set "Serial" = 'FIXED-' || "Uut_GUID"::text where "Serial" is null`);
    expect(fixed.rowCount).toBeGreaterThan(0);
    const res = await run(['vte', 'dlq', 'replay', '--all', '--config', file, '--json']);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    const r = JSON.parse(res.out) as { uploaded: string[]; failed: unknown[]; missing: unknown[]; notFound: unknown[] };
    expect([...r.uploaded].sort()).toEqual([...data.nullSerialRuns].sort());
    expect(r).toMatchObject({ failed: [], missing: [], notFound: [] });
    expect(sim.reportCount()).toBe(storedBefore + data.nullSerialRuns.length);
    const list = await run(['vte', 'dlq', 'list', '--config', file, '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out)).toEqual([]);
  }, 30_000);

  it('sync --force --since D --until D re-sends the range without duplicates', async () => {
    const file = await configFile('sync');
    const range = await db.pool.query<{ since: string; until: string; n: string }>(
      `select to_char(min("Timestamp"), 'YYYY-MM-DD') as since, to_char(max("Timestamp") + interval '1 day', 'YYYY-MM-DD') as until, count(*)::text as n from "IndexData"`,
    );
    const { since, until, n } = range.rows[0]!;
    const stored = sim.reportCount();
    const received = sim.stats().reports.received;
    const res = await run(['vte', 'sync', '--config', file, '--force', '--since', since, '--until', until, '--json']);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.out) as { mode: string; runs: { read: number; uploaded: number; skipped: number; deadLettered: number } };
    expect(summary.mode).toBe('force');
    expect(summary.runs).toMatchObject({ read: Number(n), uploaded: Number(n), skipped: 0, deadLettered: 0 });
    expect(sim.stats().reports.received - received).toBeGreaterThanOrEqual(Number(n)); // everything was sent again...
    expect(sim.reportCount()).toBe(stored); // ...and overwrote: no duplicates
  }, 30_000);

  it('run: SIGUSR1 triggers a pass (seen in /status), SIGTERM then exits 0', async () => {
    const file = await configFile('usr1', { log: { level: 'info' }, interval: '1h', connectivityInterval: '1h' });
    const p = tswats(['vte', 'run', '--config', file]);
    const deadline = Date.now() + 15_000;
    let url: string | undefined;
    while (!url) {
      const line = p.stdout().split('\n').find((l) => l.includes('VTE sync service started'));
      if (line) url = (JSON.parse(line) as { status: string }).status;
      else if (Date.now() > deadline || p.child.exitCode !== null) throw new Error(`not started: ${p.stderr()} ${p.stdout()}`);
      else await new Promise((r) => setTimeout(r, 25));
    }
    const passes = async () => ((await (await fetch(`${url}/status`)).json()) as { passes: number; passing: boolean }).passes;
    const waitPasses = async (n: number) => {
      const until = Date.now() + 15_000;
      while ((await passes()) < n) {
        if (Date.now() > until) throw new Error(`passes < ${n}: ${p.stdout()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await waitPasses(1);
    const received = sim.stats().reports.received;
    expect(await passes()).toBe(1); // the interval is an hour: no second pass on its own
    p.child.kill('SIGUSR1');
    await waitPasses(2);
    expect(p.stdout()).toContain('SIGUSR1: pass now');
    expect(sim.stats().reports.received).toBe(received); // the second pass found nothing new
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 30_000);

  it('run: the service starts, and SIGTERM stops it with exit 0', async () => {
    const file = await configFile('run', { log: { level: 'info' } });
    const p = tswats(['vte', 'run', '--config', file]);
    const deadline = Date.now() + 15_000;
    while (!p.stdout().includes('VTE sync service started')) {
      if (Date.now() > deadline || p.child.exitCode !== null) throw new Error(`not started: ${p.stderr()} ${p.stdout()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 20_000);

  it('check on a schema with a dropped column exits 1 naming the config key', async () => {
    await db.pool.query('ALTER TABLE "TestDataText" DROP COLUMN "TestName"');
    const res = await run(['vte', 'check', '--config', await configFile('broken')]);
    expect(res.code).toBe(1);
    expect(res.out).toContain('mapping.columns.TestDataText.TestName');
  }, 20_000);
});
