/**
 * Versioned schema migrations, shared by both engines.
 *
 * Rules: a released migration is never edited (its checksum is recorded and verified at start-up);
 * change the schema by appending a new one. Statements use only types and syntax that DuckDB and
 * PostgreSQL both accept. Large tables carry no unique indexes: DuckDB's index maintenance makes bulk
 * loads several times slower, so uniqueness of (source, record id) is kept by the ingest code, which
 * anti-joins against what is stored inside the same transaction.
 */
import { m001Initial } from './001_initial.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [m001Initial];
