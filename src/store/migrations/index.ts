/**
 * Versioned schema migrations, shared by both engines.
 *
 * Rules: a released migration is never edited (its checksum is recorded and verified at start-up);
 * change the schema by appending a new one. Statements use only types and syntax that DuckDB and
 * PostgreSQL both accept. Large tables carry no unique indexes: DuckDB's index maintenance makes bulk
 * loads several times slower, so uniqueness of (source, record id) is kept by the ingest code, which
 * anti-joins against what is stored inside the same transaction.
 */
import type { DialectName } from '../port.js';
import { m001Initial } from './001_initial.js';
import { m002Security } from './002_security.js';
import { m003InjurySurveillance } from './003_injury_surveillance.js';
import { m004QueryIndexes } from './004_query_indexes.js';
import { m005IngestRejects } from './005_ingest_rejects.js';
import { m006QueryFacts } from './006_query_facts.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
  /**
   * Statements for one engine only, run after `statements` — e.g. secondary indexes, which PostgreSQL
   * joins need and DuckDB (hash joins, zone maps) does not use while they slow its bulk loads.
   */
  readonly onlyOn?: Partial<Record<DialectName, readonly string[]>>;
}

export const MIGRATIONS: readonly Migration[] = [m001Initial, m002Security, m003InjurySurveillance, m004QueryIndexes, m005IngestRejects, m006QueryFacts];
