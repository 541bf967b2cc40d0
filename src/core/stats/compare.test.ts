import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeChange, rateRatio } from './compare.js';

interface Case { x1: number; x0: number; e1: number; e0: number; ratio: number; lower: number; upper: number; p: number }
const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/stats/poisson-test.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('rateRatio agrees with R poisson.test', () => {
  it.each(fixture.cases)('$x1/$e1 vs $x0/$e0', (c) => {
    const rr = rateRatio({ count: c.x1, exposure: c.e1 }, { count: c.x0, exposure: c.e0 });
    expect(rr.ratio).toBeCloseTo(c.ratio, 10);
    expect(rr.lower).toBeCloseTo(c.lower, 8);
    expect(rr.upper).toBeCloseTo(c.upper, 8);
    expect(rr.pValue).toBeCloseTo(c.p, 8);
  });

  it('is not comparable when the reference period had none', () => {
    expect(rateRatio({ count: 4, exposure: 1 }, { count: 0, exposure: 1 }).ratio).toBeNull();
  });
});

describe('describeChange never overstates', () => {
  const words = (x1: number, x0: number) => describeChange(rateRatio({ count: x1, exposure: 1 }, { count: x0, exposure: 1 }), { count: x0, exposure: 1 });

  it('calls a significant fall a fall with its interval in the same direction', () => {
    const { verdict, sentence } = words(1000, 1210);
    expect(verdict).toBe('significant_decrease');
    expect(sentence).toBe('fell 17% (95% CI 10–24%), statistically significant');
  });

  it('calls a large but uncertain change not significant', () => {
    const { verdict, sentence } = words(5, 12);
    expect(verdict).toBe('no_significant_change');
    expect(sentence).toBe('fell 58% (95% CI −89% to +27%), not statistically significant');
  });

  it('calls a significant rise a rise', () => {
    expect(words(260, 200)).toEqual({ verdict: 'significant_increase', sentence: 'rose 30% (95% CI 7.7–57%), statistically significant' });
  });

  it('says when there is nothing to compare with', () => {
    expect(words(3, 0)).toEqual({ verdict: 'not_comparable', sentence: 'not comparable: none in the comparison period' });
  });
});
