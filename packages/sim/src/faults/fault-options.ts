import { SimError } from '../errors.js';

/** Limits a fault to some `/api` requests. Both fields are optional; given fields must all match. */
export interface FaultScope {
  /**
   * A path pattern such as `/api/Report/*` (`*` matches any characters; case-insensitive, like
   * ASP.NET routing) or an operationId such as `Report_PostWSJF`. Default: every `/api` request.
   */
  route?: string;
  /** HTTP method, any case (`POST`). Default: every method. */
  method?: string;
}

/** Delays every matching request before it is handled. */
export interface LatencyFault extends FaultScope {
  /** Added delay in milliseconds. */
  ms: number;
  /** Extra random delay, uniform in 0..jitter milliseconds. Default 0. */
  jitter?: number;
}

/** Answers a random share of matching requests with an error status. */
export interface ErrorRateFault extends FaultScope {
  /** Probability 0..1 that a request fails. */
  rate: number;
  /** Status to answer with. Default 500. */
  status?: number;
  /** `Retry-After` header value in seconds (fractions allowed, for fast tests). Default: none. */
  retryAfter?: number;
  /** Re-seeds the random generator so the sequence is reproducible. Default: the sim's `seed`. */
  seed?: number;
}

/** Answers the next `count` matching requests with `status`. */
export interface FailNextFault extends FaultScope {
  count: number;
  /** Default 503. */
  status?: number;
  /** `Retry-After` header value in seconds (fractions allowed). Default: none. */
  retryAfter?: number;
  /** Text of the `{"Message": ...}` body. Default: the status's reason phrase. */
  message?: string;
}

/** Destroys the connection of the next `count` matching requests without answering. */
export interface DropNextFault extends FaultScope {
  count: number;
  /**
   * `before`: the request is never handled. `after`: it is handled (a report IS stored), then
   * the connection is destroyed instead of sending the response. Default `before`.
   */
  when?: 'before' | 'after';
}

/** Makes the server unreachable for a while; it ends on its own. */
export interface OutageFault extends FaultScope {
  /** Duration in milliseconds, from the moment it is set. */
  ms: number;
  /** Answer with this status (e.g. 503, with `Retry-After`) instead of dropping connections. */
  status?: number;
}

/** Fault settings: plain JSON, used by `startSim({ faults })`, `PUT /_sim/faults` and CLI flags. */
export interface FaultOptions {
  latency?: LatencyFault | null;
  errorRate?: ErrorRateFault | null;
  failNext?: FailNextFault | FailNextFault[] | null;
  dropNext?: DropNextFault | DropNextFault[] | null;
  outage?: OutageFault | null;
}

/** Fault settings as they stand now (`GET /_sim/faults`): counts and durations are what is left. */
export interface FaultState {
  latency?: LatencyFault;
  errorRate?: ErrorRateFault;
  failNext: FailNextFault[];
  dropNext: DropNextFault[];
  /** `ms` is the time left; `until` the ISO end time. */
  outage?: OutageFault & { until: string };
}

const KINDS = ['latency', 'errorRate', 'failNext', 'dropNext', 'outage'];

function bad(path: string, problem: string): SimError {
  return new SimError('SIM_ERR_INVALID_FAULTS', `faults.${path}: ${problem}`);
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(path, 'must be an object');
  return value as Record<string, unknown>;
}

function number(o: Record<string, unknown>, key: string, path: string, opts: { min?: number; max?: number; int?: boolean; required?: boolean }): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (opts.required) throw bad(`${path}.${key}`, 'required');
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${path}.${key}`, 'must be a number');
  if (opts.int && !Number.isInteger(v)) throw bad(`${path}.${key}`, 'must be an integer');
  if (opts.min !== undefined && v < opts.min) throw bad(`${path}.${key}`, `must be >= ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) throw bad(`${path}.${key}`, `must be <= ${opts.max}`);
  return v;
}

const STATUS = { min: 100, max: 599, int: true };

function scope(o: Record<string, unknown>, path: string): FaultScope {
  const out: FaultScope = {};
  for (const key of ['route', 'method'] as const) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v === '') throw bad(`${path}.${key}`, 'must be a non-empty string');
    out[key] = key === 'method' ? v.toUpperCase() : v;
  }
  return out;
}

/** Copies only the defined values (so JSON output has no `undefined` holes). */
function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function normalizeLatency(value: unknown, path = 'latency'): LatencyFault {
  const o = asObject(value, path);
  return clean({ ...scope(o, path), ms: number(o, 'ms', path, { min: 0, required: true })!, jitter: number(o, 'jitter', path, { min: 0 }) });
}

export function normalizeErrorRate(value: unknown, path = 'errorRate'): ErrorRateFault {
  const o = asObject(value, path);
  return clean({
    ...scope(o, path),
    rate: number(o, 'rate', path, { min: 0, max: 1, required: true })!,
    status: number(o, 'status', path, STATUS) ?? 500,
    retryAfter: number(o, 'retryAfter', path, { min: 0 }),
    seed: number(o, 'seed', path, { int: true }),
  });
}

export function normalizeFailNext(value: unknown, path = 'failNext'): FailNextFault {
  const o = asObject(value, path);
  if (o.message !== undefined && typeof o.message !== 'string') throw bad(`${path}.message`, 'must be a string');
  return clean({
    ...scope(o, path),
    count: number(o, 'count', path, { min: 0, int: true, required: true })!,
    status: number(o, 'status', path, STATUS) ?? 503,
    retryAfter: number(o, 'retryAfter', path, { min: 0 }),
    message: o.message as string | undefined,
  });
}

export function normalizeDropNext(value: unknown, path = 'dropNext'): DropNextFault {
  const o = asObject(value, path);
  const when = o.when ?? 'before';
  if (when !== 'before' && when !== 'after') throw bad(`${path}.when`, 'must be "before" or "after"');
  return clean({ ...scope(o, path), count: number(o, 'count', path, { min: 0, int: true, required: true })!, when });
}

export function normalizeOutage(value: unknown, path = 'outage'): OutageFault {
  const o = asObject(value, path);
  return clean({ ...scope(o, path), ms: number(o, 'ms', path, { min: 0, required: true })!, status: number(o, 'status', path, STATUS) });
}

function many<T>(value: unknown, path: string, one: (v: unknown, p: string) => T): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map((v, i) => one(v, `${path}[${i}]`)) : [one(value, path)];
}

/** Fault options after checking; a key that is present sets that kind (null or [] clears it). */
export interface NormalizedFaults {
  latency?: LatencyFault | null;
  errorRate?: ErrorRateFault | null;
  outage?: OutageFault | null;
  failNext?: FailNextFault[];
  dropNext?: DropNextFault[];
}

/** Checks fault options from JSON (unknown keys are errors) and returns them normalized. */
export function normalizeFaultOptions(input: unknown): NormalizedFaults {
  const o = input === undefined || input === null ? {} : asObject(input, '(root)');
  for (const key of Object.keys(o)) {
    if (!KINDS.includes(key)) throw bad(key, `unknown fault kind (use ${KINDS.join(', ')})`);
  }
  const out: NormalizedFaults = {};
  if ('latency' in o) out.latency = o.latency === null ? null : normalizeLatency(o.latency);
  if ('errorRate' in o) out.errorRate = o.errorRate === null ? null : normalizeErrorRate(o.errorRate);
  if ('outage' in o) out.outage = o.outage === null ? null : normalizeOutage(o.outage);
  if ('failNext' in o) out.failNext = many(o.failNext, 'failNext', normalizeFailNext);
  if ('dropNext' in o) out.dropNext = many(o.dropNext, 'dropNext', normalizeDropNext);
  return out;
}
