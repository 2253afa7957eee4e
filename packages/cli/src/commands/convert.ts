import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import {
  BUILT_IN_CONVERTERS,
  convert,
  ConversionError,
  detect,
  loadConverter,
  type ConvertOptions,
  type Converter,
} from '@tswats/converters';
import { ExitError, UsageError } from '../errors.js';

/** Options of `tswats convert`, as commander parses them. */
export interface ConvertCommandOptions {
  format?: string;
  tz?: string;
  processCode?: number;
  partNumber?: string;
  partRevision?: string;
  station?: string;
  location?: string;
  purpose?: string;
  operator?: string;
  out?: string;
  json?: boolean;
  converter?: string[];
}

/** Expands folders to the files in them (recursively); a folder next to a same-named file is that file's companion, not input. */
export async function expandInputs(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      throw new UsageError(`${p}: no such file or folder`);
    }
    if (!st.isDirectory()) {
      out.push(p);
      continue;
    }
    const names = (await readdir(p)).sort();
    const files = new Set<string>();
    for (const n of names) if ((await stat(join(p, n))).isFile()) files.add(n);
    const stems = new Set([...files].map((n) => basename(n, extname(n))));
    for (const n of names) {
      const full = join(p, n);
      if (files.has(n)) out.push(full);
      else if (!stems.has(n)) out.push(...(await expandInputs([full])));
    }
  }
  return out;
}

async function converters(modules: string[] | undefined): Promise<readonly Converter[]> {
  if (!modules?.length) return BUILT_IN_CONVERTERS;
  const extra = await Promise.all(modules.map((m) => loadConverter(m)));
  return [...BUILT_IN_CONVERTERS, ...extra];
}

/** `tswats convert`: converts every input; failures are reported and the rest still converted. */
export async function runConvert(paths: string[], opts: ConvertCommandOptions): Promise<void> {
  const files = await expandInputs(paths);
  if (files.length === 0) throw new UsageError('no input files');
  const list = await converters(opts.converter);
  const options: ConvertOptions = {
    processCode: opts.processCode,
    timeZone: opts.tz,
    partNumber: opts.partNumber,
    partRevision: opts.partRevision,
    stationName: opts.station,
    location: opts.location,
    purpose: opts.purpose,
    operator: opts.operator,
  };
  if (opts.out) await mkdir(opts.out, { recursive: true });
  let failed = 0;
  for (const file of files) {
    try {
      const result = await convert(file, { ...options, format: opts.format, converters: list });
      const written: string[] = [];
      if (opts.out) {
        for (const [i, report] of result.reports.entries()) {
          const target = join(opts.out, `${basename(file)}.${i + 1}.wsjf.json`);
          await writeFile(target, `${JSON.stringify(report, null, 2)}\n`);
          written.push(target);
        }
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ file, format: result.format, reports: result.reports, warnings: result.warnings, error: null })}\n`);
      } else {
        process.stderr.write(`${file}: ${result.format}, ${result.reports.length} report${result.reports.length === 1 ? '' : 's'}` +
          `${result.warnings.length ? `, ${result.warnings.length} warning(s)` : ''}${written.length ? ` → ${opts.out}` : ''}\n`);
        for (const w of result.warnings) process.stderr.write(`  warning${w.line ? ` (line ${w.line})` : ''}${w.element ? ` (${w.element})` : ''}: ${w.message}\n`);
      }
    } catch (err) {
      if (!(err instanceof ConversionError)) throw err;
      failed++;
      if (opts.json) process.stdout.write(`${JSON.stringify({ file, format: err.format ?? null, reports: [], warnings: [], error: err.toJSON() })}\n`);
      else process.stderr.write(`${err.message}\n`);
    }
  }
  if (!opts.json) process.stderr.write(`${files.length - failed} of ${files.length} file(s) converted\n`);
  if (failed) throw new ExitError(1);
}

/** `tswats detect`: the best format and its confidence per file. */
export async function runDetect(paths: string[], opts: { json?: boolean; converter?: string[] }): Promise<void> {
  const files = await expandInputs(paths);
  const list = await converters(opts.converter);
  for (const file of files) {
    const d = await detect(file, { converters: list });
    if (opts.json) process.stdout.write(`${JSON.stringify({ file, ...d })}\n`);
    else process.stdout.write(`${file}\t${d.format ?? 'unknown'}\t${d.confidence.toFixed(2)}\n`);
  }
}
