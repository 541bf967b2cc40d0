/**
 * The store port: the only way the rest of svo talks to a database.
 *
 * Both adapters (DuckDB embedded, PostgreSQL server) implement exactly this interface and accept the
 * same SQL: positional `$1` parameters, portable types. What differs between engines lives in each
 * adapter's `dialect.ts`, nowhere else.
 */
export type DialectName = 'duckdb' | 'postgres';

export type SqlValue = string | number | bigint | boolean | null;

/** A row as returned by `query`: BIGINT → number, DATE → 'YYYY-MM-DD', TIMESTAMP → 'YYYY-MM-DDTHH:MM:SS'. */
export type Row = Record<string, string | number | boolean | null>;

/** One CSV file for `copyCsvFiles`, with the values its rows get in the fixed columns. */
export interface CsvFileLoad {
  path: string;
  fixed: readonly SqlValue[];
}

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs one statement without results. */
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /**
   * Bulk-loads CSV text (RFC 4180, no header, empty field = NULL) into `columns` of an existing table.
   * Chunks are concatenated as given, so each must end on a record boundary. Returns rows loaded.
   */
  copyCsv(table: string, columns: readonly string[], csvChunks: Iterable<string>): Promise<number>;
  /** Bulk-loads a CSV file of the same form (a spool file written by this process). Returns rows loaded. */
  copyCsvFile(table: string, columns: readonly string[], path: string): Promise<number>;
  /**
   * Bulk-loads several such files into one table, in one statement where the engine can (a statement
   * costs DuckDB tens of milliseconds whatever its size). Each file's rows get that file's `fixed`
   * values in `fixedColumns` (a batch id, say), which the files themselves leave out. Returns rows loaded.
   */
  copyCsvFiles(table: string, fixedColumns: readonly string[], columns: readonly string[], files: readonly CsvFileLoad[]): Promise<number>;
  /**
   * Refreshes the planner's statistics of tables just filled in bulk (PostgreSQL ANALYZE; DuckDB keeps
   * its own and needs nothing), so the next joins are planned for their real size.
   */
  refreshStatistics(tables: readonly string[]): Promise<void>;
}

export interface Store extends Queryable {
  readonly dialect: Dialect;
  /** Human-readable location, e.g. `DuckDB ./data/svo.duckdb`; never contains a password. */
  readonly description: string;
  /** Runs `fn` in one transaction: everything or nothing. Nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Holds the engine's migration lock while `fn` runs. */
  withMigrationLock<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** SQL fragments whose spelling differs between engines. */
export interface Dialect {
  readonly name: DialectName;
  /** Case-insensitive regular-expression match of `expr` against `pattern` (a SQL expression). */
  regexMatch(expr: string, pattern: string): string;
  /** Timestamp truncated to the start of its month, as a DATE. */
  monthStart(expr: string): string;
  /** ISO day of week, Monday = 1 … Sunday = 7. */
  isoDayOfWeek(expr: string): string;
  /** Hour of day 0–23. */
  hourOf(expr: string): string;
}
