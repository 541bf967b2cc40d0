import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { funnelLimits, funnelPosition, poissonLimit } from './funnel.js';

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/stats/funnel-poisson.json', import.meta.url), 'utf8')) as {
  cases: { expected: number; p: number; limit: number }[];
};

describe('funnel-plot limits', () => {
  it.each(fixture.cases)('Poisson limit for E=$expected at p=$p agrees with R', ({ expected, p, limit }) => {
    expect(poissonLimit(expected, p)).toBeCloseTo(limit, 8);
  });

  it('narrow around the target as the population grows', () => {
    const small = funnelLimits(5, 2_000, 1000);
    const large = funnelLimits(5, 200_000, 1000);
    expect(small.upper95 - small.lower95).toBeGreaterThan(large.upper95 - large.lower95);
    expect(large.lower95).toBeLessThan(5);
    expect(large.upper95).toBeGreaterThan(5);
    // Large expected counts approach the normal approximation: 1000 ± 1.96·√1000.
    expect(large.upper95).toBeCloseTo(5 * (1 + 1.96 / Math.sqrt(1000)), 1);
    expect(small.lower998).toBeLessThan(small.lower95);
  });

  it('places a rate against the limits', () => {
    const limits = funnelLimits(5, 20_000, 1000); // expected 100
    expect(funnelPosition(5, limits)).toBe('within');
    expect(funnelPosition(6.2, limits)).toBe('above_95');
    expect(funnelPosition(7, limits)).toBe('above_99.8');
    expect(funnelPosition(3.9, limits)).toBe('below_95');
    expect(funnelPosition(3, limits)).toBe('below_99.8');
  });
});
