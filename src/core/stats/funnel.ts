/**
 * Funnel-plot control limits for comparing areas' rates (Spiegelhalter, "Funnel plots for comparing
 * institutional performance", Statistics in Medicine 2005), for Poisson counts: around the overall
 * rate, an area with expected count E is "in control" at level p when its observed count lies inside
 * the Poisson quantiles of E, interpolated so the limits are smooth in E (Spiegelhalter's eq. for
 * discrete data: r_p with P(X ≤ r_p) ≥ p, α = (P(X ≤ r_p) − p) / (P(X = r_p)), limit = r_p − α).
 */
import { poissonCdf } from '../query/stats.js';

/** The interpolated p-quantile of a Poisson(expected) count. */
export function poissonLimit(expected: number, p: number): number {
  if (expected <= 0) return 0;
  // Start near the normal approximation and walk to the first r with P(X ≤ r) ≥ p.
  let r = Math.max(0, Math.floor(expected - 10 * Math.sqrt(expected) - 10));
  let cdf = poissonCdf(r, expected);
  // Walk up adding P(X = r) (updated by the ratio λ / r) rather than recomputing the CDF, which costs
  // O(r) each step: limits for expected counts in the thousands (a quarter of a large area) stay fast.
  let pmf = r === 0 ? Math.exp(-expected) : cdf - poissonCdf(r - 1, expected);
  while (cdf < p) {
    r++;
    pmf *= expected / r;
    cdf += pmf;
  }
  const below = r > 0 ? cdf - pmf : 0;
  const alpha = (cdf - p) / (cdf - below);
  return Math.max(0, r - alpha);
}

export interface FunnelLimits {
  /** Limits on the rate (same units as the target rate). */
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
}

/** Limits on an area's rate given the overall `targetRate` and the area's population (rate = count / population × per). */
export function funnelLimits(targetRate: number, population: number, per: number): FunnelLimits {
  const expected = (targetRate * population) / per;
  const asRate = (count: number) => (count / population) * per;
  return {
    lower95: asRate(poissonLimit(expected, 0.025)),
    upper95: asRate(poissonLimit(expected, 0.975)),
    lower998: asRate(poissonLimit(expected, 0.001)),
    upper998: asRate(poissonLimit(expected, 0.999)),
  };
}

export type FunnelPosition = 'above_99.8' | 'above_95' | 'within' | 'below_95' | 'below_99.8';

export function funnelPosition(rate: number, limits: FunnelLimits): FunnelPosition {
  if (rate > limits.upper998) return 'above_99.8';
  if (rate > limits.upper95) return 'above_95';
  if (rate < limits.lower998) return 'below_99.8';
  if (rate < limits.lower95) return 'below_95';
  return 'within';
}
