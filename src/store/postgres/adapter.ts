import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createReadStream } from 'node:fs';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CsvFileLoad, Queryable, Row, SqlValue, Store } from '../port.js';
import { removeOrphanedSpoolFiles } from '../spool.js';
import { postgresDialect } from './dialect.js';
import { prefixCsvRecords } from './prefix-records.js';
import { csvField } from '../../core/values/csv.js';

const { Pool, types: pgTypes } = pg;

/** Parsers that make PostgreSQL rows look like DuckDB's (see `Row` in the port). */
const TYPE_PARSERS: Record<number, (text: string) => unknown> = {
  20: (t) => Number(t), // int8
  1700: (t) => Number(t), // numeric
  1082: (t) => t, // date: keep 'YYYY-MM-DD', never shift by time zone
  1114: (t) => t.replace(' ', 'T'), // timestamp without time zone
};
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    TYPE_PARSERS[oid] ?? pgTypes.getTypeParser(oid, format as 'text')) as typeof pgTypes.getTypeParser,
};

type Client = pg.PoolClient | pg.Pool;

class PostgresQueryable implements Queryable {
  constructor(protected readonly client: Client) {}

  async query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    const result = await this.client.query({ text: sql, values: params as unknown[] | undefined, types });
    return result.rows as T[];
  }

  async refreshStatistics(tables: readonly string[]): Promise<void> {
    for (const table of tables) await this.client.query(`ANALYZE ${table}`);
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<void> {
    await this.client.query({ text: sql, values: params as unknown[] | undefined });
  }

  copyCsv(table: string, columns: readonly string[], csvChunks: Iterable<string>): Promise<number> {
    return this.copyFrom(table, columns, Readable.from(csvChunks));
  }

  copyCsvFile(table: string, columns: readonly string[], path: string): Promise<number> {
    return this.copyFrom(table, columns, createReadStream(path));
  }

  async copyCsvFiles(table: string, fixedColumns: readonly string[], columns: readonly string[], files: readonly CsvFileLoad[]): Promise<number> {
    // COPY takes no constants, so each file is streamed with its fixed values put before every record.
    let loaded = 0;
    for (const file of files) {
      const prefix = file.fixed.map(csvField).join(',') + ',';
      loaded += await this.copyFrom(table, [...fixedColumns, ...columns], createReadStream(file.path), prefixCsvRecords(prefix));
    }
    return loaded;
  }

  /** COPY from `source`, through `transform` if given (one pipeline, so an error in either ends the load). */
  private async copyFrom(table: string, columns: readonly string[], source: Readable, transform?: Transform): Promise<number> {
    const copy = `COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv, NULL '')`;
    const run = async (client: pg.PoolClient) => {
      const stream = client.query(copyFrom(copy));
      await (transform ? pipeline(source, transform, stream) : pipeline(source, stream));
      const loaded = Number(stream.rowCount ?? 0);
      // Fresh statistics after a bulk load: without them the planner takes a just-filled table for
      // empty and picks nested loops that make the next joins take seconds instead of milliseconds.
      if (loaded >= ANALYZE_AFTER_ROWS) await client.query(`ANALYZE ${table}`);
      return loaded;
    };
    if (this.client instanceof Pool) {
      const client = await this.client.connect();
      try {
        return await run(client);
      } finally {
        client.release();
      }
    }
    return run(this.client as pg.PoolClient);
  }
}

/** Bulk loads at least this large refresh the table's planner statistics. */
const ANALYZE_AFTER_ROWS = 500;

export interface PostgresOptions {
  connectionString: string;
  /** Schema for all svo tables; created if missing. Tests use a fresh one per run. */
  schema?: string;
}

export class PostgresStore extends PostgresQueryable implements Store {
  readonly dialect = postgresDialect;

  private constructor(
    private readonly pool: pg.Pool,
    readonly description: string,
  ) {
    super(pool);
  }

  static async open(options: PostgresOptions): Promise<PostgresStore> {
    removeOrphanedSpoolFiles();
    const schema = options.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid PostgreSQL schema name '${schema}'`);
    const admin = new pg.Client({ connectionString: options.connectionString });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
    const pool = new Pool({ connectionString: options.connectionString, max: 4, options: `-c search_path=${schema}` });
    const url = new URL(options.connectionString);
    url.password = '';
    return new PostgresStore(pool, `PostgreSQL ${url.host}${url.pathname} schema ${schema}`);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new PostgresQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** A session-level advisory lock, so concurrent servers never run migrations twice. */
  async withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(`SELECT pg_advisory_lock(hashtext('svo-migrations'))`);
      return await fn();
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('svo-migrations'))`).catch(() => undefined);
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
