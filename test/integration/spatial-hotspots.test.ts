/**
 * Hotspot analyses end to end on both engines: the synthetic demo area and its planted hotspot zones
 * (src/synth/PATTERNS.md, pattern 3), uniform random incidents for the false-positive rate, the CLI
 * command and the HTTP routes.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { Hono } from 'hono';
import { createTestStore, ENGINES, type Engine, type TestStore } from '../support/stores.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { ingestGeography } from '../../src/ingest/geography/index.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { ingestPoliceUk } from '../../src/ingest/police-uk/index.js';
import { prepareDemo, DEMO_AGENCY } from '../../src/synth/demo.js';
import { generateArea } from '../../src/synth/area.js';
import { DEFAULT_END_DATE } from '../../src/synth/police.js';
import { bngToWgs84, wgs84ToBng } from '../../src/core/geo/bng.js';
import { LsoaLocator } from '../../src/core/geo/locator.js';
import { mapPositions, type PolygonGeometry } from '../../src/core/geo/polygon.js';
import { giStar } from '../../src/core/spatial/gistar.js';
import { createRng } from '../../src/core/spatial/rng.js';
import { buildNeighbours } from '../../src/core/spatial/weights.js';
import { GISTAR_COLUMNS, GISTAR_RATE_COLUMNS, KDE_COLUMNS, runEmerging, runHotspots, runStability, type HotspotResult } from '../../src/analysis/hotspots.js';
import { loadIncidentPoints, SNAPPED_POINTS_CAVEAT } from '../../src/query/points.js';
import { registerHotspots } from '../../src/cli/commands/hotspots.js';
import { registerSpatialRoutes } from '../../src/server/routes/spatial.js';
import type { Store } from '../../src/store/port.js';

const SEED = 2020;
const PLANTED = generateArea(SEED, { midYear: Number(DEFAULT_END_DATE.slice(0, 4)) - 1 }).hotspotCodes;
const work = mkdtempSync(join(tmpdir(), 'svo-spatial-'));
// One year of the demo (about 10,000 incidents), the same files for both engines.
const demo = prepareDemo({ seed: SEED, years: 1, scale: 1, workDir: join(work, 'demo') }).files;
const geographyFiles = { lookup: demo.lookup, csp: demo.csp, imd: demo.imd, population: demo.population, boundaries: [demo.boundaries] };

async function loadDemo(store: Store, police = true) {
  await syncDefinitions(store, readDefinitionFiles(definitionDirs({})));
  const ctx = testContext(store);
  await ingestGeography(ctx, geographyFiles);
  if (police) await ingestPoliceExtract(ctx, [demo.police], { agency: DEMO_AGENCY, pseudonymiser: testPseudonymiser() });
}

const byUnit = (r: HotspotResult) => new Map(r.rows.map((row) => [String(row.unit), row]));
const results = new Map<string, Map<Engine, unknown>>();
const remember = <T>(engine: Engine, name: string, value: T): T => {
  const m = results.get(name) ?? new Map<Engine, unknown>();
  m.set(engine, value);
  results.set(name, m);
  return value;
};

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(ENGINES)('hotspots on the synthetic demo area (%s)', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(engine);
    await loadDemo(t.store);
  }, 120_000);
  afterAll(async () => t.dispose());

  it('finds the planted hotspot zones with Gi* on LSOA rates', async () => {
    const r = remember(engine, 'lsoa-rate', await runHotspots(t.store, { measure: 'rate', per: 100000 }));
    expect(r.columns.map((c) => c.name)).toEqual([...GISTAR_RATE_COLUMNS]);
    expect(r.rows).toHaveLength(161);
    const rows = byUnit(r);
    for (const code of PLANTED) expect(String(rows.get(code)!.class)).toMatch(/^hot/);
    expect(PLANTED.filter((code) => rows.get(code)!.class === 'hot99').length).toBeGreaterThanOrEqual(3);
    // Counts add up to the in-definition incidents with an LSOA, and rates are count / population.
    const row = rows.get(PLANTED[0]!)!;
    expect(Number(row.rate)).toBeCloseTo((Number(row.count) / Number(row.population)) * 100000, 9);
    expect(r.definition).toEqual({ id: 'vrn-2020', version: 1 });
  });

  it('gives Gi* on counts with the exact CSV columns, and FDR never adds hotspots', async () => {
    const plain = remember(engine, 'lsoa-count', await runHotspots(t.store, {}));
    const fdr = await runHotspots(t.store, { fdr: true });
    expect(plain.columns.map((c) => c.name)).toEqual([...GISTAR_COLUMNS]);
    const significant = (r: HotspotResult) => r.rows.filter((row) => row.class !== 'not_significant').length;
    expect(significant(fdr)).toBeLessThanOrEqual(significant(plain));
    expect(fdr.rows.every((row) => Number(row.p_fdr) >= Number(row.p_value) - 1e-15)).toBe(true);
  });

  it('does not depend on the order of the units', async () => {
    const r = await runHotspots(t.store, { weights: 'rook' });
    const stored = await t.store.query<{ lsoa_code: string; geometry: string }>(`SELECT lsoa_code, geometry FROM geo_lsoa_boundaries`);
    // Reverse the units, recompute with the core functions, compare unit by unit.
    const reversed = stored.map((s) => s.lsoa_code).sort().reverse();
    const polygons = new Map(stored.map((s) => [s.lsoa_code, mapPositions(JSON.parse(s.geometry) as PolygonGeometry, wgs84ToBng)]));
    const rows = byUnit(r);
    const z = giStar(
      reversed.map((code) => Number(rows.get(code)!.count)),
      buildNeighbours(reversed.map((code) => polygons.get(code)!), { kind: 'rook' }),
    );
    reversed.forEach((code, i) => expect(z[i]).toBeCloseTo(Number(rows.get(code)!.gistar), 12));
  });

  it('runs on MSOAs with knn and distance weights', async () => {
    const knn = remember(engine, 'msoa-knn', await runHotspots(t.store, { unit: 'msoa', weights: 'knn:4', measure: 'rate' }));
    const msoas = await t.store.query(`SELECT COUNT(DISTINCT msoa_code) AS n FROM geo_lsoa`);
    expect(knn.rows).toHaveLength(Number(msoas[0]!.n));
    const lsoa = await runHotspots(t.store, {});
    const total = (r: HotspotResult) => r.rows.reduce((s, row) => s + Number(row.count), 0);
    expect(total(knn)).toBe(total(lsoa));
    await expect(runHotspots(t.store, { unit: 'msoa', weights: 'distance:0' })).rejects.toThrow(/positive number of metres/);
  });

  it('runs Gi* on a grid and quartic KDE whose top cells sit in the planted zones', async () => {
    const grid = remember(engine, 'grid', await runHotspots(t.store, { unit: 'grid', cell: 500 }));
    expect(grid.rows[0]!.unit).toMatch(/^500m_E\d+_N\d+$/);
    const kde = remember(engine, 'kde', await runHotspots(t.store, { method: 'kde', cell: 100, bandwidth: 300, top: 1 }));
    expect(kde.columns.map((c) => c.name)).toEqual([...KDE_COLUMNS]);
    const stored = await t.store.query<{ lsoa_code: string; geometry: string }>(`SELECT lsoa_code, geometry FROM geo_lsoa_boundaries`);
    const locator = new LsoaLocator(stored.map((s) => ({ code: s.lsoa_code, geometry: JSON.parse(s.geometry) as PolygonGeometry })));
    const top = kde.rows.filter((r) => r.top === true);
    const inPlanted = top.filter((r) => PLANTED.includes(locator.locateBng(Number(r.easting), Number(r.northing)) ?? ''));
    // The planted zones are 5 of 161 (about 3% of the incidents' zones by weight) but hold the densest cells.
    expect(inPlanted.length / top.length).toBeGreaterThan(0.25);
    // Densities integrate to about the number of incidents (per km² × 0.01 km² per cell).
    const mass = kde.rows.reduce((s, r) => s + Number(r.density) * 0.01, 0);
    const incidents = grid.rows.reduce((s, r) => s + Number(r.count), 0);
    expect(mass / incidents).toBeGreaterThan(0.9);
    expect(mass / incidents).toBeLessThan(1.05);
  });

  it('measures hotspot stability: PAI well above 1 and RRI near 1 for planted, stable hotspots', async () => {
    const s = remember(engine, 'stability', await runStability(t.store, { measure: 'rate', first: { from: '2025-01', to: '2025-06' }, second: { from: '2025-07', to: '2025-12' } }));
    expect(s.hotspots.length).toBeGreaterThan(0);
    expect(Number(s.rows[0]!.pai)).toBeGreaterThan(3);
    expect(Number(s.rows[1]!.pai)).toBeGreaterThan(3);
    expect(Number(s.rows[1]!.rri)).toBeGreaterThan(0.7);
    expect(Number(s.rows[1]!.rri)).toBeLessThan(1.3);
  });

  it('classifies emerging hot spots by quarter: planted zones are hot, most zones show no pattern', async () => {
    const e = remember(engine, 'emerging', await runEmerging(t.store, { step: 'month' }));
    expect(e.periods).toHaveLength(12);
    const rows = new Map(e.rows.map((r) => [String(r.unit), r]));
    expect(PLANTED.filter((code) => rows.get(code)!.direction === 'hot').length).toBeGreaterThanOrEqual(3);
    expect(e.rows.filter((r) => r.pattern === 'none').length).toBeGreaterThan(100);
  });

  it('loads incident points in BNG with their dates', async () => {
    const points = await loadIncidentPoints(t.store, { from: '2025-03', to: '2025-03' });
    expect(points.points.length).toBeGreaterThan(50);
    expect(points.points.every((p) => p.occurredDate.startsWith('2025-03-'))).toBe(true);
    const [lon, lat] = bngToWgs84(points.points[0]!.easting, points.points[0]!.northing);
    expect(Number.isFinite(lon) && Number.isFinite(lat)).toBe(true);
    await expect(loadIncidentPoints(t.store, { by: ['month'] })).rejects.toThrow(/not breakdowns/);
  });

  it('refuses nonsense with a usage error', async () => {
    await expect(runHotspots(t.store, { method: 'kde' })).rejects.toThrow(/bandwidth/);
    await expect(runHotspots(t.store, { unit: 'grid', measure: 'rate' })).rejects.toThrow(/population/);
    await expect(runHotspots(t.store, { weights: 'bishop' })).rejects.toThrow(/unknown weights/);
    await expect(runHotspots(t.store, { by: ['month'] })).rejects.toThrow(/breakdowns/);
  });
});

describe('both engines give the same hotspots', () => {
  it.each(['lsoa-rate', 'lsoa-count', 'msoa-knn', 'grid', 'kde', 'stability', 'emerging'])('%s', (name) => {
    const byEngine = results.get(name);
    expect(byEngine?.size).toBe(2);
    const [a, b] = [...byEngine!.values()];
    expect(JSON.parse(JSON.stringify(b))).toEqual(JSON.parse(JSON.stringify(a)));
  });
});

describe.each(ENGINES)('uniform random incidents (%s)', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(engine);
    await loadDemo(t.store, false);
    // 12,000 assaults at uniformly random points of the study area.
    const doc = JSON.parse(readFileSync(demo.boundaries, 'utf8')) as { features: { properties: Record<string, string>; geometry: PolygonGeometry }[] };
    const code = (f: { properties: Record<string, string> }) => Object.values(f.properties).find((v) => /^X01/.test(v))!;
    const polygons = doc.features.map((f) => ({ code: code(f), geometry: mapPositions(f.geometry, wgs84ToBng) }));
    const locator = new LsoaLocator(polygons);
    const [minE, minN, maxE, maxN] = polygons.reduce(
      (b, p) => {
        for (const ring of p.geometry.type === 'Polygon' ? p.geometry.coordinates : p.geometry.coordinates.flat()) {
          for (const [x, y] of ring) b = [Math.min(b[0], x!), Math.min(b[1], y!), Math.max(b[2], x!), Math.max(b[3], y!)];
        }
        return b;
      },
      [Infinity, Infinity, -Infinity, -Infinity],
    );
    const rng = createRng(99);
    const lines = ['crime_ref,occurred_from,hocr_code,easting,northing,location_type,domestic'];
    while (lines.length <= 12_000) {
      const e = minE + rng() * (maxE - minE);
      const n = minN + rng() * (maxN - minN);
      if (locator.locate(e, n) === null) continue;
      lines.push(`U-${lines.length},2025-0${1 + (lines.length % 9)}-15T21:00,8N,${e.toFixed(1)},${n.toFixed(1)},Street,N`);
    }
    const file = join(work, `uniform-${engine}.csv`);
    writeFileSync(file, lines.join('\n') + '\n');
    await ingestPoliceExtract(testContext(t.store), [file], { agency: 'Uniform', pseudonymiser: testPseudonymiser() });
  }, 120_000);
  afterAll(async () => t.dispose());

  it('flags about the nominal 10% of grid cells at p ≤ 0.10, and almost none after FDR', async () => {
    const r = await runHotspots(t.store, { unit: 'grid', cell: 1000 });
    const share = r.rows.filter((row) => Number(row.p_value) <= 0.1).length / r.rows.length;
    expect(r.rows.length).toBeGreaterThan(800);
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.15);
    const fdr = await runHotspots(t.store, { unit: 'grid', cell: 1000, fdr: true });
    expect(fdr.rows.filter((row) => row.class !== 'not_significant').length / fdr.rows.length).toBeLessThan(0.02);
  });
});

describe.each(ENGINES)('data.police.uk points (%s)', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(engine);
    await ingestPoliceUk(testContext(t.store), [join(import.meta.dirname, '../fixtures/police-uk/2021-03-testshire-street.csv')]);
  });
  afterAll(async () => t.dispose());

  it('projects snap points to BNG, dates them the first of the month and says they are snapped', async () => {
    const points = await loadIncidentPoints(t.store, { source: 'police-uk' });
    expect(points.points.length).toBeGreaterThan(0);
    expect(points.points.every((p) => p.occurredDate === '2021-03-01')).toBe(true);
    expect(points.caveats).toContain(SNAPPED_POINTS_CAVEAT);
    const rows = await t.store.query<{ longitude: number; latitude: number }>(`SELECT longitude, latitude FROM police_uk_crimes WHERE longitude IS NOT NULL ORDER BY month, COALESCE(crime_id, asb_key) LIMIT 1`);
    const [e, n] = wgs84ToBng(rows[0]!.longitude, rows[0]!.latitude);
    expect(points.points[0]!.easting).toBeCloseTo(e, 6);
    expect(points.points[0]!.northing).toBeCloseTo(n, 6);
  });
});

describe('svo hotspots (CLI) and POST /api/spatial/* (HTTP)', () => {
  let dir: string;
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore('duckdb');
    await loadDemo(t.store);
    dir = t.env.SVO_DB!;
    await t.store.close(); // the CLI opens the file itself
  }, 120_000);
  afterAll(async () => t.dispose());

  async function cli(args: string[]): Promise<string> {
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const note = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const program = new Command('svo').option('--db <path>').exitOverride();
      registerHotspots(program, () => program.opts());
      await program.parseAsync(['--db', dir, ...args], { from: 'user' });
    } finally {
      write.mockRestore();
      note.mockRestore();
    }
    return out.join('');
  }

  it('prints the Gi* CSV and GeoJSON in WGS84', async () => {
    const csv = await cli(['hotspots', '--method', 'gistar', '--unit', 'lsoa', '--weights', 'queen', '--format', 'csv']);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('unit,count,gistar,p_value,p_fdr,class');
    expect(lines).toHaveLength(162);
    const geo = JSON.parse(await cli(['hotspots', '--measure', 'rate', '--fdr', '--format', 'geojson'])) as {
      type: string;
      features: { properties: Record<string, unknown>; geometry: PolygonGeometry }[];
    };
    expect(geo.type).toBe('FeatureCollection');
    expect(Object.keys(geo.features[0]!.properties)).toEqual([...GISTAR_RATE_COLUMNS]);
    const [lon, lat] = (geo.features[0]!.geometry.type === 'Polygon' ? geo.features[0]!.geometry.coordinates[0]![0] : geo.features[0]!.geometry.coordinates[0]![0]![0])!;
    expect(Math.abs(lon!)).toBeLessThan(3);
    expect(lat!).toBeGreaterThan(49);
    const kde = await cli(['hotspots', '--method', 'kde', '--cell', '200', '--bandwidth', '600', '--top', '5', '--format', 'csv']);
    expect(kde.split('\n')[0]).toBe('unit,easting,northing,count,density,top');
    await expect(cli(['hotspots', '--format', 'xml'])).rejects.toThrow(/--format/);
    const stability = await cli(['hotspot-stability', '--first', '2025-01..2025-06', '--second', '2025-07..2025-12', '--format', 'csv']);
    expect(stability.split('\n')[0]).toBe('period,from,to,incidents,in_hotspots,hotspots,hotspot_area_km2,study_area_km2,pai,rri');
    const emerging = await cli(['emerging-hotspots', '--step', 'quarter', '--format', 'csv']);
    expect(emerging.split('\n')[0]).toBe('unit,category,pattern,direction,periods,hot_periods,cold_periods,trend_tau,trend_p,last_gistar');
  }, 60_000);

  it('answers the HTTP routes with rows or GeoJSON and 400 for bad input', async () => {
    const { openStore } = await import('../../src/store/open.js');
    const store = await openStore({ dbPath: dir });
    try {
      // An app with its own environment, as the authenticated server has.
      const app = new Hono<{ Variables: { user: string } }>();
      registerSpatialRoutes(app, store);
      app.onError((error, c) => c.json({ error: error.message }, (error as { exitCode?: number }).exitCode === 2 ? 400 : 500));
      const post = (path: string, body: unknown) => app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      const rows = (await (await post('/api/spatial/hotspots', { weights: 'knn:5' })).json()) as { rows: unknown[]; geometries?: unknown };
      expect(rows.rows).toHaveLength(161);
      expect(rows.geometries).toBeUndefined();
      const geo = (await (await post('/api/spatial/hotspots', { method: 'kde', bandwidth: 500, format: 'geojson' })).json()) as { type: string };
      expect(geo.type).toBe('FeatureCollection');
      const stability = await post('/api/spatial/stability', { first: { from: '2025-01', to: '2025-06' }, second: { from: '2025-07', to: '2025-12' } });
      expect(stability.status).toBe(200);
      const emerging = await post('/api/spatial/emerging', { step: 'quarter' });
      expect(emerging.status).toBe(200);
      const bad = await post('/api/spatial/hotspots', { weights: 'distance:-5' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/distance/);
    } finally {
      await store.close();
    }
  });
});
