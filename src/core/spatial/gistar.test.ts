import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { wgs84ToBng } from '../geo/bng.js';
import { mapPositions, toPolygonGeometry, type PolygonGeometry } from '../geo/polygon.js';
import { benjaminiHochberg } from './fdr.js';
import { giStar, giStarAnalysis, hotspotClass, twoSidedP } from './gistar.js';
import { buildNeighbours, cardinalities, distanceBandNeighbours, knnNeighbours, neighboursFromLists, planarCentroids, type Neighbours, type WeightsSpec } from './weights.js';

interface Scheme {
  cardinality: number[] | number;
  z: number[];
  p: number[];
  p_fdr: number[];
}
const fixture = <T>(name: string) => JSON.parse(readFileSync(new URL(`../../../test/fixtures/spatial/${name}`, import.meta.url), 'utf8')) as T;
const asArray = (v: number[] | number) => (Array.isArray(v) ? v : [v]);

/** Asserts every z, p and FDR p agrees with R to 1e-6 (absolute). */
function expectAgrees(w: Neighbours, counts: number[], ref: Scheme) {
  expect(Array.from(cardinalities(w))).toEqual(asArray(ref.cardinality));
  const result = giStarAnalysis(counts, w, { fdr: true });
  result.z.forEach((z, i) => expect(Math.abs(z - ref.z[i]!)).toBeLessThan(1e-6));
  result.p.forEach((p, i) => expect(Math.abs(p - ref.p[i]!)).toBeLessThan(1e-9));
  result.pFdr.forEach((p, i) => expect(Math.abs(p - ref.p_fdr[i]!)).toBeLessThan(1e-9));
}

describe('Gi* on a synthetic grid agrees with R spdep localG (include.self, style B)', () => {
  const f = fixture<{
    grid: { cols: number; rows: number; cell: number; origin: [number, number] };
    counts: number[];
    queen: Scheme;
    rook: Scheme;
    distance_250: Scheme;
    knn_points: number[];
    knn_4: Scheme;
  }>('gistar-grid.json');
  const squares: PolygonGeometry[] = [];
  for (let r = 0; r < f.grid.rows; r++) {
    for (let c = 0; c < f.grid.cols; c++) {
      const x0 = f.grid.origin[0] + c * f.grid.cell;
      const y0 = f.grid.origin[1] + r * f.grid.cell;
      const s = f.grid.cell;
      squares.push({ type: 'Polygon', coordinates: [[[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s], [x0, y0]]] });
    }
  }
  const cases: [string, WeightsSpec, Scheme][] = [
    ['queen', { kind: 'queen' }, f.queen],
    ['rook', { kind: 'rook' }, f.rook],
    ['distance:250', { kind: 'distance', metres: 250 }, f.distance_250],
  ];
  it.each(cases)('%s', (_, spec, ref) => expectAgrees(buildNeighbours(squares, spec), f.counts, ref));
  it('knn:4 on jittered points', () => expectAgrees(knnNeighbours(Float64Array.from(f.knn_points), 4), f.counts, f.knn_4));
  it('queen on a grid is the 8-neighbourhood and rook the 4-neighbourhood', () => {
    const inner = f.grid.cols + 1; // row 1, column 1
    expect(cardinalities(buildNeighbours(squares, { kind: 'queen' }))[inner]).toBe(8);
    expect(cardinalities(buildNeighbours(squares, { kind: 'rook' }))[inner]).toBe(4);
  });
});

const LLR = resolve(import.meta.dirname, '../../../../shared/data/lsoa-boundaries-llr/llr-lsoa11-merged.geojson');
const haveLlr = existsSync(LLR);
const llrTitle = haveLlr ? '' : ` [skipped: ${LLR} not found]`;

describe.skipIf(!haveLlr)(`Gi* on the real LLR LSOA boundaries agrees with R spdep${llrTitle}`, () => {
  const f = fixture<{ codes: string[]; counts: number[]; centroids: number[]; queen: Scheme; rook: Scheme; distance_1500: Scheme; knn_6: Scheme }>('gistar-llr.json');
  const areas = new Map<string, PolygonGeometry>();
  if (haveLlr) {
    const doc = JSON.parse(readFileSync(LLR, 'utf8')) as { features: { properties: { LSOA11CD: string }; geometry: unknown }[] };
    for (const feature of doc.features) {
      const geometry = toPolygonGeometry(feature.geometry);
      if (typeof geometry === 'string') throw new Error(geometry);
      areas.set(feature.properties.LSOA11CD, mapPositions(geometry, wgs84ToBng));
    }
  }
  const polygons = () => f.codes.map((code) => areas.get(code)!);

  it('has every LSOA of the fixture, and centroids within 1 mm of sf/GEOS', () => {
    expect(f.codes.length).toBe(611);
    expect(f.codes.every((c) => areas.has(c))).toBe(true);
    const xy = planarCentroids(polygons());
    xy.forEach((v, i) => expect(Math.abs(v - f.centroids[i]!)).toBeLessThan(1e-3));
  });
  it.each([
    ['queen', { kind: 'queen' } as WeightsSpec, 'queen'],
    ['rook', { kind: 'rook' } as WeightsSpec, 'rook'],
    ['distance:1500', { kind: 'distance', metres: 1500 } as WeightsSpec, 'distance_1500'],
    ['knn:6', { kind: 'knn', k: 6 } as WeightsSpec, 'knn_6'],
  ] as const)('%s', (_, spec, key) => expectAgrees(buildNeighbours(polygons(), spec), f.counts, f[key]));
});

describe('Gi* properties', () => {
  const ring = (n: number) => neighboursFromLists(Array.from({ length: n }, (_, i) => [(i + 1) % n, (i + n - 1) % n]));

  it('matches the formula worked by hand on a path of four units', () => {
    // Path 0-1-2-3, x = [1, 2, 3, 10]: X̄ = 4, S = √(114/4 − 16) = √12.5.
    const w = neighboursFromLists([[1], [0, 2], [1, 3], [2]]);
    const z = giStar([1, 2, 3, 10], w);
    const s = Math.sqrt(12.5);
    const expected = (lag: number, wi: number) => (lag - 4 * wi) / (s * Math.sqrt((4 * wi - wi * wi) / 3));
    expect(z[0]).toBeCloseTo(expected(3, 2), 12);
    expect(z[1]).toBeCloseTo(expected(6, 3), 12);
    expect(z[3]).toBeCloseTo(expected(13, 2), 12);
  });

  it('permuting the order of the units permutes the results and changes nothing else', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 6, maxLength: 40 }), fc.integer(), (counts, seed) => {
        fc.pre(new Set(counts).size > 1);
        const n = counts.length;
        const w = ring(n);
        const z = giStar(counts, w);
        const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 7919 + seed) % 97) - ((b * 7919 + seed) % 97) || a - b);
        const position = new Array<number>(n);
        order.forEach((orig, k) => (position[orig] = k));
        const permutedW = neighboursFromLists(order.map((orig) => [(orig + 1) % n, (orig + n - 1) % n].map((j) => position[j]!)));
        const permutedZ = giStar(order.map((orig) => counts[orig]!), permutedW);
        order.forEach((orig, k) => expect(permutedZ[k]).toBeCloseTo(z[orig]!, 10));
      }),
    );
  });

  it('is NaN when every unit has the same value', () => {
    expect(Array.from(giStar([3, 3, 3, 3], ring(4))).every(Number.isNaN)).toBe(true);
  });

  it('refuses mismatched weights and non-finite values', () => {
    expect(() => giStar([1, 2, 3], ring(4))).toThrow(/weights/);
    expect(() => giStar([1, Number.NaN, 3, 4], ring(4))).toThrow(/finite/);
  });

  it('uniform random counts give about the nominal false-positive rate', () => {
    // 40 × 40 grid, queen, Poisson(20) counts: about 10% of units at p ≤ 0.10 without correction.
    let state = 12345;
    const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
    const poisson = (lambda: number) => {
      let k = 0;
      let p = Math.exp(-lambda);
      let s = p;
      const u = uniform();
      while (u > s) {
        p *= lambda / ++k;
        s += p;
      }
      return k;
    };
    const side = 40;
    const xy = new Float64Array(side * side * 2);
    for (let i = 0; i < side * side; i++) [xy[2 * i], xy[2 * i + 1]] = [(i % side) * 100, Math.floor(i / side) * 100];
    const w = distanceBandNeighbours(xy, 150); // the queen neighbourhood of grid cells
    let significant = 0;
    let significantFdr = 0;
    const runs = 20;
    for (let run = 0; run < runs; run++) {
      const r = giStarAnalysis(Array.from({ length: side * side }, () => poisson(20)), w, { fdr: true });
      significant += Array.from(r.p).filter((p) => p <= 0.1).length;
      significantFdr += Array.from(r.pFdr).filter((p) => p <= 0.1).length;
    }
    const rate = significant / (runs * side * side);
    expect(rate).toBeGreaterThan(0.07);
    expect(rate).toBeLessThan(0.13);
    // Under the null, FDR at 10% flags far fewer units.
    expect(significantFdr / (runs * side * side)).toBeLessThan(0.01);
  });
});

describe('classes and p-values', () => {
  it('bins by the two-sided p-value: the ±1.645/1.960/2.576 z thresholds', () => {
    expect(hotspotClass(2.6, twoSidedP(2.6))).toBe('hot99');
    expect(hotspotClass(2.0, twoSidedP(2.0))).toBe('hot95');
    expect(hotspotClass(1.7, twoSidedP(1.7))).toBe('hot90');
    expect(hotspotClass(1.6, twoSidedP(1.6))).toBe('not_significant');
    expect(hotspotClass(-1.7, twoSidedP(-1.7))).toBe('cold90');
    expect(hotspotClass(-2.0, twoSidedP(-2.0))).toBe('cold95');
    expect(hotspotClass(-3, twoSidedP(-3))).toBe('cold99');
    expect(hotspotClass(Number.NaN, Number.NaN)).toBe('not_significant');
  });
  it('two-sided p-values match R 2 * pnorm(-|z|)', () => {
    expect(twoSidedP(1.959963984540054)).toBeCloseTo(0.05, 14);
    expect(twoSidedP(-2.5758293035489)).toBeCloseTo(0.01, 13);
    expect(twoSidedP(10)).toBeCloseTo(1.523970604832105e-23, 36);
  });
  it('Benjamini–Hochberg matches R p.adjust(c(0.01, 0.04, 0.03, 0.5, NA, 0.02), "BH")', () => {
    // R 4.2: 0.05 0.05 0.05 0.50 NA 0.05
    const adj = benjaminiHochberg([0.01, 0.04, 0.03, 0.5, Number.NaN, 0.02]);
    [0.05, 0.05, 0.05, 0.5].forEach((v, i) => expect(adj[i]).toBeCloseTo(v, 15));
    expect(Number.isNaN(adj[4]!)).toBe(true);
    expect(adj[5]).toBeCloseTo(0.05, 15);
  });
});
