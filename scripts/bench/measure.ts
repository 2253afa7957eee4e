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
