/**
 * POST /api/points: the incidents a query specification selects, as map points (WGS84). Record-level:
 * staff roles only, partners restricted to their agency's records (and their areas when their account
 * lists any), every call audited with who asked, the filter and how many points were returned.
 *
 * The same spec and WHERE as the counts (src/query/build.ts), so the map shows exactly the records
 * behind the numbers; breakdowns (`by`) are ignored. An incident with several victims is one point.
 */
import type { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { bngToWgs84 } from '../../core/geo/bng.js';
import { UsageError } from '../../core/errors.js';
import { parseQuerySpec, querySpecSchema, type QuerySpec } from '../../core/query/spec.js';
import { findDefinition } from '../../classify/definitions.js';
import { fromWhere } from '../../query/build.js';
import { buildOptionsFor, POLICE_UK_CAVEAT } from '../../query/run.js';
import { SNAPPED_POINTS_CAVEAT } from '../../query/points.js';
import { appendAudit } from '../../security/audit.js';
import type { SqlValue, Store } from '../../store/port.js';
import type { Access, AppEnv } from '../access.js';
import { readJson } from './analysis.js';

/** Most points returned (the most recent first); `total` says how many matched. */
export const MAX_POINTS = 50_000;

export interface MapPoint {
  lon: number;
  lat: number;
  /** 'YYYY-MM'. */
  month: string;
  /**
   * police: the serious-violence category under the definition, else the Home Office offence group;
   * police-uk: the data.police.uk crime type.
   */
  category: string | null;
  /** Under the definition used (police); null for police-uk, which has no definition. */
  in_definition: boolean | null;
}

export interface PointsAnswer {
  source: QuerySpec['source'];
  definition: { id: string; version: number } | null;
  points: MapPoint[];
  /** Records matched (within the caller's scope) that have a location. */
  total: number;
  truncated: boolean;
  limit: number;
  /** Records matched that have no location (not on the map). */
  withoutLocation: number;
  caveats: string[];
}

interface PointRow {
  [key: string]: string | number | boolean | null;
  lon: number | null;
  lat: number | null;
  x: number | null;
  y: number | null;
  occurred: string;
  category: string | null;
  offence_group: string | null;
  in_definition: boolean | null;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Partner scope as SQL over the point rows `p` (agency, lsoa). */
function scopeCondition(scope: Access['scope'], params: SqlValue[]): string {
  if (!scope) return 'TRUE';
  const p = (v: SqlValue) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conditions = [`p.agency = ${p(scope.agency)}`];
  if (scope.areas.length > 0) {
    const list = () => scope.areas.map((a) => p(a)).join(', ');
    conditions.push(
      `(p.lsoa IN (${list()}) OR p.lsoa IN (SELECT lsoa_code FROM geo_lsoa WHERE msoa_code IN (${list()}) OR lad_code IN (${list()}) OR csp_code IN (${list()})))`,
    );
  }
  return conditions.join(' AND ');
}

export async function incidentPoints(store: Store, input: unknown, scope: Access['scope']): Promise<PointsAnswer> {
  const body = input !== null && typeof input === 'object' && !Array.isArray(input) ? { ...(input as Record<string, unknown>), by: [] } : input;
  const spec = parseQuerySpec(body);
  if (spec.source !== 'police' && spec.source !== 'police-uk') {
    throw new UsageError(`incident points come from police records and data.police.uk only, not '${spec.source}'`, 'use source police or police-uk');
  }
  const options = await buildOptionsFor(store, spec);
  if (spec.source === 'police' && !options.definition) {
    // Points carry their classification even when every crime is asked for.
    const stored = await findDefinition(store, spec.definition);
    options.definition = { id: stored.id, version: stored.version };
  }
  const params: SqlValue[] = [];
  const from = fromWhere(spec, options, params);
  const inner =
    spec.source === 'police'
      ? `SELECT DISTINCT t.id AS id, t.longitude AS lon, t.latitude AS lat, t.easting AS x, t.northing AS y, t.occurred_from AS occurred,
           c.sv_category AS category, c.in_definition AS in_definition, t.hocr_code AS hocr_code, t.agency AS agency, t.lsoa_code AS lsoa ${from}`
      : `SELECT COALESCE(t.crime_id, t.asb_key) AS id, t.longitude AS lon, t.latitude AS lat, CAST(NULL AS DOUBLE PRECISION) AS x,
           CAST(NULL AS DOUBLE PRECISION) AS y, t.month AS occurred, t.crime_type AS category, CAST(NULL AS BOOLEAN) AS in_definition,
           CAST(NULL AS TEXT) AS hocr_code, t.falls_within AS agency, t.lsoa_code AS lsoa ${from}`;
  const scoped = scopeCondition(scope, params);
  const located = '((p.lon IS NOT NULL AND p.lat IS NOT NULL) OR (p.x IS NOT NULL AND p.y IS NOT NULL))';
  const [counts] = await store.query<{ n: number; located: number | null }>(
    `SELECT COUNT(*) AS n, SUM(CASE WHEN ${located} THEN 1 ELSE 0 END) AS located FROM (${inner}) p WHERE ${scoped}`,
    params,
  );
  const rows = await store.query<PointRow>(
    `SELECT p.lon, p.lat, p.x, p.y, CAST(p.occurred AS TEXT) AS occurred, p.category, p.in_definition,
       (SELECT h.ho_group FROM hocr_codes h WHERE h.code = p.hocr_code) AS offence_group
     FROM (${inner}) p WHERE ${scoped} AND ${located} ORDER BY p.occurred DESC, p.id LIMIT ${MAX_POINTS}`,
    params,
  );
  const points: MapPoint[] = rows.map((r) => {
    const [lon, lat] = r.lon !== null && r.lat !== null ? [Number(r.lon), Number(r.lat)] : bngToWgs84(Number(r.x), Number(r.y));
    return {
      lon: round6(lon),
      lat: round6(lat),
      month: String(r.occurred).slice(0, 7),
      category: r.category ?? r.offence_group ?? null,
      in_definition: r.in_definition === null ? null : Boolean(r.in_definition),
    };
  });
  const total = Number(counts?.located ?? 0);
  const withoutLocation = Number(counts?.n ?? 0) - total;
  const caveats: string[] = [];
  if (spec.source === 'police-uk') caveats.push(POLICE_UK_CAVEAT, SNAPPED_POINTS_CAVEAT);
  if (total > points.length) caveats.push(`the map shows the ${points.length.toLocaleString('en-GB')} most recent of ${total.toLocaleString('en-GB')} records`);
  if (withoutLocation > 0) caveats.push(`${withoutLocation.toLocaleString('en-GB')} selected records have no location and are not on the map`);
  if (scope) caveats.push(`only ${scope.agency}'s records${scope.areas.length ? ` in ${scope.areas.join(', ')}` : ''} are shown (your partner scope)`);
  return { source: spec.source, definition: options.definition, points, total, truncated: total > points.length, limit: MAX_POINTS, withoutLocation, caveats };
}

export function registerPointRoutes(app: Hono<AppEnv>, store: Store, now: () => Date): void {
  app.post('/api/points', async (c) => {
    const access = c.get('access');
    // Fail closed: a partner account without an agency has no scope to restrict to.
    if (access.role === 'partner' && !access.scope) throw new HTTPException(403, { message: 'this partner account has no agency, so no record-level scope' });
    const input = await readJson(c.req);
    const answer = await incidentPoints(store, input, access.scope);
    // The filter as asked (no personal data: a query spec holds codes, periods and categories).
    const filter = input !== null && typeof input === 'object' ? { ...(input as Record<string, unknown>) } : {};
    delete filter.by;
    await appendAudit(
      store,
      access.user!.username,
      'records.view',
      { what: 'incident points', filter, scope: access.scope, points: answer.points.length, total: answer.total },
      now(),
    );
    return c.json(answer);
  });
}

export const POINTS_OPENAPI: Record<string, unknown> = {
  '/api/points': {
    post: {
      summary: `Incident points for the map (record-level: admin, analyst, partner within their agency and areas; audited). Body: a query specification (its filters, period, source, definition; breakdowns ignored). At most ${MAX_POINTS.toLocaleString('en-GB')} points, the most recent first. data.police.uk points are anonymised snap points`,
      requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(querySpecSchema, { io: 'input', unrepresentable: 'any' }) } } },
      responses: {
        '200': {
          description:
            'source, definition {id, version} | null, points [{lon, lat, month "YYYY-MM", category, in_definition}], total, truncated, limit, withoutLocation, caveats [text]',
        },
        '400': { description: 'the specification is invalid, or the source has no points' },
        '403': { description: 'viewer and public roles cannot see record-level data' },
      },
    },
  },
};
