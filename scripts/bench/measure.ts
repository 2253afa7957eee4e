/** Median wall time of `fn` over repeated runs (at least `minRuns`, and at least `minMs` in total). */
export async function timeIt(fn: () => Promise<unknown> | unknown, minMs = 400, minRuns = 3): Promise<number> {
  const times: number[] = [];
  const started = performance.now();
  while (times.length < minRuns || performance.now() - started < minMs) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    if (times.length > 2000) break;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 2 ** 20 / (ms / 1000);
}

export function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}

/**
 * Median wall times of two functions measured alternately (a, b, a, b, ...), so that load from
 * elsewhere on the machine hits both alike and their ratio stays steady. Both are first warmed
 * up alike (alternately, at least two rounds and a third of `minMs`), so that the medians are of
 * compiled code, not of the JIT's first tiers.
 */
export async function timePair(
  a: () => Promise<unknown> | unknown,
  b: () => Promise<unknown> | unknown,
  minMs = 400,
  minRuns = 5,
): Promise<[number, number]> {
  const warmStarted = performance.now();
  for (let i = 0; i < 2 || performance.now() - warmStarted < minMs / 3; i++) {
    await a(); // warm-up
    await b();
    if (i > 2000) break;
  }
  const ta: number[] = [];
  const tb: number[] = [];
  const started = performance.now();
  while (ta.length < minRuns || performance.now() - started < minMs) {
    let t0 = performance.now();
    await a();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    await b();
    tb.push(performance.now() - t0);
    if (ta.length > 2000) break;
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [median(ta), median(tb)];
}
