import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';
import { testContext } from '../support/context.js';
import { ingestPoliceUk } from '../../src/ingest/police-uk/index.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/police-uk');
const FIRST = join(FIXTURES, '2021-03-testshire-street.csv');
const REPUBLISHED = join(FIXTURES, '2021-03-testshire-republished-street.csv');
const REAL = resolve(import.meta.dirname, '../../../shared/data/police-street-crime-leicestershire');
const haveReal = existsSync(REAL);

describe.each(ENGINES)('data.police.uk ingest on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(engine);
  });
  afterAll(async () => t.dispose());
  const count = async (where = 'TRUE') => Number((await t.store.query(`SELECT COUNT(*) AS n FROM police_uk_crimes WHERE ${where}`))[0]!.n);

  it('loads every row, keeping identical anti-social-behaviour rows as distinct events', async () => {
    const summary = await ingestPoliceUk(testContext(t.store), [FIRST]);
    expect(summary).toMatchObject({ files: 1, accepted: 5, rejected: 0, duplicates: 0, updated: 0 });
    expect(await count()).toBe(5);
    expect(await count(`crime_type = 'Anti-social behaviour'`)).toBe(2);
    const [row] = await t.store.query(`SELECT month, location, longitude, lsoa_code, last_outcome FROM police_uk_crimes WHERE crime_id = 'bbb222'`);
    expect(row).toEqual({ month: '2021-03-01', location: 'On or near Bell Lane, Market', longitude: -1.14, lsoa_code: 'E01013679', last_outcome: 'Unable to prosecute suspect' });
    const [noLocation] = await t.store.query(`SELECT longitude, lsoa_code, context FROM police_uk_crimes WHERE crime_id = 'ccc333'`);
    expect(noLocation).toEqual({ longitude: null, lsoa_code: null, context: null });
    const [batch] = await t.store.query(`SELECT source, agency, file_name, rows_read, rows_accepted FROM ingest_batches`);
    expect(batch).toEqual({ source: 'police-uk', agency: 'Testshire Police', file_name: '2021-03-testshire-street.csv', rows_read: 5, rows_accepted: 5 });
  });

  it('treats the identical file as a no-op', async () => {
    const summary = await ingestPoliceUk(testContext(t.store), [FIRST]);
    expect(summary).toMatchObject({ accepted: 0, duplicates: 5, skippedFiles: 1 });
    expect(await count()).toBe(5);
  });

  it('updates rows whose outcome changed in a republished month and counts the rest as duplicates', async () => {
    const summary = await ingestPoliceUk(testContext(t.store), [REPUBLISHED]);
    expect(summary).toMatchObject({ accepted: 1, updated: 1, duplicates: 3, rejected: 0 });
    expect(await count()).toBe(6);
    const [row] = await t.store.query(`SELECT last_outcome FROM police_uk_crimes WHERE crime_id = 'aaa111'`);
    expect(row).toEqual({ last_outcome: 'Offender sent to prison' });
    expect(await count(`crime_type = 'Anti-social behaviour'`)).toBe(2);
  });
});

describe.each(ENGINES)('data.police.uk, files of one month in one run on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(engine);
  });
  afterAll(async () => t.dispose());

  it('gives what separate runs give: a later file is matched against an earlier one of the same transaction, an identical copy is skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'svo-puk-'));
    const copy = join(dir, '2021-03-testshire-street.csv.gz');
    writeFileSync(copy, gzipSync(readFileSync(FIRST)));
    const summary = await ingestPoliceUk(testContext(t.store), [FIRST, REPUBLISHED, copy]);
    expect(summary).toMatchObject({ files: 3, accepted: 6, updated: 1, duplicates: 3 + 5, rejected: 0, skippedFiles: 1 });
    expect(Number((await t.store.query(`SELECT COUNT(*) AS n FROM police_uk_crimes`))[0]!.n)).toBe(6);
    expect(await t.store.query(`SELECT last_outcome FROM police_uk_crimes WHERE crime_id = 'aaa111'`)).toEqual([{ last_outcome: 'Offender sent to prison' }]);
    expect(await t.store.query(`SELECT file_name, rows_accepted, updated, duplicates FROM ingest_batches ORDER BY id`)).toEqual([
      { file_name: '2021-03-testshire-street.csv', rows_accepted: 5, updated: 0, duplicates: 0 },
      { file_name: '2021-03-testshire-republished-street.csv', rows_accepted: 1, updated: 1, duplicates: 3 },
    ]);
  });
});

describe.each(ENGINES)('data.police.uk archives on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await createTestStore(engine);
    dir = mkdtempSync(join(tmpdir(), 'svo-puk-'));
  });
  afterAll(async () => t.dispose());

  it('reads monthly .zip archives (street files only) and .csv.gz, recognising the same content', async () => {
    const outcomes = 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n';
    const zip = join(dir, '2021-03.zip');
    writeFileSync(zip, zipSync({ '2021-03/2021-03-testshire-street.csv': readFileSync(FIRST), '2021-03/2021-03-testshire-outcomes.csv': Buffer.from(outcomes) }));
    const summary = await ingestPoliceUk(testContext(t.store), [zip]);
    expect(summary).toMatchObject({ files: 1, accepted: 5 });
    const gz = join(dir, '2021-03-testshire-street.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(FIRST)));
    expect(await ingestPoliceUk(testContext(t.store), [gz])).toMatchObject({ accepted: 0, skippedFiles: 1 });
  });
});

describe.each(ENGINES)('the real Leicestershire street-level files on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    if (haveReal) t = await createTestStore(engine);
  });
  afterAll(async () => t?.dispose());

  it.skipIf(!haveReal)('loads all 301,838 rows, matching an independent count of the files (skipped when ../shared/data is absent)', async () => {
    // Independent count: lines per file and per crime type, straight from the decompressed bytes.
    const expectedByMonth = new Map<string, number>();
    let asb = 0;
    for (const name of readdirSync(REAL).filter((f) => f.endsWith('.csv.gz'))) {
      const lines = gunzipSync(readFileSync(join(REAL, name))).toString('utf8').trimEnd().split('\n').slice(1);
      expectedByMonth.set(name.slice(0, 7), lines.length);
      asb += lines.filter((l) => l.includes(',Anti-social behaviour,')).length;
    }
    const expectedTotal = [...expectedByMonth.values()].reduce((a, b) => a + b, 0);
    expect(expectedTotal).toBe(301_838);

    const summary = await ingestPoliceUk(testContext(t.store), [REAL]);
    expect(summary).toMatchObject({ files: 35, accepted: 301_838, rejected: 0, duplicates: 0, updated: 0 });
    const byMonth = await t.store.query<{ month: string; n: number }>(
      `SELECT CAST(month AS TEXT) AS month, COUNT(*) AS n FROM police_uk_crimes GROUP BY month ORDER BY month`,
    );
    expect(new Map(byMonth.map((r) => [r.month.slice(0, 7), Number(r.n)]))).toEqual(expectedByMonth);
    const [asbRow] = await t.store.query(`SELECT COUNT(*) AS n FROM police_uk_crimes WHERE crime_type = 'Anti-social behaviour'`);
    expect(Number(asbRow!.n)).toBe(asb);
    expect(asb).toBe(33_364);
  }, 120_000);
});
