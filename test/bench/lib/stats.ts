/** Timing helpers for the benchmarks: warm up, then sample; report median and p99. */
export interface Sample {
  median: number;
  p99: number;
  n: number;
}

export const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

export async function sample(
  iterations: number,
  run: () => Promise<unknown>,
  warmup = Math.min(50, iterations),
): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: quantile(times, 0.5), p99: quantile(times, 0.99), n: iterations };
}

/**
 * Samples two functions in alternation (a, b, a, b, ...) so that anything that changes during the
 * run (a JIT warming up, a database growing, a neighbour on the CPU) weighs on both alike.
 */
export async function samplePair(
  iterations: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  warmup = Math.min(50, iterations),
): Promise<[Sample, Sample]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < iterations; i++) {
    for (const [index, run] of [a, b].entries()) {
      const started = performance.now();
      await run();
      times[index]!.push(performance.now() - started);
    }
  }
  return times.map((list) => {
    list.sort((x, y) => x - y);
    return { median: quantile(list, 0.5), p99: quantile(list, 0.99), n: iterations };
  }) as [Sample, Sample];
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;
export const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}x`;

/** Median, p90 and p99 of a list of timings (any order). */
export interface Spread {
  median: number;
  p90: number;
  p99: number;
  n: number;
}

export function spread(times: readonly number[]): Spread {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    n: sorted.length,
  };
}

/**
 * The two-sample Kolmogorov–Smirnov statistic: the largest distance between the two empirical
 * distribution functions, with its critical value at α = 0.05 (asymptotic, 1.358·√((n+m)/(n·m))).
 */
export function kolmogorovSmirnov(a: readonly number[], b: readonly number[]): { d: number; dCrit: number } {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const value = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= value) i++;
    while (j < y.length && y[j]! <= value) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const n = x.length;
  const m = y.length;
  return { d, dCrit: 1.358 * Math.sqrt((n + m) / (n * m)) };
}
