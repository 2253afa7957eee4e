/**
 * Field-level checks shared by the validators (internal to the report module).
 *
 * Every check records problems on a {@link ValidationContext} instead of throwing, so one run
 * lists every issue. In truncate mode, over-long strings are cut in place (the caller passes a
 * copy) and reported as warnings.
 */
import type { ReportIssue } from '../core/errors.js';
import { parseWatsDateParts } from './dates.js';
import { isUuid } from './encoding.js';
import { PROBLEMATIC_SN_PN_CHARS, XML_INVALID_CHARS_RE, type FieldLimitKey, type FieldLimits } from './limits.js';

/** Shared state of one validation run. */
export interface ValidationContext {
  readonly mode: 'strict' | 'truncate';
  readonly limits: FieldLimits;
  readonly allowProblematicChars: boolean;
  readonly errors: ReportIssue[];
  readonly warnings: ReportIssue[];
}

/** A JSON object we may read and (in truncate mode) write. */
export type Obj = Record<string, unknown>;

/** Options for {@link checkText}. */
export interface TextRule {
  /** Missing or null is an error. */
  required?: boolean;
  /** Empty or whitespace-only is an error. */
  nonEmpty?: boolean;
  /** Maximum length, from the limit table. */
  limit?: FieldLimitKey;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

export function error(ctx: ValidationContext, path: string, message: string): void {
  ctx.errors.push({ path, message });
}

/** Reports a missing required value; returns true when the value is absent (undefined or null). */
export function absent(ctx: ValidationContext, obj: Obj, key: string, path: string, required = false): boolean {
  const v = obj[key];
  if (v !== undefined && v !== null) return false;
  if (required) error(ctx, join(path, key), v === null ? 'is required (got null)' : 'is required');
  return true;
}

/** Checks a string field; returns its (possibly truncated) value when it is a string. */
export function checkText(ctx: ValidationContext, obj: Obj, key: string, path: string, rule: TextRule = {}): string | undefined {
  if (absent(ctx, obj, key, path, rule.required)) return undefined;
  const p = join(path, key);
  const v = obj[key];
  if (typeof v !== 'string') {
    error(ctx, p, `must be a string, got ${describe(v)}`);
    return undefined;
  }
  if (rule.nonEmpty && v.trim() === '') error(ctx, p, 'must not be empty');
  if (rule.limit === undefined) return v;
  const max = ctx.limits[rule.limit];
  if (v.length <= max) return v;
  if (ctx.mode === 'truncate') {
    const cut = truncate(v, max);
    obj[key] = cut;
    ctx.warnings.push({ path: p, message: `truncated from ${v.length} to ${cut.length} characters (limit ${rule.limit} = ${max})` });
    return cut;
  }
  error(ctx, p, `is ${v.length} characters long; the limit is ${max} (${rule.limit})`);
  return v;
}

/** Cuts to `max` UTF-16 units without splitting a surrogate pair. */
function truncate(v: string, max: number): string {
  const code = v.charCodeAt(max - 1);
  return v.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Checks an integer field (optionally required). */
export function checkInt(ctx: ValidationContext, obj: Obj, key: string, path: string, required = false): void {
  if (absent(ctx, obj, key, path, required)) return;
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) error(ctx, join(path, key), `must be an integer, got ${describe(v)}`);
}

/** Checks a number field (optionally required). */
export function checkNumber(ctx: ValidationContext, obj: Obj, key: string, path: string, required = false): void {
  if (absent(ctx, obj, key, path, required)) return;
  const v = obj[key];
  if (typeof v !== 'number') error(ctx, join(path, key), `must be a number, got ${describe(v)}`);
}

/** Checks an enumerated field (exact match). */
export function checkEnum(ctx: ValidationContext, obj: Obj, key: string, path: string, allowed: readonly string[], required = false): void {
  if (absent(ctx, obj, key, path, required)) return;
  const v = obj[key];
  if (typeof v !== 'string' || !allowed.includes(v)) {
    error(ctx, join(path, key), `must be one of ${allowed.join(', ')}; got ${describe(v)}`);
  }
}

/** Checks a UUID field. */
export function checkUuid(ctx: ValidationContext, obj: Obj, key: string, path: string, required = false): void {
  if (absent(ctx, obj, key, path, required)) return;
  if (!isUuid(obj[key])) error(ctx, join(path, key), `must be a UUID, got ${describe(obj[key])}`);
}

/** Checks a date field; `requireOffset` demands an explicit `Z` or `±hh:mm`. */
export function checkDate(ctx: ValidationContext, obj: Obj, key: string, path: string, required: boolean, requireOffset: boolean): void {
  if (absent(ctx, obj, key, path, required)) return;
  const v = obj[key];
  const p = join(path, key);
  const parts = typeof v === 'string' ? parseWatsDateParts(v) : undefined;
  if (!parts) error(ctx, p, `must be an ISO 8601 date-time, got ${describe(v)}`);
  else if (requireOffset && parts.offsetMinutes === undefined) {
    error(ctx, p, `must carry a UTC offset (e.g. "+01:00" or "Z"), got ${describe(v)}`);
  }
}

/** Flags serial/part numbers containing `* % ? [ ] ^ ! / \` (a warning when allowed). */
export function checkSnPnChars(ctx: ValidationContext, value: string | undefined, path: string): void {
  if (value === undefined) return;
  const bad = [...new Set([...value].filter((c) => PROBLEMATIC_SN_PN_CHARS.includes(c)))];
  if (bad.length === 0) return;
  const message = `contains characters that break lookups on the server: ${bad.join(' ')}`;
  if (ctx.allowProblematicChars) ctx.warnings.push({ path, message });
  else error(ctx, path, `${message} (set allowProblematicChars to accept)`);
}

/**
 * Finds XML-invalid control characters in every string of the tree. Strict mode reports
 * them; truncate mode strips them in place and warns.
 */
export function checkXmlChars(ctx: ValidationContext, node: unknown, path: string): void {
  // Almost every report is clean: a scan without building paths finds that out cheaply.
  if (hasXmlInvalidChars(node)) checkXmlCharsAt(ctx, node, path);
}

/** True when a string anywhere under `node` (the strings checkXmlCharsAt looks at) holds an XML-invalid character. */
function hasXmlInvalidChars(node: unknown): boolean {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i];
      if (typeof item === 'string' ? XML_INVALID_CHARS_RE.test(item) : hasXmlInvalidChars(item)) return true;
    }
  } else if (isObj(node)) {
    for (const key of Object.keys(node)) {
      const v = node[key];
      if (typeof v === 'string' ? XML_INVALID_CHARS_RE.test(v) : hasXmlInvalidChars(v)) return true;
    }
  }
  return false;
}

function checkXmlCharsAt(ctx: ValidationContext, node: unknown, path: string): void {
  if (Array.isArray(node)) {
    node.forEach((item: unknown, i) => {
      if (typeof item === 'string') fixString(ctx, node, i, join(path, i));
      else checkXmlCharsAt(ctx, item, join(path, i));
    });
  } else if (isObj(node)) {
    for (const key of Object.keys(node)) {
      if (typeof node[key] === 'string') fixString(ctx, node, key, join(path, key));
      else checkXmlCharsAt(ctx, node[key], join(path, key));
    }
  }
}

const XML_INVALID_ALL = new RegExp(XML_INVALID_CHARS_RE, 'g');

function fixString(ctx: ValidationContext, holder: Obj | unknown[], key: string | number, path: string): void {
  const v = (holder as Record<string | number, unknown>)[key] as string;
  const count = v.match(XML_INVALID_ALL)?.length ?? 0;
  if (count === 0) return;
  if (ctx.mode === 'truncate') {
    (holder as Record<string | number, unknown>)[key] = v.replace(XML_INVALID_ALL, '');
    ctx.warnings.push({ path, message: `removed ${count} XML-invalid control character${count === 1 ? '' : 's'}` });
  } else {
    const first = v.search(XML_INVALID_CHARS_RE);
    const hex = v.charCodeAt(first).toString(16).toUpperCase().padStart(4, '0');
    error(ctx, path, `contains ${count} XML-invalid control character${count === 1 ? '' : 's'} (first: U+${hex} at index ${first})`);
  }
}
