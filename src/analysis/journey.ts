/**
 * Journey to crime for the incidents a query selects: `svo journey` and POST /api/spatial/journey.
 * One journey per suspect per incident (as measure "offenders" counts them), from the centroid of the
 * suspect's home LSOA (incident_people.home_area, matched to geo_lsoa_boundaries) to the offence's
 * coordinates. Only aggregates leave this module: no person-level row is returned or logged.
 */
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { JOURNEY_DEFAULTS, summariseJourneys, type Journey, type JourneySummary } from '../core/spatial/journey.js';
import { parseQuerySpec, type QuerySpec } from '../core/query/spec.js';
import { fromWhere } from '../query/build.js';
import { buildOptionsFor } from '../query/run.js';
import type { Queryable, SqlValue, Store } from '../store/port.js';
import { splitAnalysisInput } from './input.js';
import { wholeNumberSchema } from './near-repeat.js';

export const journeyOptionsSchema = z
  .object({
    band: wholeNumberSchema('band (metres)', 1, 1_000_000).default(JOURNEY_DEFAULTS.band),
    bands: wholeNumberSchema('bands', 1, 1000).default(JOURNEY_DEFAULTS.bands),
  })
  .strict();

export const JOURNEY_COLUMNS = ['distance_band', 'from_m', 'to_m', 'offenders', 'share', 'cumulative_share'] as const;

export interface JourneyAnalysis {
  spec: QuerySpec;
  definition: { id: string; version: number } | null;
  options: z.output<typeof journeyOptionsSchema>;
  summary: Omit<JourneySummary, 'bands'>;
  columns: { name: string; type: string }[];
  rows: Record<(typeof JOURNEY_COLUMNS)[number], string | number | null>[];
  caveats: string[];
}

interface JourneyRow {
  [key: string]: string | number | boolean | null;
  offence_x: number | null;
  offence_y: number | null;
  offence_lsoa: string | null;
  home_lsoa: string | null;
  home_x: number | null;
  home_y: number | null;
  home_lad: string | null;
  offence_lad: string | null;
}

export async function runJourney(store: Pick<Store, 'dialect'> & Queryable, input: unknown): Promise<JourneyAnalysis> {
  const { options, query } = splitAnalysisInput(input, journeyOptionsSchema, 'journey-to-crime');
  if (query.measure !== undefined && query.measure !== 'offenders') {
    throw new UsageError(`journey to crime follows offenders (suspects), not measure '${String(query.measure)}'`, 'leave out --measure');
  }
  if (query.source !== undefined && query.source !== 'police') {
    throw new UsageError(`source '${String(query.source)}' records no offenders or home areas`, 'journey to crime needs record-level police data (--source police)');
  }
  const spec = parseQuerySpec({ ...query, measure: 'offenders' });
  if (spec.by.length) throw new UsageError('journey to crime takes filters only, not breakdowns', `leave out by (${spec.by.join(', ')})`);

  const buildOptions = await buildOptionsFor(store, spec);
  const params: SqlValue[] = [];
  const body = fromWhere(spec, buildOptions, params);
  const rows = await store.query<JourneyRow>(
    `SELECT q.offence_x, q.offence_y, q.offence_lsoa, q.home_lsoa,
            hb.centroid_easting AS home_x, hb.centroid_northing AS home_y, hg.lad_code AS home_lad, og.lad_code AS offence_lad
       FROM (SELECT t.easting AS offence_x, t.northing AS offence_y, t.lsoa_code AS offence_lsoa, ip.home_area AS home_lsoa ${body}) q
       LEFT JOIN geo_lsoa_boundaries hb ON hb.lsoa_code = q.home_lsoa
       LEFT JOIN geo_lsoa hg ON hg.lsoa_code = q.home_lsoa
       LEFT JOIN geo_lsoa og ON og.lsoa_code = q.offence_lsoa`,
    params,
  );
  const point = (x: number | null, y: number | null) => (x === null || y === null ? null : { x: Number(x), y: Number(y) });
  const journeys: Journey[] = rows.map((r) => ({
    home: point(r.home_x, r.home_y),
    offence: point(r.offence_x, r.offence_y),
    homeLsoa: r.home_lsoa === null || r.home_lsoa === '' ? null : r.home_lsoa,
    offenceLsoa: r.offence_lsoa,
    homeLad: r.home_lad,
    offenceLad: r.offence_lad,
  }));
  const { bands, ...summary } = summariseJourneys(journeys, options);

  const caveats: string[] = [
    'distances run in a straight line from the centroid of the home LSOA (not the home address) to the offence: within a few hundred metres in towns, kilometres in large rural LSOAs',
  ];
  if (summary.offenders === 0) caveats.push('no offenders (suspects) are recorded on the selected incidents');
  else if (summary.withDistance === 0) caveats.push('no journey could be measured: offenders need a home LSOA among the loaded boundaries and the offence coordinates');
  if (summary.homeAreaNotLocated > 0) {
    caveats.push(`${summary.homeAreaNotLocated.toLocaleString('en-GB')} offenders have a home LSOA that is not among the loaded boundaries (outside the area, or another LSOA vintage) and are left out of the distances`);
  }
  if (summary.withDistance > 0 && summary.withDistance < 10) caveats.push(`only ${summary.withDistance} journeys: too few for a stable distribution, and small enough to identify people if published`);
  return {
    spec,
    definition: buildOptions.definition,
    options,
    summary,
    columns: JOURNEY_COLUMNS.map((name) => ({ name, type: name === 'distance_band' ? 'string' : name === 'share' || name === 'cumulative_share' ? 'number' : 'integer' })),
    rows: bands.map((b) => ({ distance_band: b.label, from_m: b.fromM, to_m: b.toM, offenders: b.offenders, share: b.share, cumulative_share: b.cumulativeShare })),
    caveats,
  };
}
