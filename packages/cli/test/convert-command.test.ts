import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tswats } from './helpers.js';

const EXAMPLES = fileURLToPath(new URL('../../converters/examples/', import.meta.url));
const WSJF = fileURLToPath(new URL('../../converters/test/fixtures/wsjf/', import.meta.url));
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function temp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tswats-convert-'));
  dirs.push(d);
  return d;
}

describe('tswats convert', () => {
  it('converts, writes one <name>.<n>.wsjf.json per report with --out, and exits 0', async () => {
    const out = await temp();
    const p = tswats(['convert', join(WSJF, 'example_report_from_server.json'), '--out', out]);
    expect(await p.exited).toBe(0);
    expect(await readdir(out)).toEqual(['example_report_from_server.json.1.wsjf.json']);
    const report = JSON.parse(await readFile(join(out, 'example_report_from_server.json.1.wsjf.json'), 'utf8'));
    expect(report.sn).toBe('FATTest-883');
    expect(p.stderr()).toMatch(/wsjf, 1 report/);
  });

  it('--json prints {file, format, reports, warnings, error} per input and still converts after a failure', async () => {
    const d = await temp();
    const bad = join(d, 'broken.json');
    await writeFile(bad, '{"type":"T","pn":"x", oops');
    const p = tswats(['convert', bad, join(WSJF, 'WATS - WSJF UUR Example file.json'), '--format', 'wsjf', '--json']);
    expect(await p.exited).toBe(1);
    const lines = p.stdout().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ file: bad, format: 'wsjf', reports: [], error: { code: 'CONVERT_ERR_SYNTAX', file: 'broken.json' } });
    expect(lines[0].error.position.line).toBe(1);
    expect(lines[1]).toMatchObject({ format: 'wsjf', error: null });
    expect(lines[1].reports).toHaveLength(1);
    expect(Object.keys(lines[1]).sort()).toEqual(['error', 'file', 'format', 'reports', 'warnings']);
  });

  it('loads a user converter module with --converter (the documented worked example)', async () => {
    const p = tswats([
      'convert', '--converter', join(EXAMPLES, 'line-tester-csv.mjs'), '--tz', 'Europe/Oslo', '--station', 'EOL-1',
      '--process-code', '20', join(EXAMPLES, 'line-tester-sample.csv'), '--json',
    ]);
    expect(await p.exited).toBe(0);
    const [line] = p.stdout().trim().split('\n').map((l) => JSON.parse(l));
    expect(line.format).toBe('line-tester-csv');
    expect(line.reports.map((r: { sn: string; result: string; processCode: number; machineName: string; start: string }) => [r.sn, r.result, r.processCode, r.machineName, r.start])).toEqual([
      ['SN-1001', 'P', 20, 'EOL-1', '2026-03-01T08:15:02.000+01:00'],
      ['SN-1002', 'F', 20, 'EOL-1', '2026-03-01T08:17:40.000+01:00'],
    ]);
  });

  it('refuses an unknown time zone with a clear message', async () => {
    const p = tswats(['convert', join(WSJF, 'example_report_from_server.json'), '--tz', 'Mars/Base']);
    expect(await p.exited).not.toBe(0);
    expect(p.stderr()).toMatch(/Mars\/Base/);
  });
});

describe('tswats detect', () => {
  it('prints the format and confidence per file, and unknown for files nothing claims', async () => {
    const d = await temp();
    await writeFile(join(d, 'notes.txt'), 'just some notes\n');
    const p = tswats(['detect', join(WSJF, 'example_report_from_server.json'), join(d, 'notes.txt')]);
    expect(await p.exited).toBe(0);
    const rows = p.stdout().trim().split('\n').map((l) => l.split('\t'));
    expect(rows[0]!.slice(1)).toEqual(['wsjf', '0.98']);
    expect(rows[1]!.slice(1)).toEqual(['unknown', '0.00']);
  });
});
