import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { CsvFileLoad, Queryable, Row, SqlValue, Store } from '../port.js';
import { Mutex } from '../lock.js';
import { removeOrphanedSpoolFiles, spoolChunks } from '../spool.js';
import { duckdbDialect } from './dialect.js';

/** Converts DuckDB's value objects to the port's plain row values. */
function toPlain(value: DuckDBValue): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return Number(value);
    default: {
      const text = String(value);
      // TIMESTAMP prints as 'YYYY-MM-DD HH:MM:SS[.fff]'; the port uses the ISO 'T' separator.
      if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.test(text)) return text.replace(' ', 'T').replace(/\.0+$/, '');
      if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
      return text;
    }
  }
}

function bindable(params: readonly SqlValue[] | undefined): DuckDBValue[] | undefined {
  if (!params || params.length === 0) return undefined;
  return params.map((p) => (typeof p === 'number' && Number.isInteger(p) && Math.abs(p) > 2 ** 31 ? BigInt(p) : p));
}

class DuckDBQueryable implements Queryable {
  constructor(protected readonly connection: DuckDBConnection) {}

  async query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, bindable(params));
    const names = reader.columnNames();
    return reader.getRows().map((values) => {
      const row: Row = {};
      names.forEach((name, i) => (row[name] = toPlain(values[i] as DuckDBValue)));
      return row as T;
    });
  }

  async refreshStatistics(): Promise<void> {
    // DuckDB keeps statistics up to date as it writes.
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<void> {
    await this.connection.run(sql, bindable(params));
  }

  async copyCsv(table: string, columns: readonly string[], csvChunks: Iterable<string>): Promise<number> {
    // DuckDB's CSV reader is far faster than row-at-a-time appends from JavaScript, so bulk loads go
    // through a private spool file.
    const spool = spoolChunks(csvChunks);
    try {
      return await this.loadCsvFile(table, columns, spool.path);
    } finally {
      spool.remove();
    }
  }

  copyCsvFile(table: string, columns: readonly string[], path: string): Promise<number> {
    return this.loadCsvFile(table, columns, path);
  }

  async copyCsvFiles(table: string, fixedColumns: readonly string[], columns: readonly string[], files: readonly CsvFileLoad[]): Promise<number> {
    if (files.length === 0) return 0;
    // One read_csv over every file; each row's fixed values are chosen by the file it came from (in a
    // column named so as not to meet a table column).
    const described = await this.connection.runAndReadAll(`DESCRIBE ${table}`);
    const types = new Map(described.getRowObjects().map((r) => [String(r['column_name']), String(r['column_type'])]));
    const typeOf = (column: string) => {
      const type = types.get(column);
      if (!type) throw new Error(`${table} has no column ${column}`);
      return type;
    };
    const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
    const params: SqlValue[] = [];
    const fixedValues = fixedColumns.map((column, k) => {
      const cases = files.map((file) => {
        params.push(file.fixed[k] ?? null);
        return `WHEN ${literal(file.path)} THEN CAST($${params.length} AS ${typeOf(column)})`;
      });
      return `CASE svo_spool_file ${cases.join(' ')} END`;
    });
    const spec = `{${columns.map((c) => `${literal(c)}: ${literal(typeOf(c))}`).join(', ')}}`;
    const result = await this.connection.run(
      `INSERT INTO ${table} (${[...fixedColumns, ...columns].join(', ')})
       SELECT ${[...fixedValues, ...columns].join(', ')}
       FROM read_csv([${files.map((f) => literal(f.path)).join(', ')}], columns = ${spec}, header = false,
         quote = '"', escape = '"', delim = ',', auto_detect = false, filename = 'svo_spool_file')`,
      bindable(params),
    );
    return Number(result.rowsChanged);
  }

  /** Not overridden by the store (whose public methods take its lock), so copyCsv can call it holding the lock. */
  private async loadCsvFile(table: string, columns: readonly string[], path: string): Promise<number> {
    const result = await this.connection.run(
      `COPY ${table} (${columns.join(', ')}) FROM '${path.replaceAll("'", "''")}' (FORMAT csv, HEADER false, QUOTE '"', ESCAPE '"', DELIMITER ',', AUTO_DETECT false)`,
    );
    return Number(result.rowsChanged);
  }
}

export class DuckDBStore extends DuckDBQueryable implements Store {
  readonly dialect = duckdbDialect;
  private readonly mutex = new Mutex();
  private inTransaction = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    connection: DuckDBConnection,
    readonly description: string,
  ) {
    super(connection);
  }

  /** Opens (creating if needed) a DuckDB file; `:memory:` gives a throwaway database. */
  static async open(path: string): Promise<DuckDBStore> {
    removeOrphanedSpoolFiles();
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    // Rows come back in insertion order only under ORDER BY, as on PostgreSQL, so DuckDB need not
    // keep it: bulk loads and INSERT … SELECT then run in parallel.
    await connection.run('SET preserve_insertion_order = false');
    return new DuckDBStore(instance, connection, `DuckDB ${path}`);
  }

  override query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.mutex.runExclusive(() => super.query<T>(sql, params));
  }

  override run(sql: string, params?: readonly SqlValue[]): Promise<void> {
    return this.mutex.runExclusive(() => super.run(sql, params));
  }

  override copyCsv(table: string, columns: readonly string[], csvChunks: Iterable<string>): Promise<number> {
    return this.mutex.runExclusive(() => super.copyCsv(table, columns, csvChunks));
  }

  override copyCsvFile(table: string, columns: readonly string[], path: string): Promise<number> {
    return this.mutex.runExclusive(() => super.copyCsvFile(table, columns, path));
  }

  override copyCsvFiles(table: string, fixedColumns: readonly string[], columns: readonly string[], files: readonly CsvFileLoad[]): Promise<number> {
    return this.mutex.runExclusive(() => super.copyCsvFiles(table, fixedColumns, columns, files));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const tx = new DuckDBQueryable(this.connection);
    if (this.inTransaction) return fn(tx);
    return this.mutex.runExclusive(async () => {
      this.inTransaction = true;
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const result = await fn(tx);
        await this.connection.run('COMMIT');
        return result;
      } catch (error) {
        await this.connection.run('ROLLBACK');
        throw error;
      } finally {
        this.inTransaction = false;
      }
    });
  }

  /** DuckDB allows one writing process per file (an OS file lock), so an in-process lock suffices. */
  withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async close(): Promise<void> {
    await this.mutex.runExclusive(async () => {
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }
}

