/**
 * `npm run bench`: the ingest and query figures the issues ask for. Benchmarks, not tests: they print numbers and
 * never fail on speed. Each ingest runs the real CLI (`node dist/cli/main.js`) in a child process, so
 * the figures include start-up, pseudonymisation, classification and the commit; peak RSS comes from
 * GNU time.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { generateArea } from '../src/synth/area.js';
import { generatePoliceCsv, INCIDENTS_PER_YEAR_AT_SCALE_1, scaleForRows } from '../src/synth/police.js';
import { boundariesGeoJson, cspCsv, imdCsv, lookupCsv, populationCsv } from '../src/synth/files.js';
import { benchQueries } from './query.js';
import { benchSpatial } from './spatial.js';
import { benchNearRepeat } from './near-repeat.js';
import { benchDashboard } from './dashboard.js';
import { benchReport } from './report.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const SHARED = resolve(ROOT, '../shared/data/police-street-crime-leicestershire');
const PG_URL = process.env.SVO_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const work = mkdtempSync(join(tmpdir(), 'svo-bench-'));

interface CliRun {
  seconds: number;
  maxRssMb: number;
  summary: Record<string, unknown>;
}

function runCli(args: string[], env: Record<string, string>): CliRun {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', process.execPath, CLI, ...args, '--json'], {
    env: { ...process.env, SVO_PSEUDONYM_KEY: 'bench-key-0123456789abcdef', ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`svo ${args.join(' ')} failed:\n${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  const rss = /MAXRSS_KB=(\d+)/.exec(result.stderr);
  return { seconds, maxRssMb: rss ? Number(rss[1]) / 1024 : NaN, summary: JSON.parse(lines.at(-1)!) as Record<string, unknown> };
}

/**
 * The engine's own floor for a load: a fresh Node process that opens a new DuckDB file, runs one
 * `CREATE TABLE … AS SELECT * FROM read_csv(…)` of the same input (DuckDB's parallel C++ reader, types
 * sniffed, no checks, no pseudonymisation, no classification) and closes it. No svo ingest can beat
 * this on the same machine, so it puts the targets in proportion.
 */
function duckdbFloor(readCsv: string): { seconds: number; rows: number } {
  const db = join(work, 'floor.duckdb');
  const script = `import { DuckDBInstance } from '@duckdb/node-api';
    const instance = await DuckDBInstance.create(process.env.FLOOR_DB);
    const connection = await instance.connect();
    await connection.run(process.env.FLOOR_SQL);
    const counted = await connection.runAndReadAll('SELECT COUNT(*) FROM floor');
    console.log(String(counted.getRows()[0][0]));
    connection.closeSync();
    instance.closeSync();`;
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, FLOOR_DB: db, FLOOR_SQL: `CREATE TABLE floor AS SELECT * FROM ${readCsv}` },
    encoding: 'utf8',
  });
  const seconds = (performance.now() - started) / 1000;
  rmSync(db, { force: true });
  if (result.status !== 0) throw new Error(`the DuckDB floor run failed:\n${result.stderr}`);
  return { seconds, rows: Number(result.stdout.trim()) };
}

const sqlList = (paths: readonly string[]) => `[${paths.map((p) => `'${p.replaceAll("'", "''")}'`).join(', ')}]`;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function withPgSchema<T>(fn: (env: Record<string, string>) => T | Promise<T>): Promise<T | string> {
  const schema = `svo_bench_${process.pid}`;
  const client = new pg.Client({ connectionString: PG_URL });
  try {
    await client.connect();
  } catch {
    return 'skipped: PostgreSQL not reachable';
  }
  try {
    return await fn({ DATABASE_URL: PG_URL, SVO_PG_SCHEMA: schema });
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}

function policeUkBench(): void {
  console.log('\n## data.police.uk street-level ingest (real Leicestershire files)');
  if (!existsSync(SHARED)) {
    console.log(`skipped: ${SHARED} is absent`);
    return;
  }
  const files = readdirSync(SHARED).filter((f) => f.endsWith('.csv.gz')).map((f) => join(SHARED, f));
  const t = performance.now();
  let bytes = 0;
  for (const f of files) bytes += gunzipSync(readFileSync(f)).length;
  const zcatSeconds = (performance.now() - t) / 1000;
  const db = join(work, 'police-uk.duckdb');
  const run = runCli(['--db', db, 'ingest', 'police-uk', SHARED], { DATABASE_URL: '' });
  const rows = Number(run.summary.accepted) + Number(run.summary.rejected) + Number(run.summary.duplicates) + Number(run.summary.updated);
  console.log(`files: ${files.length}, rows: ${fmt(rows)}, decompressed ${fmt(bytes / 1e6, 1)} MB`);
  console.log(`plain decompression (zlib gunzip in Node): ${zcatSeconds.toFixed(2)} s`);
  console.log(`DuckDB ingest, CLI end to end:            ${run.seconds.toFixed(2)} s = ${fmt(rows / run.seconds)} rows/s (ingest itself ${Number(run.summary.seconds).toFixed(2)} s = ${fmt(rows / Number(run.summary.seconds))} rows/s), peak RSS ${fmt(run.maxRssMb)} MB`);
  console.log(`ratio ingest / plain decompression:       ${(run.seconds / zcatSeconds).toFixed(1)}× (CLI), ${(Number(run.summary.seconds) / zcatSeconds).toFixed(1)}× (ingest only)`);
  const floor = duckdbFloor(`read_csv(${sqlList(files)}, header = true)`);
  console.log(`DuckDB alone, same files into one table (no checks), new process: ${floor.seconds.toFixed(2)} s = ${fmt(floor.rows / floor.seconds)} rows/s; svo takes ${(run.seconds / floor.seconds).toFixed(1)}× that`);
  const again = runCli(['--db', db, 'ingest', 'police-uk', SHARED], { DATABASE_URL: '' });
  console.log(`re-ingest of the same files (sha256 no-op): ${again.seconds.toFixed(2)} s, duplicates ${fmt(Number(again.summary.duplicates))}`);
  rmSync(db, { force: true });
}

async function extractBench(): Promise<void> {
  const rowsWanted = Number(process.env.SVO_BENCH_ROWS ?? 1_000_000);
  console.log(`\n## ${fmt(rowsWanted)}-row synthetic police extract (pseudonymisation + classification)`);
  const file = join(work, 'extract.csv');
  const area = generateArea(7);
  const t = performance.now();
  const out = createWriteStream(file);
  let written = 0;
  let rows = -1; // the header line
  // Generate a little more than needed and cut at exactly rowsWanted data rows.
  for (const chunk of generatePoliceCsv(area, { seed: 7, years: 3, scale: scaleForRows(rowsWanted * 1.02, 3) })) {
    const lines = chunk.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const take = lines.slice(0, Math.max(0, rowsWanted - rows));
    rows += take.length;
    const text = take.map((l) => l + '\n').join('');
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
    written += text.length;
    if (rows >= rowsWanted) break;
  }
  await new Promise<void>((r) => out.end(() => r()));
  if (rows < rowsWanted) throw new Error(`the generator produced only ${rows} rows`);
  console.log(`generated ${fmt(written / 1e6, 1)} MB in ${((performance.now() - t) / 1000).toFixed(2)} s`);
  const duck = runCli(['--db', join(work, 'extract.duckdb'), 'ingest', 'police', file, '--agency', 'Bench Police'], { DATABASE_URL: '' });
  console.log(`DuckDB:     ${duck.seconds.toFixed(2)} s CLI end to end (ingest ${Number(duck.summary.seconds).toFixed(2)} s), peak RSS ${fmt(duck.maxRssMb)} MB, accepted ${fmt(Number(duck.summary.accepted))} incidents`);
  const floor = duckdbFloor(`read_csv(${sqlList([file])}, header = true)`);
  console.log(`DuckDB alone, the file into one table as it stands (no checks), new process: ${floor.seconds.toFixed(2)} s; svo takes ${(duck.seconds / floor.seconds).toFixed(1)}× that`);
  const pgResult = await withPgSchema((env) => runCli(['ingest', 'police', file, '--agency', 'Bench Police'], env));
  if (typeof pgResult === 'string') console.log(`PostgreSQL: ${pgResult}`);
  else console.log(`PostgreSQL: ${pgResult.seconds.toFixed(2)} s CLI end to end (ingest ${Number(pgResult.summary.seconds).toFixed(2)} s), peak RSS ${fmt(pgResult.maxRssMb)} MB`);
  rmSync(file, { force: true });
  rmSync(join(work, 'extract.duckdb'), { force: true });
}

/** The 1M-incident DuckDB store shared by the query and dashboard benches (built once per run). */
let queryStore: Promise<{ duckDb: string; file: string; geoArgs: string[]; accepted: number; years: number }> | null = null;
function buildQueryStore(): Promise<{ duckDb: string; file: string; geoArgs: string[]; accepted: number; years: number }> {
  queryStore ??= (async () => {
    const incidentsWanted = Number(process.env.SVO_BENCH_INCIDENTS ?? 1_000_000);
    const years = 3;
    const area = generateArea(11);
    const file = join(work, 'incidents.csv');
    const out = createWriteStream(file);
    for (const chunk of generatePoliceCsv(area, { seed: 11, years, scale: incidentsWanted / (INCIDENTS_PER_YEAR_AT_SCALE_1 * years) })) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    // The area's geography first, so incidents are placed in LSOAs and area queries have populations.
    const geo = { lookup: join(work, 'lookup.csv'), imd: join(work, 'imd.csv'), population: join(work, `sape-mid${area.midYear}-syoa.csv`), csp: join(work, 'csp.csv') };
    writeFileSync(geo.lookup, lookupCsv(area));
    writeFileSync(geo.imd, imdCsv(area));
    writeFileSync(geo.population, populationCsv(area));
    writeFileSync(geo.csp, cspCsv(area));
    const geoArgs = ['ingest', 'geography', '--lookup', geo.lookup, '--imd', geo.imd, '--population', geo.population, '--csp', geo.csp];
    const duckDb = join(work, 'queries.duckdb');
    runCli(['--db', duckDb, ...geoArgs], { DATABASE_URL: '' });
    const loaded = runCli(['--db', duckDb, 'ingest', 'police', file, '--agency', 'Bench Police'], { DATABASE_URL: '' });
    return { duckDb, file, geoArgs, accepted: Number(loaded.summary.accepted), years };
  })();
  return queryStore;
}

/** Query latency over about 1,000,000 synthetic incidents (3 years) with the area's geography loaded. */
async function queryBench(): Promise<void> {
  const { duckDb, file, geoArgs, accepted, years } = await buildQueryStore();
  console.log(`\n## query latency over ${fmt(accepted)} synthetic incidents (${years} years), warm, ${20} runs per query`);
  await benchQueries('DuckDB', { dbPath: duckDb }, console.log);
  const pgResult = await withPgSchema(async (env) => {
    runCli(geoArgs, env);
    runCli(['ingest', 'police', file, '--agency', 'Bench Police'], env);
    await benchQueries('PostgreSQL', { databaseUrl: env.DATABASE_URL, pgSchema: env.SVO_PG_SCHEMA }, console.log);
  });
  if (typeof pgResult === 'string') console.log(`PostgreSQL: ${pgResult}`);
}

/** Dashboard first paint and repaint in Chromium over the same 1M-incident store. */
async function dashboardBench(): Promise<void> {
  const { duckDb, accepted } = await buildQueryStore();
  console.log(`\n## dashboard in Chromium over ${fmt(accepted)} synthetic incidents (DuckDB, localhost)`);
  await benchDashboard(duckDb, console.log);
}

/** The quarterly Board pack (all formats) over a copy of the 1M-incident store, with LSOA boundaries added for the hot spot map. */
async function reportBench(): Promise<void> {
  const { duckDb, accepted } = await buildQueryStore();
  const copy = join(work, 'report.duckdb');
  copyFileSync(duckDb, copy);
  const boundaries = join(work, 'boundaries.geojson');
  writeFileSync(boundaries, boundariesGeoJson(generateArea(11)));
  runCli(['--db', copy, 'ingest', 'geography', '--boundaries', boundaries], { DATABASE_URL: '' });
  console.log(`\n## reports: quarterly Board pack over ${fmt(accepted)} synthetic incidents (DuckDB)`);
  await benchReport(copy, work, console.log);
}

try {
  console.log(`# svo benchmarks (${new Date().toISOString()}, node ${process.version})`);
  const only = process.env.SVO_BENCH_ONLY; // e.g. "queries" to run one section
  if (!only || only === 'police-uk') policeUkBench();
  if (!only || only === 'extract') await extractBench();
  if (!only || only === 'queries') await queryBench();
  if (!only || only === 'spatial') {
    console.log('\n## spatial: Gi*, KDE');
    await benchSpatial(console.log);
  }
  if (!only || only === 'near-repeat') {
    console.log('\n## near repeat (Knox)');
    await benchNearRepeat(console.log);
  }
  if (!only || only === 'dashboard') await dashboardBench();
  if (!only || only === 'reports') await reportBench();
} finally {
  rmSync(work, { recursive: true, force: true });
}
