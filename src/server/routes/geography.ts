/**
 * Map outlines for the dashboard: GET /api/geography/boundaries?unit=lsoa|msoa|lad|csp, a GeoJSON
 * FeatureCollection in WGS84 built from the stored LSOA boundaries (geo_lsoa_boundaries, stored in
 * WGS84 whatever the file's CRS) and the LSOA → MSOA → LAD → CSP lookup (geo_lsoa).
 *
 * MSOA, district and CSP outlines are LSOAs dissolved by shared-edge removal; every unit is then
 * simplified with a tolerance in British National Grid metres, neighbours together so shared borders
 * stay shared (src/core/geo/topology.ts). The result is kept per store and unit until the geography
 * changes (a new geography batch or a different number of boundaries), so a map repaint costs one
 * small query.
 */
import type { Env, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { wgs84ToBng } from '../../core/geo/bng.js';
import { toPolygonGeometry, type PolygonGeometry } from '../../core/geo/polygon.js';
import { dissolve, dropSmallRings, roundPositions, simplifyShared } from '../../core/geo/topology.js';
import type { Store } from '../../store/port.js';

export const BOUNDARY_UNITS = ['lsoa', 'msoa', 'lad', 'csp'] as const;
export type BoundaryUnit = (typeof BOUNDARY_UNITS)[number];

/** Douglas–Peucker tolerance per unit, in metres: under a pixel at the zoom each unit is read at. */
export const SIMPLIFY_METRES: Record<BoundaryUnit, number> = { lsoa: 5, msoa: 10, lad: 25, csp: 25 };
/** Decimal places of longitude/latitude served (6 ≈ 0.1 m). */
const DECIMALS = 6;
/** Decimal places vertices are snapped to before dissolving (7 ≈ 1 cm). */
const SNAP_DECIMALS = 7;
/**
 * Dissolved parts and holes smaller than this (m²) are slivers where neighbouring LSOAs do not quite
 * meet (ONS generalised boundaries leave some up to ~1,100 m² in LLR); no real LSOA is this small.
 */
const SLIVER_M2 = 2_500;

export interface BoundaryFeature {
  type: 'Feature';
  id: string;
  /** `lad` and `csp` are given for LSOAs and MSOAs (null when the lookup has none). */
  properties: { code: string; name: string | null; lad?: string | null; csp?: string | null };
  geometry: PolygonGeometry;
}

export interface BoundaryCollection {
  type: 'FeatureCollection';
  unit: BoundaryUnit;
  /** The simplification tolerance applied, in metres. */
  simplifiedMetres: number;
  features: BoundaryFeature[];
}

interface BoundaryRow {
  [key: string]: string | number | boolean | null;
  lsoa_code: string;
  geometry: string;
  lsoa_name: string | null;
  msoa_code: string | null;
  msoa_name: string | null;
  lad_code: string | null;
  lad_name: string | null;
  csp_code: string | null;
  csp_name: string | null;
}

const UNIT_COLUMNS: Record<Exclude<BoundaryUnit, 'lsoa'>, { code: keyof BoundaryRow; name: keyof BoundaryRow }> = {
  msoa: { code: 'msoa_code', name: 'msoa_name' },
  lad: { code: 'lad_code', name: 'lad_name' },
  csp: { code: 'csp_code', name: 'csp_name' },
};

/** Builds the outlines of one unit from the stored boundaries (no caching; see `boundariesFor`). */
export async function buildBoundaries(store: Pick<Store, 'query'>, unit: BoundaryUnit): Promise<BoundaryCollection> {
  const rows = await store.query<BoundaryRow>(
    `SELECT b.lsoa_code, b.geometry, g.lsoa_name, g.msoa_code, g.msoa_name, g.lad_code, g.lad_name, g.csp_code, g.csp_name
     FROM geo_lsoa_boundaries b LEFT JOIN geo_lsoa g ON g.lsoa_code = b.lsoa_code ORDER BY b.lsoa_code`,
  );
  const shapes: { properties: BoundaryFeature['properties']; geometry: PolygonGeometry }[] = [];
  const parsed = rows.flatMap((r) => {
    const stored = toPolygonGeometry(JSON.parse(r.geometry) as unknown);
    // Neighbours' shared vertices can differ in the last bits (files reprojected polygon by polygon):
    // snapped to about 1 cm they coincide, as dissolving and shared simplification need.
    const geometry = typeof stored === 'string' ? null : roundPositions(stored, SNAP_DECIMALS);
    return geometry ? [{ row: r, geometry }] : [];
  });
  if (unit === 'lsoa') {
    for (const { row, geometry } of parsed) {
      shapes.push({ properties: { code: row.lsoa_code, name: row.lsoa_name, lad: row.lad_code, csp: row.csp_code }, geometry });
    }
  } else {
    const columns = UNIT_COLUMNS[unit];
    const groups = new Map<string, { row: BoundaryRow; members: PolygonGeometry[] }>();
    for (const { row, geometry } of parsed) {
      const code = row[columns.code];
      if (typeof code !== 'string' || code === '') continue; // an LSOA outside the lookup belongs to no area
      const group = groups.get(code) ?? { row, members: [] };
      group.members.push(geometry);
      groups.set(code, group);
    }
    for (const [code, { row, members }] of groups) {
      const dissolved = dissolve(members);
      const outline = dissolved && dropSmallRings(dissolved, SLIVER_M2, wgs84ToBng);
      if (!outline) continue;
      const name = (row[columns.name] as string | null) ?? null;
      shapes.push({ properties: unit === 'msoa' ? { code, name, lad: row.lad_code, csp: row.csp_code } : { code, name }, geometry: outline });
    }
  }
  const simplified = simplifyShared(
    shapes.map((s) => s.geometry),
    SIMPLIFY_METRES[unit],
    wgs84ToBng,
  );
  const features: BoundaryFeature[] = [];
  shapes.forEach((s, i) => {
    const geometry = roundPositions(simplified[i]!, DECIMALS);
    if (geometry) features.push({ type: 'Feature', id: s.properties.code, properties: s.properties, geometry });
  });
  return { type: 'FeatureCollection', unit, simplifiedMetres: SIMPLIFY_METRES[unit], features };
}

/** What identifies the stored geography: it changes with every geography ingest. */
async function geographyVersion(store: Pick<Store, 'query'>): Promise<string> {
  const [row] = await store.query(
    `SELECT (SELECT COUNT(*) FROM geo_lsoa_boundaries) AS boundaries,
            (SELECT COUNT(*) FROM ingest_batches WHERE source = 'geography') AS batches,
            (SELECT MAX(id) FROM ingest_batches WHERE source = 'geography') AS last_batch`,
  );
  return `${row?.boundaries}:${row?.batches}:${row?.last_batch}`;
}

const cache = new WeakMap<object, Map<BoundaryUnit, { version: string; collection: Promise<BoundaryCollection> }>>();

/** The outlines of `unit`, built once per store and geography version. */
export async function boundariesFor(store: Pick<Store, 'query'>, unit: BoundaryUnit): Promise<BoundaryCollection> {
  const version = await geographyVersion(store);
  const perUnit = cache.get(store) ?? new Map();
  cache.set(store, perUnit);
  const hit = perUnit.get(unit);
  if (hit && hit.version === version) return hit.collection;
  const collection = buildBoundaries(store, unit);
  perUnit.set(unit, { version, collection });
  // A failed build is not remembered.
  collection.catch(() => {
    if (perUnit.get(unit)?.collection === collection) perUnit.delete(unit);
  });
  return collection;
}

export function registerGeographyRoutes<E extends Env>(app: Hono<E>, store: Store): void {
  app.get('/api/geography/boundaries', async (c) => {
    const unit = (c.req.query('unit') ?? 'lsoa').toLowerCase();
    if (!(BOUNDARY_UNITS as readonly string[]).includes(unit)) {
      throw new HTTPException(400, { message: `unit must be one of ${BOUNDARY_UNITS.join(', ')}, got '${unit}'` });
    }
    return c.json(await boundariesFor(store, unit as BoundaryUnit));
  });
}

export const GEOGRAPHY_OPENAPI: Record<string, unknown> = {
  '/api/geography/boundaries': {
    get: {
      summary:
        'Area outlines for maps: GeoJSON FeatureCollection (WGS84) of LSOAs, or MSOAs, districts or CSPs dissolved from them; simplified (Douglas–Peucker, tolerance in metres) with shared borders kept shared',
      parameters: [{ name: 'unit', in: 'query', required: false, schema: { type: 'string', enum: [...BOUNDARY_UNITS], default: 'lsoa' } }],
      responses: {
        '200': {
          description: 'type FeatureCollection, unit, simplifiedMetres, features [{type Feature, id, properties {code, name, lad?, csp?}, geometry Polygon|MultiPolygon}]',
        },
        '400': { description: 'unknown unit' },
      },
    },
  },
};
