/**
 * Child process of the converters benchmark: measures ONE format, so that nothing another
 * format ran (JIT state of saxes or of shared code, garbage left behind) can change its figures.
 *   converters-child.ts <format> [--quick]   → JSON {format, kind, files, bytes, convMs, baseMs}
 * Every fixture of the format is converted and tokenized alternately (timePair); the medians of
 * its files are summed.
 */
import { readFileSync } from 'node:fs';
import { SaxesParser } from 'saxes';
import { BUILT_IN_CONVERTERS, convert } from '@tswats/converters';
import { listFixtures, FIXTURE_OPTIONS } from '../../packages/converters/test/helpers.js';
import { timeIt, timePair } from './measure.js';

export type Kind = 'xml' | 'json' | 'text' | 'zip';

export interface FormatResult {
  format: string;
  kind: Kind;
  files: number;
  bytes: number;
  convMs: number;
  /** NaN (written as null) when there is no tokenizer baseline (zip). */
  baseMs: number | null;
}

function kindOf(bytes: Uint8Array): Kind {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'zip';
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (head.startsWith('<')) return 'xml';
  if (head.startsWith('{') || head.startsWith('[')) {
    try {
      JSON.parse(Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, ''));
      return 'json';
    } catch {
      return 'text'; // e.g. i3070 logs start with '{@BATCH'
    }
  }
  return 'text';
}

/** The baseline: a bare tokenize of the same bytes (saxes without a tree, JSON.parse, a line split). */
function tokenize(kind: Kind, bytes: Uint8Array): void {
  const text = Buffer.from(bytes).toString('utf8');
  if (kind === 'xml') {
    const p = new SaxesParser();
    let n = 0;
    p.on('opentag', () => n++);
    p.write(text.replace(/^\uFEFF/, '')).close();
  } else if (kind === 'json') JSON.parse(text.replace(/^\uFEFF/, ''));
  else text.split(/\r?\n/).length;
}

async function measureFormat(format: string, quick: boolean): Promise<FormatResult> {
  const minMs = quick ? 100 : 600;
  const needsFolder = BUILT_IN_CONVERTERS.find((c) => c.name === format)?.needsFolder === true;
  const r: FormatResult = { format, kind: 'zip', files: 0, bytes: 0, convMs: 0, baseMs: 0 };
  let kindSet = false;
  for (const f of listFixtures().filter((x) => x.format === format)) {
    const bytes = new Uint8Array(readFileSync(f.path));
    const kind = kindOf(bytes);
    let convMs: number;
    let baseMs: number;
    if (needsFolder) {
      // Converted from its path (needs the companion folder); the baseline reads the same file.
      [convMs, baseMs] = await timePair(() => convert(f.path, f.options), () => tokenize(kind, new Uint8Array(readFileSync(f.path))), minMs);
    } else {
      const run = () => convert({ bytes, name: f.name }, { ...FIXTURE_OPTIONS, ...f.options, format: f.format });
      // A zip (XJTAG .xjlog) has no tokenizer baseline: it is reported without a ratio.
      [convMs, baseMs] = kind === 'zip' ? [await timeIt(run, minMs), Number.NaN] : await timePair(run, () => tokenize(kind, bytes), minMs);
    }
    if (kind !== 'zip' && !kindSet) {
      r.kind = kind;
      kindSet = true;
    }
    r.files++;
    r.bytes += bytes.length;
    r.convMs += convMs;
    r.baseMs = (r.baseMs ?? 0) + baseMs;
  }
  if (r.baseMs !== null && Number.isNaN(r.baseMs)) r.baseMs = null;
  return r;
}

const [format, ...flags] = process.argv.slice(2);
if (!format) throw new Error('usage: converters-child.ts <format> [--quick]');
process.stdout.write(JSON.stringify(await measureFormat(format, flags.includes('--quick'))));
