/**
 * Child process of the large-ATML benchmark, so that peak RSS measures one job alone.
 *   generate <generator.ts> <sample> <out> <bytes>
 *   convert <file>    → JSON {ms, peakRssMb, reports}
 *   tokenize <file>   → JSON {ms, peakRssMb}
 */
import { createReadStream } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SaxesParser } from 'saxes';

const [mode, ...rest] = process.argv.slice(2);
let peak = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 20);

if (mode === 'generate') {
  const [generator, sample, out, bytes] = rest as [string, string, string, string];
  const mod = (await import(pathToFileURL(generator).href)) as {
    generateLargeAtmlBatch: (samplePath: string, targetBytes: number, outPath: string) => Promise<unknown> | unknown;
  };
  await mod.generateLargeAtmlBatch(sample, Number(bytes), out);
  clearInterval(sampler);
} else if (mode === 'convert') {
  const { convertStream } = await import('@tswats/converters');
  const t0 = performance.now();
  let reports = 0;
  for await (const r of convertStream(rest[0]!, { timeZone: 'Europe/Oslo', format: 'atml', partNumber: 'PTS-DEMO' })) {
    if (r.sn) reports++;
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  process.stdout.write(JSON.stringify({ ms, peakRssMb: peak / 2 ** 20, reports }));
} else if (mode === 'tokenize') {
  const t0 = performance.now();
  const p = new SaxesParser();
  let n = 0;
  p.on('opentag', () => n++);
  for await (const chunk of createReadStream(rest[0]!, { encoding: 'utf8' })) p.write((chunk as string).replace(/^\uFEFF/, ''));
  p.close();
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  process.stdout.write(JSON.stringify({ ms, peakRssMb: peak / 2 ** 20, elements: n }));
} else {
  clearInterval(sampler);
  throw new Error(`unknown mode ${mode}`);
}
