/**
 * Descriptive statistics and process capability of measurement values, as SPC tools compute
 * them: sample standard deviation (n − 1; 0 for a single value), quartiles by linear
 * interpolation, Cp = (USL − LSL) / 6σ, Cpu = (USL − x̄) / 3σ, Cpl = (x̄ − LSL) / 3σ,
 * Cpk = min(Cpu, Cpl) (the one that exists for a one-sided limit). Capability needs σ > 0.
 */
export interface Summary {
  count: number;
  min: number;
  max: number;
  avg: number;
  sum: number;
  /** Sum of squares. */
  sum2: number;
  stdev: number;
  var: number;
  median: number;
  q1: number;
  q3: number;
  /** x̄ − 3σ and x̄ + 3σ. */
  sigmaLow3: number;
  sigmaHigh3: number;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Statistics of a list of values, or undefined when it is empty. */
export function summarize(values: number[]): Summary | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const sum = values.reduce((a, b) => a + b, 0);
  const sum2 = values.reduce((a, b) => a + b * b, 0);
  const avg = sum / n;
  const variance = n < 2 ? 0 : values.reduce((a, b) => a + (b - avg) ** 2, 0) / (n - 1);
  const stdev = Math.sqrt(variance);
  return {
    count: n,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    avg,
    sum,
    sum2,
    stdev,
    var: variance,
    median: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    sigmaLow3: avg - 3 * stdev,
    sigmaHigh3: avg + 3 * stdev,
  };
}

/** Specification limits implied by a WATS comparison operator and its limits. */
export function specLimits(compOp: string | undefined, low?: number, high?: number): { lsl?: number; usl?: number } {
  const op = (compOp ?? '').toUpperCase();
  switch (op) {
    case 'GELE': case 'GELT': case 'GTLE': case 'GTLT':
      return { ...(low !== undefined ? { lsl: low } : {}), ...(high !== undefined ? { usl: high } : {}) };
    case 'GE': case 'GT':
      return low !== undefined ? { lsl: low } : {};
    // Single-limit operators keep their limit in lowLimit, LT/LE included.
    case 'LE': case 'LT':
      return low !== undefined ? { usl: low } : {};
    case 'EQT':
      return low !== undefined && high !== undefined ? { lsl: low - high, usl: low + high } : {};
    default:
      return {};
  }
}

export interface Capability {
  cp?: number;
  cpk?: number;
  cpl?: number;
  cpu?: number;
}

export function capability(s: Summary, limits: { lsl?: number; usl?: number }): Capability {
  if (!(s.stdev > 0)) return {};
  const out: Capability = {};
  if (limits.usl !== undefined) out.cpu = (limits.usl - s.avg) / (3 * s.stdev);
  if (limits.lsl !== undefined) out.cpl = (s.avg - limits.lsl) / (3 * s.stdev);
  if (limits.usl !== undefined && limits.lsl !== undefined) out.cp = (limits.usl - limits.lsl) / (6 * s.stdev);
  const sides = [out.cpu, out.cpl].filter((v): v is number => v !== undefined);
  if (sides.length > 0) out.cpk = Math.min(...sides);
  return out;
}

/** min/avg/max of step times, when any are known. */
export function timeStats(times: Array<number | undefined>): { stepTimeMin?: number; stepTimeAvg?: number; stepTimeMax?: number } {
  const known = times.filter((t): t is number => t !== undefined);
  if (known.length === 0) return {};
  return {
    stepTimeMin: known.reduce((a, b) => Math.min(a, b)),
    stepTimeAvg: known.reduce((a, b) => a + b, 0) / known.length,
    stepTimeMax: known.reduce((a, b) => Math.max(a, b)),
  };
}
