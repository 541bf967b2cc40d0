/**
 * Emerging hot spots: Gi* in every period, then the Mann–Kendall trend of each unit's Gi* series, then
 * a category from the ArcGIS Pro "emerging hot spot analysis" definitions as implemented in R sfdep
 * (classify_hotspot, R/emerging-hostpot-classifications.R), checked in sfdep's order:
 *
 *   new          significant only in the final period, and hot (cold) there;
 *   consecutive  a single run of ≥ 2 hot periods ending in the final one, nothing significant before,
 *                hot in < 90% of periods;
 *   intensifying hot in ≥ 90% of periods including the final one, Gi* rising significantly;
 *   persistent   hot in ≥ 90% of periods, no significant trend;
 *   diminishing  hot in ≥ 90% of periods including the final one, Gi* falling significantly;
 *   oscillating  hot in the final period, cold in some earlier one, hot in < 90% of periods;
 *   historical   hot in ≥ 90% of periods but not in the final one;
 *   sporadic     hot in some periods (< 90%), never cold;
 *   none         none of these.
 * Cold spots mirror each rule (for intensifying/diminishing, "rising" means colder: Gi* falling).
 *
 * Where sfdep departs from the ArcGIS text, the ArcGIS text is followed: the 90% and the final-period
 * tests count hot (or cold) periods, not periods significant either way; a consecutive run is of hot
 * periods; historical needs only that the final period is not hot. Significance and the trend test use
 * the same level `alpha` (sfdep's `threshold`). Unlike sfdep, Gi* here has no time-lagged neighbours
 * and uses the normal p-value (optionally FDR-adjusted per period), not a permutation p-value.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { giStarAnalysis } from './gistar.js';
import type { Neighbours } from './weights.js';

export interface MannKendall {
  /** S = Σ_{i<j} sign(xⱼ − xᵢ). */
  s: number;
  /** Var(S) with the correction for ties. */
  variance: number;
  /** Kendall's tau-b of the series against time. */
  tau: number;
  /** (S − sign S) / √Var(S), continuity-corrected. */
  z: number;
  /** Two-sided p-value from the normal approximation. */
  p: number;
}

/**
 * Mann–Kendall trend test, normal approximation with continuity and ties corrections (as R
 * cor.test(x, seq_along(x), method = "kendall", exact = FALSE, continuity = TRUE)).
 */
export function mannKendall(series: ArrayLike<number>): MannKendall {
  const n = series.length;
  if (n < 3) throw new RangeError(`a trend needs at least 3 periods, got ${n}`);
  let s = 0;
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) s += Math.sign(series[j]! - series[i]!);
  const tieCounts = new Map<number, number>();
  for (let i = 0; i < n; i++) tieCounts.set(series[i]!, (tieCounts.get(series[i]!) ?? 0) + 1);
  let tieVariance = 0;
  let tiedPairs = 0;
  for (const t of tieCounts.values()) {
    tieVariance += t * (t - 1) * (2 * t + 5);
    tiedPairs += (t * (t - 1)) / 2;
  }
  const variance = (n * (n - 1) * (2 * n + 5) - tieVariance) / 18;
  const pairs = (n * (n - 1)) / 2;
  const tau = pairs - tiedPairs > 0 ? s / Math.sqrt((pairs - tiedPairs) * pairs) : 0;
  if (variance <= 0) return { s, variance, tau, z: 0, p: 1 };
  const z = (s - Math.sign(s)) / Math.sqrt(variance);
  return { s, variance, tau, z, p: 2 * normalCdf(-Math.abs(z), 0, 1) };
}

export const EMERGING_PATTERNS = ['new', 'consecutive', 'intensifying', 'persistent', 'diminishing', 'oscillating', 'historical', 'sporadic', 'none'] as const;
export type EmergingPattern = (typeof EMERGING_PATTERNS)[number];

export interface EmergingClass {
  pattern: EmergingPattern;
  /** Hot or cold spot pattern; null for `none`. */
  direction: 'hot' | 'cold' | null;
}

/**
 * The category of one unit from its Gi* z-scores per period (oldest first), which periods were
 * significant, and the Mann–Kendall trend of the z-scores.
 */
export function classifyEmerging(z: ArrayLike<number>, significant: ArrayLike<boolean>, trend: { tau: number; p: number }, alpha: number): EmergingClass {
  const n = z.length;
  const hot = Array.from({ length: n }, (_, i) => significant[i]! && z[i]! > 0);
  const cold = Array.from({ length: n }, (_, i) => significant[i]! && z[i]! < 0);
  const anySignificant = hot.map((h, i) => h || cold[i]!);
  const trendUp = trend.tau > 0 && trend.p <= alpha;
  const trendDown = trend.tau < 0 && trend.p <= alpha;
  const noTrend = !(trend.p <= alpha);

  const rules = (is: boolean[], other: boolean[], towards: boolean, away: boolean): EmergingPattern | null => {
    const share = is.filter(Boolean).length / n;
    const last = is[n - 1]!;
    if (last && anySignificant.filter(Boolean).length === 1) return 'new';
    if (last) {
      let run = 0;
      while (run < n && is[n - 1 - run]) run++;
      if (run >= 2 && anySignificant.slice(0, n - run).every((x) => !x) && share < 0.9) return 'consecutive';
    }
    if (share >= 0.9 && last && towards) return 'intensifying';
    if (share >= 0.9 && noTrend) return 'persistent';
    if (share >= 0.9 && last && away) return 'diminishing';
    if (last && share < 0.9 && other.some(Boolean)) return 'oscillating';
    if (share >= 0.9 && !last) return 'historical';
    if (share > 0 && share < 0.9 && !other.some(Boolean)) return 'sporadic';
    return null;
  };
  const hotPattern = rules(hot, cold, trendUp, trendDown);
  if (hotPattern) return { pattern: hotPattern, direction: 'hot' };
  const coldPattern = rules(cold, hot, trendDown, trendUp);
  if (coldPattern) return { pattern: coldPattern, direction: 'cold' };
  return { pattern: 'none', direction: null };
}

export interface EmergingUnit extends EmergingClass {
  /** Mann–Kendall tau and p-value of the unit's Gi* series. */
  tau: number;
  trendP: number;
  hotPeriods: number;
  coldPeriods: number;
  /** Gi* in the final period. */
  finalZ: number;
}

export interface EmergingOptions {
  /** Significance level for both the hot/cold test per period and the trend test (default 0.05). */
  alpha?: number;
  /** Benjamini–Hochberg correction of each period's Gi* p-values. */
  fdr?: boolean;
}

/**
 * Emerging hot spot categories for every unit. `valuesByPeriod[t][i]` is unit i's value in period t
 * (oldest first); the neighbours are the same in every period.
 */
export function emergingHotspots(valuesByPeriod: readonly ArrayLike<number>[], w: Neighbours, options: EmergingOptions = {}): EmergingUnit[] {
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);
  const periods = valuesByPeriod.length;
  if (periods < 3) throw new RangeError(`emerging hot spots need at least 3 periods, got ${periods}`);
  const perPeriod = valuesByPeriod.map((values) => giStarAnalysis(values, w, { fdr: options.fdr ?? false }));
  const units: EmergingUnit[] = [];
  for (let i = 0; i < w.n; i++) {
    // A period where Gi* is undefined (every unit equal) is neither hot nor cold and counts as no change.
    const z = perPeriod.map((r) => (Number.isNaN(r.z[i]!) ? 0 : r.z[i]!));
    const significant = perPeriod.map((r) => (options.fdr ? r.pFdr[i]! : r.p[i]!) <= alpha);
    const trend = mannKendall(z);
    const category = classifyEmerging(z, significant, trend, alpha);
    units.push({
      ...category,
      tau: trend.tau,
      trendP: trend.p,
      hotPeriods: z.filter((v, t) => significant[t] && v > 0).length,
      coldPeriods: z.filter((v, t) => significant[t] && v < 0).length,
      finalZ: z[periods - 1]!,
    });
  }
  return units;
}
