/**
 * Incident ids: batch id × INCIDENTS_PER_BATCH + the incident's ordinal in its file + 1. They are
 * unique without a round trip to the database, and the incidents of one batch are one id range, so a
 * batch's rows in any table keyed by incident id are found by a range test (which DuckDB's zone maps
 * and PostgreSQL's indexes answer) instead of a join to incidents.
 */
export const INCIDENTS_PER_BATCH = 100_000_000;

/** The id of the first incident (ordinal 0) of a batch. */
export function firstIncidentId(batchId: number): number {
  return batchId * INCIDENTS_PER_BATCH + 1;
}

/** SQL that is true when `column` holds the id of an incident of one of `batchIds` (null: of any batch). */
export function incidentOfBatchesSql(column: string, batchIds: readonly number[] | null): string {
  if (batchIds === null) return 'TRUE';
  if (batchIds.length === 0) return 'FALSE';
  const ranges = batchIds.map((b) => `${column} BETWEEN ${firstIncidentId(Number(b))} AND ${firstIncidentId(Number(b)) + INCIDENTS_PER_BATCH - 2}`);
  return `(${ranges.join(' OR ')})`;
}
