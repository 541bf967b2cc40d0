/**
 * HTTP routes of the hotspot analyses: Gi* and kernel density (`svo hotspots`), hotspot stability
 * (`svo hotspot-stability`) and emerging hot spots (`svo emerging-hotspots`). Each body is the query
 * specification's filters plus the analysis's options, as the CLI takes them. SPATIAL_ROUTES also feed
 * the OpenAPI document.
 */
import { z } from 'zod';
import type { Env, Hono } from 'hono';
import { querySpecSchema } from '../../core/query/spec.js';
import { emergingOptionsSchema, hotspotOptionsSchema, runEmerging, runHotspots, runStability, stabilityOptionsSchema, toGeoJson } from '../../analysis/hotspots.js';
import { UsageError } from '../../core/errors.js';
import type { Store } from '../../store/port.js';
import { registerJsonRoutes, type JsonRoute } from './analysis.js';

const filters = querySpecSchema.omit({ by: true, measure: true });
const hotspotBody = filters.extend(hotspotOptionsSchema.shape);
const format = z.enum(['json', 'geojson']).default('json').describe('json (rows, default) or geojson (a FeatureCollection in WGS84)');

/** Takes `format` out of the body; the rest goes to the analysis. */
function withFormat(body: unknown): { format: 'json' | 'geojson'; input: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { format: 'json', input: body };
  const { format: requested, ...input } = body as Record<string, unknown>;
  const parsed = format.safeParse(requested);
  if (!parsed.success) throw new UsageError(`format must be json or geojson, got ${JSON.stringify(requested)}`);
  return { format: parsed.data, input };
}

/** Rows as JSON (without the polygons), or the polygons with the rows as properties. */
function answer<T extends { geometries: unknown }>(result: T & Parameters<typeof toGeoJson>[0], as: 'json' | 'geojson') {
  if (as === 'geojson') return toGeoJson(result);
  const { geometries: _geometries, ...rest } = result;
  return rest;
}

export const SPATIAL_ROUTES: readonly JsonRoute[] = [
  {
    method: 'post',
    path: '/api/spatial/hotspots',
    summary: 'Getis-Ord Gi* hotspots per LSOA, MSOA or grid cell (counts or rates), or quartic kernel density on a grid (`svo hotspots`)',
    body: hotspotBody.extend({ format }),
    response:
      'gistar: spec, definition, options, columns, rows [{unit, count, (population, rate,) gistar, p_value, p_fdr, class}], caveats; ' +
      'kde: rows [{unit, easting, northing, count, density, top}]; with format geojson a FeatureCollection of the rows on WGS84 polygons',
    run: async (store, body) => {
      const { format: as, input } = withFormat(body);
      return answer(await runHotspots(store, input), as);
    },
  },
  {
    method: 'post',
    path: '/api/spatial/stability',
    summary: 'Hotspot stability: the hotspots of the first period, their PAI in both periods and the RRI between them (`svo hotspot-stability`)',
    body: hotspotBody.omit({ from: true, to: true }).extend(stabilityOptionsSchema.shape),
    response: 'spec, definition, options, columns, rows [{period, from, to, incidents, in_hotspots, hotspots, hotspot_area_km2, study_area_km2, pai, rri}], hotspots [unit ids], caveats',
    run: (store, body) => runStability(store, body),
  },
  {
    method: 'post',
    path: '/api/spatial/emerging',
    summary: 'Emerging hot spots: Gi* per period and the Mann–Kendall trend of each unit → ArcGIS / sfdep categories (`svo emerging-hotspots`)',
    body: hotspotBody.extend({ ...emergingOptionsSchema.shape, format }),
    response:
      'spec, definition, options, periods, columns, rows [{unit, category, pattern, direction, periods, hot_periods, cold_periods, trend_tau, trend_p, last_gistar}], caveats; with format geojson a FeatureCollection',
    run: async (store, body) => {
      const { format: as, input } = withFormat(body);
      return answer(await runEmerging(store, input), as);
    },
  },
];

/** Registers the routes on any Hono app (generic over its environment, e.g. the authenticated one). */
export function registerSpatialRoutes<E extends Env>(app: Hono<E>, store: Store): void {
  registerJsonRoutes(app, store, SPATIAL_ROUTES);
}
