/**
 * Nearest Neighbour Index of the incidents a query selects: `svo nni` and POST /api/spatial/nni.
 *
 * The study area A, which the index depends on directly (NNI ∝ √A), is one of:
 * - `boundaries` (default): the total area of the loaded LSOA boundaries of the study region — the
 *   LSOAs matching the request's area filters (lsoa, msoa, lad, csp, imd_decile), or every loaded
 *   boundary when there is no area filter. The region is fixed in advance, so it is the honest choice.
 * - `hull`: the convex hull of the points. Needs no geography, but it is drawn around the points
 *   themselves, so it understates the area a pattern could have used and pulls the index towards 1.
 * - `bbox`: the bounding rectangle of the points (same caution, larger than the hull).
 */
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { boundingBoxArea, clarkEvans, convexHullArea, type NniResult } from '../core/spatial/nni.js';
import type { Dimension } from '../core/query/spec.js';
import { loadIncidentPoints, type IncidentPoints } from '../query/points.js';
import type { Queryable, SqlValue, Store } from '../store/port.js';
import { splitAnalysisInput } from './input.js';
import { requireIncidents } from './near-repeat.js';

export const NNI_AREAS = ['boundaries', 'hull', 'bbox'] as const;
export type NniArea = (typeof NNI_AREAS)[number];

export const nniOptionsSchema = z.object({ area: z.enum(NNI_AREAS).default('boundaries') }).strict();

export const NNI_COLUMNS = [
  'points',
  'area_km2',
  'area_method',
  'observed_mean_m',
  'expected_mean_m',
  'nni',
  'z',
  'p_value',
  'pattern',
  'coincident',
] as const;

export interface NniAnalysis {
  spec: IncidentPoints['spec'];
  definition: IncidentPoints['definition'];
  options: z.output<typeof nniOptionsSchema>;
  /** How the area was found, in words. */
  areaDescription: string;
  result: NniResult;
  columns: { name: string; type: string }[];
  /** The result as one CSV row. */
  rows: Record<(typeof NNI_COLUMNS)[number], string | number>[];
  caveats: string[];
}

/** Area columns of the boundaries/lookup join, per area filter. */
const AREA_FILTER_COLUMNS: Partial<Record<Dimension, string>> = {
  lsoa: 'b.lsoa_code',
  msoa: 'g.msoa_code',
  lad: 'g.lad_code',
  csp: 'g.csp_code',
  imd_decile: 'g.imd_decile',
};

/** Total area (m²) and count of the loaded LSOA boundaries matching the spec's area filters. */
async function boundariesArea(store: Queryable, where: IncidentPoints['spec']['where']): Promise<{ areaM2: number; lsoas: number; filtered: string[] }> {
  const params: SqlValue[] = [];
  const conditions: string[] = [];
  const filtered: string[] = [];
  for (const [dimension, values] of Object.entries(where) as [Dimension, string[]][]) {
    const column = AREA_FILTER_COLUMNS[dimension];
    const given = values.filter((v) => v.trim() !== '');
    if (!column || given.length === 0) continue;
    filtered.push(dimension);
    const list = given.map((v) => {
      params.push(dimension === 'imd_decile' ? Number(v) : v.trim());
      return `$${params.length}`;
    });
    conditions.push(`${column} IN (${list.join(', ')})`);
  }
  const rows = await store.query<{ area: number | null; n: number }>(
    `SELECT SUM(b.area_m2) AS area, COUNT(*) AS n FROM geo_lsoa_boundaries b LEFT JOIN geo_lsoa g ON g.lsoa_code = b.lsoa_code${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`,
    params,
  );
  return { areaM2: Number(rows[0]?.area ?? 0), lsoas: Number(rows[0]?.n ?? 0), filtered };
}

export async function runNni(store: Pick<Store, 'dialect'> & Queryable, input: unknown): Promise<NniAnalysis> {
  const { options, query } = splitAnalysisInput(input, nniOptionsSchema, 'nearest neighbour');
  requireIncidents(query, 'the Nearest Neighbour Index');
  const loaded = await loadIncidentPoints(store, query);
  const points = loaded.points.map((p) => ({ x: p.easting, y: p.northing }));
  const caveats = [...loaded.caveats];

  let areaM2: number;
  let areaDescription: string;
  if (options.area === 'boundaries') {
    const region = await boundariesArea(store, loaded.spec.where);
    if (region.lsoas === 0) {
      throw new UsageError(
        region.filtered.length ? `no loaded LSOA boundaries match the ${region.filtered.join(', ')} filter` : 'no LSOA boundaries are loaded: the study area is unknown',
        'load them with svo ingest geography --boundaries, or use --area hull (convex hull of the points) or --area bbox',
      );
    }
    areaM2 = region.areaM2;
    areaDescription = `${region.lsoas.toLocaleString('en-GB')} LSOA boundaries ${region.filtered.length ? `matching the ${region.filtered.join(', ')} filter` : '(all loaded)'}`;
  } else if (options.area === 'hull') {
    areaM2 = convexHullArea(points);
    areaDescription = 'convex hull of the points';
    caveats.push('the area is the convex hull of the points themselves: it understates the area the pattern could have used, so the index leans towards 1');
  } else {
    areaM2 = boundingBoxArea(points);
    areaDescription = 'bounding rectangle of the points';
    caveats.push('the area is the bounding rectangle of the points themselves: the index depends on it directly (∝ √area)');
  }
  if (points.length >= 2 && !(areaM2 > 0)) throw new UsageError(`the study area (${areaDescription}) is empty: the points are all on one line or one spot`);
  const result = clarkEvans(points, areaM2);
  caveats.push('no edge correction: points near the edge of the area lose their true nearest neighbour, which leans the index towards "dispersed"');
  if (result.coincident > 0) {
    caveats.push(`${result.coincident.toLocaleString('en-GB')} points share their location with another (nearest distance 0)${loaded.spec.source === 'police-uk' ? ': expected with snap points' : ''}`);
  }
  const row = {
    points: result.points,
    area_km2: result.areaM2 / 1e6,
    area_method: options.area,
    observed_mean_m: result.observedMeanM,
    expected_mean_m: result.expectedMeanM,
    nni: result.nni,
    z: result.z,
    p_value: result.pValue,
    pattern: result.pattern,
    coincident: result.coincident,
  };
  return {
    spec: loaded.spec,
    definition: loaded.definition,
    options,
    areaDescription,
    result,
    columns: NNI_COLUMNS.map((name) => ({ name, type: name === 'area_method' || name === 'pattern' ? 'string' : name === 'points' || name === 'coincident' ? 'integer' : 'number' })),
    rows: [row],
    caveats,
  };
}
