/**
 * HTTP routes of the point-pattern analyses: near repeat (Knox), Nearest Neighbour Index and journey
 * to crime. Each takes the query specification's filters plus its own options, exactly as the CLI
 * commands `svo near-repeat`, `svo nni` and `svo journey` do. NEAR_REPEAT_ROUTES also feed the OpenAPI
 * document (see `openApiPaths`).
 */
import type { Env, Hono } from 'hono';
import { querySpecSchema } from '../../core/query/spec.js';
import { nearRepeatOptionsSchema, runNearRepeat } from '../../analysis/near-repeat.js';
import { nniOptionsSchema, runNni } from '../../analysis/nni.js';
import { journeyOptionsSchema, runJourney } from '../../analysis/journey.js';
import type { Store } from '../../store/port.js';
import { registerJsonRoutes, type JsonRoute } from './analysis.js';

const filters = querySpecSchema.omit({ by: true });

export const NEAR_REPEAT_ROUTES: readonly JsonRoute[] = [
  {
    method: 'post',
    path: '/api/spatial/near-repeat',
    summary:
      'Near-repeat Knox test by spatial × temporal band: observed pairs, mean of the permuted pairs, Knox ratio, Monte Carlo p-value (`svo near-repeat`)',
    body: filters.extend(nearRepeatOptionsSchema.shape),
    response:
      'spec, definition, options, incidents, pairs, columns, rows [{spatial_band, spatial_from_m, spatial_to_m, temporal_band, temporal_from_days, temporal_to_days, observed, expected, knox_ratio, p_value}], spatialBands, temporalBands, caveats, seconds',
    run: runNearRepeat,
  },
  {
    method: 'post',
    path: '/api/spatial/nni',
    summary: 'Nearest Neighbour Index (Clark–Evans) of the selected incidents in a study area, with z and p-value (`svo nni`)',
    body: filters.extend(nniOptionsSchema.shape),
    response: 'spec, definition, options, areaDescription, result {points, areaM2, observedMeanM, expectedMeanM, nni, standardErrorM, z, pValue, pattern, coincident}, columns, rows, caveats',
    run: runNni,
  },
  {
    method: 'post',
    path: '/api/spatial/journey',
    summary: 'Journey to crime: distance from offenders’ home LSOA centroids to the offences, by band, median, share offending in their home LSOA/LAD (`svo journey`)',
    body: filters.extend(journeyOptionsSchema.shape),
    response:
      'spec, definition, options, summary {offenders, withDistance, withoutHomeArea, homeAreaNotLocated, offenceNotLocated, medianM, lowerQuartileM, upperQuartileM, meanM, sameLsoa, sameLad}, columns, rows [{distance_band, from_m, to_m, offenders, share, cumulative_share}], caveats',
    run: runJourney,
  },
];

/** Registers the routes on `app` (any Hono environment, e.g. the authenticated app's sub-router). */
export function registerNearRepeatRoutes<E extends Env>(app: Hono<E>, store: Store): void {
  registerJsonRoutes(app, store, NEAR_REPEAT_ROUTES);
}
