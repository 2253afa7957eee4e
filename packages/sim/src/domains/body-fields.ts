import { HttpError } from '../errors.js';
import { canonicalGuid, isGuid } from '../guid.js';

// Field checks shared by the asset and software domains' request bodies.

/** A `{ key, value }` tag (the spec's `Setting`; `change` only matters in some requests). */
export interface KeyValueTag {
  key: string;
  value?: string;
}

/** Collects the problems of one request body; the 400 names every bad field. */
export class BodyProblems {
  readonly list: string[] = [];

  add(field: string, problem: string): void {
    this.list.push(`${field}: ${problem}`);
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new HttpError(400, this.list.slice(0, 10).join('; '));
  }
}

export type Json = Record<string, unknown>;

/** The body must be a JSON object. */
export function objectBody(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, `The request body must be ${what} as a JSON object.`);
  }
  return value as Json;
}

/**
 * Reads an optional field: `undefined` when absent, `null` when the client sent null or ''
 * (clear it), else the value checked by `check`.
 */
export function optional<T>(
  body: Json,
  field: string,
  problems: BodyProblems,
  check: (value: unknown) => T | string,
  fail: string,
): T | null | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  const result = check(value);
  if (result === fail) {
    problems.add(field, fail);
    return undefined;
  }
  return result as T;
}

export const asString = (v: unknown): string => (typeof v === 'string' ? v : 'must be a string');

export const asInt32 = (v: unknown): number | string =>
  typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? v : 'must be a 32-bit integer';

export const asNumber = (v: unknown): number | string => (typeof v === 'number' && Number.isFinite(v) ? v : 'must be a number');

export const asBoolean = (v: unknown): boolean | string => (typeof v === 'boolean' ? v : 'must be true or false');

export const asGuid = (v: unknown): string => (isGuid(v) ? canonicalGuid(v) : 'must be a GUID');

/** A GUID field where the spec's example value (all zeros) means "none", as .NET's Guid.Empty. */
export function optionalGuid(body: Json, field: string, problems: BodyProblems): string | null | undefined {
  const value = optional(body, field, problems, asGuid, 'must be a GUID');
  return value === '00000000-0000-0000-0000-000000000000' ? null : value;
}

/** `tags`: a list of `{ key, value }` (the spec's `Setting`); keys non-empty and unique. */
export function parseTags(body: Json, problems: BodyProblems): KeyValueTag[] | null | undefined {
  const value = body.tags;
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (!Array.isArray(value)) {
    problems.add('tags', 'must be a list of { key, value }');
    return undefined;
  }
  const tags: KeyValueTag[] = [];
  const seen = new Set<string>();
  value.forEach((item: unknown, i) => {
    const tag = item as Json | null;
    if (typeof tag !== 'object' || tag === null || typeof tag.key !== 'string' || tag.key.trim() === '') {
      problems.add(`tags[${i}].key`, 'must be a non-empty string');
      return;
    }
    if (tag.value !== undefined && tag.value !== null && typeof tag.value !== 'string') {
      problems.add(`tags[${i}].value`, 'must be a string');
      return;
    }
    if (seen.has(tag.key)) {
      problems.add(`tags[${i}].key`, `'${tag.key}' is given twice`);
      return;
    }
    seen.add(tag.key);
    tags.push(typeof tag.value === 'string' ? { key: tag.key, value: tag.value } : { key: tag.key });
  });
  return tags;
}

/** Copies the entries whose value is not undefined (the server leaves absent values out). */
export function defined<T extends Json>(value: T): T {
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
