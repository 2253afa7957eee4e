import { parseReport, ReportParseError, type WsjfReport } from '@tswats/sdk';
import { ConversionError } from '../errors.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import type { InputFile } from '../input.js';

const TYPE_ALIASES: Record<string, 'T' | 'R'> = { t: 'T', uut: 'T', test: 'T', r: 'R', uur: 'R', repair: 'R', u: 'R' };
const RESULT_ALIASES: Record<string, string> = {
  passed: 'P', pass: 'P', p: 'P', failed: 'F', fail: 'F', f: 'F', error: 'E', e: 'E',
  terminated: 'T', t: 'T', aborted: 'T', done: 'D', d: 'D',
};
const KEY_ALIASES: Record<string, string> = { partNumber: 'pn', serialNumber: 'sn', partRevision: 'rev', revision: 'rev' };

/**
 * WSJF pass-through: the document goes on unchanged except for normalising aliases
 * (`type` Test/UUT → T, Repair/UUR → R; `result` Passed → P ...; `partNumber`/`serialNumber`/
 * `partRevision` → `pn`/`sn`/`rev`) and filling what the options supply when missing
 * (processCode, rev, machineName, location, purpose). One report per file, or one per
 * element when the file holds a JSON array of reports.
 */
export const wsjfConverter: Converter = {
  name: 'wsjf',
  description: 'WATS Standard JSON Format (pass-through, aliases normalised)',
  extensions: ['.json'],
  keepsIds: true,
  detect(file: InputFile): Detection {
    const text = file.headText().trimStart();
    if (!text.startsWith('{') && !text.startsWith('[')) return { confidence: 0 };
    const typeMatch = /"type"\s*:\s*"(T|R|UUT|UUR|Test|Repair)"/i.exec(text);
    const hasIds = /"(pn|partNumber)"\s*:/.test(text) && /"(sn|serialNumber)"\s*:/.test(text);
    if (!typeMatch && !hasIds) return { confidence: 0 };
    const sn = /"(?:sn|serialNumber)"\s*:\s*"([^"]*)"/.exec(text)?.[1];
    const pn = /"(?:pn|partNumber)"\s*:\s*"([^"]*)"/.exec(text)?.[1];
    const hasRootOrUur = /"(root|uur)"\s*:\s*\{/.test(text);
    return { confidence: typeMatch && hasRootOrUur ? 0.98 : typeMatch || hasIds ? 0.7 : 0, preview: { serialNumber: sn, partNumber: pn } };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<WsjfReport> {
    const text = await file.text();
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new ConversionError({ code: 'CONVERT_ERR_SYNTAX', file: file.name, format: 'wsjf', position: jsonPosition(text, err), reason: `not valid JSON: ${(err as Error).message}`, cause: err });
    }
    const items = Array.isArray(doc) ? doc : [doc];
    if (items.length === 0) throw new ConversionError({ code: 'CONVERT_ERR_EMPTY', file: file.name, format: 'wsjf', reason: 'the JSON array holds no report' });
    for (const [i, item] of items.entries()) {
      const where = Array.isArray(doc) ? `[${i}]` : undefined;
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        throw new ConversionError({ code: 'CONVERT_ERR_FORMAT', file: file.name, format: 'wsjf', position: where ? { element: where } : undefined, reason: 'a report must be a JSON object' });
      }
      const normalised = normalise(item as Record<string, unknown>, ctx, where);
      try {
        yield parseReport(normalised, { source: file.name });
      } catch (err) {
        if (err instanceof ReportParseError) {
          const issue = err.issues[0];
          throw new ConversionError({ code: 'CONVERT_ERR_FORMAT', file: file.name, format: 'wsjf', position: { element: `${where ?? ''}${issue?.path ? `.${issue.path}` : ''}` || undefined }, reason: err.issues.map((x) => `${x.path || '(root)'}: ${x.message}`).join('; '), cause: err });
        }
        throw err;
      }
    }
  },
};

function normalise(input: Record<string, unknown>, ctx: ConvertContext, where: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    const alias = KEY_ALIASES[k];
    if (alias && input[alias] === undefined) out[alias] = v;
    else out[k] = v;
  }
  if (typeof out.type === 'string') {
    const t = TYPE_ALIASES[out.type.toLowerCase()];
    if (t && t !== out.type) {
      ctx.warn(`type "${out.type}" normalised to "${t}"`, { element: where });
      out.type = t;
    }
  } else if (out.type === undefined) {
    out.type = out.uur ? 'R' : 'T';
    ctx.warn(`type missing: taken as "${out.type}"`, { element: where });
  }
  if (typeof out.result === 'string' && out.result.length > 1) {
    const r = RESULT_ALIASES[out.result.toLowerCase()];
    if (r) out.result = r;
  }
  const o = ctx.options;
  const fill = (key: string, value: unknown) => {
    if ((out[key] === undefined || out[key] === null || out[key] === '') && value !== undefined) {
      out[key] = value;
      ctx.warn(`${key} missing: set to ${JSON.stringify(value)} from the options`, { element: where });
    }
  };
  fill('processCode', o.processCode);
  fill('rev', o.partRevision);
  fill('machineName', o.stationName);
  fill('location', o.location);
  fill('purpose', o.purpose);
  return out;
}

function jsonPosition(text: string, err: unknown): { line: number; column: number } | undefined {
  const m = /position (\d+)/.exec((err as Error).message);
  if (!m) return undefined;
  const pos = Number(m[1]);
  const before = text.slice(0, pos).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
