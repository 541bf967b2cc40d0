import { describe, expect, it } from 'vitest';
import { cellCentre, cellId, cellIndexOf, countPointsInCells, gridCovering, gridNeighbours } from './grid.js';
import { quarticDensity, topPercent } from './kde.js';
import { createRng } from './rng.js';
import { predictiveAccuracyIndex, recaptureRateIndex } from './stability.js';
import { cardinalities, neighboursOf } from './weights.js';

describe('grid', () => {
  it('aligns cells to multiples of the cell size and names them by their south-west corner', () => {
    const g = gridCovering(458_770, 304_658, 459_900, 305_010, 250);
    expect(g).toMatchObject({ minE: 458_750, minN: 304_500, cols: 5, rows: 3 });
    const i = cellIndexOf(g, 458_770, 304_658);
    expect(i).toBe(0);
    expect(cellId(g, i)).toBe('250m_E458750_N304500');
    expect(cellCentre(g, g.cols + 1)).toEqual([459_125, 304_875]);
    expect(cellIndexOf(g, 458_000, 304_658)).toBe(-1);
  });
  it('refuses cell sizes that are not sensible', () => {
    expect(() => gridCovering(0, 0, 10, 10, 0)).toThrow(/cell size/);
    expect(() => gridCovering(0, 0, 1e6, 1e6, 1)).toThrow(/cells/);
  });
  it('builds queen, rook and distance neighbours among the cells of a study area only', () => {
    const g = gridCovering(0, 0, 499, 499, 100); // 5 × 5
    const cells = Array.from({ length: 25 }, (_, i) => i).filter((i) => i !== 12); // the centre cell is outside
    const unit = (index: number) => cells.indexOf(index);
    expect(cardinalities(gridNeighbours(g, cells, { kind: 'queen' }))[unit(6)]).toBe(7);
    expect(cardinalities(gridNeighbours(g, cells, { kind: 'rook' }))[unit(7)]).toBe(3);
    // 150 m reaches the 8 surrounding centres (100 and 141 m) but not 200 m.
    const d = gridNeighbours(g, cells, { kind: 'distance', metres: 150 });
    expect(Array.from(neighboursOf(d, unit(0))).map((u) => cells[u])).toEqual([0, 1, 5, 6]);
  });
  it('counts points per cell and those outside', () => {
    const g = gridCovering(0, 0, 199, 99, 100);
    const { counts, outside } = countPointsInCells(g, [0, 1], [10, 10, 150, 50, 160, 60, 500, 500]);
    expect(Array.from(counts)).toEqual([1, 2]);
    expect(outside).toBe(1);
  });
});

describe('quartic kernel density', () => {
  const brute = (xy: number[], cx: number, cy: number, h: number) => {
    let d = 0;
    for (let k = 0; k < xy.length; k += 2) {
      const r2 = (xy[k]! - cx) ** 2 + (xy[k + 1]! - cy) ** 2;
      if (r2 < h * h) d += (3 / (Math.PI * h * h)) * (1 - r2 / (h * h)) ** 2;
    }
    return d;
  };

  it('is 3 / (π h²) at a point and falls to zero at the bandwidth', () => {
    const g = gridCovering(0, 0, 999, 999, 100);
    const density = quarticDensity([450, 450], g, 300);
    expect(density[cellIndexOf(g, 450, 450)]).toBeCloseTo(3 / (Math.PI * 300 * 300), 15);
    // The centre 300 m east is exactly at the bandwidth: nothing.
    expect(density[cellIndexOf(g, 750, 450)]).toBe(0);
    // 200 m away: 3/(πh²)·(1 − 4/9)².
    expect(density[cellIndexOf(g, 650, 450)]).toBeCloseTo((3 / (Math.PI * 90_000)) * (5 / 9) ** 2, 15);
  });

  it('equals the direct sum over all points at every cell, including points outside the grid', () => {
    const rng = createRng(3);
    const xy = Array.from({ length: 400 }, () => rng() * 3000 - 500);
    const g = gridCovering(0, 0, 1999, 1999, 50);
    const density = quarticDensity(xy, g, 275);
    for (let i = 0; i < density.length; i += 37) {
      const [cx, cy] = cellCentre(g, i);
      expect(density[i]).toBeCloseTo(brute(xy, cx, cy, 275), 14);
    }
  });

  it('integrates to the number of points away from the edges', () => {
    const rng = createRng(11);
    const xy = Array.from({ length: 2000 }, () => 2000 + rng() * 1000); // 1000 points
    const g = gridCovering(0, 0, 4999, 4999, 10);
    const total = quarticDensity(xy, g, 400).reduce((s, v) => s + v * 100, 0);
    expect(total).toBeCloseTo(1000, 0);
  });

  it('flags the top n% of cells, ties at the cut-off included, zeros never', () => {
    expect(Array.from(topPercent([5, 1, 4, 0, 3, 2, 0, 0, 0, 0], 20))).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(topPercent([5, 4, 4, 1], 50))).toEqual([1, 1, 1, 0]);
    expect(Array.from(topPercent([1, 0, 0, 0], 100))).toEqual([1, 0, 0, 0]);
    expect(() => topPercent([1], 0)).toThrow(/top/);
  });
});

describe('hotspot stability', () => {
  it('PAI = (n/N)/(a/A)', () => {
    // 30 of 100 incidents in hotspots covering 2 of 50 km²: (0.3)/(0.04) = 7.5.
    expect(predictiveAccuracyIndex(30, 100, 2, 50)).toBeCloseTo(7.5, 12);
    expect(predictiveAccuracyIndex(0, 0, 2, 50)).toBeNull();
    expect(() => predictiveAccuracyIndex(30, 100, 60, 50)).toThrow(/within/);
  });
  it('RRI = (n₂/n₁)/(N₂/N₁)', () => {
    // Hotspots 40 → 30 while the area went 200 → 180: 0.75 / 0.9.
    expect(recaptureRateIndex(40, 200, 30, 180)).toBeCloseTo(0.75 / 0.9, 12);
    expect(recaptureRateIndex(0, 200, 30, 180)).toBeNull();
    expect(() => recaptureRateIndex(50, 40, 1, 2)).toThrow(/between/);
  });
});
