import { HttpError } from '../errors.js';
import { isGuid } from '../guid.js';
import { formatAjvErrors, inlineValidator } from './contract.js';
import type { ParameterObject, SchemaObject } from './load-spec.js';
import type { SpecOperation } from './registry.js';

/** Raw query as fastify parses it: repeated names become arrays. */
export type RawQuery = Record<string, string | string[] | undefined>;

/** Parameters bound to an operation, converted to the spec's types. */
export interface BoundParameters {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  /** OData system query options (`$filter`, ...) passed to operations that support OData. */
  odata: Record<string, string | string[]>;
}

export interface BindResult {
  params: BoundParameters;
  /** Contract violations found in the request (the spec was not followed). */
  violations: string[];
  /** The first problem the real server would reject with a 400, if any. */
  error?: HttpError;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Converts one string to the schema's type; returns an error text when it cannot. */
function coerce(raw: string, schema: SchemaObject): { value?: unknown; problem?: string } {
  const type = schema.type;
  if (type === 'integer') {
    if (!/^[+-]?\d+$/.test(raw.trim())) return { problem: 'must be an integer' };
    const n = Number(raw);
    if (schema.format === 'int32' && (n < INT32_MIN || n > INT32_MAX)) return { problem: 'is out of range for int32' };
    return { value: n };
  }
  if (type === 'number') {
    const n = Number(raw);
    return raw.trim() === '' || !Number.isFinite(n) ? { problem: 'must be a number' } : { value: n };
  }
  if (type === 'boolean') {
    // Web API model binding accepts True/false in any case.
    if (/^true$/i.test(raw)) return { value: true };
    if (/^false$/i.test(raw)) return { value: false };
    return { problem: 'must be true or false' };
  }
  if (schema.format === 'uuid' && !isGuid(raw)) return { problem: 'not a GUID' };
  if (schema.format === 'date-time' && Number.isNaN(Date.parse(raw))) return { problem: 'not a valid date' };
  return { value: raw };
}

function bindOne(op: SpecOperation, param: ParameterObject, raw: string | string[]): { value?: unknown; problem?: string } {
  const schema = param.schema ?? { type: 'string' };
  let value: unknown;
  if (schema.type === 'array') {
    const items = (schema.items as SchemaObject | undefined) ?? { type: 'string' };
    const list: unknown[] = [];
    for (const entry of Array.isArray(raw) ? raw : [raw]) {
      const r = coerce(entry, items);
      if (r.problem) return r;
      list.push(r.value);
    }
    value = list;
  } else {
    const r = coerce(Array.isArray(raw) ? (raw[0] ?? '') : raw, schema);
    if (r.problem) return r;
    value = r.value;
  }
  const validator = inlineValidator(`param ${op.key} ${param.in} ${param.name}`, schema);
  if (!validator(value)) return { problem: formatAjvErrors(validator.errors).join('; ') };
  return { value };
}

/**
 * Binds path and query parameters to an operation like ASP.NET Web API does (query names are
 * matched case-insensitively), and reports where the request departs from the spec.
 */
export function bindParameters(op: SpecOperation, pathParams: Record<string, string>, query: RawQuery): BindResult {
  const params: BoundParameters = { path: {}, query: {}, odata: {} };
  const violations: string[] = [];
  let error: HttpError | undefined;
  const fail = (name: string, problem: string): void => {
    violations.push(`parameter '${name}' ${problem}`);
    error ??= new HttpError(400, `${name}: ${problem}`);
  };
  const seen = new Set<string>();
  for (const param of op.parameters) {
    if (param.in !== 'path' && param.in !== 'query') continue;
    let raw: string | string[] | undefined;
    if (param.in === 'path') {
      raw = pathParams[param.name];
    } else {
      const actual = Object.keys(query).find((k) => k.toLowerCase() === param.name.toLowerCase());
      if (actual !== undefined) {
        seen.add(actual);
        raw = query[actual];
        if (actual !== param.name) violations.push(`query parameter '${actual}' should be spelled '${param.name}'`);
        if (Array.isArray(raw) && param.schema?.type !== 'array') {
          violations.push(`query parameter '${param.name}' was given ${raw.length} times`);
        }
      }
    }
    if (raw === undefined || (!Array.isArray(raw) && raw === '' && param.schema?.type !== 'string')) {
      if (param.required) fail(param.name, 'required');
      continue;
    }
    const bound = bindOne(op, param, raw);
    if (bound.problem) fail(param.name, bound.problem);
    else (param.in === 'path' ? params.path : params.query)[param.name] = bound.value;
  }
  for (const [name, value] of Object.entries(query)) {
    if (seen.has(name) || value === undefined) continue;
    if (op.odata && name.startsWith('$')) params.odata[name] = value;
    else violations.push(`unknown query parameter '${name}'`);
  }
  const result: BindResult = { params, violations };
  if (error) result.error = error;
  return result;
}
