import { STATUS_CODES } from 'node:http';
import type { FaultKind } from '../stats.js';
import {
  normalizeDropNext,
  normalizeErrorRate,
  normalizeFailNext,
  normalizeFaultOptions,
  normalizeLatency,
  normalizeOutage,
  type DropNextFault,
  type ErrorRateFault,
  type FailNextFault,
  type FaultOptions,
  type FaultScope,
  type FaultState,
  type LatencyFault,
  type OutageFault,
} from './fault-options.js';

/** The request a fault decision is made for. */
export interface FaultTarget {
  method: string;
  path: string;
  operationId?: string;
}

/** What the server must do to one request. */
export interface FaultDecision {
  /** Delay before anything else, in ms (0 for none). */
  latencyMs: number;
  /** Destroy the connection now, or answer with a status, instead of handling the request. */
  action?:
    | { kind: 'drop'; fault: FaultKind }
    | { kind: 'status'; fault: FaultKind; status: number; message: string; retryAfter?: number };
  /** Handle the request, then destroy the connection instead of answering. */
  dropAfter: boolean;
}

/** A small, fast, seedable PRNG (mulberry32); deterministic for a given seed. */
function createRng(seed: number | undefined): () => number {
  if (seed === undefined) return Math.random;
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function globToRegex(pattern: string): RegExp {
  const body = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 'i');
}

function inScope(scope: FaultScope, target: FaultTarget): boolean {
  if (scope.method && scope.method !== target.method.toUpperCase()) return false;
  if (!scope.route) return true;
  if (scope.route.includes('/')) return globToRegex(scope.route).test(target.path);
  return scope.route === target.operationId;
}

function reason(status: number): string {
  return `Simulated fault: ${status} ${STATUS_CODES[status] ?? 'Error'}.`;
}

/**
 * The fault settings of one simulator, changed through the handle (`sim.faults.failNext(...)`)
 * or `/_sim/faults`. Time-limited faults (outage) end on their own; nothing runs a timer.
 */
export class FaultController {
  private latencyFault: LatencyFault | undefined;
  private errorRateFault: ErrorRateFault | undefined;
  private failQueue: FailNextFault[] = [];
  private dropQueue: DropNextFault[] = [];
  private outageFault: (OutageFault & { until: number }) | undefined;
  private random: () => number;
  private readonly seed: number | undefined;

  constructor(options?: FaultOptions, seed?: number) {
    this.seed = seed;
    this.random = createRng(seed);
    if (options) this.set(options);
  }

  /** Replaces all fault settings (kinds not given are cleared). */
  set(options: FaultOptions): void {
    const n = normalizeFaultOptions(options);
    this.clear();
    this.update(n);
  }

  /** Changes only the kinds present in `options` (`null` clears a kind). */
  update(options: FaultOptions): void {
    const n = normalizeFaultOptions(options);
    if (n.latency !== undefined) this.latencyFault = n.latency ?? undefined;
    if (n.errorRate !== undefined) this.applyErrorRate(n.errorRate ?? undefined);
    if (n.outage !== undefined) this.applyOutage(n.outage ?? undefined);
    if (n.failNext !== undefined) this.failQueue = n.failNext.filter((f) => f.count > 0);
    if (n.dropNext !== undefined) this.dropQueue = n.dropNext.filter((f) => f.count > 0);
  }

  /** Removes every fault and re-seeds the random generator. */
  clear(): void {
    this.latencyFault = undefined;
    this.errorRateFault = undefined;
    this.failQueue = [];
    this.dropQueue = [];
    this.outageFault = undefined;
    this.random = createRng(this.seed);
  }

  /** Adds `ms` (plus 0..jitter) milliseconds to every matching request; `latency(0)` removes it. */
  latency(ms: number, options: Omit<LatencyFault, 'ms'> = {}): void {
    this.latencyFault = ms > 0 || options.jitter ? normalizeLatency({ ...options, ms }) : undefined;
  }

  /** Fails a share (0..1) of matching requests with `status` (default 500); `errorRate(0)` removes it. */
  errorRate(rate: number, options: Omit<ErrorRateFault, 'rate'> = {}): void {
    this.applyErrorRate(rate > 0 ? normalizeErrorRate({ ...options, rate }) : undefined);
  }

  /** The next `count` matching requests get `status` (default 503), with `Retry-After` if given. */
  failNext(count: number, options: Omit<FailNextFault, 'count'> = {}): void {
    const fault = normalizeFailNext({ ...options, count });
    if (fault.count > 0) this.failQueue.push(fault);
  }

  /** The next `count` matching connections are destroyed before or after handling. */
  dropNext(count: number, options: Omit<DropNextFault, 'count'> = {}): void {
    const fault = normalizeDropNext({ ...options, count });
    if (fault.count > 0) this.dropQueue.push(fault);
  }

  /** Every matching request is dropped (or answered with `status`) for `ms` milliseconds from now. */
  outage(ms: number, options: Omit<OutageFault, 'ms'> = {}): void {
    this.applyOutage(normalizeOutage({ ...options, ms }));
  }

  /** Ends an outage early. */
  endOutage(): void {
    this.outageFault = undefined;
  }

  private applyErrorRate(fault: ErrorRateFault | undefined): void {
    this.errorRateFault = fault;
    if (fault?.seed !== undefined) this.random = createRng(fault.seed);
  }

  private applyOutage(fault: OutageFault | undefined): void {
    this.outageFault = fault && fault.ms > 0 ? { ...fault, until: Date.now() + fault.ms } : undefined;
  }

  /** The settings as they stand (remaining counts, remaining outage time). */
  state(now = Date.now()): FaultState {
    const state: FaultState = {
      failNext: this.failQueue.map((f) => ({ ...f })),
      dropNext: this.dropQueue.map((f) => ({ ...f })),
    };
    if (this.latencyFault) state.latency = { ...this.latencyFault };
    if (this.errorRateFault) state.errorRate = { ...this.errorRateFault };
    const outage = this.activeOutage(now);
    if (outage) {
      const { until, ...rest } = outage;
      state.outage = { ...rest, ms: until - now, until: new Date(until).toISOString() };
    }
    return state;
  }

  private activeOutage(now: number): (OutageFault & { until: number }) | undefined {
    if (this.outageFault && now >= this.outageFault.until) this.outageFault = undefined;
    return this.outageFault;
  }

  private take<T extends FaultScope & { count: number }>(queue: T[], target: FaultTarget, when?: (f: T) => boolean): T | undefined {
    const index = queue.findIndex((f) => f.count > 0 && inScope(f, target) && (!when || when(f)));
    if (index < 0) return undefined;
    const fault = queue[index]!;
    fault.count--;
    if (fault.count === 0) queue.splice(index, 1);
    return fault;
  }

  /** Decides (and consumes counted faults) for one incoming `/api` request. */
  decide(target: FaultTarget, now = Date.now()): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, dropAfter: false };
    const latency = this.latencyFault;
    if (latency && inScope(latency, target)) {
      // Jitter has its own randomness so it never shifts the seeded error-rate sequence.
      decision.latencyMs = latency.ms + (latency.jitter ? Math.random() * latency.jitter : 0);
    }
    const outage = this.activeOutage(now);
    if (outage && inScope(outage, target)) {
      if (outage.status === undefined) decision.action = { kind: 'drop', fault: 'outage' };
      else {
        const retryAfter = Math.max(1, Math.ceil((outage.until - now) / 1000));
        decision.action = { kind: 'status', fault: 'outage', status: outage.status, message: reason(outage.status), retryAfter };
      }
      return decision;
    }
    if (this.take(this.dropQueue, target, (f) => f.when !== 'after')) {
      decision.action = { kind: 'drop', fault: 'dropBefore' };
      return decision;
    }
    const fail = this.take(this.failQueue, target);
    if (fail) {
      const status = fail.status ?? 503;
      decision.action = { kind: 'status', fault: 'failNext', status, message: fail.message ?? reason(status) };
      if (fail.retryAfter !== undefined) decision.action.retryAfter = fail.retryAfter;
      return decision;
    }
    const rate = this.errorRateFault;
    if (rate && inScope(rate, target) && this.random() < rate.rate) {
      const status = rate.status ?? 500;
      decision.action = { kind: 'status', fault: 'errorRate', status, message: reason(status) };
      if (rate.retryAfter !== undefined) decision.action.retryAfter = rate.retryAfter;
      return decision;
    }
    decision.dropAfter = this.take(this.dropQueue, target, (f) => f.when === 'after') !== undefined;
    return decision;
  }
}
