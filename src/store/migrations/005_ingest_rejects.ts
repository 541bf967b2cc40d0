import type { Migration } from './index.js';

/**
 * Rejected rows kept with their batch (written in the same transaction as the batch row), so a
 * permitted user can download them later from the dashboard. Values of identifier columns are already
 * redacted at ingest. At most MAX_STORED_REJECTS rows per batch are kept (src/ingest/common/batches.ts);
 * `ingest_batches.rows_rejected` keeps the full count.
 */
export const m005IngestRejects: Migration = {
  version: 5,
  name: 'ingest rejects: rejected rows per batch (line, column, reason, redacted value)',
  statements: [
    `CREATE TABLE ingest_rejects (
      batch_id BIGINT NOT NULL,
      ordinal INTEGER NOT NULL,
      line INTEGER NOT NULL,
      column_name TEXT,
      reason TEXT NOT NULL,
      value TEXT
    )`,
  ],
  onlyOn: {
    postgres: [`CREATE INDEX ingest_rejects_batch ON ingest_rejects (batch_id, ordinal)`],
  },
};
