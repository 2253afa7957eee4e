/**
 * Deep copies of JSON trees (internal to the report module).
 *
 * The report model *is* the JSON tree, so parsing, serialising and validation all copy it
 * with the same rules as `JSON.stringify` (undefined/function values dropped from objects
 * and nulled in arrays, `toJSON()` honoured), plus a choice of what to do with non-finite
 * numbers, which JSON cannot hold.
 */

/** Thrown by {@link cloneJsonTree} with the path of the offending value. */
export class JsonTreeError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path || '(root)'}: ${message}`);
    this.path = path;
  }
}

/** `keep`: copy NaN/±Infinity as numbers. `string`: write them as `"NaN"`, `"Infinity"`, `"-Infinity"`. */
export type NonFiniteMode = 'keep' | 'string';

/** The string WSJF uses for a non-finite number. */
export function nonFiniteToString(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  return n > 0 ? 'Infinity' : '-Infinity';
}

/**
 * Returns a deep copy of `value` that contains only JSON values.
 * @throws JsonTreeError on circular references and bigint values.
 */
export function cloneJsonTree(value: unknown, nonFinite: NonFiniteMode, path = ''): unknown {
  // Fast pass first: no paths, no visited set. It gives up (and the checked copy below runs,
  // with the same result or the same error) on anything it would have to report: a bigint,
  // or nesting deeper than FAST_DEPTH (a circular reference, or a very deep tree).
  try {
    return fastCopy(value, nonFinite, '', 0);
  } catch (err) {
    if (err !== GIVE_UP) throw err;
  }
  return copy(value, nonFinite, path, '', new Set());
}

/** Deeper than this, the fast pass hands over to the checked copy (which finds cycles). */
const FAST_DEPTH = 512;
const GIVE_UP: unique symbol = Symbol('give up');

/**
 * The part of the fast passes that does not depend on copying or sharing: scalars, values
 * JSON drops, `toJSON()`, and the give-up cases. Returns NOT_DONE for a plain object or array.
 */
function fastScalar(value: unknown, nonFinite: NonFiniteMode, key: string | number, depth: number): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    return Number.isFinite(value) || nonFinite === 'keep' ? value : nonFiniteToString(value);
  }
  if (typeof value !== 'object') {
    if (typeof value === 'bigint') throw GIVE_UP;
    return undefined; // undefined, function, symbol
  }
  if (depth > FAST_DEPTH) throw GIVE_UP;
  const withToJson = value as { toJSON?: (key: string) => unknown };
  if (typeof withToJson.toJSON === 'function') {
    return fastCopy(withToJson.toJSON(String(key)), nonFinite, key, depth + 1);
  }
  return NOT_DONE;
}

const NOT_DONE: unique symbol = Symbol('not done');

/** {@link copy} without path strings or cycle set; throws GIVE_UP where `copy` could throw. */
function fastCopy(input: unknown, nonFinite: NonFiniteMode, key: string | number, depth: number): unknown {
  const scalar = fastScalar(input, nonFinite, key, depth);
  if (scalar !== NOT_DONE) return scalar;
  const value = input as object; // fastScalar returns NOT_DONE only for objects and arrays
  if (Array.isArray(value)) {
    return value.map((item: unknown, i) => {
      const out = fastCopy(item, nonFinite, i, depth + 1);
      return out === undefined ? null : out;
    });
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = fastCopy((value as Record<string, unknown>)[k], nonFinite, k, depth + 1);
    if (v !== undefined) setKey(out, k, v);
  }
  return out;
}

function copy(value: unknown, nonFinite: NonFiniteMode, path: string, key: string, seen: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    return Number.isFinite(value) || nonFinite === 'keep' ? value : nonFiniteToString(value);
  }
  if (typeof value === 'bigint') throw new JsonTreeError(path, 'bigint values are not JSON');
  if (typeof value !== 'object') return undefined; // undefined, function, symbol
  const withToJson = value as { toJSON?: (key: string) => unknown };
  if (typeof withToJson.toJSON === 'function') {
    return copy(withToJson.toJSON(key), nonFinite, path, key, seen);
  }
  if (seen.has(value)) throw new JsonTreeError(path, 'circular reference');
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item: unknown, i) => {
        const out = copy(item, nonFinite, `${path}[${i}]`, String(i), seen);
        return out === undefined ? null : out;
      });
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const v = copy((value as Record<string, unknown>)[k], nonFinite, path ? `${path}.${k}` : k, k, seen);
      if (v !== undefined) setKey(out, k, v);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * Like {@link cloneJsonTree}, with the same result (and the same errors), but copies only what
 * has to change: a subtree that already holds only JSON values (plain objects and arrays,
 * strings, booleans, null, finite numbers) is returned as it is, not copied. Nothing is mutated.
 */
export function shareJsonTree(value: unknown, nonFinite: NonFiniteMode): unknown {
  try {
    return fastShare(value, nonFinite, '', 0);
  } catch (err) {
    if (err !== GIVE_UP) throw err;
  }
  return copy(value, nonFinite, '', '', new Set());
}

/** {@link fastCopy} that returns unchanged subtrees themselves; throws GIVE_UP where `copy` could throw. */
function fastShare(input: unknown, nonFinite: NonFiniteMode, key: string | number, depth: number): unknown {
  const scalar = fastScalar(input, nonFinite, key, depth);
  if (scalar !== NOT_DONE) return scalar;
  const value = input as object; // fastScalar returns NOT_DONE only for objects and arrays
  if (Array.isArray(value)) {
    // An array that is not a plain Array (a subclass) is copied, as cloneJsonTree would.
    if (Object.getPrototypeOf(value) !== Array.prototype) return fastCopy(value, nonFinite, key, depth);
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) continue; // a hole stays a hole (Array#map in cloneJsonTree skips it too)
      const item: unknown = value[i];
      let v = fastShare(item, nonFinite, i, depth + 1);
      if (v === undefined) v = null;
      if (v !== item && !(v !== v && item !== item)) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return fastCopy(value, nonFinite, key, depth);
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let out: Record<string, unknown> | undefined;
  for (let n = 0; n < keys.length; n++) {
    const k = keys[n]!;
    const item = obj[k];
    const v = fastShare(item, nonFinite, k, depth + 1);
    if (out === undefined) {
      if (v !== undefined && (v === item || (v !== v && item !== item))) continue;
      // The first change: copy the keys before it (all unchanged), then go on copying.
      out = {};
      for (let j = 0; j < n; j++) setKey(out, keys[j]!, obj[keys[j]!]);
    }
    if (v !== undefined) setKey(out, k, v);
  }
  return out ?? (proto === null ? fastCopy(value, nonFinite, key, depth) : value);
}

function setKey(out: Record<string, unknown>, k: string, v: unknown): void {
  // JSON.parse creates an own "__proto__" key; plain assignment would set the prototype instead.
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}
