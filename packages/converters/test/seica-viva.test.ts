import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert, ConversionError, convertStream, detect, openInput, type InputFile } from '@tswats/converters';
import { FIXTURES, FIXTURE_OPTIONS } from './helpers.js';

const DIR = join(FIXTURES, 'seica-viva');
const PANEL = join(DIR, 'panel-2up-handwritten.xml');
const TEST1 = join(DIR, '{20.12.002}Test1.xml');

type Attrs = Record<string, string>;
const attrs = (a: Attrs) => Object.entries(a).map(([k, v]) => `${k}="${v}"`).join(' ');
/** A TEST element: a passing 10 kOhm resistor unless overridden. */
const test = (over: Attrs = {}) =>
  `<TEST ${attrs({ F: 'RESISTOR', FT: 'RESISTOR', NM: 'R1', DN: 'RC0603', IN: '', MK: 'RESISTOR', TR: '0', MU: 'KOhm', ML: '9', MM: '10', MH: '11', MR: '10.02', MP: '0.20%', TT: '310.25', ...over })}/>`;
/** A BI board block of panel PNL-1 without a board barcode unless overridden. */
const board = (over: Attrs, tests: string) => `<BI ${attrs({ BCP: 'PNL-1', BC: '', ID: '0', SD: '03-11-2024 09:58:41', TT: '61', NT: '1', NF: '0', ...over })}>\n${tests}\n</BI>`;
const doc = (body: string, st = '<ST TN="SN 1" NM="PCBA100_B" LT=" " BC="PNL-1" OP="op" TS="Normal Test" SD="03-11-2024 09:58:40"/>') =>
  `<?xml version="1.0" encoding="Windows-1252"?>\n<R>\n<PrgC PN="Single Tip"/>\n${st}\n${body}\n<ET NF="0"/>\n</R>\n`;
type Step = { name: string; status: string; steps?: Step[]; numericMeas: Array<Record<string, unknown>> };
/** The top-level steps of a UUT report. */
const topSteps = (r: unknown) => (r as { root: Step }).root.steps!;
const run = (text: string, options = {}) => convert({ bytes: Buffer.from(text, 'latin1'), name: 'viva.xml' }, { ...FIXTURE_OPTIONS, format: 'seica-viva', ...options });
const failure = async (text: string, options = {}) => {
  const err = await run(text, options).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  return err as ConversionError;
};

describe('seica-viva: every board of a panel is its own report', () => {
  it('keeps all BI blocks, in file order (pyWATS keeps the first only)', async () => {
    const source = readFileSync(PANEL, 'latin1');
    const blocks = source.match(/<BI /g)!.length;
    const { reports, warnings } = await convert(PANEL, FIXTURE_OPTIONS);
    expect(blocks).toBe(2);
    expect(reports).toHaveLength(blocks);
    expect(reports.map((r) => [r.sn, r.result])).toEqual([['PNL-4711-0', 'P'], ['PNL-4711-1', 'F']]);
    // Serials made from the panel barcode and board index are announced.
    expect(warnings.filter((w) => /made from the panel barcode/.test(w.message)).map((w) => w.element)).toEqual(['BI[1]', 'BI[2]']);
  });

  it("uses a board's own barcode (BC) when it has one, and records the panel barcode", async () => {
    const { reports } = await run(doc([board({ BC: 'B-1', ID: '0' }, test()), board({ BC: 'B-2', ID: '1' }, test())].join('\n')));
    expect(reports.map((r) => r.sn)).toEqual(['B-1', 'B-2']);
    expect(reports[0]!.miscInfos).toContainEqual({ description: 'Panel barcode', text: 'PNL-1' });
  });

  it('a single board without BC takes the panel barcode as it is', async () => {
    const { reports } = await run(doc(board({}, test())));
    expect(reports.map((r) => r.sn)).toEqual(['PNL-1']);
  });

  it('reports arrive while the file is still being read (streamed)', async () => {
    const boards = Array.from({ length: 40 }, (_, i) => board({ BC: `B-${i}`, ID: String(i) }, Array.from({ length: 60 }, () => test()).join('\n')));
    const bytes = Buffer.from(doc(boards.join('\n')), 'latin1');
    const base = await openInput({ bytes, name: 'big.xml' });
    let chunksRead = 0;
    const file: InputFile = {
      ...base,
      stream: async function* () {
        for (let i = 0; i < bytes.length; i += 16 * 1024) {
          chunksRead++;
          yield bytes.subarray(i, i + 16 * 1024);
        }
      },
    };
    const totalChunks = Math.ceil(bytes.length / (16 * 1024));
    const readWhenFirst: number[] = [];
    let count = 0;
    for await (const report of convertStream(file, FIXTURE_OPTIONS)) {
      if (count++ === 0) readWhenFirst.push(chunksRead);
      expect(report.sn).toBe(`B-${count - 1}`);
    }
    expect(count).toBe(40);
    expect(readWhenFirst[0]).toBeLessThan(totalChunks / 2);
  });
});

describe('seica-viva: fields, options and time zones', () => {
  it('reads dd-MM-yyyy in the given time zone and writes the real offset', async () => {
    const oslo = await convert(TEST1, FIXTURE_OPTIONS);
    expect(oslo.reports[0]!.start).toBe('2022-08-24T13:13:34.000+02:00');
    const ny = await convert(TEST1, { ...FIXTURE_OPTIONS, timeZone: 'America/New_York' });
    expect(ny.reports[0]!.start).toBe('2022-08-24T13:13:34.000-04:00');
    // The panel fixture was tested on 3 November 2024: winter time in Oslo, and in New York too.
    const panel = await convert(PANEL, { ...FIXTURE_OPTIONS, timeZone: 'America/New_York' });
    expect(panel.reports[0]!.start).toBe('2024-11-03T09:58:41.000-05:00');
  });

  it('takes processCode, partNumber and partRevision from the options (the file has none)', async () => {
    const { reports, warnings } = await convert(PANEL, { ...FIXTURE_OPTIONS, processCode: 31, partNumber: 'PCBA-100', partRevision: 'B' });
    expect(reports[0]).toMatchObject({ processCode: 31, pn: 'PCBA-100', rev: 'B' });
    expect(reports[0]!.miscInfos).toContainEqual({ description: 'Program', text: 'PCBA100_B' });
    expect(warnings.some((w) => /program name/.test(w.message))).toBe(false);
    const defaults = await convert(PANEL, FIXTURE_OPTIONS);
    expect(defaults.reports[0]).toMatchObject({ processCode: 10, pn: 'PCBA100_B', rev: '1' });
  });

  it('decodes Windows-1252 text (operator Bjørn)', async () => {
    const { reports } = await convert(PANEL, FIXTURE_OPTIONS);
    expect((reports[0] as { uut?: { user?: string } }).uut?.user).toBe('Bjørn');
  });

  it('maps isolation tests to GE on ML and other tests to GELE', async () => {
    const { reports } = await convert(PANEL, FIXTURE_OPTIONS);
    const steps = topSteps(reports[0]).flatMap((s) => s.steps ?? []);
    const meas = (name: string) => steps.find((s) => s.name === name)!.numericMeas[0];
    expect(meas('R1')).toEqual({ status: 'P', value: 10.021, unit: 'KOhm', compOp: 'GELE', lowLimit: 9, highLimit: 11 });
    expect(meas('ISO CHN 12 - 55')).toEqual({ status: 'P', value: 1e11, unit: 'O', compOp: 'GE', lowLimit: 6 });
  });

  it('keeps the status from TR even where the limits disagree, and warns on unknown TR codes', async () => {
    const { reports, warnings } = await run(doc(board({}, [test({ NM: 'A', MR: '50' }), test({ NM: 'B', TR: '7' })].join('\n'))));
    const steps = topSteps(reports[0])[0]!.steps!;
    expect(steps.map((s) => s.status)).toEqual(['P', 'P']);
    expect(warnings.some((w) => /TR="7"/.test(w.message) && w.line === 7)).toBe(true);
  });

  it('writes a non-numeric measured value as NaN with a warning', async () => {
    const { reports, warnings } = await run(doc(board({}, test({ MR: 'OPEN', TR: '1' }))));
    const step = topSteps(reports[0])[0]!.steps![0]!;
    expect(step.numericMeas[0]).toMatchObject({ value: 'NaN', status: 'F' });
    expect(reports[0]!.result).toBe('F');
    expect(warnings.some((w) => /MR="OPEN"/.test(w.message))).toBe(true);
  });

  it('fails the board when NF counts failures the file does not list', async () => {
    const { reports, warnings } = await run(doc(board({ NF: '2', NT: '5' }, test())));
    expect(reports[0]!.result).toBe('F');
    expect(warnings.some((w) => /ran 5 tests \(BI@NT\) but the file lists 1/.test(w.message))).toBe(true);
    expect(warnings.some((w) => /counts 2 failed tests \(BI@NF\) but 0/.test(w.message))).toBe(true);
  });
});

describe('seica-viva: malformed input gives typed errors naming the place', () => {
  it('a root other than <R>', async () => {
    const err = await failure('<?xml version="1.0"?>\n<Report><BI/></Report>');
    expect(err).toMatchObject({ code: 'CONVERT_ERR_FORMAT', file: 'viva.xml', format: 'seica-viva', position: { line: 2 } });
  });

  it('a TEST outside any board block', async () => {
    const err = await failure(doc(test()));
    expect(err.code).toBe('CONVERT_ERR_FORMAT');
    expect(err.position?.line).toBe(5);
    expect(err.reason).toMatch(/outside a board block/);
  });

  it('a file cut off inside a board', async () => {
    const text = doc(board({}, [test(), test({ NM: 'R2' })].join('\n')));
    const err = await failure(text.slice(0, text.indexOf('NM="R2"')));
    expect(err.code).toBe('CONVERT_ERR_TRUNCATED');
    expect(err.position?.line).toBeGreaterThan(0);
  });

  it('not well-formed XML', async () => {
    const err = await failure(doc(board({}, '<TEST NM="x" MR="1" TR="0">')).replace('</BI>', '</B>'));
    expect(err.code).toBe('CONVERT_ERR_SYNTAX');
    expect(err.position?.line).toBe(7);
  });

  it('no board block at all', async () => {
    expect((await failure(doc(''))).code).toBe('CONVERT_ERR_EMPTY');
  });

  it('no serial number anywhere', async () => {
    const err = await failure(doc(board({ BCP: '' }, test()), '<ST NM="P" SD="03-11-2024 09:58:40"/>'));
    expect(err).toMatchObject({ code: 'CONVERT_ERR_MISSING_FIELD', position: { element: 'BI[1]' } });
  });

  it('no part number: no program name and no option', async () => {
    const err = await failure(doc(board({}, test()), '<ST BC="PNL-1" SD="03-11-2024 09:58:40"/>'));
    expect(err.code).toBe('CONVERT_ERR_MISSING_FIELD');
    expect(err.reason).toMatch(/partNumber/);
  });

  it('a start time that is not a date', async () => {
    const err = await failure(doc(board({ SD: 'yesterday' }, test())));
    expect(err).toMatchObject({ code: 'CONVERT_ERR_VALUE', position: { element: 'BI[1]' } });
    expect(err.reason).toMatch(/yesterday/);
  });

  it('a DOCTYPE with entities is refused before parsing', async () => {
    const err = await failure('<?xml version="1.0"?><!DOCTYPE R [<!ENTITY a "b">]><R>&a;</R>');
    expect(err.code).toBe('CONVERT_ERR_UNSAFE_XML');
  });
});

describe('seica-viva: detection', () => {
  it('claims VIVA reports and nothing with a bare <R> root', async () => {
    expect((await detect(TEST1)).candidates).toEqual([{ format: 'seica-viva', confidence: 0.95 }]);
    const bare = await detect({ bytes: Buffer.from('<?xml version="1.0"?><R><x/></R>'), name: 'r.xml' });
    expect(bare.candidates.find((c) => c.format === 'seica-viva')).toBeUndefined();
    const preview = (await detect(TEST1)).preview;
    expect(preview).toEqual({ serialNumber: '13', partNumber: 'LNVK_468119_002(BolshakovS)_V2' });
  });
});
