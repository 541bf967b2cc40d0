/**
 * Query facts (migration 006): what police counts read instead of joining incidents to their
 * classification and people at every query.
 *
 * - `query_facts`: one row per police incident under each stored definition version: precomputed time
 *   keys, the incident's own values (HOCR code, location type, domestic flag, recorded LSOA) and its
 *   classification under that version (NULL if it has none).
 * - `query_victim_facts`, `query_offender_facts`: the same row once per victim / suspect of the incident,
 *   with the person's age band and sex (one table per role, so counting victims scans no suspects).
 *
 * They are derived data and are rewritten in the same transaction as every change of their inputs:
 * classifying (a new definition version, a new batch — `refreshQueryFacts`, called by
 * `classifyIncidents`) and removing incidents (replaced on re-ingest, past retention —
 * `forgetQueryFacts`). Geography and HOCR offence groups are deliberately not copied: counts join those
 * small tables at query time, so loading geography can never leave a fact stale.
 */
import type { Queryable, SqlValue } from '../store/port.js';
import { incidentOfBatchesSql } from '../core/incident-ids.js';

/** The police source, the only one with incidents to classify. */
const POLICE = 'police';

/** The person-facts table of each role in incident_people. */
export const PERSON_FACT_TABLES = { victim: 'query_victim_facts', suspect: 'query_offender_facts' } as const;
const FACT_TABLES = ['query_facts', ...Object.values(PERSON_FACT_TABLES)];

/**
 * Time keys of a timestamp, in SQL both engines accept: month 202107, quarter 20213, year, financial
 * year (starting in April), the Monday of the ISO week, ISO day of week (Monday = 1) and hour.
 */
function timeKeySql(time: string): { month: string; quarter: string; year: string; financialYear: string; week: string; dayOfWeek: string; hour: string } {
  const year = `CAST(EXTRACT(YEAR FROM ${time}) AS INTEGER)`;
  const month = `CAST(EXTRACT(MONTH FROM ${time}) AS INTEGER)`;
  return {
    month: `(${year} * 100 + ${month})`,
    quarter: `(${year} * 10 + CAST(FLOOR((${month} + 2) / 3) AS INTEGER))`,
    year,
    financialYear: `(${year} - CASE WHEN ${month} < 4 THEN 1 ELSE 0 END)`,
    week: `CAST(date_trunc('week', ${time}) AS DATE)`,
    dayOfWeek: `CAST(EXTRACT(ISODOW FROM ${time}) AS INTEGER)`,
    hour: `CAST(EXTRACT(HOUR FROM ${time}) AS INTEGER)`,
  };
}

/** Age band index (into AGE_BANDS of the query spec) of an age in years; the same banding for people and population. */
export const ageBandSql = (age: string) => `CASE WHEN ${age} IS NULL THEN 8 WHEN ${age} < 10 THEN 0 WHEN ${age} < 15 THEN 1 WHEN ${age} < 20 THEN 2
  WHEN ${age} < 25 THEN 3 WHEN ${age} < 35 THEN 4 WHEN ${age} < 50 THEN 5 WHEN ${age} < 65 THEN 6 ELSE 7 END`;

/** Columns of query_facts (and the first columns of query_person_facts) → SQL over incidents `i` and classifications `c`. */
function factSelect(): [string, string][] {
  const k = timeKeySql('i.occurred_from');
  return [
    ['incident_id', 'i.id'],
    ['occurred_from', 'i.occurred_from'],
    ['month_key', k.month],
    ['quarter_key', k.quarter],
    ['year_key', k.year],
    ['financial_year_key', k.financialYear],
    ['week_start', k.week],
    ['day_of_week', k.dayOfWeek],
    ['hour_of_day', k.hour],
    ['hocr_code', 'i.hocr_code'],
    ['location_type', 'i.location_type'],
    ['domestic', 'i.domestic'],
    ['lsoa_code', 'i.lsoa_code'],
    ['in_definition', 'c.in_definition'],
    ['sv_category', 'c.sv_category'],
    ['public_place', 'c.public_place'],
    ['knife_enabled', 'c.knife_enabled'],
  ];
}

export interface DefinitionVersion {
  id: string;
  version: number;
}

/**
 * Rewrites the facts of one definition version for the police incidents of `batchIds` (null = every
 * incident), from the incidents, their classification under that version and their people. Runs in
 * the caller's transaction, after the classification was written.
 */
export async function refreshQueryFacts(tx: Queryable, definition: DefinitionVersion, batchIds: readonly number[] | null): Promise<void> {
  const params: SqlValue[] = [definition.id, definition.version];
  // The batches' incidents are id ranges: tested on the fact tables' own ids, without a join to incidents.
  const inScope = (column: string) => (batchIds === null ? '' : ` AND ${incidentOfBatchesSql(column, batchIds)}`);
  for (const table of FACT_TABLES) await tx.run(`DELETE FROM ${table} WHERE definition_id = $1 AND definition_version = $2${inScope('incident_id')}`, params);
  const columns = factSelect();
  await tx.run(
    `INSERT INTO query_facts (definition_id, definition_version, ${columns.map(([name]) => name).join(', ')})
     SELECT CAST($1 AS TEXT), CAST($2 AS INTEGER), ${columns.map(([, expr]) => expr).join(', ')}
     FROM incidents i
     LEFT JOIN incident_classifications c ON c.incident_id = i.id AND c.definition_id = $1 AND c.definition_version = $2
     WHERE i.source = $3 AND ${incidentOfBatchesSql('i.id', batchIds)}`,
    [...params, POLICE],
  );
  const copied = ['definition_id', 'definition_version', ...columns.map(([name]) => name)];
  for (const [role, table] of Object.entries(PERSON_FACT_TABLES)) {
    await tx.run(
      `INSERT INTO ${table} (${copied.join(', ')}, age_band, sex)
       SELECT ${copied.map((c) => `f.${c}`).join(', ')}, ${ageBandSql('p.age')}, COALESCE(p.sex, 'unknown')
       FROM query_facts f JOIN incident_people p ON p.incident_id = f.incident_id AND p.role = $3
       WHERE f.definition_id = $1 AND f.definition_version = $2${inScope('f.incident_id')}`,
      [...params, role],
    );
  }
  await tx.refreshStatistics(FACT_TABLES);
}

/**
 * Removes the facts of incidents about to be deleted (under every definition version). `incidentIds`
 * is a SELECT of incident ids with `params` as its parameters; call it before the incidents go.
 */
export async function forgetQueryFacts(tx: Queryable, incidentIds: string, params: readonly SqlValue[] = []): Promise<void> {
  for (const table of FACT_TABLES) await tx.run(`DELETE FROM ${table} WHERE incident_id IN (${incidentIds})`, params);
  await tx.refreshStatistics(FACT_TABLES);
}
