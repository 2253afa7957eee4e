import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConversionError } from '@tswats/converters';
import { afterEach, describe, expect, it } from 'vitest';
import { ConverterPoolError } from '../src/convert/errors.js';
import { createConverterPool, type ConverterPool } from '../src/convert/pool.js';
import { tempDir } from './helpers.js';
import { copyFixture, fixture, SEICA_PANEL, WSTF } from './pipeline-helpers.js';

const pools: ConverterPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});
function pool(concurrency: number, timeoutMs: number): ConverterPool {
  const p = createConverterPool({ concurrency, timeoutMs });
  pools.push(p);
  return p;
}

/** A user converter module claiming every file, whose convert() runs `body`. */
async function userConverter(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, `${name}.mjs`);
  await writeFile(
    path,
    `export const converter = {
      name: '${name}', description: 'test converter', extensions: ['.txt'],
      detect() { return { confidence: 1 }; },
      async *convert(file) { ${body} },
    };\n`,
  );
  return path;
}

const EXAMPLE = fileURLToPath(new URL('../../converters/examples/', import.meta.url));

describe('createConverterPool', () => {
  it('converts real files in worker threads, every unit its own report', async () => {
    const p = pool(2, 20_000);
    const [wstf, seica] = await Promise.all([
      p.convert({ path: fixture(...WSTF), options: { timeZone: 'Europe/Oslo' } }),
      p.convert({ path: fixture(...SEICA_PANEL), converter: 'auto', options: { timeZone: 'Europe/Oslo' } }),
    ]);
    expect(wstf.format).toBe('wstf');
    expect(wstf.reports).toHaveLength(1);
    expect(wstf.needsFolder).toBe(false);
    expect(seica.format).toBe('seica-viva');
    expect(seica.reports).toHaveLength(2);
    expect(new Set(seica.reports.map((r) => r.id)).size).toBe(2);
  });

  it('reports the companion folder need of Klippel files', async () => {
    const r = await pool(1, 20_000).convert({ path: fixture('klippel', 'DUT xyz115 2020-05-14 10-01-37-5 UTC+0200.txt'), options: { timeZone: 'Europe/Oslo' } });
    expect(r.format).toBe('klippel');
    expect(r.needsFolder).toBe(true);
  });

  it('rejects with a ConversionError rebuilt from the worker, code and position included', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.json'), '{"type":"T",\n "pn": 12,\n');
    const err = await pool(1, 20_000).convert({ path: join(dir, 'bad.json'), converter: 'wsjf' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConversionError);
    expect(err).toMatchObject({ code: 'CONVERT_ERR_SYNTAX', format: 'wsjf', position: { line: 3, column: 1 } });
    expect((err as ConversionError).reason).toMatch(/not valid JSON/);
  });

  it('runs user converter modules', async () => {
    const r = await pool(1, 20_000).convert({
      path: join(EXAMPLE, 'line-tester-sample.csv'),
      converterModule: join(EXAMPLE, 'line-tester-csv.mjs'),
      options: { timeZone: 'Europe/Oslo', stationName: 'EOL-1' },
    });
    expect(r.format).toBe('line-tester-csv');
    expect(r.reports.length).toBeGreaterThan(0);
  });

  it('stops a conversion that runs past the timeout, then converts the next file with a fresh worker', async () => {
    const dir = await tempDir();
    const busy = await userConverter(dir, 'busy-loop', 'for (;;) {}');
    await writeFile(join(dir, 'x.txt'), 'anything');
    const p = pool(1, 1500);
    const err = await p.convert({ path: join(dir, 'x.txt'), converterModule: busy }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConverterPoolError);
    expect(err).toMatchObject({ code: 'STATION_ERR_CONVERT_TIMEOUT' });
    const ok = await p.convert({ path: await copyFixture(...WSTF, dir), options: { timeZone: 'Europe/Oslo' } });
    expect(ok.reports).toHaveLength(1);
  });

  it('fails only the job whose worker died, and keeps working', async () => {
    const dir = await tempDir();
    const exits = await userConverter(dir, 'exits', 'process.exit(3);');
    await writeFile(join(dir, 'x.txt'), 'anything');
    const p = pool(1, 20_000);
    await expect(p.convert({ path: join(dir, 'x.txt'), converterModule: exits })).rejects.toMatchObject({ code: 'STATION_ERR_CONVERT_WORKER_CRASHED' });
    expect((await p.convert({ path: fixture(...WSTF) })).reports).toHaveLength(1);
  });

  it('tells a converter module that does not load from a bad file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'x.txt'), 'anything');
    await writeFile(join(dir, 'not-a-converter.mjs'), 'export const x = 1;\n');
    const p = pool(1, 20_000);
    await expect(p.convert({ path: join(dir, 'x.txt'), converterModule: join(dir, 'missing.mjs') })).rejects.toMatchObject({ code: 'STATION_ERR_CONVERTER_LOAD' });
    await expect(p.convert({ path: join(dir, 'x.txt'), converterModule: join(dir, 'not-a-converter.mjs') })).rejects.toMatchObject({ code: 'STATION_ERR_CONVERTER_LOAD' });
  });

  it('queues jobs beyond its concurrency and fails waiting jobs on close', async () => {
    const p = pool(2, 20_000);
    const jobs = Array.from({ length: 5 }, () => p.convert({ path: fixture(...WSTF) }));
    expect(p.busy).toBe(5);
    expect((await Promise.all(jobs)).every((r) => r.reports.length === 1)).toBe(true);
    const dir = await tempDir();
    const busy = await userConverter(dir, 'busy-loop', 'for (;;) {}');
    await writeFile(join(dir, 'x.txt'), 'anything');
    const running = p.convert({ path: join(dir, 'x.txt'), converterModule: busy });
    const waiting = [p.convert({ path: fixture(...WSTF) }), p.convert({ path: fixture(...WSTF) }), p.convert({ path: fixture(...WSTF) })];
    const outcomes = [running, ...waiting].map((job) => job.then(() => 'resolved', (e: unknown) => e));
    await p.close();
    for (const outcome of await Promise.all(outcomes)) expect(outcome).toMatchObject({ code: 'STATION_ERR_CONVERTER_POOL_CLOSED' });
    await expect(p.convert({ path: fixture(...WSTF) })).rejects.toMatchObject({ code: 'STATION_ERR_CONVERTER_POOL_CLOSED' });
  });
});
