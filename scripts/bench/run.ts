/**
 * `npm run bench`: runs every benchmark part and writes BENCHMARKS.md.
 * Each figure is reported with a baseline measured in the same run on the same machine
 * (ratios, not absolute targets, are what we compare across machines).
 *   npm run bench                      all parts
 *   npm run bench -- --only converters one part
 *   npm run bench -- --quick           smaller inputs (a smoke run; not for BENCHMARKS.md)
 */
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchConverters } from './converters.js';
import { benchStation } from './station.js';
import { benchVte } from './vte.js';
import { benchCfx } from './cfx.js';

export interface BenchSection {
  title: string;
  /** Markdown body: tables and notes. */
  body: string;
  /** Targets met? (a failed target is reported, not hidden). */
  targetsMet: boolean;
}

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const quick = args.includes('--quick');

const parts: Record<string, (o: { quick: boolean }) => Promise<BenchSection>> = {
  converters: benchConverters,
  station: benchStation,
  vte: benchVte,
  cfx: benchCfx,
};

const sections: BenchSection[] = [];
for (const [name, run] of Object.entries(parts)) {
  if (only && only !== name) continue;
  process.stderr.write(`bench: ${name}...\n`);
  sections.push(await run({ quick }));
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const header = [
  '# Benchmarks',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench\`${quick ? ' --quick' : ''} on ${cpus().length} × ${cpu}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Every figure has a baseline measured in the same run; ` +
    'compare ratios across machines, not absolute numbers.',
  '',
].join('\n');
// With --only, the other parts' sections already in BENCHMARKS.md are kept (each section says
// what it measured; the header gives the date of the latest run).
const file = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
const kept = new Map<string, string>();
if (only && existsSync(file)) {
  for (const chunk of readFileSync(file, 'utf8').split(/\n(?=## )/).slice(1)) {
    const title = /^## (.+)/.exec(chunk)?.[1];
    if (title) kept.set(title.trim(), chunk.replace(/^## .+\n/, '').trim());
  }
}
for (const s of sections) kept.set(s.title, s.body.trim());
const order = Object.keys(parts).map((k) => k.toLowerCase());
const titles = [...kept.keys()].sort((a, b) => order.indexOf(a.toLowerCase()) - order.indexOf(b.toLowerCase()));
const out = header + titles.map((t) => `\n## ${t}\n\n${kept.get(t)}\n`).join('');
if (!quick) writeFileSync(file, out);
process.stdout.write(sections.map((s) => `\n## ${s.title}\n\n${s.body.trim()}\n`).join(''));
if (sections.some((s) => !s.targetsMet)) process.exitCode = 1;
