/**
 * Reading JSON bodies the way the real server's Json.NET binding does: property names match
 * ignoring case (`partNumber` binds to `PartNumber`), and every problem of a body is reported
 * at once in one 400, each naming its field (`[2].revision: required`).
 */
import { HttpError } from '../../errors.js';
import { canonicalGuid, isGuid } from '../../guid.js';

export type Json = Record<string, unknown>;

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** Collects the problems of one body; `throwIfAny` answers them as one 400. */
export class Problems {
  readonly list: string[] = [];

  add(field: string, problem: string): void {
    this.list.push(`${field}: ${problem}`);
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new HttpError(400, this.list.slice(0, 10).join('; '));
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as one JSON object, else 400. */
export function objectBody(value: unknown, what: string): Json {
  if (!isObject(value)) throw new HttpError(400, `The request body must be ${what} as a JSON object.`);
  return value;
}

/** The body as a JSON array, else 400. */
export function arrayBody(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new HttpError(400, `The request body must be a JSON array of ${what}.`);
  return value;
}

/** A property, matched exactly first and then ignoring case. */
export function prop(obj: Json, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

/** A body reader for one object; `at` prefixes field names (`[3].`) in messages. */
export class BodyReader {
  readonly obj: Json;
  readonly problems: Problems;
  readonly at: string;

  constructor(obj: Json, problems: Problems, at = '') {
    this.obj = obj;
    this.problems = problems;
    this.at = at;
  }

  private fail(name: string, problem: string): undefined {
    this.problems.add(`${this.at}${name}`, problem);
    return undefined;
  }

  /** A string; `null` and absence both read as undefined. */
  string(name: string, options: { required?: boolean } = {}): string | undefined {
    const value = prop(this.obj, name);
    if (value === undefined || value === null) return options.required ? this.fail(name, 'required') : undefined;
    if (typeof value !== 'string') return this.fail(name, 'must be a string');
    if (options.required && value.trim() === '') return this.fail(name, 'required');
    return value;
  }

  /** A GUID; absent, null, '' and the all-zero GUID read as undefined ("leave it empty"). */
  guid(name: string): string | undefined {
    const value = prop(this.obj, name);
    if (value === undefined || value === null || value === '') return undefined;
    if (!isGuid(value)) return this.fail(name, `'${String(value)}' is not a GUID`);
    const id = canonicalGuid(value);
    return id === EMPTY_GUID ? undefined : id;
  }

  /** A 32-bit integer, optionally limited to `allowed`. */
  int(name: string, allowed?: readonly number[]): number | undefined {
    const value = prop(this.obj, name);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2147483647) {
      return this.fail(name, 'must be a 32-bit integer');
    }
    if (allowed && !allowed.includes(value)) return this.fail(name, `must be one of ${allowed.join(', ')}, got ${value}`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = prop(this.obj, name);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') return this.fail(name, 'must be true or false');
    return value;
  }

  /** A date-time string, returned as ISO 8601 UTC. */
  date(name: string): string | undefined {
    const value = prop(this.obj, name);
    if (value === undefined || value === null || value === '') return undefined;
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) return this.fail(name, `'${String(value)}' is not a date`);
    return new Date(ms).toISOString();
  }

  /** An array of objects (undefined when absent). */
  objects(name: string): Json[] | undefined {
    const value = prop(this.obj, name);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every(isObject)) return this.fail(name, 'must be an array of objects');
    return value;
  }
}

/** Compares names the way SQL Server's default collation does: case and trailing spaces ignored. */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.trimEnd().toUpperCase() === b.trimEnd().toUpperCase();
}

/**
 * Matches a value against a pattern where `%` and `*` stand for any run of characters
 * (product-group filters, box-build revision masks); case is ignored.
 */
export function matchesMask(value: string, mask: string): boolean {
  if (!/[%*]/.test(mask)) return sameName(value, mask);
  const source = mask
    .trimEnd()
    .split(/[%*]/)
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'is').test(value.trimEnd());
}

/** Copies the defined entries only, so absent data never turns into `null`. */
export function defined<T extends Json>(entries: T): T {
  const out: Json = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) out[k] = v;
  return out as T;
}

/**
 * Runs `change` on a live state object and puts everything back if it throws, so a bulk
 * request that fails on its fifth item leaves no trace of the first four.
 */
export function atomically<S extends object, T>(state: S, change: () => T): T {
  const saved = structuredClone(state);
  try {
    return change();
  } catch (err) {
    for (const key of Object.keys(state)) delete (state as Json)[key];
    Object.assign(state, saved);
    throw err;
  }
}
