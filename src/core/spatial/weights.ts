/**
 * Spatial neighbours for local statistics, as binary weights that always include the unit itself (the
 * "star" of Getis-Ord Gi*). Stored in compressed rows: the neighbours of unit i are
 * `indices[offsets[i]] … indices[offsets[i + 1] - 1]`, sorted, i among them.
 *
 * Rules (as R spdep builds them; checked against spdep on the LLR LSOAs, test/fixtures/spatial):
 * - queen: polygons sharing at least one boundary point (poly2nb, queen = TRUE), points matching
 *   within `snap` metres (poly2nb's snap; 1 mm by default, as ONS boundaries repeat shared vertices
 *   with micrometre round-off);
 * - rook: polygons sharing a boundary segment — two consecutive vertices of one ring that are also
 *   consecutive on a ring of the other (spdep asks for two shared points, which is the same on
 *   topologically clean boundaries such as the ONS ones and avoids its double-counted ring ends);
 * - distance:<m>: centroids within m metres (dnearneigh(0, m): 0 ≤ d ≤ m);
 * - knn:<k>: the k nearest centroids (knearneigh + knn2nb; not symmetric).
 * Polygons come in British National Grid metres; centroids are the area-weighted planar centroids.
 */
import Flatbush from 'flatbush';
import { UsageError } from '../errors.js';
import { areaCentroidBng, polygonsOf, type PolygonGeometry } from '../geo/polygon.js';

export interface Neighbours {
  readonly n: number;
  /** Row starts, length n + 1. */
  readonly offsets: Int32Array;
  /** Neighbour indices, each row sorted and holding the unit itself. */
  readonly indices: Int32Array;
}

export type WeightsSpec =
  | { kind: 'queen' }
  | { kind: 'rook' }
  | { kind: 'distance'; metres: number }
  | { kind: 'knn'; k: number };

const WEIGHTS_HINT = 'use queen, rook, distance:<metres> (e.g. distance:1500) or knn:<k> (e.g. knn:6)';

/** Parses `queen`, `rook`, `distance:1500` or `knn:6`. */
export function parseWeightsSpec(text: string): WeightsSpec {
  const t = text.trim().toLowerCase();
  if (t === 'queen' || t === 'rook') return { kind: t };
  const m = /^(distance|knn):(.+)$/.exec(t);
  if (m) {
    const value = Number(m[2]);
    if (m[1] === 'distance' && Number.isFinite(value) && value > 0) return { kind: 'distance', metres: value };
    if (m[1] === 'knn' && Number.isInteger(value) && value >= 1) return { kind: 'knn', k: value };
    throw new UsageError(`weights '${text}': ${m[1] === 'distance' ? 'the distance must be a positive number of metres' : 'k must be a whole number ≥ 1'}`, WEIGHTS_HINT);
  }
  throw new UsageError(`unknown weights '${text}'`, WEIGHTS_HINT);
}

export function formatWeightsSpec(spec: WeightsSpec): string {
  return spec.kind === 'distance' ? `distance:${spec.metres}` : spec.kind === 'knn' ? `knn:${spec.k}` : spec.kind;
}

/** Builds compressed rows from neighbour lists (without self; duplicates and self are tolerated). */
export function neighboursFromLists(lists: readonly (readonly number[])[]): Neighbours {
  const n = lists.length;
  let total = 0;
  for (const list of lists) total += list.length + 1;
  const offsets = new Int32Array(n + 1);
  const indices = new Int32Array(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const list = lists[i]!;
    const start = at;
    indices[at++] = i;
    for (const j of list) {
      if (!(j >= 0 && j < n && Number.isInteger(j))) throw new RangeError(`neighbour ${j} of unit ${i} is not in 0…${n - 1}`);
      indices[at++] = j;
    }
    const row = indices.subarray(start, at).sort();
    // Drop repeats in place (the row is sorted).
    let kept = 1;
    for (let k = 1; k < row.length; k++) if (row[k] !== row[kept - 1]) row[kept++] = row[k]!;
    at = start + kept;
    offsets[i + 1] = at;
  }
  return { n, offsets, indices: indices.slice(0, at) };
}

/** The neighbours of unit i, itself included. */
export function neighboursOf(w: Neighbours, i: number): Int32Array {
  return w.indices.subarray(w.offsets[i]!, w.offsets[i + 1]!);
}

/** Neighbour counts excluding self (spdep's card() of the nb before include.self). */
export function cardinalities(w: Neighbours): Int32Array {
  const out = new Int32Array(w.n);
  for (let i = 0; i < w.n; i++) out[i] = w.offsets[i + 1]! - w.offsets[i]! - 1;
  return out;
}

/**
 * Identifies boundary points: points closer than `snap` share an id. Generalised boundaries store a
 * vertex shared by two polygons twice with round-off differences (micrometres in the ONS LSOA files),
 * so exact equality would find no neighbours at all.
 */
class PointIds {
  /** Hash cells of at least 1 m: column → row → ids of the points in that cell. */
  private readonly cells = new Map<number, Map<number, number[]>>();
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  private readonly size: number;
  constructor(private readonly snap: number) {
    this.size = Math.max(snap, 1);
  }

  id(x: number, y: number): number {
    const cx = Math.floor(x / this.size);
    const cy = Math.floor(y / this.size);
    const s2 = this.snap * this.snap;
    for (let dx = -1; dx <= 1; dx++) {
      const column = this.cells.get(cx + dx);
      if (!column) continue;
      for (let dy = -1; dy <= 1; dy++) {
        for (const id of column.get(cy + dy) ?? []) {
          const ex = this.xs[id]! - x;
          const ey = this.ys[id]! - y;
          if (ex * ex + ey * ey <= s2) return id;
        }
      }
    }
    const id = this.xs.length;
    this.xs.push(x);
    this.ys.push(y);
    let column = this.cells.get(cx);
    if (!column) this.cells.set(cx, (column = new Map()));
    const list = column.get(cy);
    if (list) list.push(id);
    else column.set(cy, [id]);
    return id;
  }
}

/**
 * Contiguity neighbours of polygons given in planar metres. Boundary points within `snap` metres are
 * the same point (spdep poly2nb's `snap`; default 1 mm).
 */
export function contiguityNeighbours(areas: readonly PolygonGeometry[], rule: 'queen' | 'rook', snap = 0.001): Neighbours {
  if (!(snap > 0)) throw new RangeError(`snap must be a positive distance in metres, got ${snap}`);
  const ids = new PointIds(snap);
  // Per shared feature (a point for queen, a segment for rook): the areas that have it, in order.
  const owners = new Map<number, number[]>();
  areas.forEach((geometry, area) => {
    for (const polygon of polygonsOf(geometry)) {
      for (const ring of polygon) {
        const pointIds = ring.map((p) => ids.id(p[0]!, p[1]!));
        for (let v = 0; v < pointIds.length; v++) {
          let feature = pointIds[v]!;
          if (rule === 'rook') {
            const next = pointIds[(v + 1) % pointIds.length]!;
            if (next === feature) continue; // repeated vertex (e.g. the ring's closing point): no segment
            // The pair of point ids as one exact number (ids stay far below 2^26).
            feature = Math.min(feature, next) * 67_108_864 + Math.max(feature, next);
          }
          const list = owners.get(feature);
          if (!list) owners.set(feature, [area]);
          else if (!list.includes(area)) list.push(area);
        }
      }
    }
  });
  const lists: Set<number>[] = areas.map(() => new Set<number>());
  for (const list of owners.values()) {
    if (list.length < 2) continue;
    for (const a of list) for (const b of list) if (a !== b) lists[a]!.add(b);
  }
  return neighboursFromLists(lists.map((set) => [...set]));
}

/** Area-weighted planar centroids of polygons already in metres, interleaved [x0, y0, x1, y1, …]. */
export function planarCentroids(areas: readonly PolygonGeometry[]): Float64Array {
  const xy = new Float64Array(areas.length * 2);
  areas.forEach((geometry, i) => {
    const { centroid } = areaCentroidBng(geometry, (x, y) => [x, y]);
    xy[2 * i] = centroid[0];
    xy[2 * i + 1] = centroid[1];
  });
  return xy;
}

function pointIndex(xy: Float64Array): Flatbush {
  const n = xy.length / 2;
  const index = new Flatbush(Math.max(n, 1));
  for (let i = 0; i < n; i++) index.add(xy[2 * i]!, xy[2 * i + 1]!, xy[2 * i]!, xy[2 * i + 1]!);
  if (n === 0) index.add(0, 0, 0, 0);
  index.finish();
  return index;
}

/** Points (interleaved x, y) within `metres` of each point: 0 ≤ d ≤ metres. */
export function distanceBandNeighbours(xy: Float64Array, metres: number): Neighbours {
  const n = xy.length / 2;
  const index = pointIndex(xy);
  const d2 = metres * metres;
  const lists: number[][] = [];
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i]!;
    const y = xy[2 * i + 1]!;
    lists.push(
      index.search(x - metres, y - metres, x + metres, y + metres, (j) => {
        const dx = xy[2 * j]! - x;
        const dy = xy[2 * j + 1]! - y;
        return j < n && dx * dx + dy * dy <= d2;
      }),
    );
  }
  return neighboursFromLists(lists);
}

/** The k nearest other points of each point (ties broken by index order of the search). */
export function knnNeighbours(xy: Float64Array, k: number): Neighbours {
  const n = xy.length / 2;
  if (k >= n) throw new UsageError(`knn:${k} needs more than ${k} units, there are ${n}`);
  const index = pointIndex(xy);
  const lists: number[][] = [];
  for (let i = 0; i < n; i++) {
    const found = index.neighbors(xy[2 * i]!, xy[2 * i + 1]!, k + 1, Infinity, (j) => j !== i);
    lists.push(found.slice(0, k));
  }
  return neighboursFromLists(lists);
}

/** Neighbours by any rule: contiguity from the polygons, distance and knn from their centroids. */
export function buildNeighbours(areas: readonly PolygonGeometry[], spec: WeightsSpec, centroids: Float64Array = planarCentroids(areas)): Neighbours {
  switch (spec.kind) {
    case 'queen':
    case 'rook':
      return contiguityNeighbours(areas, spec.kind);
    case 'distance':
      return distanceBandNeighbours(centroids, spec.metres);
    case 'knn':
      return knnNeighbours(centroids, spec.k);
  }
}
