import type { WsjfReport } from '@tswats/sdk';
import { ConversionError } from '../errors.js';
import type { InputFile } from '../input.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import { buildUut } from './build.js';
import { readUuts } from './parse.js';

/** How many head lines detection looks at for the first marker. */
const DETECT_LINES = 50;

/**
 * WSTF, the WATS Standard Text Format: tab-separated `--Header-Start--` / `--Step-Data-Start--`
 * / `--Step-Data-End--` / `--UUT-End--` sections. Every UUT in the file becomes its own
 * report, in file order; continuation rows become the measurements of multi steps.
 */
export const wstfConverter: Converter = {
  name: 'wstf',
  description: 'WATS Standard Text Format (WSTF, tab-separated): every UUT in the file',
  extensions: ['.txt'],
  detect(file: InputFile): Detection {
    const head = file.headText().replace(/^\uFEFF/, '');
    const lines = head.split(/\r\n|\n|\r/, DETECT_LINES);
    const first = lines.find((l) => l.trim() !== '');
    if (!first || !/^--Header-Start--\s*$/i.test(first.trim())) return { confidence: 0 };
    const field = (key: string) => new RegExp(`^${key}\\t([^\\t\\r\\n]*)`, 'm').exec(head)?.[1]?.trim() || undefined;
    const hasSteps = /^--Step-Data-Start--/m.test(head);
    const whole = file.size <= file.head.length;
    return {
      confidence: hasSteps ? 0.98 : 0.85,
      preview: {
        serialNumber: field('SerialNumber'),
        partNumber: field('PartNumber'),
        result: field('UUTStatus'),
        start: field('StartDateTime') ?? field('UTCStartDateTime'),
        units: whole ? (head.match(/^--Header-Start--/gm) ?? []).length : undefined,
      },
    };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<WsjfReport> {
    const text = await file.text();
    let count = 0;
    for (const uut of readUuts(text, ctx, file.name)) {
      const report = buildUut(uut, ctx, file.name);
      count++;
      yield report; // the registry validates it (and shortens over-long strings with a warning)
    }
    if (count === 0) throw new ConversionError({ code: 'CONVERT_ERR_EMPTY', file: file.name, format: 'wstf', reason: 'the file holds no UUT (no --Header-Start--)' });
  },
};
