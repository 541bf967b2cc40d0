/**
 * Comparing two counts: the rate ratio with its exact 95% interval and p-value, and the plain-English
 * sentence that goes with it.
 *
 * The method is the conditional (binomial) test of two Poisson rates — given the total O₁ + O₀, O₁ is
 * binomial with p = E₁·RR / (E₁·RR + E₀) — which is what R's `poisson.test(c(O1, O0), c(E1, E0))`
 * computes. It is exact, so it behaves at the small counts a district or a month often has, where the
 * log-normal approximation does not.
 */
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import binomialPmf from '@stdlib/stats-base-dists-binomial-pmf';

/** A count over an exposure (population × time, or just days when the population does not change). */
export interface CountOver {
  count: number;
  exposure: number;
}

export interface RateRatio {
  /** (O₁/E₁) / (O₀/E₀); null when it is undefined (nothing in the reference, or both zero). */
  ratio: number | null;
  lower: number | null;
  upper: number | null;
  /** Two-sided exact p-value for "the rates are equal"; null when there is nothing to compare. */
  pValue: number | null;
}

const ALPHA = 0.05;

/** Exact two-sided binomial test p-value (as R's binom.test: sum of outcomes no more likely than x). */
function binomialTwoSidedP(x: number, n: number, p: number): number {
  if (p === 0) return x === 0 ? 1 : 0;
  if (p === 1) return x === n ? 1 : 0;
  const relErr = 1 + 1e-7;
  const d = binomialPmf(x, n, p);
  const m = n * p;
  if (x === m) return 1;
  if (x < m) {
    let y = 0;
    for (let i = Math.ceil(m); i <= n; i++) if (binomialPmf(i, n, p) <= d * relErr) y++;
    return Math.min(1, binomialCdf(x, n, p) + (y > 0 ? 1 - binomialCdf(n - y, n, p) : 0));
  }
  let y = 0;
  for (let i = 0; i <= Math.floor(m); i++) if (binomialPmf(i, n, p) <= d * relErr) y++;
  return Math.min(1, (y > 0 ? binomialCdf(y - 1, n, p) : 0) + (x > 0 ? 1 - binomialCdf(x - 1, n, p) : 1));
}

/** Rate ratio of `current` to `reference`, with exact 95% limits and p-value. */
export function rateRatio(current: CountOver, reference: CountOver): RateRatio {
  const { count: x1, exposure: e1 } = current;
  const { count: x0, exposure: e0 } = reference;
  if (!(e1 > 0) || !(e0 > 0) || x0 === 0) {
    return { ratio: null, lower: null, upper: null, pValue: null };
  }
  const n = x1 + x0;
  // Limits on p = x1 / n (Clopper–Pearson), turned back into a ratio of rates.
  const toRatio = (p: number) => (p / (1 - p)) * (e0 / e1);
  const pLower = x1 === 0 ? 0 : betaQuantile(ALPHA / 2, x1, n - x1 + 1);
  const pUpper = betaQuantile(1 - ALPHA / 2, x1 + 1, n - x1);
  return {
    ratio: x1 / e1 / (x0 / e0),
    lower: toRatio(pLower),
    upper: toRatio(pUpper),
    pValue: binomialTwoSidedP(x1, n, e1 / (e1 + e0)),
  };
}

export type ChangeVerdict = 'significant_decrease' | 'significant_increase' | 'no_significant_change' | 'not_comparable';

/** Whole percentages, with one decimal place below 10% so small changes are not shown as 0%. */
function pct(fraction: number): string {
  const v = Math.abs(fraction) * 100;
  return v < 9.95 ? v.toFixed(1).replace(/\.0$/, '') : v.toFixed(0);
}

/**
 * The verdict and sentence for a rate ratio: "fell 18% (95% CI 10–25%), statistically significant".
 * A change whose interval includes no change is always called not statistically significant, however
 * large the point estimate; nothing in the reference period is "not comparable", never "up ∞%".
 */
export function describeChange(rr: RateRatio, reference: CountOver): { verdict: ChangeVerdict; sentence: string } {
  if (rr.ratio === null || rr.lower === null || rr.upper === null) {
    return {
      verdict: 'not_comparable',
      sentence: reference.count === 0 ? 'not comparable: none in the comparison period' : 'not comparable: no exposure',
    };
  }
  const change = rr.ratio - 1;
  if (rr.upper < 1) {
    return { verdict: 'significant_decrease', sentence: `fell ${pct(change)}% (95% CI ${pct(1 - rr.upper)}–${pct(1 - rr.lower)}%), statistically significant` };
  }
  if (rr.lower > 1) {
    return { verdict: 'significant_increase', sentence: `rose ${pct(change)}% (95% CI ${pct(rr.lower - 1)}–${pct(rr.upper - 1)}%), statistically significant` };
  }
  const direction = change < 0 ? `fell ${pct(change)}%` : change > 0 ? `rose ${pct(change)}%` : 'did not change';
  const signed = (f: number) => `${f < 0 ? '−' : '+'}${pct(f)}%`;
  return {
    verdict: 'no_significant_change',
    sentence: `${direction} (95% CI ${signed(rr.lower - 1)} to ${signed(rr.upper - 1)}), not statistically significant`,
  };
}
