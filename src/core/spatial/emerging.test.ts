import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyEmerging, emergingHotspots, mannKendall } from './emerging.js';
import { neighboursFromLists } from './weights.js';

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/spatial/mann-kendall.json', import.meta.url), 'utf8')) as {
  series: Record<string, { x: number[]; tau: number; z: number; p: number }>;
};

describe('Mann–Kendall agrees with R cor.test(kendall, exact = FALSE, continuity = TRUE)', () => {
  it.each(Object.entries(fixture.series))('%s', (_, ref) => {
    const mk = mannKendall(ref.x);
    expect(mk.tau).toBeCloseTo(ref.tau, 12);
    expect(mk.z).toBeCloseTo(ref.z, 12);
    expect(mk.p).toBeCloseTo(ref.p, 12);
  });
  it('gives S and its variance by hand on a short series', () => {
    // 1, 3, 2, 4: S = (+1 +1 +1) + (−1 +1) + (+1) = 4; Var = 4·3·13/18.
    const mk = mannKendall([1, 3, 2, 4]);
    expect(mk.s).toBe(4);
    expect(mk.variance).toBeCloseTo((4 * 3 * 13) / 18, 12);
  });
  it('is flat (z 0, p 1) when every value is the same', () => {
    expect(mannKendall([2, 2, 2, 2])).toMatchObject({ s: 0, z: 0, p: 1 });
  });
});

describe('emerging hot spot categories (ArcGIS / sfdep rules)', () => {
  const T = true;
  const F = false;
  const flat = { tau: 0, p: 1 };
  const up = { tau: 0.8, p: 0.001 };
  const down = { tau: -0.8, p: 0.001 };
  const z = (signs: number[]) => signs.map((s) => s * 3);
  const cls = (signs: number[], sig: boolean[], trend = flat) => classifyEmerging(z(signs), sig, trend, 0.05);

  it('new: significant only in the final period', () => {
    expect(cls([1, 1, 1, 1, 1], [F, F, F, F, T])).toEqual({ pattern: 'new', direction: 'hot' });
    expect(cls([-1, -1, -1, -1, -1], [F, F, F, F, T])).toEqual({ pattern: 'new', direction: 'cold' });
  });
  it('consecutive: one final run of two or more, nothing significant before', () => {
    expect(cls([1, 1, 1, 1, 1], [F, F, F, T, T])).toEqual({ pattern: 'consecutive', direction: 'hot' });
    expect(cls([1, 1, 1, 1, 1], [T, F, F, T, T]).pattern).not.toBe('consecutive');
  });
  it('intensifying, persistent, diminishing: hot in ≥ 90% of periods, by trend', () => {
    const all = [T, T, T, T, T, T, T, T, T, T];
    const hot = new Array<number>(10).fill(1);
    expect(cls(hot, all, up)).toEqual({ pattern: 'intensifying', direction: 'hot' });
    expect(cls(hot, all, flat)).toEqual({ pattern: 'persistent', direction: 'hot' });
    expect(cls(hot, all, down)).toEqual({ pattern: 'diminishing', direction: 'hot' });
    // Cold mirrors: a cold spot getting colder (Gi* falling) is intensifying.
    const cold = new Array<number>(10).fill(-1);
    expect(cls(cold, all, down)).toEqual({ pattern: 'intensifying', direction: 'cold' });
    expect(cls(cold, all, up)).toEqual({ pattern: 'diminishing', direction: 'cold' });
  });
  it('historical: hot in ≥ 90% of periods but not the last, with a trend', () => {
    const sig = [T, T, T, T, T, T, T, T, T, T, F];
    expect(cls(new Array<number>(11).fill(1), sig, down)).toEqual({ pattern: 'historical', direction: 'hot' });
  });
  it('oscillating: hot now, cold before; sporadic: on and off, never cold', () => {
    expect(cls([-1, 1, 1, 1, 1, 1], [T, F, T, F, F, T])).toEqual({ pattern: 'oscillating', direction: 'hot' });
    expect(cls([1, 1, 1, 1, 1, 1], [T, F, T, F, F, F])).toEqual({ pattern: 'sporadic', direction: 'hot' });
    expect(cls([1, 1, 1, 1, 1, 1], [F, F, F, F, F, F])).toEqual({ pattern: 'none', direction: null });
  });

  it('finds a cluster that grows over time as intensifying and leaves the rest alone', () => {
    // A path of 30 units; units 10–12 rise steadily from the background, the rest are noise.
    const n = 30;
    const w = neighboursFromLists(Array.from({ length: n }, (_, i) => [i - 1, i + 1].filter((j) => j >= 0 && j < n)));
    let state = 7;
    const noise = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296) * 2;
    const periods = Array.from({ length: 12 }, (_, t) => Array.from({ length: n }, (_, i) => (i >= 10 && i <= 12 ? 20 + 4 * t : 5) + noise()));
    const units = emergingHotspots(periods, w, { alpha: 0.05 });
    expect(units[11]).toMatchObject({ pattern: 'intensifying', direction: 'hot' });
    expect(units[11]!.tau).toBeGreaterThan(0);
    const flagged = units.filter((u) => u.direction === 'hot').length;
    expect(flagged).toBeLessThanOrEqual(5);
  });
  it('refuses fewer than three periods', () => {
    expect(() => emergingHotspots([[1, 2], [2, 1]], neighboursFromLists([[1], [0]]))).toThrow(/3 periods/);
  });
});
