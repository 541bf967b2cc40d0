import type { Migration } from './index.js';

/**
 * Query facts: the narrow tables counts read instead of joining incidents to their classification
 * (and people) at every query. One `query_facts` row per police incident under each stored definition
 * version, with its precomputed time keys, the incident's own dimension values and its classification;
 * the same row once per victim (`query_victim_facts`) or suspect (`query_offender_facts`) of each such
 * incident, with the person's age band and sex. Geography and offence groups are not copied: they are joined (small tables) at query time,
 * so a geography or code-table load changes nothing here.
 *
 * Maintained in the same transaction as their inputs by src/classify/facts.ts. The statements below
 * only fill them once from what a store already holds; frozen like every migration, so the key
 * expressions are written out here rather than imported.
 */
const KEYS = `i.id, i.occurred_from,
  CAST(EXTRACT(YEAR FROM i.occurred_from) AS INTEGER) * 100 + CAST(EXTRACT(MONTH FROM i.occurred_from) AS INTEGER),
  CAST(EXTRACT(YEAR FROM i.occurred_from) AS INTEGER) * 10 + CAST(FLOOR((CAST(EXTRACT(MONTH FROM i.occurred_from) AS INTEGER) + 2) / 3) AS INTEGER),
  CAST(EXTRACT(YEAR FROM i.occurred_from) AS INTEGER),
  CAST(EXTRACT(YEAR FROM i.occurred_from) AS INTEGER) - CASE WHEN CAST(EXTRACT(MONTH FROM i.occurred_from) AS INTEGER) < 4 THEN 1 ELSE 0 END,
  CAST(date_trunc('week', i.occurred_from) AS DATE),
  CAST(EXTRACT(ISODOW FROM i.occurred_from) AS INTEGER),
  CAST(EXTRACT(HOUR FROM i.occurred_from) AS INTEGER),
  i.hocr_code, i.location_type, i.domestic, i.lsoa_code`;

const FACT_COLUMNS = `definition_id, definition_version, incident_id, occurred_from, month_key, quarter_key, year_key,
  financial_year_key, week_start, day_of_week, hour_of_day, hocr_code, location_type, domestic, lsoa_code,
  in_definition, sv_category, public_place, knife_enabled`;

/** The columns every fact table has (the incident's keys and classification); people tables add age band and sex. */
const INCIDENT_FACT_COLUMNS = `      definition_id TEXT NOT NULL,
      definition_version INTEGER NOT NULL,
      incident_id BIGINT NOT NULL,
      occurred_from TIMESTAMP NOT NULL,
      month_key INTEGER NOT NULL,
      quarter_key INTEGER NOT NULL,
      year_key INTEGER NOT NULL,
      financial_year_key INTEGER NOT NULL,
      week_start DATE NOT NULL,
      day_of_week INTEGER NOT NULL,
      hour_of_day INTEGER NOT NULL,
      hocr_code TEXT,
      location_type TEXT,
      domestic BOOLEAN,
      lsoa_code TEXT,
      in_definition BOOLEAN,
      sv_category TEXT,
      public_place BOOLEAN,
      knife_enabled BOOLEAN`;
const PERSON_FACT_COLUMNS = `      age_band INTEGER NOT NULL,
      sex TEXT NOT NULL`;

export const m006QueryFacts: Migration = {
  version: 6,
  name: 'query facts: incidents with precomputed keys and classification per definition version, and their victims and offenders',
  statements: [
    `CREATE TABLE query_facts (
${INCIDENT_FACT_COLUMNS}
    )`,
    `CREATE TABLE query_victim_facts (
${INCIDENT_FACT_COLUMNS},
${PERSON_FACT_COLUMNS}
    )`,
    `CREATE TABLE query_offender_facts (
${INCIDENT_FACT_COLUMNS},
${PERSON_FACT_COLUMNS}
    )`,
    `INSERT INTO query_facts (${FACT_COLUMNS})
     SELECT d.id, d.version, ${KEYS}, c.in_definition, c.sv_category, c.public_place, c.knife_enabled
     FROM definitions d CROSS JOIN incidents i
     LEFT JOIN incident_classifications c ON c.incident_id = i.id AND c.definition_id = d.id AND c.definition_version = d.version
     WHERE i.source = 'police'`,
    ...(['victim', 'suspect'] as const).map(
      (role) => `INSERT INTO ${role === 'victim' ? 'query_victim_facts' : 'query_offender_facts'} (${FACT_COLUMNS}, age_band, sex)
     SELECT f.${FACT_COLUMNS.replace(/,\s*/g, ', f.')},
       CASE WHEN p.age IS NULL THEN 8 WHEN p.age < 10 THEN 0 WHEN p.age < 15 THEN 1 WHEN p.age < 20 THEN 2
         WHEN p.age < 25 THEN 3 WHEN p.age < 35 THEN 4 WHEN p.age < 50 THEN 5 WHEN p.age < 65 THEN 6 ELSE 7 END,
       COALESCE(p.sex, 'unknown')
     FROM query_facts f JOIN incident_people p ON p.incident_id = f.incident_id AND p.role = '${role}'`,
    ),
  ],
  onlyOn: {
    postgres: [
      `CREATE INDEX query_facts_version_time ON query_facts (definition_id, definition_version, occurred_from)`,
      `CREATE INDEX query_facts_incident ON query_facts (incident_id)`,
      `CREATE INDEX query_victim_facts_version_time ON query_victim_facts (definition_id, definition_version, occurred_from)`,
      `CREATE INDEX query_victim_facts_incident ON query_victim_facts (incident_id)`,
      `CREATE INDEX query_offender_facts_version_time ON query_offender_facts (definition_id, definition_version, occurred_from)`,
      `CREATE INDEX query_offender_facts_incident ON query_offender_facts (incident_id)`,
      `ANALYZE query_facts`,
      `ANALYZE query_victim_facts`,
      `ANALYZE query_offender_facts`,
    ],
  },
};
