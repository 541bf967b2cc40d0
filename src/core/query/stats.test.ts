import { describe, expect, it } from 'vitest';
import { byarInterval, countInterval, exactPoissonInterval, poissonCdf, rateWithInterval } from './stats.js';

// Exact Poisson limits = chi-square quantiles / 2 (PHE "Confidence intervals for counts", tables of
// chi-square: e.g. χ²(0.025, 10)/2 = 1.6235, χ²(0.975, 12)/2 = 11.6683).
const EXACT: [number, number, number][] = [
  [0, 0, 3.6889],
  [1, 0.0253, 5.5716],
  [2, 0.2422, 7.2247],
  [5, 1.6235, 11.6683],
  [7, 2.8143, 14.4227],
  [9, 4.1154, 17.0848],
  [10, 4.7954, 18.3904],
];

describe('confidence intervals for counts', () => {
  it('reproduces exact Poisson limits to 4 decimal places', () => {
    for (const [o, lower, upper] of EXACT) {
      const ci = exactPoissonInterval(o);
      expect(ci.lower, `lower ${o}`).toBeCloseTo(lower, 3);
      expect(ci.upper, `upper ${o}`).toBeCloseTo(upper, 3);
    }
  });

  it("computes Byar's approximation by hand and it stays within 0.5% of exact from 10 up", () => {
    // O = 10: 10 × (1 − 1/90 − 1.96/(3√10))³ and 11 × (1 − 1/99 + 1.96/(3√11))³.
    const ci = byarInterval(10);
    expect(ci.lower).toBeCloseTo(10 * (1 - 1 / 90 - 1.959963984540054 / (3 * Math.sqrt(10))) ** 3, 10);
    expect(ci.lower).toBeCloseTo(4.7874, 3);
    expect(ci.upper).toBeCloseTo(18.3915, 3);
    for (const o of [10, 25, 100, 1000]) {
      const exact = exactPoissonInterval(o);
      const byar = byarInterval(o);
      expect(Math.abs(byar.lower - exact.lower) / exact.lower).toBeLessThan(0.005);
      expect(Math.abs(byar.upper - exact.upper) / exact.upper).toBeLessThan(0.005);
    }
  });

  it('uses exact below 10 and Byar from 10', () => {
    expect(countInterval(9)).toEqual(exactPoissonInterval(9));
    expect(countInterval(10)).toEqual(byarInterval(10));
  });

  it('Poisson CDF and rates', () => {
    expect(poissonCdf(0, 2)).toBeCloseTo(Math.exp(-2), 12);
    expect(poissonCdf(2, 2)).toBeCloseTo(5 * Math.exp(-2), 12);
    const r = rateWithInterval(5, 2000, 1000);
    expect(r.rate).toBeCloseTo(2.5, 12);
    expect(r.lower).toBeCloseTo(1.6235 / 2, 3);
    expect(r.upper).toBeCloseTo(11.6683 / 2, 3);
    expect(rateWithInterval(5, null, 1000)).toEqual({ rate: null, lower: null, upper: null });
    expect(rateWithInterval(5, 0, 1000)).toEqual({ rate: null, lower: null, upper: null });
  });
});
