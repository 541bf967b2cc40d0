import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';
import { migrate } from '../../src/store/migrate.js';
import { CsvSpool } from '../../src/store/spool.js';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe.each(ENGINES)('store on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(engine);
  });
  afterAll(async () => t.dispose());

  it('applies every migration once and then reports them as already applied', async () => {
    const again = await migrate(t.store);
    expect(again.every((m) => m.status === 'already-applied')).toBe(true);
    const rows = await t.store.query(`SELECT version FROM schema_migrations ORDER BY version`);
    expect(rows.map((r) => r.version)).toEqual(again.map((m) => m.version));
  });

  it('refuses to start when a released migration was edited', async () => {
    await expect(migrate(t.store, [{ version: 1, name: 'tampered', statements: ['SELECT 1'] }])).rejects.toThrow(
      /changed after it was applied/,
    );
  });

  it('returns plain values: numbers, booleans, ISO dates and timestamps', async () => {
    const [row] = await t.store.query(
      `SELECT CAST(42 AS BIGINT) AS n, CAST(1.5 AS DOUBLE PRECISION) AS x, true AS b, CAST('2021-03-04' AS DATE) AS d,
              CAST('2021-03-04 05:06:07' AS TIMESTAMP) AS ts, CAST(NULL AS TEXT) AS nothing, $1 AS p`,
      ['param'],
    );
    expect(row).toEqual({ n: 42, x: 1.5, b: true, d: '2021-03-04', ts: '2021-03-04T05:06:07', nothing: null, p: 'param' });
  });

  it('bulk-loads CSV with quoting and NULLs', async () => {
    await t.store.run(`CREATE TABLE copy_probe (a TEXT, b INTEGER, c TEXT)`);
    const n = await t.store.copyCsv('copy_probe', ['a', 'b', 'c'], ['x,1,"has, comma"\n', '"say ""hi""",,\n']);
    expect(n).toBe(2);
    const rows = await t.store.query(`SELECT a, b, c FROM copy_probe ORDER BY a`);
    expect(rows).toEqual([
      { a: 'say "hi"', b: null, c: null },
      { a: 'x', b: 1, c: 'has, comma' },
    ]);
  });

  it('bulk-loads a spool file, inside a transaction and out, and the spool leaves nothing behind', async () => {
    await t.store.run(`CREATE TABLE spool_probe (a TEXT, b INTEGER)`);
    const spool = new CsvSpool();
    try {
      spool.write('"a, b",1\n');
      spool.write('é,\n');
      spool.close();
      expect(statSync(spool.path).mode & 0o777).toBe(0o600);
      expect(await t.store.copyCsvFile('spool_probe', ['a', 'b'], spool.path)).toBe(2);
      expect(await t.store.transaction((tx) => tx.copyCsvFile('spool_probe', ['a', 'b'], spool.path))).toBe(2);
    } finally {
      spool.remove();
    }
    expect(existsSync(spool.path)).toBe(false);
    const rows = await t.store.query(`SELECT a, b, COUNT(*) AS n FROM spool_probe GROUP BY a, b ORDER BY a`);
    expect(rows).toEqual([
      { a: 'a, b', b: 1, n: 2 },
      { a: 'é', b: null, n: 2 },
    ]);
  });

  it('bulk-loads several files in one call, each row with its file\'s fixed values, typed as the table', async () => {
    await t.store.run(`CREATE TABLE files_probe (batch_id BIGINT NOT NULL, tag TEXT, filename TEXT, d DATE, x DOUBLE PRECISION)`);
    // One folder name with a quote in it: paths reach DuckDB as SQL literals.
    const dir = mkdtempSync(join(tmpdir(), "svo-o'files-"));
    try {
      const first = join(dir, 'first.csv');
      const second = join(dir, 'second.csv');
      writeFileSync(first, '"two\nlines",2021-03-01,1.5\n"say ""hi""",,\n');
      writeFileSync(second, 'é,2022-12-01,-0.25\n');
      const files = [
        { path: first, fixed: [7, 'has, comma'] },
        { path: second, fixed: [8, null] },
      ];
      expect(await t.store.transaction((tx) => tx.copyCsvFiles('files_probe', ['batch_id', 'tag'], ['filename', 'd', 'x'], files))).toBe(3);
      expect(await t.store.copyCsvFiles('files_probe', ['batch_id', 'tag'], ['filename', 'd', 'x'], [])).toBe(0);
      // A file gone missing fails the load (it must not wait forever for rows).
      await expect(t.store.copyCsvFiles('files_probe', ['batch_id', 'tag'], ['filename', 'd', 'x'], [{ path: join(dir, 'gone.csv'), fixed: [9, null] }])).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await t.store.query(`SELECT batch_id, tag, filename, d, x FROM files_probe ORDER BY batch_id, filename`)).toEqual([
      { batch_id: 7, tag: 'has, comma', filename: 'say "hi"', d: null, x: null },
      { batch_id: 7, tag: 'has, comma', filename: 'two\nlines', d: '2021-03-01', x: 1.5 },
      { batch_id: 8, tag: null, filename: 'é', d: '2022-12-01', x: -0.25 },
    ]);
  });

  it('rolls a failed transaction back completely', async () => {
    await t.store.run(`CREATE TABLE tx_probe (a INTEGER)`);
    await expect(
      t.store.transaction(async (tx) => {
        await tx.run(`INSERT INTO tx_probe VALUES (1)`);
        await tx.copyCsv('tx_probe', ['a'], ['2\n3\n']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await t.store.query(`SELECT count(*) AS n FROM tx_probe`)).toEqual([{ n: 0 }]);
  });
});

describe.each(ENGINES)('HOCR reference table on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(engine);
  });
  afterAll(async () => t.dispose());

  it('is filled from the shipped code table once, then left alone while unchanged', async () => {
    const { syncHocrCodes } = await import('../../src/classify/reference.js');
    const { HOCR_CODES } = await import('../../src/core/hocr/codes.js');
    expect(await syncHocrCodes(t.store)).toBe(true);
    expect(await syncHocrCodes(t.store)).toBe(false);
    expect(await t.store.query(`SELECT COUNT(*) AS n FROM hocr_codes`)).toEqual([{ n: HOCR_CODES.length }]);
    const [row] = await t.store.query(`SELECT ho_group, modern_equivalent FROM hocr_codes WHERE code = '8G'`);
    expect(row).toEqual({ ho_group: 'Violence with injury', modern_equivalent: '8N' });
  });
});
