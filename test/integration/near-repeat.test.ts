/**
 * Near repeat (Knox), Nearest Neighbour Index and journey to crime from the store, on both engines:
 * a planted near-repeat pattern is found and uniform data is not; the CLI and the HTTP routes answer
 * with the contract's columns; NNI areas come from the loaded boundaries; journeys from home LSOA
 * centroids.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Hono } from 'hono';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';
import { testContext, testPseudonymiser, TEST_PSEUDONYM_KEY } from '../support/context.js';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { ingestGeography } from '../../src/ingest/geography/index.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { wgs84ToBng } from '../../src/core/geo/bng.js';
import { createRng } from '../../src/core/spatial/rng.js';
import { knoxTest } from '../../src/core/spatial/knox.js';
import { clarkEvans, convexHullArea } from '../../src/core/spatial/nni.js';
import { NEAR_REPEAT_COLUMNS, dayNumber, runNearRepeat } from '../../src/analysis/near-repeat.js';
import { runNni } from '../../src/analysis/nni.js';
import { runJourney } from '../../src/analysis/journey.js';
import { loadIncidentPoints } from '../../src/query/points.js';
import { registerNearRepeatRoutes } from '../../src/server/routes/near-repeat.js';

const ROOT = resolve(import.meta.dirname, '../..');
const GEOGRAPHY = join(ROOT, 'test/fixtures/geography');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

const date = (year: number, dayOfYear: number) => new Date(Date.UTC(year, 0, 1 + dayOfYear)).toISOString().slice(0, 10);
const HEADER = 'crime_ref,occurred_from,hocr_code,easting,northing,location_type,domestic,suspect_id,suspect_home_lsoa';

/**
 * 2022: 150 incidents uniform over 3 km × 3 km and the year, 60 of them followed by a repeat within
 * 50 m on each axis (≤ 71 m) 1–6 days later. 2023: 250 incidents uniform in space and time.
 */
function synthesiseIncidents(): string[] {
  const rng = createRng(2024);
  const lines: string[] = [];
  const at = () => [457_000 + Math.round(rng() * 3000), 303_000 + Math.round(rng() * 3000)] as const;
  const base: { x: number; y: number; day: number }[] = [];
  for (let i = 0; i < 150; i++) {
    const [x, y] = at();
    base.push({ x, y, day: Math.floor(rng() * 350) });
  }
  base.forEach((b, i) => lines.push(`NR22-${i},${date(2022, b.day)}T20:00,8N,${b.x},${b.y},Street,N,,`));
  for (let i = 0; i < 60; i++) {
    const b = base[i]!;
    const x = b.x + Math.round((rng() - 0.5) * 100);
    const y = b.y + Math.round((rng() - 0.5) * 100);
    lines.push(`NR22-R${i},${date(2022, b.day + 1 + Math.floor(rng() * 6))}T21:00,8N,${x},${y},Street,N,,`);
  }
  for (let i = 0; i < 250; i++) {
    const [x, y] = at();
    lines.push(`U23-${i},${date(2023, Math.floor(rng() * 365))}T20:00,8N,${x},${y},Street,N,,`);
  }
  return lines;
}

/** 2024: journeys between the fixture LSOAs (Leicester E06000016: E01013600/…601; Blaby E07000129: E01025600/…601). */
const JOURNEYS = [
  { ref: 'J1', at: [-1.135, 52.635], home: 'E01013601' }, // in E01013601: same LSOA
  { ref: 'J2', at: [-1.125, 52.635], home: 'E01013601' }, // in Blaby E01025600: other LSOA, other LAD
  { ref: 'J3', at: [-1.125, 52.635], home: 'E01025600' }, // same LSOA
  { ref: 'J4', at: [-1.115, 52.635], home: 'E01025600' }, // in E01025601: other LSOA, same LAD
  { ref: 'J5', at: [-1.139, 52.631], home: 'E01999999' }, // in E01013600; home not among the boundaries
  { ref: 'J6', at: [-1.139, 52.639], home: '' }, // suspect without a home area
  { ref: 'J7', at: [-1.131, 52.639], home: null }, // no suspect
] as const;

function journeyLines(): string[] {
  return JOURNEYS.map((j) => {
    const [e, n] = wgs84ToBng(j.at[0], j.at[1]);
    const suspect = j.home === null ? ',' : `S-${j.ref},${j.home}`;
    return `${j.ref},2024-03-0${JOURNEYS.indexOf(j) + 1}T12:00,8N,${e.toFixed(1)},${n.toFixed(1)},Street,N,${suspect}`;
  });
}

function svoCli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd,
      env: { ...process.env, DATABASE_URL: '', SVO_PG_SCHEMA: '', SVO_DB: '', SVO_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const BANDS = { spatialBand: 100, spatialBands: 3, temporalBand: 7, temporalBands: 2, permutations: 199, seed: 5 };

describe.each(ENGINES)('point-pattern analyses on %s', (engine) => {
  let t: TestStore;
  let tmp: string;
  beforeAll(async () => {
    t = await createTestStore(engine);
    tmp = mkdtempSync(join(tmpdir(), 'svo-near-repeat-'));
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    await ingestGeography(testContext(t.store), {
      lookup: join(GEOGRAPHY, 'lookup-oa11-lsoa11-msoa11-lad17.csv'),
      boundaries: [join(GEOGRAPHY, 'lsoa-boundaries.geojson')],
    });
    const file = join(tmp, 'extract.csv');
    writeFileSync(file, [HEADER, ...synthesiseIncidents(), ...journeyLines()].join('\n') + '\n');
    await ingestPoliceExtract(testContext(t.store), [file], { pseudonymiser: testPseudonymiser(), agency: 'Near repeat test' });
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const cell = (rows: Record<string, unknown>[], spatial: string, temporal: string) => rows.find((r) => r.spatial_band === spatial && r.temporal_band === temporal)!;

  it('finds the planted near repeats (1-100 m, 0-7 days) and labels every band', async () => {
    const result = await runNearRepeat(t.store, { from: '2022', to: '2022', ...BANDS });
    expect(result.incidents).toBe(210);
    expect(result.pairs).toBe((210 * 209) / 2);
    expect(result.columns.map((c) => c.name)).toEqual([...NEAR_REPEAT_COLUMNS]);
    expect(result.spatialBands).toEqual(['same location', '1-100 m', '101-200 m', '201-300 m', 'beyond 300 m']);
    expect(result.temporalBands).toEqual(['0-7 days', '8-14 days', 'beyond 14 days']);
    expect(result.rows).toHaveLength(15);
    expect(result.rows.reduce((s, r) => s + Number(r.observed), 0)).toBe(result.pairs);
    const near = cell(result.rows, '1-100 m', '0-7 days');
    expect(near).toMatchObject({ spatial_from_m: 0, spatial_to_m: 100, temporal_from_days: 0, temporal_to_days: 7 });
    expect(Number(near.observed)).toBeGreaterThanOrEqual(60);
    expect(Number(near.knox_ratio)).toBeGreaterThan(5);
    expect(near.p_value).toBe(1 / 200);
    const beyond = cell(result.rows, 'beyond 300 m', 'beyond 14 days');
    expect(beyond).toMatchObject({ spatial_from_m: 300, spatial_to_m: null, temporal_from_days: 15, temporal_to_days: null });

    // The same table as the pure test on the same points (the store only selects them).
    const points = await loadIncidentPoints(t.store, { from: '2022', to: '2022' });
    const direct = knoxTest(points.points.map((p) => ({ x: p.easting, y: p.northing, day: dayNumber(p.occurredDate) })), { ...BANDS, distance: 'euclidean' });
    expect(result.rows.map((r) => [r.observed, r.expected, r.p_value])).toEqual(direct.cells.map((c) => [c.observed, c.expected, c.pValue]));
  });

  it('finds nothing in uniform data', async () => {
    const result = await runNearRepeat(t.store, { from: '2023', to: '2023', ...BANDS, distance: 'manhattan' });
    expect(result.incidents).toBe(250);
    const near = cell(result.rows, '1-100 m', '0-7 days');
    expect(Number(near.p_value)).toBeGreaterThan(0.05);
    expect(result.rows.filter((r) => Number(r.p_value) < 0.01)).toEqual([]);
  });

  it('refuses person measures, breakdowns and bad options with clear messages', async () => {
    await expect(runNearRepeat(t.store, { ...BANDS, measure: 'victims' })).rejects.toThrow(/works on incidents/);
    await expect(runNearRepeat(t.store, { ...BANDS, by: ['month'] })).rejects.toThrow(/filters only/);
    await expect(runNearRepeat(t.store, { ...BANDS, spatialBand: 0 })).rejects.toThrow(/spatialBand.*whole number/);
    await expect(runNearRepeat(t.store, { ...BANDS, distance: 'chebyshev' })).rejects.toThrow(/distance/);
    await expect(runNearRepeat(t.store, { from: '2022', to: '2022' })).rejects.toThrow(/spatialBand/);
  });

  it('measures the Nearest Neighbour Index in the loaded boundaries or the convex hull', async () => {
    const hull = await runNni(t.store, { from: '2023', to: '2023', area: 'hull' });
    const points = (await loadIncidentPoints(t.store, { from: '2023', to: '2023' })).points.map((p) => ({ x: p.easting, y: p.northing }));
    const reference = clarkEvans(points, convexHullArea(points));
    expect(hull.result).toEqual(reference);
    expect(hull.rows[0]).toMatchObject({ points: 250, area_method: 'hull', pattern: reference.pattern });

    const leicester = await runNni(t.store, { from: '2024', to: '2024', where: { lad: ['E06000016'] } });
    const stored = await t.store.query<{ area: number }>(`SELECT SUM(area_m2) AS area FROM geo_lsoa_boundaries WHERE lsoa_code IN ('E01013600', 'E01013601')`);
    expect(leicester.result.areaM2).toBeCloseTo(Number(stored[0]!.area), 6);
    expect(leicester.result.points).toBe(4); // J1, J5, J6, J7
    expect(leicester.areaDescription).toMatch(/2 LSOA boundaries matching the lad filter/);

    await expect(runNni(t.store, { where: { lad: ['E07000999'] } })).rejects.toThrow(/no loaded LSOA boundaries match the lad filter/);
    await expect(runNni(t.store, { area: 'circle' })).rejects.toThrow(/area/);
  });

  it('measures journeys from home LSOA centroids and the shares offending at home', async () => {
    const result = await runJourney(t.store, { from: '2024', to: '2024', band: 500, bands: 4 });
    const centroids = new Map(
      (await t.store.query<{ lsoa_code: string; x: number; y: number }>(`SELECT lsoa_code, centroid_easting AS x, centroid_northing AS y FROM geo_lsoa_boundaries`)).map((r) => [
        r.lsoa_code,
        [Number(r.x), Number(r.y)] as const,
      ]),
    );
    const expected = JOURNEYS.filter((j) => centroids.has(j.home ?? '')).map((j) => {
      const [e, n] = wgs84ToBng(j.at[0], j.at[1]);
      const [hx, hy] = centroids.get(j.home!)!;
      return Math.hypot(Number(e.toFixed(1)) - hx, Number(n.toFixed(1)) - hy);
    });
    expect(expected).toHaveLength(4);
    const sorted = [...expected].sort((a, b) => a - b);
    expect(result.summary).toMatchObject({ offenders: 6, withDistance: 4, withoutHomeArea: 1, homeAreaNotLocated: 1, offenceNotLocated: 0 });
    expect(result.summary.medianM!).toBeCloseTo((sorted[1]! + sorted[2]!) / 2, 6);
    expect(result.summary.sameLsoa).toEqual({ count: 2, of: 5, share: 0.4 });
    expect(result.summary.sameLad).toEqual({ count: 3, of: 4, share: 0.75 });
    expect(result.rows.map((r) => r.distance_band)).toEqual(['0-500 m', '501-1000 m', '1001-1500 m', '1501-2000 m', 'beyond 2000 m']);
    expect(result.rows.reduce((s, r) => s + Number(r.offenders), 0)).toBe(4);
    expect(JSON.stringify(result)).not.toMatch(/S-J\d/); // no person-level data in the output

    await expect(runJourney(t.store, { source: 'police-uk' })).rejects.toThrow(/records no offenders/);
    await expect(runJourney(t.store, { measure: 'victims' })).rejects.toThrow(/follows offenders/);
  });

  it('answers POST /api/spatial/near-repeat, /nni and /journey', async () => {
    const app = new Hono();
    registerNearRepeatRoutes(app, t.store);
    const post = (path: string, body: unknown) => app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const nr = await post('/api/spatial/near-repeat', { from: '2022', to: '2022', ...BANDS });
    expect(nr.status).toBe(200);
    const body = (await nr.json()) as { rows: Record<string, unknown>[]; columns: { name: string }[] };
    expect(body.columns.map((c) => c.name)).toEqual([...NEAR_REPEAT_COLUMNS]);
    expect(cell(body.rows, '1-100 m', '0-7 days').p_value).toBe(1 / 200);
    const nni = await post('/api/spatial/nni', { from: '2023', to: '2023', area: 'bbox' });
    expect(nni.status).toBe(200);
    expect(((await nni.json()) as { result: { points: number } }).result.points).toBe(250);
    const journey = await post('/api/spatial/journey', { from: '2024', to: '2024' });
    expect(journey.status).toBe(200);
    expect(((await journey.json()) as { summary: { withDistance: number } }).summary.withDistance).toBe(4);
  });

  // Last: on DuckDB the child process needs the file, so this test closes the test's own connection.
  it('runs svo near-repeat, svo nni and svo journey from the command line', async () => {
    if (engine === 'duckdb') await t.store.close();
    const args = ['--from', '2022', '--to', '2022', '--spatial-band', '100', '--spatial-bands', '3', '--temporal-band', '7', '--temporal-bands', '2', '--permutations', '99'];
    const csv = await svoCli(['near-repeat', ...args, '--format', 'csv'], t.env, tmp);
    expect(csv.stderr).not.toMatch(/error/i);
    expect(csv.code).toBe(0);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...NEAR_REPEAT_COLUMNS]);
    expect(rows).toHaveLength(15);
    expect(rows.find((r) => r.spatial_band === 'beyond 300 m' && r.temporal_band === 'beyond 14 days')).toMatchObject({ spatial_to_m: '', temporal_to_days: '' });
    expect(csv.stderr).toMatch(/210 incidents/);

    const table = await svoCli(['near-repeat', ...args, '--format', 'table'], t.env, tmp);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/distance\s+0-7 days\s+8-14 days\s+beyond 14 days/);
    expect(table.stdout).toMatch(/same location/);

    const missing = await svoCli(['near-repeat', '--spatial-band', '100'], t.env, tmp);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--spatial-bands/);

    const nni = await svoCli(['nni', '--from', '2023', '--to', '2023', '--area', 'hull'], t.env, tmp);
    expect(nni.code).toBe(0);
    expect(nni.stdout.split('\n')[0]).toBe('points,area_km2,area_method,observed_mean_m,expected_mean_m,nni,z,p_value,pattern,coincident');

    const journey = await svoCli(['journey', '--from', '2024', '--to', '2024'], t.env, tmp);
    expect(journey.code).toBe(0);
    expect(journey.stdout.split('\n')[0]).toBe('distance_band,from_m,to_m,offenders,share,cumulative_share');
    expect(journey.stderr).toMatch(/offending in their home LSOA: 40\.0% \(2 of 5\)/);
  });
});
