import { validateReport, ReportValidationError, type WsjfReport } from '@tswats/sdk';
import { pathToFileURL } from 'node:url';
import { createContext } from './context.js';
import { ConversionError } from './errors.js';
import { contentReportId } from './report-id.js';
import { looksBinary, openInput, type InputFile, type InputSource } from './input.js';
import type { ConvertContext, ConvertOptions, Converter, ConvertResult, DetectResult } from './types.js';
import { FORMAT_CONVERTERS } from './formats.js';

/** The converters tswats ships, in a fixed order (ties in detection go to the earlier one). */
export const BUILT_IN_CONVERTERS: readonly Converter[] = Object.freeze([...FORMAT_CONVERTERS]);

/** Options of {@link detect} and {@link convert} beyond the report-filling ones. */
export interface RegistryOptions {
  /** Converters to choose from. @default BUILT_IN_CONVERTERS */
  converters?: readonly Converter[];
}

/** Picks the format of a file: every converter looks at its head; the most confident wins. */
export async function detect(source: InputSource | InputFile, options: RegistryOptions = {}): Promise<DetectResult> {
  const file = isInputFile(source) ? source : await openInput(source);
  const converters = options.converters ?? BUILT_IN_CONVERTERS;
  const scored: { format: string; confidence: number; preview: DetectResult['preview'] }[] = [];
  if (file.size > 0 && !looksBinaryFor(file, converters)) {
    for (const c of converters) {
      let d;
      try {
        d = await c.detect(file);
      } catch {
        continue; // detection must never break on odd input; a throwing detector claims nothing
      }
      const confidence = Math.max(0, Math.min(1, Number(d.confidence) || 0));
      if (confidence > 0) scored.push({ format: c.name, confidence, preview: d.preview });
    }
  }
  scored.sort((a, b) => b.confidence - a.confidence);
  const best = scored[0];
  return {
    format: best?.format,
    confidence: best?.confidence ?? 0,
    preview: best?.preview,
    candidates: scored.map(({ format, confidence }) => ({ format, confidence })),
  };
}

/** Options of {@link convert} and {@link convertStream}. */
export interface ConvertCallOptions extends ConvertOptions, RegistryOptions {
  /** Use this converter instead of detecting. */
  format?: string;
  /** Check every report with the SDK's strict validation. @default true */
  validate?: boolean;
}

/**
 * Converts one file. Every unit in the file becomes its own report; every report passes
 * the SDK's strict validation. Throws ConversionError naming the file, position and reason.
 */
export async function convert(source: InputSource | InputFile, options: ConvertCallOptions = {}): Promise<ConvertResult> {
  const reports: WsjfReport[] = [];
  const stream = convertStream(source, options);
  for await (const r of stream) reports.push(r);
  return { format: stream.format, reports, warnings: stream.warnings };
}

/** A conversion whose reports arrive one at a time (large files never sit in memory whole). */
export interface ConversionStream extends AsyncIterable<WsjfReport> {
  /** The format used; known once iteration has started. */
  readonly format: string;
  readonly warnings: import('./types.js').ConversionWarning[];
}

export function convertStream(source: InputSource | InputFile, options: ConvertCallOptions = {}): ConversionStream {
  const { ctx, warnings } = createContext(options);
  const state = { format: options.format ?? '' };
  const run = async function* (): AsyncGenerator<WsjfReport> {
    const file = isInputFile(source) ? source : await openInput(source);
    const converter = await choose(file, options);
    state.format = converter.name;
    if (converter.needsFolder && !file.folder) {
      throw new ConversionError({ code: 'CONVERT_ERR_MISSING_FIELD', file: file.name, format: converter.name, reason: `the ${converter.name} format needs the folder that comes with the file (a folder named like the file without its extension)` });
    }
    let count = 0;
    try {
      for await (const converted of converter.convert(file, ctx)) {
        const ownId = converter.keepsIds && typeof converted.id === 'string' && converted.id !== '';
        // Validation wants an id; a derived one is computed from the validated content below.
        const probe = ownId ? converted : { ...converted, id: PLACEHOLDER_ID };
        const valid = options.validate === false ? probe : checked(probe, file, converter.name, count + 1, ctx);
        const report = ownId ? valid : { ...valid, id: contentReportId(valid, count) };
        count++;
        yield report;
      }
    } catch (err) {
      if (err instanceof ConversionError) throw err;
      throw new ConversionError({ code: 'CONVERT_ERR_INTERNAL', file: file.name, format: converter.name, reason: `converter failed: ${(err as Error)?.message ?? String(err)}`, cause: err });
    }
    if (count === 0) throw new ConversionError({ code: 'CONVERT_ERR_EMPTY', file: file.name, format: converter.name, reason: 'the file holds no test result' });
  };
  const iterable = run();
  return {
    get format() {
      return state.format;
    },
    warnings,
    [Symbol.asyncIterator]: () => iterable,
  };
}

async function choose(file: InputFile, options: ConvertCallOptions): Promise<Converter> {
  const converters = options.converters ?? BUILT_IN_CONVERTERS;
  if (file.size === 0) throw new ConversionError({ code: 'CONVERT_ERR_EMPTY', file: file.name, reason: 'the file is empty' });
  if (options.format) {
    const c = converters.find((x) => x.name === options.format);
    if (!c) throw new ConversionError({ code: 'CONVERT_ERR_UNKNOWN_FORMAT', file: file.name, reason: `unknown format "${options.format}" (known: ${converters.map((x) => x.name).join(', ')})` });
    return c;
  }
  if (looksBinaryFor(file, converters)) {
    throw new ConversionError({ code: 'CONVERT_ERR_BINARY', file: file.name, reason: 'the file is binary and no converter reads a binary format with this signature' });
  }
  const d = await detect(file, options);
  const c = converters.find((x) => x.name === d.format);
  if (!c) throw new ConversionError({ code: 'CONVERT_ERR_NO_CONVERTER', file: file.name, reason: 'no converter recognises this file (give --format to force one)' });
  return c;
}

/** Binary files are refused unless some converter claims a binary signature (zip-based formats). */
function looksBinaryFor(file: InputFile, converters: readonly Converter[]): boolean {
  if (!looksBinary(file.head)) return false;
  const zip = file.head[0] === 0x50 && file.head[1] === 0x4b;
  return !(zip && converters.some((c) => c.extensions.some((e) => e === '.zip' || e === '.xjlog')));
}

const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Every report passes the SDK's strict validation. The strict pass copies nothing; only when it
 * fails is the report run through truncate mode, which shortens over-long strings and removes
 * XML-invalid characters (one warning per change, naming the field) — the one place all
 * converters get this. Anything truncation cannot fix is a converter bug: CONVERT_ERR_INVALID_REPORT.
 */
function checked(report: WsjfReport, file: InputFile, format: string, n: number, ctx: ConvertContext): WsjfReport {
  try {
    return validateReport(report, { mode: 'strict' }).report;
  } catch (err) {
    if (!(err instanceof ReportValidationError)) throw err;
  }
  try {
    const { report: fixed, warnings } = validateReport(report, { mode: 'truncate' });
    for (const w of warnings) ctx.warn(`${w.path}: ${w.message}`, { element: `report ${n}` });
    return fixed;
  } catch (err) {
    if (err instanceof ReportValidationError) {
      throw new ConversionError({ code: 'CONVERT_ERR_INVALID_REPORT', file: file.name, format, position: { element: `report ${n}` }, reason: `the converted report is not valid WSJF: ${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, cause: err });
    }
    throw err;
  }
}

function isInputFile(x: unknown): x is InputFile {
  return typeof x === 'object' && x !== null && 'head' in x && 'headText' in x;
}

/**
 * Loads a user converter: a JS module (or TS under a loader) whose default export, or
 * export named `converter`, has the {@link Converter} shape.
 */
export async function loadConverter(modulePath: string): Promise<Converter> {
  const mod = (await import(pathToFileURL(modulePath).href)) as { default?: unknown; converter?: unknown };
  const c = (mod.converter ?? mod.default) as Partial<Converter> | undefined;
  const missing = ['name', 'description', 'extensions', 'detect', 'convert'].filter((k) => !c || (c as Record<string, unknown>)[k] === undefined);
  if (!c || missing.length) throw new TypeError(`${modulePath}: not a converter module (missing ${missing.join(', ')})`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(String(c.name))) throw new TypeError(`${modulePath}: converter name must be kebab-case, got ${JSON.stringify(c.name)}`);
  return c as Converter;
}
