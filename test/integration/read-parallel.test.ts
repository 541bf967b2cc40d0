/**
 * The police extract read in worker threads must store exactly what the single-threaded read stores:
 * the same incidents, people, classifications and rejects, for a file whose awkward cases fall across
 * chunk boundaries (a crime's rows far apart, a crime whose first row is refused, a bad person on a
 * known crime, a quoted field spanning lines) and whose points are placed by the LSOA boundaries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, expectSameRows, type TestStore } from '../support/stores.js';
import { testContext, testPseudonymiser, TEST_PSEUDONYM_KEY, withEnv } from '../support/context.js';
import { openStore } from '../../src/store/open.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { ingestGeography } from '../../src/ingest/geography/index.js';
import { syncDefinitions, readDefinitionFiles, definitionDirs } from '../../src/classify/definitions.js';
import { generateArea } from '../../src/synth/area.js';
import { generatePoliceCsv } from '../../src/synth/police.js';
import { boundariesGeoJson } from '../../src/synth/files.js';
import { csvLine, parseCsv } from '../../src/ingest/common/csv.js';
import { PARALLEL_MIN_ROWS, readerWorkers } from '../../src/ingest/police/read-parallel.js';

/** Rows written by hand among the synthetic ones, at the positions given (0 = first data row). */
function awkwardRows(): [number, Record<string, string>][] {
  const at = { easting: '458000', northing: '304000' };
  return [
    [5, { crime_ref: 'AW-1', occurred_from: '2024-03-01T22:10', hocr_code: '8N', ...at, location_type: 'Street', weapon: 'knife', victim_id: 'V-1', victim_age: '19', suspect_id: 'S-1' }],
    // A second victim, chunks later; then a third with a different date (a conflict).
    [2_600, { crime_ref: 'AW-1', occurred_from: '2024-03-01T22:10', hocr_code: '8N', ...at, location_type: 'Street', weapon: 'knife', victim_id: 'V-2', victim_age: '22', suspect_id: 'S-1' }],
    [2_601, { crime_ref: 'AW-1', occurred_from: '2024-03-02T01:00', hocr_code: '8N', victim_id: 'V-3' }],
    // Its first row is refused (no such code), so a later row makes the incident.
    [10, { crime_ref: 'AW-2', occurred_from: '2024-04-01', hocr_code: 'XX9', ...at, location_type: 'Park', victim_id: 'V-4', victim_age: '30' }],
    [3_100, { crime_ref: 'AW-2', occurred_from: '2024-04-01', hocr_code: '34B', ...at, location_type: 'Park', victim_id: 'V-4', victim_age: '30' }],
    // A bad person on a known crime: the row is refused, the incident stays as it was.
    [20, { crime_ref: 'AW-3', occurred_from: '2024-05-01T10:00', hocr_code: '34B', location_type: 'Shop', victim_id: 'V-5', victim_age: '17' }],
    [1_999, { crime_ref: 'AW-3', occurred_from: '2024-05-01T10:00', hocr_code: '34B', location_type: 'Shop', victim_id: 'V-6', victim_age: 'abc' }],
    // A quoted field over two lines: that chunk takes the robust parser.
    [2_000, { crime_ref: 'AW-4', occurred_from: '2024-06-01T10:00', hocr_code: '105A', location_type: 'Bus', offence_description: '"a description\nover two lines"' }],
    [4_500, { crime_ref: '', occurred_from: '2024-06-01', hocr_code: '8N' }],
    [4_501, { crime_ref: 'AW-5', occurred_from: '2024-06-31', hocr_code: '8N' }],
    [4_502, { crime_ref: 'AW-6', occurred_from: '2024-06-01', hocr_code: '8N', suspect_id: 'S-9', suspect_age: '200' }],
  ];
}

/** A synthetic extract with its LSOA codes blanked (so every point is placed by the boundaries) and the awkward rows among it. */
function writeExtract(path: string, rows: number): void {
  let text = '';
  for (const chunk of generatePoliceCsv(generateArea(3), { seed: 5, years: 1, scale: 0.5 })) {
    text += chunk;
    if (text.length > rows * 250) break;
  }
  const parsed = parseCsv('synthetic', text.slice(0, text.lastIndexOf('\n') + 1));
  const header = parsed.header;
  const lsoa = header.indexOf('lsoa_code');
  const body = parsed.rows.slice(0, rows).map((fields) => csvLine(fields.map((f, i) => (i === lsoa ? null : f))).trimEnd());
  expect(body.length).toBe(rows);
  for (const [at, values] of awkwardRows().sort((a, b) => b[0] - a[0])) body.splice(at, 0, header.map((h) => values[h] ?? '').join(','));
  writeFileSync(path, `${header.join(',')}\n${body.join('\n')}\n`);
}

async function ingestWith(workers: number, file: string, boundaries: string): Promise<{ t: TestStore; summary: unknown; rejects: string }> {
  const t = await createTestStore('duckdb');
  await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
  await ingestGeography(testContext(t.store), { boundaries: [boundaries] });
  return withEnv('SVO_INGEST_WORKERS', String(workers), async () => {
    const rejectsPath = `${file}.${workers}.rejects.csv`;
    const summary = await ingestPoliceExtract(testContext(t.store), [file], { pseudonymiser: testPseudonymiser(), agency: 'Test Police', rejectsPath });
    // Timings differ, and the rejects file is named after the run.
    const warnings = summary.warnings.map((w) => w.replace(rejectsPath, '<rejects>'));
    return { t, summary: { ...summary, seconds: 0, rowsPerSecond: 0, warnings }, rejects: readFileSync(rejectsPath, 'utf8') };
  });
}

const REPO = join(import.meta.dirname, '../..');

/** Compiles src to dist (tsc only) when dist is missing or older than any source, as `npm install` would. */
function ensureCompiled(): void {
  const newest = (d: string): number =>
    readdirSync(d, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(d, e.name)) : statSync(join(d, e.name)).mtimeMs), 0);
  const worker = join(REPO, 'dist/ingest/police/read-worker.js');
  if (existsSync(worker) && statSync(join(REPO, 'dist/cli/main.js')).mtimeMs >= newest(join(REPO, 'src'))) return;
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.build.json')], { encoding: 'utf8' });
  expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
}

const SNAPSHOT = [
  `SELECT * EXCLUDE (batch_id) FROM incidents ORDER BY id`,
  `SELECT * FROM incident_people ORDER BY incident_id, role, person_key, age, sex, ethnicity, home_area`,
  `SELECT * FROM incident_classifications ORDER BY incident_id, definition_id, definition_version`,
];

describe('police extract read in worker threads', () => {
  let dir: string;
  let single: Awaited<ReturnType<typeof ingestWith>>;
  let parallel: Awaited<ReturnType<typeof ingestWith>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'svo-read-parallel-'));
    const file = join(dir, 'extract.csv');
    writeExtract(file, 6_000);
    const boundaries = join(dir, 'boundaries.geojson');
    writeFileSync(boundaries, boundariesGeoJson(generateArea(3)));
    single = await ingestWith(0, file, boundaries);
    parallel = await ingestWith(2, file, boundaries);
  }, 180_000);
  afterAll(async () => {
    await single?.t.dispose();
    await parallel?.t.dispose();
  });

  it('stores the same incidents, people and classifications as the single-threaded read', async () => {
    await expectSameRows(single.t.store, parallel.t.store, SNAPSHOT);
  });

  it('reports the same counts and refuses the same rows, for the same reasons', () => {
    expect(parallel.summary).toEqual(single.summary);
    expect(parallel.rejects).toBe(single.rejects);
    expect(single.summary).toMatchObject({ rejected: 5 });
    for (const reason of ['crime_ref is required', 'day 31 does not exist', 'suspect_age', 'not a Home Office offence code', 'victim_age']) {
      expect(single.rejects).toContain(reason);
    }
  });

  it('merged the rows of one crime that were read by different workers', async () => {
    const rows = await parallel.t.store.query(
      `SELECT i.source_record_id AS ref, i.hocr_code, COUNT(p.incident_id) AS people FROM incidents i
       LEFT JOIN incident_people p ON p.incident_id = i.id WHERE i.source_record_id LIKE 'AW-%' GROUP BY ALL ORDER BY ref`,
    );
    expect(rows).toEqual([
      { ref: 'AW-1', hocr_code: '8N', people: 4 },
      { ref: 'AW-2', hocr_code: '34B', people: 1 },
      { ref: 'AW-3', hocr_code: '34B', people: 1 },
      { ref: 'AW-4', hocr_code: '105A', people: 0 },
    ]);
  });

  it('starts the compiled read-worker.js when run from dist, as installed (no tsx), with the same result', async () => {
    ensureCompiled();
    const db = join(dir, 'compiled.duckdb');
    const env = { ...process.env, NODE_OPTIONS: '', DATABASE_URL: '', SVO_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, SVO_INGEST_WORKERS: '2' };
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(REPO, 'dist/cli/main.js'), '--db', db, ...args], { encoding: 'utf8', env });
    const geography = cli('ingest', 'geography', '--boundaries', join(dir, 'boundaries.geojson'));
    expect(geography.status, geography.stderr).toBe(0);
    const run = cli('ingest', 'police', join(dir, 'extract.csv'), '--agency', 'Test Police', '--rejects', join(dir, 'compiled.rejects.csv'), '--json');
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ accepted: 4224, rejected: 5 });
    const store = await openStore({ dbPath: db });
    try {
      await expectSameRows(single.t.store, store, SNAPSHOT);
    } finally {
      await store.close();
    }
  }, 180_000);

  it('uses workers only for large files on more than one core, unless told', () => {
    expect(readerWorkers(PARALLEL_MIN_ROWS, {}, 8)).toBe(4);
    expect(readerWorkers(PARALLEL_MIN_ROWS - 1, {}, 8)).toBe(0);
    expect(readerWorkers(1_000_000, {}, 1)).toBe(0);
    expect(readerWorkers(10, { SVO_INGEST_WORKERS: '3' }, 1)).toBe(3);
    expect(readerWorkers(1_000_000, { SVO_INGEST_WORKERS: '0' }, 8)).toBe(0);
  });
});
