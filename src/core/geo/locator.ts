/**
 * Finds the LSOA containing a point. Each polygon part's bounding box goes into a Flatbush index; a
 * lookup searches the index and runs the point-in-polygon test only on the few candidates whose box
 * contains the point. Coordinates are packed into typed arrays at construction so the hot loop reads
 * no objects.
 */
import Flatbush from 'flatbush';
import { bngToWgs84 } from './bng.js';
import { polygonsOf, type PolygonGeometry } from './polygon.js';

export interface LocatorEntry {
  code: string;
  geometry: PolygonGeometry;
}

export class LsoaLocator {
  readonly codes: readonly string[];
  private readonly index: Flatbush | null;
  /** Per indexed part: which code it belongs to. */
  private readonly partCode: Int32Array;
  /** Per part: its slice of `ringStarts` (rings partRings[p] … partRings[p + 1] - 1). */
  private readonly partRings: Int32Array;
  /** Per ring: its first vertex in `xy` (vertices ringStarts[r] … ringStarts[r + 1] - 1). */
  private readonly ringStarts: Int32Array;
  /** All vertices, interleaved lon, lat. */
  private readonly xy: Float64Array;

  constructor(entries: readonly LocatorEntry[]) {
    this.codes = entries.map((e) => e.code);
    let parts = 0;
    let rings = 0;
    let vertices = 0;
    for (const entry of entries) {
      for (const polygon of polygonsOf(entry.geometry)) {
        parts++;
        rings += polygon.length;
        for (const ring of polygon) vertices += ring.length;
      }
    }
    this.partCode = new Int32Array(parts);
    this.partRings = new Int32Array(parts + 1);
    this.ringStarts = new Int32Array(rings + 1);
    this.xy = new Float64Array(vertices * 2);
    this.index = parts > 0 ? new Flatbush(parts) : null;

    let part = 0;
    let ring = 0;
    let v = 0;
    entries.forEach((entry, codeIndex) => {
      for (const polygon of polygonsOf(entry.geometry)) {
        let minX = Infinity;
        let minY = Infinity;
        let maxX = -Infinity;
        let maxY = -Infinity;
        this.partCode[part] = codeIndex;
        this.partRings[part] = ring;
        polygon.forEach((positions, r) => {
          this.ringStarts[ring++] = v;
          for (const p of positions) {
            const x = p[0]!;
            const y = p[1]!;
            this.xy[2 * v] = x;
            this.xy[2 * v + 1] = y;
            v++;
            if (r === 0) {
              if (x < minX) minX = x;
              if (x > maxX) maxX = x;
              if (y < minY) minY = y;
              if (y > maxY) maxY = y;
            }
          }
        });
        this.index!.add(minX, minY, maxX, maxY);
        part++;
      }
    });
    this.partRings[part] = ring;
    this.ringStarts[ring] = v;
    this.index?.finish();
  }

  /** Number of LSOAs the locator knows. */
  get size(): number {
    return this.codes.length;
  }

  /** The code of the LSOA containing WGS84 (lon, lat), or null when none does. */
  locate(lon: number, lat: number): string | null {
    if (!this.index || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
    const candidates = this.index.search(lon, lat, lon, lat);
    for (const part of candidates) {
      if (this.inPart(part, lon, lat)) return this.codes[this.partCode[part]!] ?? null;
    }
    return null;
  }

  /** The code of the LSOA containing a British National Grid point, or null. */
  locateBng(easting: number, northing: number): string | null {
    if (!Number.isFinite(easting) || !Number.isFinite(northing)) return null;
    const [lon, lat] = bngToWgs84(easting, northing);
    return this.locate(lon, lat);
  }

  /** Even-odd crossing test over all rings of one part: inside the outer ring and outside its holes. */
  private inPart(part: number, x: number, y: number): boolean {
    const xy = this.xy;
    let inside = false;
    const ringEnd = this.partRings[part + 1]!;
    for (let r = this.partRings[part]!; r < ringEnd; r++) {
      const start = this.ringStarts[r]!;
      const end = this.ringStarts[r + 1]!;
      let j = end - 1;
      for (let i = start; i < end; j = i++) {
        const yi = xy[2 * i + 1]!;
        const yj = xy[2 * j + 1]!;
        if (yi > y !== yj > y) {
          const xi = xy[2 * i]!;
          const xj = xy[2 * j]!;
          if (x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
        }
      }
    }
    return inside;
  }
}
