import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { compileDotNetRegex, extractWith, RegexSyntaxError } from './dotnet-regex.js';

/** The `BarcodeIdentifier` schema: a pattern that recognises a barcode, and one regex per field. */
export interface BarcodeIdentifier {
  id?: number;
  pattern?: string;
  serialNumber?: string;
  partNumber?: string;
  revision?: string;
  batchNumber?: string;
  process?: string;
  order?: number;
  description?: string;
}

/** The fields whose value is a regex that finds that part of the barcode. */
export const VALUE_FIELDS = ['serialNumber', 'partNumber', 'revision', 'batchNumber', 'process'] as const;
type ValueField = (typeof VALUE_FIELDS)[number];
const STRING_FIELDS = ['pattern', ...VALUE_FIELDS, 'description'] as const;

interface BarcodeState {
  nextId: number;
  identifiers: BarcodeIdentifier[];
}

const STATE = 'barcode-identifiers';

function state(sim: SimContext): BarcodeState {
  return sim.state.get<BarcodeState>(STATE, () => ({ nextId: 1, identifiers: [] }));
}

/** Identifiers in the order they are checked: `order` ascending, then id. */
export function listIdentifiers(sim: SimContext): BarcodeIdentifier[] {
  return [...state(sim).identifiers]
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || (a.id ?? 0) - (b.id ?? 0))
    .map((i) => ({ ...i }));
}

function checkBody(body: unknown): BarcodeIdentifier {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'The request body must be a BarcodeIdentifier object.');
  }
  const input = body as Record<string, unknown>;
  const out: BarcodeIdentifier = {};
  const problems: string[] = [];
  if (input.id !== undefined && input.id !== null) {
    if (!Number.isInteger(input.id)) problems.push('id: must be an integer');
    else out.id = input.id as number;
  }
  if (input.order !== undefined && input.order !== null) {
    if (!Number.isInteger(input.order)) problems.push('order: must be an integer');
    else out.order = input.order as number;
  }
  for (const field of STRING_FIELDS) {
    const v = input[field];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') {
      problems.push(`${field}: must be a string`);
      continue;
    }
    if (field !== 'description') {
      try {
        compileDotNetRegex(v);
      } catch (err) {
        if (!(err instanceof RegexSyntaxError)) throw err;
        problems.push(`${field}: not a valid regular expression (${err.message})`);
        continue;
      }
    }
    out[field] = v;
  }
  if (!out.pattern && !VALUE_FIELDS.some((f) => out[f])) {
    problems.push('pattern: give a pattern or at least one field expression');
  }
  if (problems.length > 0) throw new HttpError(400, problems.join('; '));
  return out;
}

/**
 * Adds an identifier (no `id`, or 0) or replaces the one with that `id` (404 if there is none).
 * A new identifier without `order` goes after the others.
 */
export async function putIdentifier(sim: SimContext, body: unknown): Promise<BarcodeIdentifier> {
  const input = checkBody(body);
  const s = state(sim);
  let stored: BarcodeIdentifier;
  if (input.id !== undefined && input.id !== 0) {
    const index = s.identifiers.findIndex((i) => i.id === input.id);
    if (index < 0) throw new HttpError(404, `Barcode identifier ${input.id} was not found.`);
    stored = { ...input, order: input.order ?? s.identifiers[index]!.order ?? 0 };
    s.identifiers[index] = stored;
  } else {
    const order = input.order ?? Math.max(0, ...s.identifiers.map((i) => i.order ?? 0)) + 1;
    stored = { ...input, id: s.nextId++, order };
    s.identifiers.push(stored);
  }
  await sim.state.save(STATE);
  return { ...stored };
}

export async function deleteIdentifier(sim: SimContext, id: number): Promise<void> {
  const s = state(sim);
  const index = s.identifiers.findIndex((i) => i.id === id);
  if (index < 0) throw new HttpError(404, `Barcode identifier ${id} was not found.`);
  s.identifiers.splice(index, 1);
  await sim.state.save(STATE);
}

/**
 * Identifies a barcode with the stored identifiers, in `order`: the first whose `pattern`
 * matches (an identifier without a pattern applies when one of its field expressions matches)
 * gives the values its field expressions find. The answer names that identifier (`id`,
 * `pattern`, `order`, `description`) and carries the found values in the field properties.
 * When none applies, the default format `SerialNumber/PartNumber/Revision/BatchNumber/Process`
 * is used, and the answer has no `id`.
 */
export function identifyBarcode(sim: SimContext, code: string): BarcodeIdentifier {
  if (code === '') throw new HttpError(400, 'code: the barcode must not be empty.');
  for (const identifier of listIdentifiers(sim)) {
    if (identifier.pattern && !compileDotNetRegex(identifier.pattern).test(code)) continue;
    const values: Partial<Record<ValueField, string>> = {};
    for (const field of VALUE_FIELDS) {
      const source = identifier[field];
      if (!source) continue;
      const value = extractWith(compileDotNetRegex(source), code);
      if (value !== undefined && value !== '') values[field] = value;
    }
    if (!identifier.pattern && Object.keys(values).length === 0) continue;
    const answer: BarcodeIdentifier = { id: identifier.id!, order: identifier.order ?? 0, ...values };
    if (identifier.pattern) answer.pattern = identifier.pattern;
    if (identifier.description) answer.description = identifier.description;
    return answer;
  }
  const parts = code.split('/');
  const answer: BarcodeIdentifier = {};
  VALUE_FIELDS.forEach((field, i) => {
    const part = parts[i]?.trim();
    if (part) answer[field] = part;
  });
  return answer;
}
