/**
 * Converters: MB/s per format on the real fixture files, against a baseline that only
 * tokenizes the same bytes (saxes for XML formats, JSON.parse for JSON, a line split for
 * text formats), measured in the same run. Target (issue 4): ratio >= 0.5 for XML formats.
 * Each format is measured in a child process of its own (converters-child.ts), so formats cannot
 * change each other's figures.
 * Then a ~200 MB ATML batch (generated from the real batch sample) converted as a stream:
 * wall time and peak RSS, against a streaming tokenize of the same file. Target: peak < 300 MB.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listFixtures } from '../../packages/converters/test/helpers.js';
import type { FormatResult } from './converters-child.js';
import type { BenchSection } from './run.js';
import { fmt, mbPerSecond } from './measure.js';

/**
 * Formats whose fixtures are written by hand because no real, licensed sample exists (see each
 * fixture folder's NOTICE.md). The issue's throughput target is stated "on the real samples", so
 * these are measured and shown but not judged.
 */
const NO_REAL_SAMPLE = new Set(['keysight-testexec-sl', 'keysight-i3070']);

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/**
 * Each format is measured in a child process of its own (`converters-child.ts`), one after the
 * other: what one format's conversion leaves behind (V8's compiled code and type feedback for
 * saxes and the shared readers, heap state) cannot change another format's conversion or
 * baseline figures, so the figures do not depend on the order formats run in.
 */
function measureFormat(format: string, quick: boolean): FormatResult {
  const child = fileURLToPath(new URL('./converters-child.ts', import.meta.url));
  const out = execFileSync(TSX, ['--conditions=@tswats/source', child, format, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out) as FormatResult;
}

export async function benchConverters({ quick }: { quick: boolean }): Promise<BenchSection> {
  const formats = [...new Set(listFixtures().map((f) => f.format))].sort();
  const rows: string[] = [
    '| format | fixtures | bytes | convert MB/s | baseline | baseline MB/s | ratio |',
    '|---|---:|---:|---:|---|---:|---:|',
  ];
  let met = true;
  for (const format of formats) {
    process.stderr.write(`  ${format}\n`);
    const r = measureFormat(format, quick);
    const conv = mbPerSecond(r.bytes, r.convMs);
    const base = r.baseMs === null ? Number.NaN : mbPerSecond(r.bytes, r.baseMs);
    const ratio = conv / base;
    const judged = r.kind === 'xml' && !Number.isNaN(ratio) && !NO_REAL_SAMPLE.has(format);
    const target = judged ? ratio >= 0.5 : true;
    if (!target) met = false;
    const baseline = { xml: 'saxes tokenize', json: 'JSON.parse', text: 'line split', zip: '–' }[r.kind];
    rows.push(`| ${format} | ${r.files} | ${r.bytes.toLocaleString('en')} | ${fmt(conv)} | ${baseline} | ${Number.isNaN(base) ? '–' : fmt(base)} | ${Number.isNaN(ratio) ? '– (zip: no tokenizer baseline)' : fmt(ratio, 2)}${judged ? (target ? ' ✓' : ' ✗ (< 0.5)') : NO_REAL_SAMPLE.has(format) ? ' (hand-written fixtures: not judged)' : ''} |`);
  }
  const large = await largeAtml(quick);
  if (large.met === false) met = false;
  const body = [
    'Per format, on the real fixture files (`packages/converters/test/fixtures`); each conversion includes',
    'detection-free parsing, report building and the SDK\'s strict validation of every report. The baseline',
    'tokenizes the same bytes and builds nothing (saxes for XML, `JSON.parse` for JSON, a line split for text).',
    'Each format runs in a fresh child process of its own, so no format\'s figures depend on what ran before it',
    '(earlier, all formats shared one process and ATML, running first, left saxes several times slower for every',
    'later format, which flattered their ratios). In that process, per fixture file, conversion and baseline are',
    'warmed up alike (alternately, 0.2 s), then timed alternately for at least 0.6 s; MB/s is the format\'s bytes',
    'over the sum of its files\' median times. Target: ratio ≥ 0.5 against the raw tokenizer for XML formats, on the',
    'real samples (formats with hand-written fixtures only are shown, not judged). This 2-core machine is shared and',
    'noisy: ratios of the same code vary by about ±0.05 between quiet runs, and drop further while other work loads it',
    '(conversion allocates more than tokenizing, so it loses more to a busy machine).',
    '',
    ...rows,
    '',
    large.text,
  ].join('\n');
  return { title: 'Converters', body, targetsMet: met };
}

/** The 200 MB streaming run happens in child processes, so peak RSS is the conversion's own. */
async function largeAtml(quick: boolean): Promise<{ text: string; met: boolean | undefined }> {
  const generator = fileURLToPath(new URL('../../packages/converters/test/atml-generate.ts', import.meta.url));
  const sample = fileURLToPath(new URL('../../packages/converters/test/fixtures/atml/Parallel Testing Strategies_BatchReport.6 45 31 AM..9 13 2022.xml', import.meta.url));
  if (!existsSync(generator) || !existsSync(sample)) {
    return { text: '_Large ATML batch: not measured (the ATML converter or its generator is not in this build)._', met: undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tswats-bench-'));
  try {
    const file = join(dir, 'large-batch.xml');
    const target = quick ? 20 * 2 ** 20 : 200 * 2 ** 20;
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const child = fileURLToPath(new URL('./atml-large-child.ts', import.meta.url));
    execFileSync(tsx, [child, 'generate', generator, sample, file, String(target)], { stdio: 'inherit' });
    const size = statSync(file).size;
    const run = (mode: string) => JSON.parse(execFileSync(tsx, [child, mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 })) as { ms: number; peakRssMb: number; reports?: number };
    const conv = run('convert');
    const base = run('tokenize');
    const limit = 300;
    const met = conv.peakRssMb < limit;
    const text = [
      `Large ATML batch: ${fmt(size / 2 ** 20, 0)} MB generated from the real batch sample, converted with \`convertStream\``,
      `(each report consumed as it arrives), in a child process sampling RSS every 20 ms.`,
      '',
      '| run | reports | seconds | MB/s | peak RSS MB |',
      '|---|---:|---:|---:|---:|',
      `| convert (atml) | ${conv.reports} | ${fmt(conv.ms / 1000)} | ${fmt(mbPerSecond(size, conv.ms))} | ${fmt(conv.peakRssMb, 0)} ${met ? `✓ (< ${limit})` : `✗ (target < ${limit})`} |`,
      `| baseline: saxes streaming tokenize | – | ${fmt(base.ms / 1000)} | ${fmt(mbPerSecond(size, base.ms))} | ${fmt(base.peakRssMb, 0)} |`,
      '',
      `Ratio convert/tokenize throughput: ${fmt(base.ms / conv.ms, 2)}.`,
    ].join('\n');
    return { text, met };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
