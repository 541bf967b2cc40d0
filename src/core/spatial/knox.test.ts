import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addTally,
  emptyTally,
  knoxResultOf,
  knoxTest,
  permutationStream,
  prepareKnox,
  simulateKnox,
  spatialBandsOf,
  temporalBandsOf,
  xoshiro128,
  type DistanceMetric,
  type KnoxEvent,
  type KnoxOptions,
} from './knox.js';
import { createRng } from './rng.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/spatial');

interface FixtureCell {
  spatial: number;
  temporal: number;
  observed: number;
  expected_exact: number;
  sim_mean: number;
  sim_sd: number;
  p_event_permutation: number;
}
interface FixtureCumulative {
  eps_s: number;
  eps_t: number;
  table: { close_close: number; close_time_only: number; close_space_only: number; neither: number };
  expected: number;
  p_poisson: number;
  p_pair_permutation: number;
}
interface Fixture {
  options: { spatial_band: number; spatial_bands: number; temporal_band: number; temporal_bands: number; permutations: number };
  events: { x: number[]; y: number[]; day: number[] };
  cases: { method: DistanceMetric; cells: FixtureCell[]; cumulative: FixtureCumulative[] }[];
}

const loadFixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `knox-${name}.json`), 'utf8')) as Fixture;
const eventsOf = (f: Fixture): KnoxEvent[] => f.events.x.map((x, i) => ({ x, y: f.events.y[i]!, day: f.events.day[i]! }));

const BASE: KnoxOptions = { spatialBand: 100, spatialBands: 5, temporalBand: 7, temporalBands: 4, distance: 'euclidean', permutations: 99, seed: 7 };

/** The definition, pair by pair: the reference the fast algorithm must reproduce. */
function bruteForceObserved(events: readonly KnoxEvent[], o: KnoxOptions): number[] {
  const columns = o.temporalBands + 1;
  const table = new Array<number>((o.spatialBands + 2) * columns).fill(0);
  for (let i = 0; i < events.length; i++) {
    for (let j = i + 1; j < events.length; j++) {
      const a = events[i]!;
      const c = events[j]!;
      const dx = Math.abs(a.x - c.x);
      const dy = Math.abs(a.y - c.y);
      const d = o.distance === 'euclidean' ? Math.hypot(dx, dy) : dx + dy;
      let s = 0;
      if (d > 0) s = d > o.spatialBands * o.spatialBand ? o.spatialBands + 1 : Math.ceil(d / o.spatialBand);
      const delta = Math.abs(a.day - c.day);
      let t = 0;
      if (delta > o.temporalBand) t = delta > o.temporalBands * o.temporalBand ? o.temporalBands : Math.ceil(delta / o.temporalBand) - 1;
      table[s * columns + t]!++;
    }
  }
  return table;
}

function randomEvents(n: number, seed: number, extent = 2000, span = 120): KnoxEvent[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => ({ x: Math.round(rng() * extent), y: Math.round(rng() * extent), day: Math.floor(rng() * span) }));
}

describe('band labels', () => {
  it('labels spatial bands in words with their exact limits, as the issue states', () => {
    expect(spatialBandsOf(100, 3)).toEqual([
      { label: 'same location', fromM: 0, toM: 0 },
      { label: '1-100 m', fromM: 0, toM: 100 },
      { label: '101-200 m', fromM: 100, toM: 200 },
      { label: '201-300 m', fromM: 200, toM: 300 },
      { label: 'beyond 300 m', fromM: 300, toM: null },
    ]);
  });
  it('labels temporal bands in whole days, band 1 starting at 0', () => {
    expect(temporalBandsOf(7, 3)).toEqual([
      { label: '0-7 days', fromDays: 0, toDays: 7 },
      { label: '8-14 days', fromDays: 8, toDays: 14 },
      { label: '15-21 days', fromDays: 15, toDays: 21 },
      { label: 'beyond 21 days', fromDays: 22, toDays: null },
    ]);
  });
});

describe('knoxTest observed pairs', () => {
  it('puts pairs on the band edges where the definition says (d = k·b inclusive, Δ = j·t inclusive)', () => {
    const events: KnoxEvent[] = [
      { x: 0, y: 0, day: 0 },
      { x: 0, y: 0, day: 7 }, // same location, 7 days: band "0-7 days"
      { x: 60, y: 80, day: 8 }, // 100 m from the first two (Euclidean), 8 and 1 days
      { x: 100, y: 100, day: 28 },
    ];
    const r = knoxTest(events, { ...BASE, spatialBands: 2, temporalBands: 3, permutations: 9 });
    const observed = (s: number, t: number) => r.cells.find((c) => c.spatialIndex === s && c.temporalIndex === t)!.observed;
    expect(observed(0, 0)).toBe(1); // (0,1)
    expect(observed(1, 0)).toBe(1); // (1,2): 100 m, 1 day
    expect(observed(1, 1)).toBe(1); // (0,2): 100 m, 8 days
    // (2,3): √(40²+20²) = 44.7 m, 20 days → band 1 × band 3 (15-21 days)
    expect(observed(1, 2)).toBe(1);
    // (0,3),(1,3): 141.4 m → band 2; 28 and 21 days
    expect(observed(2, 3)).toBe(1);
    expect(observed(2, 2)).toBe(1);
    expect(r.cells.reduce((sum, c) => sum + c.observed, 0)).toBe(6);
    expect(r.pairs).toBe(6);
  });

  it('matches the pair-by-pair definition on random data, both metrics (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 120 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom<DistanceMetric>('euclidean', 'manhattan'),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 5 }),
        (n, seed, distance, spatialBand, spatialBands, temporalBand, temporalBands) => {
          const events = randomEvents(n, seed, 1500, 90);
          const options = { ...BASE, distance, spatialBand, spatialBands, temporalBand, temporalBands, permutations: 3 };
          const r = knoxTest(events, options);
          expect(r.cells.map((c) => c.observed)).toEqual(bruteForceObserved(events, options));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('does not depend on the order of the events', () => {
    const events = randomEvents(300, 3);
    const reversed = [...events].reverse();
    const a = knoxTest(events, BASE);
    const b = knoxTest(reversed, BASE);
    expect(b.cells.map((c) => c.observed)).toEqual(a.cells.map((c) => c.observed));
    // Expected counts differ only by Monte Carlo noise.
    for (const [i, c] of b.cells.entries()) expect(Math.abs(c.expected - a.cells[i]!.expected)).toBeLessThanOrEqual(0.25 * a.cells[i]!.expected + 2);
  });
});

describe('knoxTest Monte Carlo null', () => {
  it('is reproducible from its seed and changes with it', () => {
    const events = randomEvents(200, 11);
    const a = knoxTest(events, { ...BASE, seed: 42 });
    const b = knoxTest(events, { ...BASE, seed: 42 });
    const c = knoxTest(events, { ...BASE, seed: 43 });
    expect(b.cells).toEqual(a.cells);
    expect(c.cells.map((x) => x.expected)).not.toEqual(a.cells.map((x) => x.expected));
  });

  it('keeps the row and column totals of every permutation (dates are only moved between locations)', () => {
    const events = randomEvents(250, 5);
    const r = knoxTest(events, { ...BASE, permutations: 199 });
    const columns = BASE.temporalBands + 1;
    for (let t = 0; t < columns; t++) {
      const column = r.cells.filter((c) => c.temporalIndex === t);
      const observed = column.reduce((s, c) => s + c.observed, 0);
      const expected = column.reduce((s, c) => s + c.expected, 0);
      expect(expected).toBeCloseTo(observed, 6);
    }
    for (let s = 0; s < BASE.spatialBands + 2; s++) {
      const row = r.cells.filter((c) => c.spatialIndex === s);
      expect(row.reduce((a, c) => a + c.expected, 0)).toBeCloseTo(row.reduce((a, c) => a + c.observed, 0), 6);
    }
  });

  it('computes p = (1 + #simulated ≥ observed) / (1 + permutations) and the Knox ratio', () => {
    // Two events: one pair; every permutation reproduces it, so p = 1 and the ratio is 1.
    const r = knoxTest([{ x: 0, y: 0, day: 0 }, { x: 50, y: 0, day: 3 }], { ...BASE, permutations: 9 });
    const cell = r.cells.find((c) => c.observed === 1)!;
    expect(cell).toMatchObject({ spatialIndex: 1, temporalIndex: 0, expected: 1, knoxRatio: 1, pValue: 1 });
    const empty = r.cells.find((c) => c.spatialIndex === 0 && c.temporalIndex === 0)!;
    expect(empty).toMatchObject({ observed: 0, expected: 0, knoxRatio: null, pValue: 1 });
  });

  it('finds a planted near-repeat pattern and not one in uniform data', () => {
    const rng = createRng(99);
    const uniform = randomEvents(400, 21, 5000, 365);
    const planted = [...uniform];
    for (let i = 0; i < 120; i++) {
      const origin = uniform[i]!;
      planted.push({ x: origin.x + Math.round((rng() - 0.5) * 120), y: origin.y + Math.round((rng() - 0.5) * 120), day: origin.day + 1 + Math.floor(rng() * 6) });
    }
    const options = { ...BASE, permutations: 499 };
    const near = knoxTest(planted, options).cells.find((c) => c.spatialIndex === 1 && c.temporalIndex === 0)!;
    // No permutation comes near the planted count: the smallest p-value possible, 1 / (1 + 499).
    expect(near.pValue).toBe(1 / 500);
    expect(near.knoxRatio!).toBeGreaterThan(3);
    const flat = knoxTest(uniform, options).cells.find((c) => c.spatialIndex === 1 && c.temporalIndex === 0)!;
    expect(flat.pValue).toBeGreaterThan(0.05);
  });

  it('refuses bad options and too few events with clear messages', () => {
    const two = randomEvents(2, 1);
    expect(() => knoxTest(two, { ...BASE, spatialBand: 0 })).toThrow(/spatial band \(metres\) must be a whole number/);
    expect(() => knoxTest(two, { ...BASE, temporalBand: 2.5 })).toThrow(/temporal band \(days\)/);
    expect(() => knoxTest(two, { ...BASE, permutations: 0 })).toThrow(/permutations/);
    expect(() => knoxTest(two, { ...BASE, distance: 'chebyshev' as DistanceMetric })).toThrow(/euclidean or manhattan/);
    expect(() => knoxTest(two.slice(0, 1), BASE)).toThrow(/at least two incidents/);
    expect(() => knoxTest([{ x: 0, y: 0, day: 0.5 }, { x: 1, y: 1, day: 1 }], BASE)).toThrow(/whole day numbers/);
  });
});

describe.each(['clustered', 'uniform'])('agreement with R surveillance::knox (fixture %s)', (name) => {
  const fixture = loadFixture(name);
  const events = eventsOf(fixture);
  const o = fixture.options;

  describe.each(fixture.cases.map((c) => [c.method, c] as const))('%s distance', (_method, reference) => {
    const options: KnoxOptions = {
      spatialBand: o.spatial_band,
      spatialBands: o.spatial_bands,
      temporalBand: o.temporal_band,
      temporalBands: o.temporal_bands,
      distance: reference.method,
      permutations: o.permutations,
      seed: 2024,
    };
    const result = knoxTest(events, options);
    const columns = o.temporal_bands + 1;
    const cell = (s: number, t: number) => result.cells[s * columns + t]!;

    it('has exactly the observed pairs of every band cell', () => {
      expect(result.cells.map((c) => [c.spatialIndex, c.temporalIndex, c.observed])).toEqual(reference.cells.map((c) => [c.spatial, c.temporal, c.observed]));
    });

    it('has exactly surveillance::knox 2×2 tables for the cumulative bands', () => {
      for (const ref of reference.cumulative) {
        // eps_s = k·b covers same location + bands 1…k; eps_t = j·t covers temporal bands 1…j (eps_t 0: same day, not a band edge).
        const k = ref.eps_s / o.spatial_band;
        if (ref.eps_t === 0) continue;
        const j = ref.eps_t / o.temporal_band;
        let closeClose = 0;
        let closeSpace = 0;
        let closeTime = 0;
        for (const c of result.cells) {
          const inSpace = c.spatialIndex <= k;
          const inTime = c.temporalIndex < j;
          if (inSpace && inTime) closeClose += c.observed;
          if (inSpace && !inTime) closeSpace += c.observed;
          if (!inSpace && inTime) closeTime += c.observed;
        }
        expect({ eps: [ref.eps_s, ref.eps_t], closeClose, closeSpace, closeTime, neither: result.pairs - closeClose - closeSpace - closeTime }).toEqual({
          eps: [ref.eps_s, ref.eps_t],
          closeClose: ref.table.close_close,
          closeSpace: ref.table.close_space_only,
          closeTime: ref.table.close_time_only,
          neither: ref.table.neither,
        });
      }
    });

    it('has a mean simulated count within Monte Carlo error of the exact null expectation', () => {
      for (const ref of reference.cells) {
        const ours = cell(ref.spatial, ref.temporal);
        // Both are means of 9,999 permutations: 5 standard errors apart at most.
        const tolerance = 5 * Math.sqrt(2) * (ref.sim_sd / Math.sqrt(o.permutations)) + 1e-9;
        expect(Math.abs(ours.expected - ref.expected_exact), `cell ${ref.spatial},${ref.temporal}`).toBeLessThanOrEqual(tolerance);
        expect(Math.abs(ref.sim_mean - ref.expected_exact)).toBeLessThanOrEqual(tolerance);
      }
    });

    it('has p-values within Monte Carlo error of the event-date permutation in R', () => {
      for (const ref of reference.cells) {
        const p = ref.p_event_permutation;
        // Two independent Monte Carlo estimates of one p-value with 9,999 permutations each.
        const tolerance = 5 * Math.sqrt((2 * p * (1 - p)) / o.permutations) + 2 / (o.permutations + 1);
        expect(Math.abs(cell(ref.spatial, ref.temporal).pValue - p), `cell ${ref.spatial},${ref.temporal}`).toBeLessThanOrEqual(tolerance);
      }
    });
  });
});

describe('permutation streams', () => {
  it('is xoshiro128**: the outputs of the reference C implementation (prng.di.unimi.it) for two states', () => {
    const draws = (rng: () => number) => Array.from({ length: 8 }, () => rng() * 2 ** 32);
    expect(draws(xoshiro128(1, 2, 3, 4))).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
    expect(draws(xoshiro128(0x9e3779b9, 0x7f4a7c15, 0xdeadbeef, 0x01234567))).toEqual([
      199744174, 3631572119, 1073906693, 4210912454, 2084002753, 3936010285, 1913293659, 1565012823,
    ]);
  });

  it('gives each (seed, permutation) its own reproducible stream', () => {
    const first = (seed: number, index: number) => {
      const rng = permutationStream(seed, index);
      return [rng(), rng(), rng()];
    };
    expect(first(1, 0)).toEqual(first(1, 0));
    const starts = new Set<string>();
    for (const seed of [0, 1, 2, 2 ** 32 - 1]) for (let index = 0; index < 500; index++) starts.add(first(seed, index).join());
    expect(starts.size).toBe(4 * 500);
  });

  it('adds up to the same tally however the permutations are split, so threads cannot change the table', () => {
    const events = randomEvents(300, 17);
    const options = { ...BASE, permutations: 97 };
    const plan = prepareKnox(events, options);
    const whole = simulateKnox(plan, 0, 97);
    const pieces = emptyTally(plan);
    for (const [from, to] of [[60, 97], [0, 1], [1, 33], [33, 60]] as const) addTally(pieces, simulateKnox(plan, from, to));
    expect(pieces).toEqual(whole);
    expect(knoxResultOf(plan, pieces)).toEqual(knoxTest(events, options));
    expect(() => knoxResultOf(plan, simulateKnox(plan, 0, 96))).toThrow(/96 of 97 permutations/);
  });
});
