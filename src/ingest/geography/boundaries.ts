/**
 * LSOA boundary polygons: a GeoJSON FeatureCollection of Polygon / MultiPolygon features keyed by an
 * LSOA code property (`LSOA11CD` or a variant, found case-insensitively).
 *
 * Coordinates are expected in WGS84 longitude/latitude (RFC 7946). A file that declares EPSG:27700
 * in its (pre-RFC) `crs` member, or has no `crs` and coordinates that are plainly eastings/northings,
 * is converted to WGS84 so what is stored is always longitude/latitude. For each LSOA the area-weighted
 * planar centroid and the area are computed in EPSG:27700 metres, and the bounding box in degrees.
 */
import { FileRejectedError } from '../../core/errors.js';
import { bngToWgs84 } from '../../core/geo/bng.js';
import { areaCentroidBng, bbox, mapPositions, toPolygonGeometry, type PolygonGeometry } from '../../core/geo/polygon.js';
import { isInBng, isInUk } from '../../core/geo/uk.js';
import { COLUMNS, LSOA_CODE, cleanCode } from './columns.js';
import { emptyParsed, FirstPerKey, type ParsedRows } from './rows.js';

export interface BoundaryRow {
  lsoaCode: string;
  geometry: PolygonGeometry;
  /** The geometry as stored: `{"type":…,"coordinates":…}` in WGS84. */
  geometryJson: string;
  centroidEasting: number;
  centroidNorthing: number;
  areaM2: number;
  /** [minLon, minLat, maxLon, maxLat]. */
  bbox: [number, number, number, number];
}

export interface ParsedBoundaries extends ParsedRows<BoundaryRow> {
  /** The LSOA code property used. */
  codeProperty: string;
  /** True when the file was in British National Grid and was converted to WGS84. */
  convertedFromBng: boolean;
}

const EXPECTED = 'expected a GeoJSON FeatureCollection of LSOA Polygon/MultiPolygon features with an LSOA11CD property';

interface FeatureLike {
  type?: unknown;
  properties?: unknown;
  geometry?: unknown;
}

function firstPosition(geometry: unknown): [number, number] | null {
  let c: unknown = (geometry as { coordinates?: unknown } | null)?.coordinates;
  while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
  return Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number' ? [c[0], c[1]] : null;
}

export function parseBoundaries(file: string, text: string, area: ReadonlySet<string> | null): ParsedBoundaries {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new FileRejectedError(file, `is not valid JSON (${(error as Error).message})`, EXPECTED);
  }
  const collection = doc as { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } } | null;
  if (collection === null || typeof collection !== 'object' || collection.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
    throw new FileRejectedError(file, 'is not a GeoJSON FeatureCollection', EXPECTED);
  }
  const features = collection.features as FeatureLike[];
  if (features.length === 0) throw new FileRejectedError(file, 'the FeatureCollection has no features', EXPECTED);

  // The code property: the first property name, over all features, that looks like a 2011 LSOA code.
  const propertyNames = new Set<string>();
  for (const f of features) {
    if (f && typeof f.properties === 'object' && f.properties !== null) for (const key of Object.keys(f.properties)) propertyNames.add(key);
  }
  const codeProperty = [...propertyNames].find((key) => COLUMNS.lsoaCode.pattern.test(key.toLowerCase().replace(/[^a-z0-9]/g, '')));
  if (codeProperty === undefined) {
    const shown = [...propertyNames].slice(0, 25).map((p) => JSON.stringify(p));
    throw new FileRejectedError(file, `no feature has an LSOA code property (${COLUMNS.lsoaCode.label}). Properties found: ${shown.join(', ') || 'none'}`, EXPECTED);
  }

  const crsName = typeof collection.crs?.properties?.name === 'string' ? collection.crs.properties.name : '';
  let fromBng = /27700/.test(crsName);
  if (!crsName) {
    const p = features.map((f) => firstPosition(f?.geometry)).find((x) => x !== null);
    fromBng = p !== undefined && p !== null && Math.abs(p[0]) > 180 && isInBng(p[0], p[1]);
  } else if (!fromBng && !/CRS84|4326/i.test(crsName)) {
    throw new FileRejectedError(file, `the coordinates are in ${crsName}; only WGS84 (CRS84 / EPSG:4326) and British National Grid (EPSG:27700) are supported`, EXPECTED);
  }

  const parsed: ParsedBoundaries = { ...emptyParsed<BoundaryRow>(), codeProperty, convertedFromBng: fromBng };
  const first = new FirstPerKey(parsed);
  features.forEach((feature, i) => {
    const line = i + 1;
    parsed.rowsRead++;
    const properties = (feature && typeof feature.properties === 'object' && feature.properties !== null ? feature.properties : {}) as Record<string, unknown>;
    const raw = properties[codeProperty];
    const lsoaCode = cleanCode(typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw));
    if (!LSOA_CODE.test(lsoaCode)) {
      parsed.rejects.push({ line, column: codeProperty, value: lsoaCode, reason: `feature ${line}: not a 2011 LSOA code (E01 or W01 and six digits)` });
      return;
    }
    let geometry = toPolygonGeometry(feature?.geometry);
    if (typeof geometry === 'string') {
      parsed.rejects.push({ line, column: 'geometry', value: lsoaCode, reason: `feature ${line}: ${geometry}` });
      return;
    }
    if (fromBng) geometry = mapPositions(geometry, bngToWgs84);
    const box = bbox(geometry);
    if (!isInUk(box[0], box[1]) || !isInUk(box[2], box[3])) {
      parsed.rejects.push({ line, column: 'geometry', value: lsoaCode, reason: `feature ${line}: the coordinates are not WGS84 longitude/latitude in the UK` });
      return;
    }
    const { areaM2, centroid } = areaCentroidBng(geometry);
    if (!(areaM2 > 0)) {
      parsed.rejects.push({ line, column: 'geometry', value: lsoaCode, reason: `feature ${line}: the polygon has no area` });
      return;
    }
    if (area && !area.has(lsoaCode)) {
      parsed.outsideLookup++;
      return;
    }
    const geometryJson = JSON.stringify(geometry);
    const row: BoundaryRow = { lsoaCode, geometry, geometryJson, centroidEasting: centroid[0], centroidNorthing: centroid[1], areaM2, bbox: box };
    first.add(lsoaCode, geometryJson, row, line, codeProperty);
  });
  return parsed;
}
