/**
 * People: who the victims and offenders are (age band × sex) and how concentrated harm is — repeat
 * victims and repeat offenders, by their pseudonymised keys. Nothing here can identify anyone: the
 * output is counts of people by how often they were seen, never keys.
 */
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { parseQuerySpec } from '../core/query/spec.js';
import { fromWhere } from '../query/build.js';
import { buildOptionsFor, runQuery, type QueryResult } from '../query/run.js';
import type { Queryable, SqlValue, Store } from '../store/port.js';
import { breakdownsOf, splitAnalysisInput } from './input.js';

export const peopleOptionsSchema = z.object({ role: z.enum(['victims', 'offenders']).default('victims') }).strict();

/** Bands of "times seen in the period" reported for repeat counts. */
export const TIMES_SEEN_BANDS = ['1', '2', '3', '4', '5-9', '10+'] as const;

export interface PeopleResult {
  spec: QueryResult['spec'];
  definition: QueryResult['definition'];
  role: 'victims' | 'offenders';
  /** Age band × sex counts (one per person per incident). */
  profile: QueryResult['rows'];
  repeat: {
    /** Distinct identified people (with a pseudonymous key) in the period. */
    people: number;
    /** People by how many distinct incidents they were involved in. */
    times_seen: { band: (typeof TIMES_SEEN_BANDS)[number]; people: number }[];
    /** Incidents with at least one identified person of this role. */
    incidents: number;
    /** Of those, incidents involving someone seen in two or more incidents in the period. */
    repeat_incidents: number;
    repeat_share: number | null;
    /** The largest numbers of incidents per person (counts only, no identities), at most ten. */
    top_counts: number[];
  };
  caveats: string[];
}

function band(times: number): (typeof TIMES_SEEN_BANDS)[number] {
  if (times >= 10) return '10+';
  if (times >= 5) return '5-9';
  return String(times) as (typeof TIMES_SEEN_BANDS)[number];
}

export async function runPeople(store: Pick<Store, 'dialect'> & Queryable, input: unknown): Promise<PeopleResult> {
  const { options, query } = splitAnalysisInput(input, peopleOptionsSchema, 'people');
  if (breakdownsOf(query).length) throw new UsageError('the people profile sets its own breakdowns (age band × sex): leave out `by`');
  if (query.measure !== undefined) throw new UsageError('choose victims or offenders with `role`, not `measure`');
  const prefix = options.role === 'victims' ? 'victim' : 'offender';
  const profileResult = await runQuery(store, { ...query, measure: options.role, by: [`${prefix}_age_band`, `${prefix}_sex`] });

  const spec = parseQuerySpec({ ...query, measure: options.role });
  if (spec.source !== 'police') throw new UsageError(`source '${spec.source}' has no people: repeat victims and offenders need record-level police data`);
  const buildOptions = await buildOptionsFor(store, spec);
  const params: SqlValue[] = [];
  const body = fromWhere(spec, buildOptions, params);
  const people = `SELECT DISTINCT t.id AS incident_id, ip.person_key AS person_key ${body}`;
  const perPerson = await store.query<{ times: number; people: number }>(
    `WITH p AS (${people}), n AS (SELECT person_key, COUNT(*) AS times FROM p WHERE person_key IS NOT NULL GROUP BY person_key)
     SELECT times, COUNT(*) AS people FROM n GROUP BY times ORDER BY times DESC`,
    params,
  );
  const [shares] = await store.query<{ incidents: number; repeat_incidents: number }>(
    `WITH p AS (${people}),
       r AS (SELECT person_key FROM p WHERE person_key IS NOT NULL GROUP BY person_key HAVING COUNT(*) >= 2)
     SELECT COUNT(DISTINCT p.incident_id) AS incidents,
            COUNT(DISTINCT CASE WHEN r.person_key IS NOT NULL THEN p.incident_id END) AS repeat_incidents
     FROM p LEFT JOIN r ON r.person_key = p.person_key WHERE p.person_key IS NOT NULL`,
    params,
  );
  const bands = new Map<string, number>(TIMES_SEEN_BANDS.map((b) => [b, 0]));
  const topCounts: number[] = [];
  for (const { times, people: n } of perPerson) {
    bands.set(band(Number(times)), (bands.get(band(Number(times))) ?? 0) + Number(n));
    for (let i = 0; i < Number(n) && topCounts.length < 10; i++) if (Number(times) >= 2) topCounts.push(Number(times));
  }
  const incidents = Number(shares?.incidents ?? 0);
  const repeatIncidents = Number(shares?.repeat_incidents ?? 0);
  return {
    spec: profileResult.spec,
    definition: profileResult.definition,
    role: options.role,
    profile: profileResult.rows,
    repeat: {
      people: perPerson.reduce((s, r) => s + Number(r.people), 0),
      times_seen: TIMES_SEEN_BANDS.map((b) => ({ band: b, people: bands.get(b) ?? 0 })),
      incidents,
      repeat_incidents: repeatIncidents,
      repeat_share: incidents ? repeatIncidents / incidents : null,
      top_counts: topCounts,
    },
    caveats: [
      ...profileResult.caveats,
      `repeat ${options.role} are matched on pseudonymised identifiers within the period and the filters; people without an identifier are counted in the profile but not in the repeat figures`,
      'a person is counted once per incident; repeats are distinct incidents',
    ],
  };
}
