/**
 * Planar geometry on GeoJSON Polygon / MultiPolygon (RFC 7946: WGS84 longitude, latitude).
 *
 * - Point-in-polygon works on longitude/latitude as a plane (fine for LSOA-sized polygons). Holes are
 *   respected and ring orientation does not matter (even-odd rule), so files that ignore the RFC 7946
 *   winding order still work.
 * - Area and centroid are computed in British National Grid metres (EPSG:27700): each vertex is
 *   projected with `wgs84ToBng`, then the shoelace formula gives the area-weighted planar centroid.
 */
import { wgs84ToBng } from './bng.js';

/** A GeoJSON position: [longitude, latitude] (any further numbers, e.g. altitude, are ignored). */
export type Position = number[];
export interface Polygon {
  type: 'Polygon';
  /** Outer ring first, then holes; each ring closed (first position = last). */
  coordinates: Position[][];
}
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
export type PolygonGeometry = Polygon | MultiPolygon;

/** [minLon, minLat, maxLon, maxLat]. */
export type BBox = [number, number, number, number];

/** The polygons of a geometry as lists of rings (a Polygon is a MultiPolygon of one). */
export function polygonsOf(geometry: PolygonGeometry): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

export function bbox(geometry: PolygonGeometry): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const polygon of polygonsOf(geometry)) {
    // The outer ring bounds the polygon; holes lie inside it.
    for (const p of polygon[0] ?? []) {
      const x = p[0]!;
      const y = p[1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

/** Even-odd crossing test of one ring (closed or not). */
function crossesRing(x: number, y: number, ring: Position[]): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[i]![0]!;
    const yi = ring[i]![1]!;
    const xj = ring[j]![0]!;
    const yj = ring[j]![1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** True when (lon, lat) is inside the polygon's outer ring and outside all of its holes. */
export function pointInPolygonRings(lon: number, lat: number, rings: Position[][]): boolean {
  let inside = false;
  for (const ring of rings) if (crossesRing(lon, lat, ring)) inside = !inside;
  return inside;
}

/** True when (lon, lat) is inside the geometry (any of a MultiPolygon's parts), holes excluded. */
export function pointInPolygon(lon: number, lat: number, geometry: PolygonGeometry): boolean {
  for (const polygon of polygonsOf(geometry)) if (pointInPolygonRings(lon, lat, polygon)) return true;
  return false;
}

export interface AreaCentroid {
  /** Planar area in square metres (EPSG:27700), holes subtracted. */
  areaM2: number;
  /** Area-weighted planar centroid [easting, northing] in EPSG:27700 metres. */
  centroid: [number, number];
}

/**
 * Area and area-weighted centroid in BNG metres. Each ring counts by its role, not its winding: outer
 * rings add, holes subtract. `project` maps (lon, lat) to planar metres (default: EPSG:27700).
 */
export function areaCentroidBng(
  geometry: PolygonGeometry,
  project: (lon: number, lat: number) => [number, number] = wgs84ToBng,
): AreaCentroid {
  let area = 0;
  let sx = 0;
  let sy = 0;
  let ox = NaN;
  let oy = NaN;
  for (const polygon of polygonsOf(geometry)) {
    polygon.forEach((ring, r) => {
      const pts = ring.map((p) => project(p[0]!, p[1]!));
      if (pts.length < 3) return;
      // Work relative to a local origin: products of raw 6-digit coordinates lose precision.
      if (Number.isNaN(ox)) [ox, oy] = pts[0]!;
      let a = 0;
      let cx = 0;
      let cy = 0;
      for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
        const xi = pts[i]![0] - ox;
        const yi = pts[i]![1] - oy;
        const xj = pts[j]![0] - ox;
        const yj = pts[j]![1] - oy;
        const cross = xj * yi - xi * yj;
        a += cross;
        cx += (xj + xi) * cross;
        cy += (yj + yi) * cross;
      }
      // a is twice the signed area; make the ring's contribution positive for outer rings.
      const sign = (a >= 0 ? 1 : -1) * (r === 0 ? 1 : -1);
      area += (sign * a) / 2;
      sx += (sign * cx) / 6;
      sy += (sign * cy) / 6;
    });
  }
  if (area <= 0) return { areaM2: 0, centroid: [NaN, NaN] };
  return { areaM2: area, centroid: [ox + sx / area, oy + sy / area] };
}

/**
 * Checks that `value` is a GeoJSON Polygon or MultiPolygon with finite lon/lat positions and rings of
 * at least four positions. Returns the geometry with only `type` and `coordinates` (positions cut to
 * two numbers), or a short problem description.
 */
export function toPolygonGeometry(value: unknown): PolygonGeometry | string {
  if (value === null || typeof value !== 'object') return 'the feature has no geometry';
  const g = value as { type?: unknown; coordinates?: unknown };
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') return `geometry type ${JSON.stringify(g.type)} is not Polygon or MultiPolygon`;
  const polygon = (rings: unknown): Position[][] | string => {
    if (!Array.isArray(rings) || rings.length === 0) return 'a polygon has no rings';
    const out: Position[][] = [];
    for (const ring of rings) {
      if (!Array.isArray(ring) || ring.length < 4) return 'a ring has fewer than 4 positions';
      const positions: Position[] = [];
      for (const p of ring) {
        if (!Array.isArray(p) || p.length < 2) return 'a position is not [longitude, latitude]';
        const x = p[0] as unknown;
        const y = p[1] as unknown;
        if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
          return 'a position is not a pair of finite numbers';
        }
        positions.push([x, y]);
      }
      out.push(positions);
    }
    return out;
  };
  if (g.type === 'Polygon') {
    const rings = polygon(g.coordinates);
    return typeof rings === 'string' ? rings : { type: 'Polygon', coordinates: rings };
  }
  if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return 'the MultiPolygon has no polygons';
  const parts: Position[][][] = [];
  for (const part of g.coordinates) {
    const rings = polygon(part);
    if (typeof rings === 'string') return rings;
    parts.push(rings);
  }
  return { type: 'MultiPolygon', coordinates: parts };
}

/** Applies `fn` to every position, e.g. to convert BNG coordinates to WGS84. */
export function mapPositions(geometry: PolygonGeometry, fn: (x: number, y: number) => [number, number]): PolygonGeometry {
  const ring = (r: Position[]) => r.map((p) => fn(p[0]!, p[1]!));
  return geometry.type === 'Polygon'
    ? { type: 'Polygon', coordinates: geometry.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: geometry.coordinates.map((poly) => poly.map(ring)) };
}
