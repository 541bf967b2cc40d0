/**
 * Confidence intervals for counts and rates (Public Health England / OHID methods): Byar's
 * approximation for counts of 10 or more, the exact Poisson interval (chi-square) below 10.
 */

/** Standard normal quantile for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

/** P(X ≤ k) for X ~ Poisson(lambda), summed in log space so large lambda does not underflow. */
export function poissonCdf(k: number, lambda: number): number {
  if (k < 0) return 0;
  if (lambda === 0) return 1;
  const logs: number[] = [-lambda];
  for (let i = 1; i <= k; i++) logs.push(logs[i - 1]! + Math.log(lambda / i));
  const max = Math.max(...logs);
  const sum = logs.reduce((s, l) => s + Math.exp(l - max), 0);
  return Math.min(1, Math.exp(max + Math.log(sum)));
}

/** The lambda at which a decreasing function of lambda crosses `target`, by bisection. */
function solveDecreasing(f: (lambda: number) => number, target: number, hi: number): number {
  let lo = 0;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Exact Poisson 95% interval for an observed count (equivalent to the chi-square formulation). */
export function exactPoissonInterval(count: number): { lower: number; upper: number } {
  const alpha = 0.05;
  const hi = count + 50 + 10 * Math.sqrt(count + 1);
  // Upper: P(X ≤ count | U) = α/2. Lower: P(X ≥ count | L) = α/2, i.e. P(X ≤ count − 1 | L) = 1 − α/2.
  const upper = solveDecreasing((l) => poissonCdf(count, l), alpha / 2, hi);
  const lower = count === 0 ? 0 : solveDecreasing((l) => poissonCdf(count - 1, l), 1 - alpha / 2, hi);
  return { lower, upper };
}

/** Byar's approximation to the 95% interval for a count. */
export function byarInterval(count: number, z = Z_95): { lower: number; upper: number } {
  const o = count;
  const lower = o === 0 ? 0 : o * Math.pow(1 - 1 / (9 * o) - z / (3 * Math.sqrt(o)), 3);
  const o1 = o + 1;
  const upper = o1 * Math.pow(1 - 1 / (9 * o1) + z / (3 * Math.sqrt(o1)), 3);
  return { lower, upper };
}

/** 95% interval for a count: Byar for counts ≥ 10, exact Poisson below. */
export function countInterval(count: number): { lower: number; upper: number } {
  return count >= 10 ? byarInterval(count) : exactPoissonInterval(count);
}

/** A rate per `per` population with its 95% interval; nulls when the population is unknown or zero. */
export function rateWithInterval(
  count: number,
  population: number | null,
  per: number,
): { rate: number | null; lower: number | null; upper: number | null } {
  if (population === null || !(population > 0)) return { rate: null, lower: null, upper: null };
  const { lower, upper } = countInterval(count);
  return { rate: (count / population) * per, lower: (lower / population) * per, upper: (upper / population) * per };
}
