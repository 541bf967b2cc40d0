import { migrate } from './migrate.js';
import type { Store } from './port.js';

export const DEFAULT_DB_PATH = './data/svo.duckdb';

export interface StoreLocation {
  /** PostgreSQL connection URL (server mode). Wins over `dbPath`. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema (default `public`). */
  pgSchema?: string | undefined;
  /** DuckDB file for the embedded mode. */
  dbPath?: string | undefined;
}

/** Resolves where the database is from explicit options, then the environment, then the default. */
export function resolveStoreLocation(options: StoreLocation, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const databaseUrl = options.databaseUrl ?? (options.dbPath ? undefined : env.DATABASE_URL || undefined);
  if (databaseUrl) return { databaseUrl, pgSchema: options.pgSchema ?? env.SVO_PG_SCHEMA ?? 'public' };
  return { dbPath: options.dbPath ?? (env.SVO_DB || DEFAULT_DB_PATH) };
}

/** Opens the store and brings its schema up to date. */
export async function openStore(location: StoreLocation): Promise<Store> {
  // Each driver is loaded only when used: a command pays for one native database library, not two.
  const store: Store = location.databaseUrl
    ? await (await import('./postgres/adapter.js')).PostgresStore.open({ connectionString: location.databaseUrl, schema: location.pgSchema })
    : await (await import('./duckdb/adapter.js')).DuckDBStore.open(location.dbPath ?? DEFAULT_DB_PATH);
  try {
    await migrate(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
