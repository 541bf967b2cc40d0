/**
 * The incidents a query specification selects, as points in British National Grid metres: the input of
 * the point-pattern analyses (kernel density, near repeat, nearest neighbour, grid hotspots).
 *
 * The same spec as `runQuery` (same parsing, same FROM … WHERE from build.ts), without breakdowns.
 * Police records give their BNG easting/northing; data.police.uk records give WGS84 snap points,
 * projected here, dated the first day of their month.
 */
import { UsageError } from '../core/errors.js';
import { wgs84ToBng } from '../core/geo/bng.js';
import { parseQuerySpec, type QuerySpec } from '../core/query/spec.js';
import type { Queryable, Store } from '../store/port.js';
import { fromWhere } from './build.js';
import { buildOptionsFor, POLICE_UK_CAVEAT } from './run.js';

export interface IncidentPoint {
  /** The incident id (police) or the data.police.uk crime id / anti-social behaviour key. */
  id: string;
  easting: number;
  northing: number;
  /** Calendar date of `occurred_from` (police) or the month's first day (police-uk), 'YYYY-MM-DD'. */
  occurredDate: string;
  /** LSOA as recorded on the incident (null when none). */
  lsoa: string | null;
}

export interface IncidentPoints {
  spec: QuerySpec;
  definition: { id: string; version: number } | null;
  points: IncidentPoint[];
  /** Selected records left out because they have no location. */
  withoutLocation: number;
  caveats: string[];
}

export const SNAPPED_POINTS_CAVEAT =
  'data.police.uk locations are anonymised snap points (each stands for several addresses) and dates are months: point patterns are approximate';

interface PointRow {
  [key: string]: string | number | boolean | null;
  id: string | number | null;
  x: number | null;
  y: number | null;
  occurred_date: string;
  lsoa: string | null;
}

/**
 * Loads the incidents selected by `input` (a query specification, as for `runQuery`; `by` must be
 * empty). With measure victims or offenders there is one point per person, as in the counts.
 */
export async function loadIncidentPoints(store: Pick<Store, 'dialect'> & Queryable, input: unknown): Promise<IncidentPoints> {
  const spec = parseQuerySpec(input);
  if (spec.by.length) throw new UsageError('incident points take filters only, not breakdowns', `leave out by (${spec.by.join(', ')})`);
  const caveats: string[] = [];
  if (spec.source === 'police-uk') caveats.push(POLICE_UK_CAVEAT, SNAPPED_POINTS_CAVEAT);

  const options = await buildOptionsFor(store, spec);
  const { definition } = options;

  const params: Parameters<typeof fromWhere>[2] = [];
  const body = fromWhere(spec, options, params);
  const sql =
    spec.source === 'police'
      ? `SELECT t.id AS id, t.easting AS x, t.northing AS y, CAST(t.occurred_from AS DATE) AS occurred_date, t.lsoa_code AS lsoa ${body} ORDER BY t.id`
      : `SELECT COALESCE(t.crime_id, t.asb_key) AS id, t.longitude AS x, t.latitude AS y, t.month AS occurred_date, t.lsoa_code AS lsoa ${body} ORDER BY t.month, 1`;
  const rows = await store.query<PointRow>(sql, params);

  const points: IncidentPoint[] = [];
  let withoutLocation = 0;
  for (const r of rows) {
    if (r.x === null || r.y === null) {
      withoutLocation++;
      continue;
    }
    const [easting, northing] = spec.source === 'police' ? [Number(r.x), Number(r.y)] : wgs84ToBng(Number(r.x), Number(r.y));
    points.push({ id: String(r.id), easting, northing, occurredDate: String(r.occurred_date).slice(0, 10), lsoa: r.lsoa });
  }
  if (withoutLocation > 0) caveats.push(`${withoutLocation.toLocaleString('en-GB')} selected records have no location and are left out`);
  return { spec, definition, points, withoutLocation, caveats };
}
