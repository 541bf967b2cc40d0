/**
 * Runs integration tests against both engines. Each call gets a fresh database: a DuckDB file in a
 * temporary folder, or a fresh PostgreSQL schema that is dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';

export const TEST_PG_URL = process.env.SVO_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type Engine = 'duckdb' | 'postgres';
export const ENGINES: Engine[] = ['duckdb', 'postgres'];

export interface TestStore {
  store: Store;
  /** Where the store lives, for commands run in a child process. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function createTestStore(engine: Engine): Promise<TestStore> {
  if (engine === 'duckdb') {
    const dir = mkdtempSync(join(tmpdir(), 'svo-test-'));
    const dbPath = join(dir, 'svo.duckdb');
    const store = await openStore({ dbPath });
    return {
      store,
      env: { SVO_DB: dbPath, DATABASE_URL: '' },
      dispose: async () => {
        await store.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `svo_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ databaseUrl: TEST_PG_URL, pgSchema: schema });
  return {
    store,
    env: { DATABASE_URL: TEST_PG_URL, SVO_PG_SCHEMA: schema },
    dispose: async () => {
      await store.close().catch(() => undefined);
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** Asserts that each query gives the same, non-empty rows on both stores. */
export async function expectSameRows(expected: Store, actual: Store, queries: readonly string[]): Promise<void> {
  for (const sql of queries) {
    const [a, b] = [await expected.query(sql), await actual.query(sql)];
    expect(b.length, sql).toBeGreaterThan(0);
    expect(b, sql).toEqual(a);
  }
}
