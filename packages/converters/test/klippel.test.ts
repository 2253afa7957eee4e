import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convert, ConversionError, detect } from '@tswats/converters';
import { FIXTURES, FIXTURE_OPTIONS, rng } from './helpers.js';

const NAME = 'DUT xyz115 2020-05-14 10-01-37-5 UTC+0200';
const SAMPLE = join(FIXTURES, 'klippel', `${NAME}.txt`);
const work = mkdtempSync(join(tmpdir(), 'tswats-klippel-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
/** Writes a summary file and its data folder; returns the summary's path. */
function dut(header: string, files: Record<string, string> | undefined, name = NAME): string {
  const dir = join(work, String(n++));
  mkdirSync(dir);
  writeFileSync(join(dir, `${name}.txt`), header);
  if (files) {
    mkdirSync(join(dir, name));
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, name, f), text);
  }
  return join(dir, `${name}.txt`);
}
const HEADER = [
  'Cfg_DatabasePath=D:\\db\\speaker-A.kdbx',
  'Cfg_DutStartTime=2020-5-20-135-5-14-10-1-37-563-120-1.589E+09',
  'Cfg_SerialNumber=SN-1',
  'Cfg_UserName=op',
  'Ctrl_OverallVerdict=1',
  'Results_Pass=imp\tre',
  'Results_Fail=',
].join('\r\n');
const CURVE = 'frq\timp\tmax\tmin\n20\t3.1\t4\t2\n40\t3.3\t4\t2\n';
const VALUES = 'name\tvalue\tmax\tmin\nre\t3.2\t3.5\t2.9\n';
const failure = async (path: string, options = {}) => {
  const err = await convert(path, { ...FIXTURE_OPTIONS, ...options }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  return err as ConversionError;
};
type Step = { name: string; stepType: string; status: string; steps?: Step[]; chart?: Record<string, unknown>; numericMeas?: Array<Record<string, unknown>> };
const allSteps = (root: Step): Step[] => (root.steps ?? []).flatMap((s) => [s, ...allSteps(s)]);

describe('klippel: the summary file and its data folder make one report', () => {
  it('needs its folder: without one the error names the file', async () => {
    const alone = dut(HEADER, undefined);
    const err = await failure(alone);
    expect(err).toMatchObject({ code: 'CONVERT_ERR_MISSING_FIELD', file: `${NAME}.txt`, format: 'klippel' });
    expect(err.reason).toMatch(/folder/);
    const bytes = await convert({ bytes: readFileSync(SAMPLE), name: `${NAME}.txt` }, FIXTURE_OPTIONS).catch((e: unknown) => e);
    expect((bytes as ConversionError).code).toBe('CONVERT_ERR_MISSING_FIELD');
  });

  it('curves are XY charts with their real units: Hz against Ohm, dB SPL, dB', async () => {
    const { reports } = await convert(SAMPLE, FIXTURE_OPTIONS);
    const charts = Object.fromEntries(allSteps(reports[0]!.root as Step).filter((s) => s.chart).map((s) => [s.name, s.chart!]));
    expect(Object.keys(charts)).toEqual(['imp', 'rbz', 'resp', 'thd']);
    expect(charts.imp).toMatchObject({ chartType: 'LineLogX', xLabel: 'frq', xUnit: 'Hz', yLabel: 'imp', yUnit: 'Ohm' });
    expect(charts.resp).toMatchObject({ xUnit: 'Hz', yUnit: 'dB SPL' });
    expect(charts.thd).toMatchObject({ xUnit: 'Hz', yUnit: 'dB' });
    expect((charts.imp!.series as Array<{ name: string }>).map((s) => s.name)).toEqual(['imp', 'max', 'min']);
  });

  it('a unit written in the header wins over the table, and formats.klippel.units over both', async () => {
    const path = dut(HEADER, { 'Electrical-imp.txt': 'frq [kHz]\timp [mOhm]\tmax\tmin\n1\t3100\t4000\t2000\n', 'Electrical-values.txt': VALUES });
    const own = await convert(path, FIXTURE_OPTIONS);
    const chart = allSteps(own.reports[0]!.root as Step).find((s) => s.name === 'imp')!.chart!;
    expect(chart).toMatchObject({ xUnit: 'kHz', yUnit: 'mOhm' });
    const custom = await convert(path, { ...FIXTURE_OPTIONS, formats: { klippel: { imp: 'x', units: { imp: 'Ω', re: 'Ω' } } } });
    const steps = allSteps(custom.reports[0]!.root as Step);
    expect(steps.find((s) => s.name === 'imp')!.chart).toMatchObject({ yUnit: 'Ω' });
    expect(steps.find((s) => s.name === 're')!.numericMeas![0]).toMatchObject({ unit: 'Ω', compOp: 'GELE', lowLimit: 2.9, highLimit: 3.5 });
  });

  it('reads the limit columns by their header names (max before min, as Klippel writes them)', async () => {
    const path = dut(HEADER, { 'A-values.txt': 'name\tmin\tvalue\tmax\nre\t2.9\t3.2\t3.5\nlevel\t\t95\t\n' });
    const steps = allSteps((await convert(path, FIXTURE_OPTIONS)).reports[0]!.root as Step);
    expect(steps.find((s) => s.name === 're')!.numericMeas![0]).toMatchObject({ value: 3.2, compOp: 'GELE', lowLimit: 2.9, highLimit: 3.5 });
    expect(steps.find((s) => s.name === 'level')!.numericMeas![0]).toMatchObject({ value: 95, compOp: 'LOG' });
  });

  it('verdicts without data become pass/fail steps (nothing listed is dropped)', async () => {
    const { reports } = await convert(SAMPLE, FIXTURE_OPTIONS);
    const orphans = (reports[0]!.root as Step).steps!.find((s) => s.name === 'Verdicts without data')!;
    expect(orphans.steps!.map((s) => [s.name, s.status])).toEqual([['pol', 'P'], ['fs', 'F']]);
  });
});

describe('klippel: timestamps and verdicts', () => {
  it('uses Cfg_DutStartTime with its own UTC offset, whatever the time zone option', async () => {
    const { reports } = await convert(SAMPLE, { ...FIXTURE_OPTIONS, timeZone: 'America/New_York' });
    expect(reports[0]!.start).toBe('2020-05-14T10:01:37.563+02:00');
  });

  it('reads a negative offset, and falls back to the time in the file name', async () => {
    const west = dut(HEADER.replace('563-120-', '250--300-'), { 'A-imp.txt': CURVE }, 'DUT w 2020-05-14 10-01-37-2 UTC-0500');
    expect((await convert(west, FIXTURE_OPTIONS)).reports[0]!.start).toBe('2020-05-14T10:01:37.250-05:00');
    const noField = dut(HEADER.replace(/Cfg_DutStartTime=.*\r\n/, ''), { 'A-imp.txt': CURVE }, 'DUT x 2021-12-01 08-30-05-7 UTC+0100');
    expect((await convert(noField, FIXTURE_OPTIONS)).reports[0]!.start).toBe('2021-12-01T08:30:05.700+01:00');
  });

  it('warns when the start field and the file name disagree', async () => {
    const path = dut(HEADER, { 'A-imp.txt': CURVE }, 'DUT y 2020-05-14 11-01-37-5 UTC+0200');
    const { warnings } = await convert(path, FIXTURE_OPTIONS);
    expect(warnings.some((w) => /differ/.test(w.message) && w.line === 2)).toBe(true);
  });

  it.each([
    ['1', 'P'], ['0', 'F'], ['2', 'P'], ['3', 'E'], ['4', 'E'], ['-1', 'E'],
  ])('overall verdict %s is result %s', async (verdict, result) => {
    const path = dut(HEADER.replace('Ctrl_OverallVerdict=1', `Ctrl_OverallVerdict=${verdict}`), { 'A-imp.txt': CURVE });
    expect((await convert(path, FIXTURE_OPTIONS)).reports[0]!.result).toBe(result);
  });

  it('takes the part number and process code from the options, else the database name with a warning', async () => {
    const path = dut(HEADER, { 'A-imp.txt': CURVE });
    const given = await convert(path, { ...FIXTURE_OPTIONS, partNumber: 'SPK-8', processCode: 700 });
    expect(given.reports[0]).toMatchObject({ pn: 'SPK-8', processCode: 700 });
    expect(given.reports[0]!.miscInfos).toContainEqual({ description: 'Test database', text: 'speaker-A' });
    const fallback = await convert(path, FIXTURE_OPTIONS);
    expect(fallback.reports[0]).toMatchObject({ pn: 'speaker-A', processCode: 10 });
    expect(fallback.warnings.some((w) => /database name/.test(w.message) && w.line === 1)).toBe(true);
  });
});

describe('klippel: malformed input gives typed errors naming the place', () => {
  it('a curve value that is not a number names the data file and line', async () => {
    const err = await failure(dut(HEADER, { 'A-imp.txt': 'frq\timp\tmax\n20\t3.1\t4\n40\tthree\t4\n' }));
    expect(err).toMatchObject({ code: 'CONVERT_ERR_VALUE', file: `${NAME}.txt`, position: { element: 'A-imp.txt', line: 3 } });
  });

  it('a data file whose header has one column', async () => {
    const err = await failure(dut(HEADER, { 'A-imp.txt': 'frq\n20\n' }));
    expect(err).toMatchObject({ code: 'CONVERT_ERR_FORMAT', position: { element: 'A-imp.txt', line: 1 } });
  });

  it('no serial number', async () => {
    const err = await failure(dut(HEADER.replace('Cfg_SerialNumber=SN-1', 'Cfg_SerialNumber='), { 'A-imp.txt': CURVE }));
    expect(err).toMatchObject({ code: 'CONVERT_ERR_MISSING_FIELD', position: { line: 3 } });
  });

  it('an unknown verdict code', async () => {
    const err = await failure(dut(HEADER.replace('Ctrl_OverallVerdict=1', 'Ctrl_OverallVerdict=9'), { 'A-imp.txt': CURVE }));
    expect(err).toMatchObject({ code: 'CONVERT_ERR_VALUE', position: { line: 5 } });
  });

  it('an unreadable start time and none in the file name', async () => {
    const err = await failure(dut(HEADER.replace(/Cfg_DutStartTime=.*\r\n/, 'Cfg_DutStartTime=soon\r\n'), { 'A-imp.txt': CURVE }, 'DUT z'));
    expect(err).toMatchObject({ code: 'CONVERT_ERR_VALUE', position: { line: 2 } });
  });

  it('a file without Key=Value lines, when the format is forced', async () => {
    const err = await failure(dut('just some text\n', { 'A-imp.txt': CURVE }), { format: 'klippel' });
    expect(err.code).toBe('CONVERT_ERR_FORMAT');
  });

  it('skips other files in the folder with a warning', async () => {
    const path = dut(HEADER, { 'A-imp.txt': CURVE, 'photo.png': 'x', 'B-odd.txt': 'col1\tcol2\n1\t2\n' });
    const { warnings } = await convert(path, FIXTURE_OPTIONS);
    expect(warnings.map((w) => w.element)).toEqual(expect.arrayContaining(['photo.png', 'B-odd.txt']));
  });
});

describe('klippel: mutated files give typed errors or valid reports, never a crash', () => {
  // The shared fuzz test converts bytes without the data folder, which stops at the folder check;
  // this one mutates the summary and the data files in a real folder.
  it('survives truncation and byte flips of the summary and every data file', async () => {
    const random = rng(0x4b1);
    const folder = join(FIXTURES, 'klippel', NAME);
    const files = ['', 'Impedance-imp.txt', 'Impedance-values.txt', 'Sound Pressure-resp.txt', 'Sound Pressure-thd.txt'];
    for (const [i, target] of files.entries()) {
      for (let k = 0; k < 4; k++) {
        const dir = join(work, `fuzz-${i}-${k}`);
        cpSync(join(FIXTURES, 'klippel'), dir, { recursive: true });
        const path = target ? join(dir, NAME, target) : join(dir, `${NAME}.txt`);
        const original = readFileSync(target ? join(folder, target) : SAMPLE);
        let bytes = Uint8Array.from(original);
        if (k % 2 === 0) bytes = bytes.subarray(0, Math.floor(random() * bytes.length));
        else for (let j = 0; j < 6; j++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        writeFileSync(path, bytes);
        try {
          const { reports } = await convert(join(dir, `${NAME}.txt`), FIXTURE_OPTIONS);
          expect(reports).toHaveLength(1);
        } catch (err) {
          expect(err, `${target || 'summary'} mutation ${k}`).toBeInstanceOf(ConversionError);
          expect((err as ConversionError).code).not.toBe('CONVERT_ERR_INTERNAL');
        }
      }
    }
  });
});

describe('klippel: detection', () => {
  it('needs the Klippel keys; a copy of the sample elsewhere is still recognised', async () => {
    const copy = join(work, 'copy');
    cpSync(join(FIXTURES, 'klippel'), copy, { recursive: true });
    expect((await detect(join(copy, `${NAME}.txt`))).candidates).toEqual([{ format: 'klippel', confidence: 0.95 }]);
    expect((await detect({ bytes: Buffer.from('Name=Value\nOther=1\n'), name: 'x.txt' })).candidates).toEqual([]);
  });
});
