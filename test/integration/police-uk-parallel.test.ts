/**
 * data.police.uk files prepared in worker threads must be stored exactly as when each is prepared just
 * before it is loaded: the same rows, batches, counts, rejects and refusals, for a folder mixing clean
 * files, a republished month, an identical copy, a zip with a refused entry and malformed files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { createTestStore, expectSameRows, type TestStore } from '../support/stores.js';
import { testContext, withEnv } from '../support/context.js';
import { ingestPoliceUk } from '../../src/ingest/police-uk/index.js';
import { preparerWorkers } from '../../src/ingest/police-uk/prepare-parallel.js';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const SHARED = join(import.meta.dirname, '../../../shared/data/police-street-crime-leicestershire');

function buildFolder(dir: string): void {
  const fixture = (name: string) => readFileSync(join(FIXTURES, name));
  copyFileSync(join(FIXTURES, 'police-uk/2021-03-testshire-street.csv'), join(dir, '2021-03-testshire-street.csv'));
  // The same month republished, and an identical copy of the first file, gzipped.
  copyFileSync(join(FIXTURES, 'police-uk/2021-03-testshire-republished-street.csv'), join(dir, '2021-03-zz-testshire-street.csv'));
  writeFileSync(join(dir, '2021-03-testshire-copy-street.csv.gz'), gzipSync(fixture('police-uk/2021-03-testshire-street.csv')));
  for (const [from, to] of [
    ['pu-bad-month.csv', '2021-04-badmonth-street.csv'],
    ['pu-over-5pct.csv', '2021-05-over-street.csv'],
    ['pu-under-5pct.csv', '2021-06-under-street.csv'],
    ['pu-wrong-header.csv', '2021-07-wrongheader-street.csv'],
    ['pu-empty.csv', '2021-08-empty-street.csv'],
    ['pu-crlf.csv', '2021-09-crlf-street.csv'],
  ]) copyFileSync(join(FIXTURES, 'malformed', from!), join(dir, to!));
  // A monthly archive: a good entry, then one refused for its header.
  writeFileSync(
    join(dir, '2021-10.zip'),
    zipSync({ '2021-10/2021-10-zipshire-street.csv': fixture('malformed/pu-under-5pct.csv'), '2021-10/2021-10-badzip-street.csv': fixture('malformed/pu-wrong-header.csv') }),
  );
  // Real files when the shared data is here: enough rows for groups of several files.
  if (existsSync(SHARED)) for (const f of readdirSync(SHARED).filter((n) => n.endsWith('.csv.gz')).slice(0, 6)) copyFileSync(join(SHARED, f), join(dir, f));
}

const SNAPSHOT = [
  `SELECT * FROM police_uk_crimes ORDER BY ALL`,
  `SELECT id, source, agency, file_name, file_sha256, rows_read, rows_accepted, rows_rejected, duplicates, updated, summary FROM ingest_batches ORDER BY id`,
];

interface Outcome {
  t: TestStore;
  runs: unknown[];
  rejects: Record<string, string>;
  /** Spool files of this process left in the temporary folder after each run. */
  spoolsLeft: string[][];
}

const ownSpools = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`svo-copy-${process.pid}-`));

async function ingestWith(workers: number, folder: string): Promise<Outcome> {
  const t = await createTestStore('duckdb');
  const runs: unknown[] = [];
  const spoolsLeft: string[][] = [];
  const rejectsDir = join(folder, `../rejects-${workers}`);
  mkdirSync(rejectsDir, { recursive: true });
  await withEnv('SVO_INGEST_WORKERS', String(workers), async () => {
    // Twice: the second run finds every loaded file already stored.
    for (const run of [1, 2]) {
      const rejectsPath = join(rejectsDir, `run-${run}.csv`);
      try {
        const summary = await ingestPoliceUk(testContext(t.store), [folder], { rejectsPath });
        runs.push({ ...summary, seconds: 0, rowsPerSecond: 0 });
      } catch (error) {
        const e = error as Error & { summary?: object };
        runs.push({ message: e.message.replaceAll(rejectsDir, '<rejects>'), summary: { ...e.summary, seconds: 0, rowsPerSecond: 0 } });
      }
      spoolsLeft.push(ownSpools());
    }
  });
  const rejects = Object.fromEntries(readdirSync(rejectsDir).map((f) => [f, readFileSync(join(rejectsDir, f), 'utf8')]));
  return { t, runs, rejects, spoolsLeft };
}

describe('data.police.uk files prepared in worker threads', () => {
  let single: Outcome;
  let parallel: Outcome;
  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), 'svo-pu-parallel-'));
    const folder = join(work, 'in');
    mkdirSync(folder);
    buildFolder(folder);
    single = await ingestWith(0, folder);
    parallel = await ingestWith(2, folder);
  }, 180_000);
  afterAll(async () => {
    await single?.t.dispose();
    await parallel?.t.dispose();
  });

  it('stores the same rows and batches', async () => {
    await expectSameRows(single.t.store, parallel.t.store, SNAPSHOT);
  });

  it('reports the same counts, refusals and rejects, and a second run skips what was loaded', () => {
    expect(parallel.runs).toEqual(single.runs);
    expect(parallel.rejects).toEqual(single.rejects);
    const [first, second] = single.runs as { message: string; summary: { skippedFiles: number } }[];
    for (const refused of ['2021-04-badmonth', '2021-05-over', '2021-07-wrongheader', '2021-08-empty', '2021-10-badzip']) expect(first!.message).toContain(refused);
    expect(second!.summary.skippedFiles).toBeGreaterThanOrEqual(5);
  });

  it('leaves no spool file behind, for files loaded, skipped or refused', () => {
    expect(single.spoolsLeft).toEqual([[], []]);
    expect(parallel.spoolsLeft).toEqual([[], []]);
  });

  it('uses workers for four paths or more on more than one core, unless told', () => {
    expect(preparerWorkers(35, {}, 2)).toBe(2);
    expect(preparerWorkers(35, {}, 16)).toBe(4);
    expect(preparerWorkers(3, {}, 8)).toBe(0);
    expect(preparerWorkers(35, {}, 1)).toBe(0);
    expect(preparerWorkers(35, { SVO_INGEST_WORKERS: '0' }, 8)).toBe(0);
    expect(preparerWorkers(2, { SVO_INGEST_WORKERS: '3' }, 1)).toBe(2);
  });
});
