import type { Migration } from './index.js';

/**
 * Indexes for the analysis queries on PostgreSQL: every query joins incidents to their classification
 * under one definition version and, for victims and offenders, to their people. DuckDB gets none: its
 * hash joins and per-column zone maps serve these queries, and indexes would slow its bulk loads.
 */
export const m004QueryIndexes: Migration = {
  version: 4,
  name: 'query indexes (PostgreSQL): incidents by id and time, classifications by definition, people by incident',
  statements: [],
  onlyOn: {
    postgres: [
      `CREATE INDEX incidents_id ON incidents (id)`,
      `CREATE INDEX incidents_source_time ON incidents (source, occurred_from)`,
      `CREATE INDEX incident_classifications_definition ON incident_classifications (definition_id, definition_version, incident_id)`,
      `CREATE INDEX incident_people_incident ON incident_people (incident_id, role)`,
      `CREATE INDEX police_uk_crimes_month ON police_uk_crimes (month)`,
    ],
  },
};
