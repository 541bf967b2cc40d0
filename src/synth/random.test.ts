import { describe, expect, it } from 'vitest';
import { AliasTable, apportion, Rng } from './random.js';

const draws = (rng: Rng, n: number, f: (r: Rng) => number) => Array.from({ length: n }, () => f(rng));
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};

describe('Rng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = draws(new Rng(42), 100, (r) => r.nextUint32());
    expect(draws(new Rng(42), 100, (r) => r.nextUint32())).toEqual(a);
    expect(draws(new Rng(43), 100, (r) => r.nextUint32())).not.toEqual(a);
  });

  it('pins the first outputs, so a change to the generator cannot go unnoticed', () => {
    expect(draws(new Rng(2020), 3, (r) => r.nextUint32())).toEqual([3164846325, 610418471, 797512775]);
  });

  it('forks independent, reproducible sub-streams by label', () => {
    const root = new Rng(7);
    const a = draws(root.fork('people'), 20, (r) => r.next());
    expect(draws(new Rng(7).fork('people'), 20, (r) => r.next())).toEqual(a);
    expect(draws(root.fork('places'), 20, (r) => r.next())).not.toEqual(a);
  });

  it('accepts seeds beyond 32 bits without collapsing them', () => {
    expect(new Rng(2 ** 40 + 5).nextUint32()).not.toBe(new Rng(5).nextUint32());
  });

  it('draws uniform numbers in [0, 1) with mean 1/2 and variance 1/12', () => {
    const xs = draws(new Rng(1), 100_000, (r) => r.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 2);
    expect(variance(xs)).toBeCloseTo(1 / 12, 2);
  });

  it('draws integers over the whole range', () => {
    const counts = new Array<number>(6).fill(0);
    for (const x of draws(new Rng(2), 60_000, (r) => r.intBetween(1, 6))) counts[x - 1]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(9_500);
  });

  it('draws normals with the requested mean and standard deviation', () => {
    const xs = draws(new Rng(3), 100_000, (r) => r.normal(10, 2));
    expect(mean(xs)).toBeCloseTo(10, 1);
    expect(Math.sqrt(variance(xs))).toBeCloseTo(2, 1);
  });

  it.each([0.5, 4, 30, 200])('draws Poisson counts with mean and variance %s', (lambda) => {
    const xs = draws(new Rng(4), 50_000, (r) => r.poisson(lambda));
    expect(mean(xs) / lambda).toBeCloseTo(1, 1);
    expect(variance(xs) / lambda).toBeCloseTo(1, 1);
  });

  it('chooses by weight and shuffles into a permutation', () => {
    const rng = new Rng(5);
    const picks = draws(rng, 40_000, (r) => r.weighted([0, 1, 2], [1, 3, 0]));
    expect(picks.filter((p) => p === 2)).toHaveLength(0);
    expect(picks.filter((p) => p === 1).length / picks.length).toBeCloseTo(0.75, 1);
    const shuffled = rng.shuffle([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...shuffled].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('AliasTable', () => {
  it('samples in proportion to the weights, never a zero-weight index', () => {
    const weights = [5, 0, 1, 2, 12];
    const table = new AliasTable(weights);
    const rng = new Rng(6);
    const counts = new Array<number>(weights.length).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[table.sample(rng)]! += 1;
    expect(counts[1]).toBe(0);
    weights.forEach((w, i) => expect(counts[i]! / n).toBeCloseTo(w / 20, 2));
  });

  it('refuses empty, negative and all-zero weights', () => {
    expect(() => new AliasTable([])).toThrow(RangeError);
    expect(() => new AliasTable([1, -1])).toThrow(RangeError);
    expect(() => new AliasTable([0, 0])).toThrow(RangeError);
  });
});

describe('apportion', () => {
  it('splits a total into integers that add up exactly, in proportion', () => {
    const parts = apportion(1000, [1, 1, 1]);
    expect(parts.reduce((s, x) => s + x, 0)).toBe(1000);
    expect(parts).toEqual([334, 333, 333]);
    expect(apportion(7, [0, 2, 5])).toEqual([0, 2, 5]);
    expect(apportion(10, [0, 0])).toEqual([0, 0]);
  });
});
