import { describe, expect, it } from 'vitest';
import { createRng, randomInt, shuffleInPlace } from './rng.js';

/** The published mulberry32, written out independently, as the reference. */
function referenceMulberry32(a: number) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('createRng', () => {
  it('is mulberry32: the same sequence as the reference for several seeds', () => {
    for (const seed of [0, 1, 42, 123456789, 2 ** 32 - 1]) {
      const ours = createRng(seed);
      const ref = referenceMulberry32(seed);
      for (let i = 0; i < 1000; i++) expect(ours()).toBe(ref());
    }
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 20 }, () => a());
    expect(Array.from({ length: 20 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c())).not.toEqual(xs);
  });

  it('draws uniformly in [0, 1)', () => {
    const rng = createRng(2024);
    const bins = new Array<number>(10).fill(0);
    const n = 100_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = rng();
      if (!(x >= 0 && x < 1)) outside++;
      else bins[Math.floor(x * 10)]!++;
    }
    expect(outside).toBe(0);
    // χ² with 9 degrees of freedom: 99.9th percentile 27.88.
    const chi2 = bins.reduce((s, o) => s + (o - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.88);
  });

  it('refuses a seed that is not a finite number', () => {
    expect(() => createRng(Number.NaN)).toThrow(/finite/);
  });
});

describe('shuffleInPlace', () => {
  it('keeps the elements and makes each of the 6 orders of 3 items about equally likely', () => {
    const rng = createRng(99);
    const counts = new Map<string, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const key = shuffleInPlace([1, 2, 3], rng).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['123', '132', '213', '231', '312', '321']);
    // χ² with 5 degrees of freedom: 99.9th percentile 20.52.
    const chi2 = [...counts.values()].reduce((s, o) => s + (o - n / 6) ** 2 / (n / 6), 0);
    expect(chi2).toBeLessThan(20.52);
  });

  it('shuffles typed arrays too, and randomInt stays in range', () => {
    const rng = createRng(5);
    const a = shuffleInPlace(Int32Array.from({ length: 100 }, (_, i) => i), rng);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    for (let i = 0; i < 1000; i++) {
      const k = randomInt(rng, 7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });
});
