/**
 * Nearest Neighbour Index (Clark & Evans 1954) of a point pattern in a study area of A square metres:
 *   d_obs = mean distance from each point to its nearest other point,
 *   d_exp = 0.5 / √(n/A)           (mean nearest-neighbour distance under complete spatial randomness),
 *   NNI   = d_obs / d_exp           (< 1 clustered, > 1 dispersed),
 *   SE    = 0.26136 / √(n²/A),  z = (d_obs − d_exp) / SE,  two-sided p from the standard normal
 * (0.26136 is √((4 − π)/(4π)), the standard deviation of the nearest-neighbour distance under CSR at
 * unit density; the exact value is used, as R spatstat's clarkevans.test does).
 * No edge correction (as CrimeStat and ArcGIS's Average Nearest Neighbor): points near the edge of the
 * area have their true nearest neighbour outside it, which biases d_obs upwards a little. The index is
 * very sensitive to A, so the area and how it was chosen are always reported with it.
 */
import Flatbush from 'flatbush';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { UsageError } from '../errors.js';

/** √((4 − π)/(4π)) ≈ 0.26136. */
const CLARK_EVANS_SD = Math.sqrt((4 - Math.PI) / (4 * Math.PI));

export interface PlanarPoint {
  x: number;
  y: number;
}

export type NniPattern = 'clustered' | 'random' | 'dispersed';

export interface NniResult {
  points: number;
  areaM2: number;
  /** Mean observed nearest-neighbour distance, metres. */
  observedMeanM: number;
  /** Mean nearest-neighbour distance expected under complete spatial randomness, metres. */
  expectedMeanM: number;
  nni: number;
  standardErrorM: number;
  z: number;
  /** Two-sided p-value of z. */
  pValue: number;
  /** Clustered or dispersed when p < 0.05, random otherwise. */
  pattern: NniPattern;
  /** Points whose nearest neighbour is at the same location (distance 0). */
  coincident: number;
}

/** Distance from each point to its nearest other point (0 where two points coincide). */
export function nearestNeighbourDistances(points: readonly PlanarPoint[]): Float64Array {
  const n = points.length;
  const distances = new Float64Array(n);
  if (n < 2) return distances.fill(NaN);
  const index = new Flatbush(n);
  for (const p of points) index.add(p.x, p.y, p.x, p.y);
  index.finish();
  for (let i = 0; i < n; i++) {
    const { x, y } = points[i]!;
    const [j] = index.neighbors(x, y, 1, Infinity, (k) => k !== i);
    const q = points[j!]!;
    distances[i] = Math.hypot(q.x - x, q.y - y);
  }
  return distances;
}

/** The Clark–Evans Nearest Neighbour Index of `points` in an area of `areaM2` square metres. */
export function clarkEvans(points: readonly PlanarPoint[], areaM2: number): NniResult {
  const n = points.length;
  if (n < 2) throw new UsageError(`the Nearest Neighbour Index needs at least two points with a location, got ${n}`);
  if (!Number.isFinite(areaM2) || areaM2 <= 0) throw new UsageError(`the study area must be a positive number of square metres, got ${areaM2}`);
  for (const p of points) if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new UsageError('point locations must be finite coordinates in metres');
  const distances = nearestNeighbourDistances(points);
  let sum = 0;
  let coincident = 0;
  for (const d of distances) {
    sum += d;
    if (d === 0) coincident++;
  }
  const observedMeanM = sum / n;
  const density = n / areaM2;
  const expectedMeanM = 0.5 / Math.sqrt(density);
  const standardErrorM = CLARK_EVANS_SD / Math.sqrt(n * density);
  const z = (observedMeanM - expectedMeanM) / standardErrorM;
  const pValue = Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
  const pattern: NniPattern = pValue >= 0.05 ? 'random' : z < 0 ? 'clustered' : 'dispersed';
  return { points: n, areaM2, observedMeanM, expectedMeanM, nni: observedMeanM / expectedMeanM, standardErrorM, z, pValue, pattern, coincident };
}

const cross = (o: PlanarPoint, a: PlanarPoint, b: PlanarPoint) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);

/** Convex hull, counter-clockwise without repeating the first point (Andrew's monotone chain). */
export function convexHull(points: readonly PlanarPoint[]): PlanarPoint[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length < 3) return sorted;
  const lower: PlanarPoint[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower.at(-2)!, lower.at(-1)!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: PlanarPoint[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]!;
    while (upper.length >= 2 && cross(upper.at(-2)!, upper.at(-1)!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** Area of a simple polygon (shoelace formula), square metres; the ring need not be closed. */
export function ringArea(ring: readonly PlanarPoint[]): number {
  let twice = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    twice += a.x * b.y - b.x * a.y;
  }
  return Math.abs(twice) / 2;
}

export const convexHullArea = (points: readonly PlanarPoint[]) => ringArea(convexHull(points));

export function boundingBoxArea(points: readonly PlanarPoint[]): number {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  return points.length ? (maxX - minX) * (maxY - minY) : 0;
}
