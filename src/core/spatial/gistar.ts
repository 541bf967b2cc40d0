/**
 * Getis-Ord Gi* (domain.md §5): for unit i with binary weights wᵢⱼ that include i itself,
 *
 *   Gᵢ* = (Σⱼ wᵢⱼxⱼ − X̄ Σⱼ wᵢⱼ) / (S √[(n Σⱼ wᵢⱼ² − (Σⱼ wᵢⱼ)²) / (n − 1)]),
 *   X̄ = Σxⱼ / n,  S = √(Σxⱼ² / n − X̄²),
 *
 * a z-score, as R spdep localG(x, nb2listw(include.self(nb), style = "B")). The p-value is two-sided
 * from the standard normal; classes follow the usual 90/95/99% bins (|z| ≥ 1.645, 1.960, 2.576, the
 * ±1.65/1.96/2.58 of ArcGIS, unrounded), on the FDR-adjusted p-value when asked.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { benjaminiHochberg } from './fdr.js';
import type { Neighbours } from './weights.js';

export const HOTSPOT_CLASSES = ['hot99', 'hot95', 'hot90', 'not_significant', 'cold90', 'cold95', 'cold99'] as const;
export type HotspotClass = (typeof HOTSPOT_CLASSES)[number];

/** Gi* z-scores. NaN for every unit when all values are equal (S = 0) or a unit neighbours everyone. */
export function giStar(values: ArrayLike<number>, w: Neighbours): Float64Array {
  const n = values.length;
  if (w.n !== n) throw new RangeError(`${n} values but weights for ${w.n} units`);
  if (n < 2) throw new RangeError('Gi* needs at least two units');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) throw new RangeError(`value ${x} of unit ${i} is not a finite number`);
    sum += x;
  }
  const mean = sum / n;
  // Σx²/n − X̄² loses precision when the mean is large relative to the spread: use centred sums.
  let centredSq = 0;
  for (let i = 0; i < n; i++) centredSq += (values[i]! - mean) ** 2;
  const s = Math.sqrt(centredSq / n);
  const z = new Float64Array(n);
  const { offsets, indices } = w;
  for (let i = 0; i < n; i++) {
    let lag = 0;
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    for (let k = start; k < end; k++) lag += values[indices[k]!]!;
    const wi = end - start; // binary weights: Σw = Σw² = number of neighbours, self included
    const variance = (n * wi - wi * wi) / (n - 1);
    z[i] = (lag - mean * wi) / (s * Math.sqrt(variance));
  }
  return z;
}

/** Two-sided p-value of a standard normal z: 2·Φ(−|z|) (accurate far into the tails). */
export function twoSidedP(z: number): number {
  return Number.isNaN(z) ? Number.NaN : 2 * normalCdf(-Math.abs(z), 0, 1);
}

/** The class of a unit from its z-score (sign) and p-value (raw or FDR-adjusted). */
export function hotspotClass(z: number, p: number): HotspotClass {
  if (!(p <= 0.1) || z === 0) return 'not_significant';
  const level = p <= 0.01 ? '99' : p <= 0.05 ? '95' : '90';
  return `${z > 0 ? 'hot' : 'cold'}${level}` as HotspotClass;
}

export interface GiStarUnitResult {
  z: number;
  p: number;
  pFdr: number;
  hotspotClass: HotspotClass;
}

export interface GiStarResult {
  z: Float64Array;
  p: Float64Array;
  /** Benjamini–Hochberg adjusted p-values (always computed; used for the class when `fdr`). */
  pFdr: Float64Array;
  classes: HotspotClass[];
}

/** Gi* with p-values, FDR-adjusted p-values and classes. */
export function giStarAnalysis(values: ArrayLike<number>, w: Neighbours, options: { fdr: boolean }): GiStarResult {
  const z = giStar(values, w);
  const p = z.map(twoSidedP);
  const pFdr = benjaminiHochberg(p);
  const classes = Array.from(z, (zi, i) => hotspotClass(zi, options.fdr ? pFdr[i]! : p[i]!));
  return { z, p, pFdr, classes };
}
