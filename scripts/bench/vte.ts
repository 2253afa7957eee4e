/**
 * VTE part of `npm run bench`: 10,000 generated runs x ~50 steps in a real PostgreSQL
 * (127.0.0.1:5432, trust auth; a throw-away database), synced to the simulator running as a
 * separate `tswats sim` process. Reports wall time, runs/s and SQL statements; and the
 * extraction alone (keyset batches + set-based step reads through the source) against a raw
 * `pg` read of the same rows, alternated in the same run. Target: the full sync under 60 s.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { WatsClient } from '@tswats/sdk';
import { createVteSchema, createVteSync, generateVteData, openVteSource, resolveVteConfig } from '@tswats/vte';
import type { BenchSection } from './run.js';
import { startSimProcess } from './sim-process.js';
import { fmt } from './measure.js';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };


export async function benchVte({ quick }: { quick: boolean }): Promise<BenchSection> {
  const runs = quick ? 1000 : 10_000;
  const name = `tswats_vte_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ ...PG, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const pool = new pg.Pool({ ...PG, database: name, max: 4 });
  const stateDir = await mkdtemp(join(tmpdir(), 'tswats-bench-vte-'));
  const sim = await startSimProcess();
  try {
    process.stderr.write(`  vte: generating ${runs} runs\n`);
    const tg = performance.now();
    await createVteSchema(pool);
    const data = await generateVteData(pool, { runs, seed: 7, stepsPerRun: 50, repairRate: 0, lateRuns: 0 });
    const generateSeconds = (performance.now() - tg) / 1000;
    const stepRows = data.steps.numeric + data.steps.text + data.steps.other;
    await pool.query('VACUUM ANALYZE');

    const { config } = await resolveVteConfig({
      database: { dialect: 'postgres', host: PG.host, port: PG.port, user: PG.user, database: name },
      timeZone: 'Europe/Oslo',
      processCode: { default: 10 },
    });

    // Extraction alone: the source's batches + step reads vs raw pg reading the same rows.
    const source = await openVteSource(config);
    const batch = 500;
    const viaSource = async () => {
      let after: { timestamp: string; guid: string } | undefined;
      let rows = 0;
      for (;;) {
        const headers = await source.readRunBatch({ ...(after ? { after } : {}), limit: batch });
        if (headers.length === 0) break;
        const steps = await source.readSteps(headers.map((h) => h.indexGuid));
        for (const s of steps.values()) rows += s.length;
        rows += headers.length;
        const last = headers[headers.length - 1]!;
        after = { timestamp: last.timestamp, guid: last.indexGuid };
      }
      return rows;
    };
    const raw = new pg.Client({ ...PG, database: name });
    await raw.connect();
    const viaRaw = async () => {
      let rows = 0;
      rows += (await raw.query('select i.*, u.* from "IndexData" i left join "UutData" u on u."Uut_GUID" = i."Uut_GUID"')).rowCount ?? 0;
      for (const t of ['TestDataNumeric', 'TestDataText', 'TestDataOther']) rows += (await raw.query(`select * from "${t}"`)).rowCount ?? 0;
      return rows;
    };
    const ts: number[] = [];
    const tr: number[] = [];
    let sourceRows = 0;
    let rawRows = 0;
    for (let i = 0; i < 3; i++) {
      let t0 = performance.now();
      sourceRows = await viaSource();
      ts.push(performance.now() - t0);
      t0 = performance.now();
      rawRows = await viaRaw();
      tr.push(performance.now() - t0);
    }
    await raw.end();
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1] as number;
    const extractMs = median(ts);
    const rawMs = median(tr);
    const queriesBefore = source.stats().queries;

    // The full sync: read, map, validate, upload (8 in flight), watermark.
    process.stderr.write('  vte: syncing\n');
    const client = new WatsClient({ baseUrl: sim.url, logLevel: 'off' });
    const sync = await createVteSync({ config, source, client, stateDir, startAt: '2000-01-01T00:00:00', batchSize: batch, uploadConcurrency: 8, settleMs: 0 });
    const t0 = performance.now();
    const summary = await sync.runOnce({ mode: 'normal' });
    const seconds = (performance.now() - t0) / 1000;
    await sync.close();
    const queries = source.stats().queries - queriesBefore;
    await source.close();
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { reports: { stored: number } };
    const expected = runs - data.nullSerialRuns.length;
    const complete = stats.reports.stored === expected && summary.runs.uploaded === expected && summary.aborted === undefined;
    const met = complete && seconds < 60;

    const body = `
${runs.toLocaleString('en-US')} runs × 50 steps (${stepRows.toLocaleString('en-US')} step rows; ${data.nullSerialRuns.length} runs with a NULL serial,
which go to the dead-letter folder by design) generated into a throw-away PostgreSQL database in ${fmt(generateSeconds)} s, then
synced once to the simulator running as a separate \`tswats sim\` process: keyset batches of ${batch} runs, the steps
of each batch in one query per step table, mapping with strict validation, 8 uploads in flight. Target: under 60 s.

| run | runs | seconds | runs/s | SQL statements | stored by the simulator |
|---|---:|---:|---:|---:|---|
| full sync | ${runs} | ${fmt(seconds)} ${seconds < 60 ? '✓' : '✗ (≥ 60 s)'} | ${fmt(runs / seconds, 0)} | ${queries} | ${stats.reports.stored} of ${expected} ${complete ? '✓' : '✗'} |

Extraction alone (no mapping, no upload), median of 3 alternated runs:

| run | rows | seconds | rows/s |
|---|---:|---:|---:|
| source: keyset batches + set-based step reads | ${sourceRows} | ${fmt(extractMs / 1000, 2)} | ${fmt(sourceRows / (extractMs / 1000), 0)} |
| baseline: raw \`pg\` select of the same tables | ${rawRows} | ${fmt(rawMs / 1000, 2)} | ${fmt(rawRows / (rawMs / 1000), 0)} |

Ratio source/raw throughput: ${fmt(sourceRows / extractMs / (rawRows / rawMs), 2)}. The statements grow with batches (${Math.ceil(runs / batch)} batches), not runs.
`;
    return { title: 'VTE', body, targetsMet: met };
  } finally {
    await sim.stop();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    await admin.end();
    await rm(stateDir, { recursive: true, force: true });
  }
}
