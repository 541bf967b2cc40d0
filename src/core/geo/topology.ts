/**
 * Map outlines from LSOA polygons: dissolving a group of polygons into one outline (MSOA, district,
 * CSP) and simplifying a whole set of outlines without opening gaps between neighbours. Pure.
 *
 * Both rely on neighbours sharing their boundary vertices exactly (as ONS boundary files and the
 * synthetic demo area do): an edge is identified by its two end positions.
 *
 * - `dissolve` removes every edge that two polygons share (traversed in opposite directions once the
 *   outer rings are counter-clockwise and holes clockwise) and chains what is left into rings.
 * - `simplifyShared` is Douglas–Peucker per *arc*: rings are cut at junctions (where the set of rings
 *   sharing the boundary changes), each arc is simplified once, and a vertex kept on an arc is kept in
 *   every ring that contains it, so two neighbours keep exactly the same shared boundary.
 */
import { polygonsOf, type PolygonGeometry, type Position } from './polygon.js';

type Point = [number, number];
type Project = (x: number, y: number) => Point;

const keyOf = (p: Position): string => `${p[0]},${p[1]}`;

/** Twice the signed area of a ring (open or closed); positive when counter-clockwise (x right, y up). */
function twiceSignedArea(ring: readonly Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0]! * ring[i]![1]! - ring[i]![0]! * ring[j]![1]!;
  return a;
}

/** The ring without its closing position and without consecutive repeats. */
function openRing(ring: readonly Position[]): Point[] {
  const out: Point[] = [];
  for (const p of ring) {
    const q: Point = [p[0]!, p[1]!];
    const last = out.at(-1);
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  while (out.length > 1 && out[0]![0] === out.at(-1)![0] && out[0]![1] === out.at(-1)![1]) out.pop();
  return out;
}

const closeRing = (ring: readonly Point[]): Point[] => [...ring, ring[0]!];

/** Even-odd point in ring. */
function insideRing(x: number, y: number, ring: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Outer rings and holes → a Polygon or MultiPolygon (each hole goes to the smallest outer ring around it). */
function assemble(outers: Point[][], holes: Point[][]): PolygonGeometry | null {
  if (outers.length === 0) return null;
  const areas = outers.map((r) => Math.abs(twiceSignedArea(r)));
  const parts: Point[][][] = outers.map((r) => [r]);
  for (const hole of holes) {
    // A point on the hole's first edge (not a vertex, which may touch the outer ring).
    const x = (hole[0]![0] + hole[1]![0]) / 2;
    const y = (hole[0]![1] + hole[1]![1]) / 2;
    let best = -1;
    outers.forEach((outer, i) => {
      if (insideRing(x, y, outer) && (best < 0 || areas[i]! < areas[best]!)) best = i;
    });
    if (best >= 0) parts[best]!.push(hole);
  }
  const closed = parts.map((rings) => rings.map(closeRing));
  return closed.length === 1 ? { type: 'Polygon', coordinates: closed[0]! } : { type: 'MultiPolygon', coordinates: closed };
}

/**
 * The outline of a set of polygons that tile without overlaps: the union, computed by removing shared
 * edges. Positions stay those of the input (vertices where only the interior boundary met remain as
 * collinear points; `simplifyShared` with any tolerance ≥ 0 removes them). Null for no area.
 */
export function dissolve(geometries: readonly PolygonGeometry[]): PolygonGeometry | null {
  const points = new Map<string, Point>();
  // Directed edge "a|b" → how many times it is traversed.
  const edges = new Map<string, number>();
  for (const geometry of geometries) {
    for (const polygon of polygonsOf(geometry)) {
      polygon.forEach((raw, r) => {
        let ring = openRing(raw);
        if (ring.length < 3) return;
        const ccw = twiceSignedArea(ring) > 0;
        // Outer rings counter-clockwise, holes clockwise: then a shared edge runs both ways.
        if ((r === 0) !== ccw) ring = ring.reverse();
        for (let i = 0; i < ring.length; i++) {
          const a = ring[i]!;
          const b = ring[(i + 1) % ring.length]!;
          points.set(keyOf(a), a);
          points.set(keyOf(b), b);
          const e = `${keyOf(a)}|${keyOf(b)}`;
          edges.set(e, (edges.get(e) ?? 0) + 1);
        }
      });
    }
  }
  // What is left once every edge is cancelled against its reverse: the outline, as outgoing edges.
  const outgoing = new Map<string, string[]>();
  for (const [e, n] of edges) {
    const [a, b] = e.split('|') as [string, string];
    const left = n - Math.min(n, edges.get(`${b}|${a}`) ?? 0);
    for (let i = 0; i < left; i++) {
      const list = outgoing.get(a) ?? [];
      list.push(b);
      outgoing.set(a, list);
    }
  }
  const rings: Point[][] = [];
  for (const [start, list] of outgoing) {
    while (list.length > 0) {
      const ring: Point[] = [points.get(start)!];
      let prev = start;
      let cur = list.pop()!;
      let guard = edges.size + 1;
      while (cur !== start && guard-- > 0) {
        ring.push(points.get(cur)!);
        const options = outgoing.get(cur);
        if (!options || options.length === 0) break; // an open chain: data that does not tile
        // Where parts touch at a vertex, take the sharpest left turn so each part closes on its own.
        const [px, py] = points.get(prev)!;
        const [cx, cy] = points.get(cur)!;
        let pick = 0;
        let bestAngle = -Infinity;
        options.forEach((next, i) => {
          const [nx, ny] = points.get(next)!;
          const angle = Math.atan2((cx - px) * (ny - cy) - (cy - py) * (nx - cx), (cx - px) * (nx - cx) + (cy - py) * (ny - cy));
          if (angle > bestAngle) {
            bestAngle = angle;
            pick = i;
          }
        });
        prev = cur;
        cur = options.splice(pick, 1)[0]!;
      }
      if (cur === start && ring.length >= 3) rings.push(ring);
    }
  }
  const outers = rings.filter((r) => twiceSignedArea(r) > 0);
  const holes = rings.filter((r) => twiceSignedArea(r) < 0);
  return assemble(outers, holes);
}

/** Distance from p to the segment a–b (to a when a = b). */
function segmentDistance(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** Douglas–Peucker: indexes of `points` (first and last always) that keep every point within `tolerance`. */
export function douglasPeucker(points: readonly Point[], tolerance: number): number[] {
  if (points.length <= 2) return points.map((_, i) => i);
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop()!;
    let farthest = -1;
    let max = tolerance;
    for (let i = first + 1; i < last; i++) {
      const d = segmentDistance(points[i]!, points[first]!, points[last]!);
      if (d > max) {
        max = d;
        farthest = i;
      }
    }
    if (farthest >= 0) {
      keep[farthest] = 1;
      stack.push([first, farthest], [farthest, last]);
    }
  }
  const out: number[] = [];
  keep.forEach((k, i) => {
    if (k) out.push(i);
  });
  return out;
}

/**
 * Simplifies every ring of `geometries` with Douglas–Peucker at `tolerance`, measured after `project`
 * (e.g. WGS84 → British National Grid metres), keeping shared boundaries identical on both sides.
 * Positions are a subset of the input's; a ring that would collapse below a triangle keeps all its
 * vertices (and so do its neighbours along it).
 */
export function simplifyShared(geometries: readonly PolygonGeometry[], tolerance: number, project: Project = (x, y) => [x, y]): PolygonGeometry[] {
  const shapes = geometries.map((g) => polygonsOf(g).map((polygon) => polygon.map(openRing)));
  const rings: Point[][] = shapes.flat(2);
  const ringKeys = rings.map((ring) => ring.map(keyOf));

  // Which rings use each undirected edge, and which rings touch each vertex.
  const edgeKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  const edgeOwners = new Map<string, number[]>();
  const vertexRings = new Map<string, Set<number>>();
  ringKeys.forEach((keys, r) => {
    keys.forEach((k, i) => {
      const e = edgeKey(k, keys[(i + 1) % keys.length]!);
      const owners = edgeOwners.get(e) ?? [];
      if (owners.at(-1) !== r) owners.push(r);
      edgeOwners.set(e, owners);
      const touching = vertexRings.get(k) ?? new Set<number>();
      touching.add(r);
      vertexRings.set(k, touching);
    });
  });

  const projected = new Map<string, Point>();
  const metres = (key: string, p: Point): Point => {
    let q = projected.get(key);
    if (!q) projected.set(key, (q = project(p[0], p[1])));
    return q;
  };
  const kept = new Set<string>();
  const simplifyArc = (points: Point[], keys: string[]) => {
    // One orientation per arc, whichever side it is seen from, so both sides choose the same vertices.
    const forward = keys.join(';');
    const backward = [...keys].reverse().join(';');
    if (backward < forward) {
      points = [...points].reverse();
      keys = [...keys].reverse();
    }
    for (const i of douglasPeucker(points.map((p, j) => metres(keys[j]!, p)), tolerance)) kept.add(keys[i]!);
  };

  rings.forEach((ring, r) => {
    const keys = ringKeys[r]!;
    const n = keys.length;
    if (n < 3) return;
    const owners = (i: number) => (edgeOwners.get(edgeKey(keys[(i + n) % n]!, keys[(i + 1 + n) % n]!)) ?? []).join(',');
    const junctions: number[] = [];
    for (let i = 0; i < n; i++) {
      const before = owners(i - 1);
      const touching = vertexRings.get(keys[i]!)!.size;
      if (before !== owners(i) || touching > before.split(',').length) junctions.push(i);
    }
    if (junctions.length === 0) {
      // A ring shared with nothing, or entirely with one other ring: start it at its smallest key.
      let start = 0;
      keys.forEach((k, i) => {
        if (k < keys[start]!) start = i;
      });
      const order = Array.from({ length: n + 1 }, (_, j) => (start + j) % n);
      simplifyArc(order.map((i) => ring[i]!), order.map((i) => keys[i]!));
      return;
    }
    for (let j = 0; j < junctions.length; j++) {
      const from = junctions[j]!;
      const to = junctions[(j + 1) % junctions.length]!;
      const length = ((to - from + n) % n || n) + 1;
      const order = Array.from({ length }, (_, k) => (from + k) % n);
      simplifyArc(order.map((i) => ring[i]!), order.map((i) => keys[i]!));
    }
  });

  // A ring reduced below a triangle keeps every vertex (in all rings, so neighbours still match).
  ringKeys.forEach((keys) => {
    if (keys.length >= 3 && new Set(keys.filter((k) => kept.has(k))).size < 3) for (const k of keys) kept.add(k);
  });

  let next = 0;
  return shapes.map((polygons) => {
    const parts = polygons.map((polygon) =>
      polygon
        .map((ring) => {
          const keys = ringKeys[next++]!;
          return ring.filter((_, i) => kept.has(keys[i]!));
        })
        .filter((ring) => ring.length >= 3)
        .map(closeRing),
    );
    const nonEmpty = parts.filter((p) => p.length > 0);
    return nonEmpty.length === 1 ? { type: 'Polygon', coordinates: nonEmpty[0]! } : { type: 'MultiPolygon', coordinates: nonEmpty };
  });
}

/**
 * Drops parts and holes smaller than `minAreaM2` (area measured after `project`): the slivers left
 * where neighbours' boundaries do not quite meet (a vertex on one side only), which a dissolved
 * outline should not show. Null when no part is left.
 */
export function dropSmallRings(geometry: PolygonGeometry, minAreaM2: number, project: Project = (x, y) => [x, y]): PolygonGeometry | null {
  const areaOf = (ring: Position[]) => Math.abs(twiceSignedArea(ring.map((p) => project(p[0]!, p[1]!)))) / 2;
  const polygons = polygonsOf(geometry)
    .filter((rings) => rings[0] !== undefined && areaOf(rings[0]) >= minAreaM2)
    .map((rings) => [rings[0]!, ...rings.slice(1).filter((hole) => areaOf(hole) >= minAreaM2)]);
  if (polygons.length === 0) return null;
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0]! } : { type: 'MultiPolygon', coordinates: polygons };
}

/**
 * Rounds positions to `decimals` places (6 ≈ 0.1 m in longitude/latitude) and drops the repeats this
 * creates; rings left with fewer than three positions are dropped (null when nothing is left).
 */
export function roundPositions(geometry: PolygonGeometry, decimals: number): PolygonGeometry | null {
  const f = 10 ** decimals;
  const polygons = polygonsOf(geometry)
    .map((polygon) => {
      const rings = polygon.map((r) => openRing(r.map((p) => [Math.round(p[0]! * f) / f, Math.round(p[1]! * f) / f])));
      // Without its outer ring a polygon's holes mean nothing.
      return rings[0] && rings[0].length >= 3 ? rings.filter((r) => r.length >= 3).map(closeRing) : [];
    })
    .filter((rings) => rings.length > 0);
  if (polygons.length === 0) return null;
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0]! } : { type: 'MultiPolygon', coordinates: polygons };
}
