import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileRejectedError } from '../../src/core/errors.js';
import { bngToWgs84, wgs84ToBng } from '../../src/core/geo/bng.js';
import { pointInPolygon, type PolygonGeometry } from '../../src/core/geo/polygon.js';
import { silentProgress, type IngestContext } from '../../src/ingest/common/types.js';
import { ingestGeography, loadLsoaLocator, type GeographyDetails, type GeographyFiles, type GeographyOptions } from '../../src/ingest/geography/index.js';
import type { Store } from '../../src/store/port.js';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/geography');
const fx = (name: string) => join(FIXTURES, name);

const DATA = '/work/shared/data';
const REAL = {
  lookupOa: `${DATA}/lsoa-lookup-llr/oa11-lsoa11-msoa11-lad17-llr.csv`,
  imd1: `${DATA}/imd-2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz`,
  imd2: `${DATA}/imd-2019/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz`,
  file6: `${DATA}/population/File_6_-_IoD2019_Population_Denominators.csv.gz`,
  sape2019: `${DATA}/population-lsoa-syoa-llr/sape22dt2-mid2019-lsoa11-syoa-persons-llr.csv`,
  sape2020: `${DATA}/population-lsoa-syoa-llr/sape23dt2-mid2020-lsoa11-syoa-persons-llr.csv`,
  merged: `${DATA}/lsoa-boundaries-llr/llr-lsoa11-merged.geojson`,
  rutland: `${DATA}/lsoa-boundaries-llr/lsoa11_E06000017.geojson`,
};
const missingReal = Object.values(REAL).filter((p) => !existsSync(p));
const realTitle = missingReal.length ? ` [skipped: ${missingReal.join(', ')} not found]` : '';

function context(store: Store, logs: string[] = []): IngestContext {
  return { store, user: 'tester', progress: silentProgress, log: (m) => logs.push(m), now: () => new Date('2024-05-01T10:00:00') };
}

const details = (summary: { details: Record<string, unknown> }) => summary.details.geography as GeographyDetails;
const num = (v: unknown) => Number(v);

describe.each(ENGINES)('geography ingest on %s', (engine) => {
  let t: TestStore;
  let tmp: string;
  const ingest = (files: GeographyFiles, options: GeographyOptions = {}) => ingestGeography(context(t.store), files, { rejectsPath: join(tmp, 'rejects.csv'), ...options });
  const fresh = async () => {
    await t.dispose();
    t = await createTestStore(engine);
  };
  const lsoas = async () =>
    t.store.query(`SELECT lsoa_code, lsoa_name, msoa_code, lad_code, lad_name, csp_code, csp_name, imd_rank, imd_decile, population, population_year,
      lookup_batch_id IS NOT NULL AS in_lookup FROM geo_lsoa ORDER BY lsoa_code`);

  beforeAll(async () => {
    t = await createTestStore(engine);
    tmp = mkdtempSync(join(tmpdir(), 'svo-geo-'));
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  describe('ONS-quirk fixtures', () => {
    beforeAll(fresh);

    it('loads lookup, CSP, IMD, both population kinds and boundaries in one run', async () => {
      const summary = await ingest({
        lookup: fx('lookup-oa11-lsoa11-msoa11-lad17.csv'),
        csp: fx('csp.csv'),
        imd: fx('imd2019-file1.csv'),
        population: [fx('iod2019-file6-population.csv'), fx('sape22dt2-mid2019-lsoa11-syoa-persons.csv')],
        boundaries: [fx('lsoa-boundaries.geojson')],
      });
      const d = details(summary);
      expect(d.files.map((f) => [f.profile, f.rowsRead, f.accepted, f.updated, f.duplicates, f.rejected, f.outsideLookup])).toEqual([
        ['lookup', 6, 4, 0, 2, 0, 0],
        ['csp', 2, 1, 0, 0, 0, 0],
        ['imd', 6, 4, 0, 0, 0, 2],
        ['population-iod', 5, 4, 0, 0, 0, 1],
        ['population-sape', 4, 4, 0, 0, 0, 0],
        ['boundaries', 5, 4, 0, 0, 0, 1],
      ]);
      expect(d.files.filter((f) => f.kind === 'population').map((f) => [f.populationYear, f.populationYearFrom])).toEqual([
        [2015, 'header'],
        [2019, 'file name'],
      ]);
      expect(summary).toMatchObject({ files: 6, skippedFiles: 0, rejected: 0, duplicates: 2 });
      expect(summary.warnings.join('\n')).toMatch(/E07000135/); // CSP row for a district with no stored LSOA

      const rows = await lsoas();
      expect(rows.map((r) => r.lsoa_code)).toEqual(['E01013600', 'E01013601', 'E01025600', 'E01025601']);
      expect(rows[0]).toMatchObject({ lsoa_name: 'Leicester 003A', msoa_code: 'E02002829', lad_code: 'E06000016', csp_code: 'E06000016', csp_name: 'Leicester' });
      expect(rows[0]).toMatchObject({ imd_rank: 1296, imd_decile: 1, in_lookup: true });
      expect(rows[3]).toMatchObject({ lsoa_name: 'Blaby 001B', csp_code: 'E22000100', csp_name: 'Blaby and Oadby & Wigston CSP', imd_rank: 999 });
      // The mid-2019 totals replace mid-2015 (latest mid-year wins).
      expect(rows.map((r) => [num(r.population), num(r.population_year)])).toEqual([
        [1183, 2019],
        [1274, 2019],
        [1365, 2019],
        [1456, 2019],
      ]);
      const ages = await t.store.query(`SELECT mid_year, COUNT(*) AS n, SUM(population) AS people, MAX(age) AS top FROM geo_population_age GROUP BY mid_year`);
      expect(ages.map((a) => [num(a.mid_year), num(a.n), num(a.people), num(a.top)])).toEqual([[2019, 364, 1183 + 1274 + 1365 + 1456, 90]]);

      const batches = await t.store.query(`SELECT source, profile, agency, rows_read, rows_accepted, duplicates FROM ingest_batches ORDER BY id`);
      expect(batches.map((b) => [b.source, b.profile, b.agency])).toEqual([
        ['geography', 'lookup', 'ONS'],
        ['geography', 'csp', 'local'],
        ['geography', 'imd', 'MHCLG'],
        ['geography', 'population-iod', 'MHCLG'],
        ['geography', 'population-sape', 'ONS'],
        ['geography', 'boundaries', 'ONS'],
      ]);
    });

    it('stores boundaries with BNG centroid, area and bbox, and locates points from the store', async () => {
      const rows = await t.store.query(`SELECT * FROM geo_lsoa_boundaries ORDER BY lsoa_code`);
      expect(rows).toHaveLength(4);
      const holed = rows[0]!;
      expect(holed.lsoa_code).toBe('E01013600');
      expect(JSON.parse(String(holed.geometry))).toMatchObject({ type: 'Polygon' });
      expect([holed.min_lon, holed.min_lat, holed.max_lon, holed.max_lat]).toEqual([-1.14, 52.63, -1.13, 52.64]);
      // A 0.01° × 0.01° cell at 52.6° N is about 677 m × 1,113 m; the hole is 16% of it.
      expect(num(holed.area_m2)).toBeGreaterThan(0.8 * 677 * 1113 * 0.95);
      expect(num(holed.area_m2)).toBeLessThan(0.84 * 677 * 1113 * 1.05);
      const [e, n] = wgs84ToBng(-1.135, 52.635);
      expect(Math.abs(num(holed.centroid_easting) - e)).toBeLessThan(5);
      expect(Math.abs(num(holed.centroid_northing) - n)).toBeLessThan(5);

      const locator = await loadLsoaLocator(t.store);
      expect(locator?.size).toBe(4);
      expect(locator!.locate(-1.139, 52.639)).toBe('E01013600');
      expect(locator!.locate(-1.135, 52.635)).toBe('E01013601'); // in the hole
      expect(locator!.locate(-1.095, 52.635)).toBe('E01025601'); // second part of the MultiPolygon
      expect(locator!.locate(-1.105, 52.635)).toBeNull();
      expect(locator!.locateBng(e, n)).toBe('E01013601');
    });

    it('skips an identical file, even gzipped', async () => {
      const gz = join(tmp, 'imd2019-file1.csv.gz');
      writeFileSync(gz, gzipSync(readFileSync(fx('imd2019-file1.csv'))));
      const logs: string[] = [];
      const summary = await ingestGeography(context(t.store, logs), { imd: gz, lookup: fx('lookup-oa11-lsoa11-msoa11-lad17.csv') });
      expect(summary).toMatchObject({ files: 2, skippedFiles: 2, accepted: 0 });
      expect(logs.join('\n')).toMatch(/identical file already ingested/);
      expect(await t.store.query(`SELECT COUNT(*) AS n FROM ingest_batches`)).toEqual([{ n: 6 }]);
    });

    it('replaces rows for the same LSOAs on re-load and keeps CSP overrides unless the district changed', async () => {
      const summary = await ingest({ lookup: fx('lookup-lsoa-alt-names.csv') });
      expect(details(summary).files[0]).toMatchObject({ accepted: 1, updated: 4, duplicates: 0 });
      const rows = await lsoas();
      expect(rows.map((r) => [r.lsoa_code, r.lsoa_name, r.lad_code, r.csp_code, r.csp_name])).toEqual([
        ['E01013600', 'Leicester 003A', 'E06000016', 'E06000016', 'Leicester'],
        ['E01013601', 'Leicester 003B (renamed)', 'E06000016', 'E06000016', 'Leicester'],
        ['E01025600', 'Blaby 001A', 'E07000129', 'E22000100', 'Blaby and Oadby & Wigston CSP'],
        ['E01025601', 'Charnwood 099Z', 'E07000130', 'E07000130', 'Charnwood'], // moved district: CSP back to its district
        ['E01025602', 'Blaby 001C', 'E07000129', 'E22000100', 'Blaby and Oadby & Wigston CSP'], // new LSOA inherits its district's CSP
      ]);
      // Values owned by other inputs are untouched.
      expect(rows[3]).toMatchObject({ imd_rank: 999, population_year: 2019 });

      // A SAPE table for another year (given as an option) adds that year and becomes the current total.
      const pop = await ingest({ population: fx('sape-syoa-persons.csv') }, { populationYear: 2020 });
      expect(details(pop).files[0]).toMatchObject({ profile: 'population-sape', populationYear: 2020, populationYearFrom: 'option', accepted: 4, updated: 0 });
      expect(pop.warnings.join('\n')).toMatch(/1 of the 5 LSOAs in the lookup have no population row/);
      const years = await t.store.query(`SELECT mid_year, COUNT(DISTINCT lsoa_code) AS n FROM geo_population_age GROUP BY mid_year ORDER BY mid_year`);
      expect(years.map((y) => [num(y.mid_year), num(y.n)])).toEqual([
        [2019, 4],
        [2020, 4],
      ]);
      // An older year loaded afterwards adds its ages but does not replace the newer total.
      // (The same bytes again are skipped, whatever year is asked for.)
      expect(await ingest({ population: fx('sape-syoa-persons.csv') }, { populationYear: 2018 })).toMatchObject({ skippedFiles: 1 });
      const gz = join(tmp, 'sape-mid2018.csv.gz');
      writeFileSync(gz, gzipSync(Buffer.concat([readFileSync(fx('sape-syoa-persons.csv')), Buffer.from('\r\n')])));
      const older = await ingest({ population: gz });
      expect(details(older).files[0]).toMatchObject({ populationYear: 2018, populationYearFrom: 'file name' });
      expect(older.warnings.join('\n')).toMatch(/keeps a later mid-year than 2018 for 4 LSOAs/);
      const current = await t.store.query(`SELECT DISTINCT population_year FROM geo_lsoa WHERE population_year IS NOT NULL`);
      expect(current).toEqual([{ population_year: 2020 }]);
    });

    it('refuses files with file-level problems, naming file, expected and found columns, and stores nothing', async () => {
      const before = await t.store.query(`SELECT COUNT(*) AS n FROM ingest_batches`);
      await expect(ingest({})).rejects.toThrow(/no geography files were given/);
      await expect(ingest({ lookup: join(tmp, 'missing.csv') })).rejects.toThrow(/missing.csv: no such file/);
      const err = await ingest({ imd: fx('iod2019-file6-population.csv') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileRejectedError);
      const message = (err as Error).message;
      expect(message).toContain('iod2019-file6-population.csv');
      expect(message).toMatch(/missing column\(s\) Index of Multiple Deprivation \(IMD\) Rank; Index of Multiple Deprivation \(IMD\) Decile/);
      expect(message).toContain('Columns found: "LSOA code (2011)", "LSOA name (2011)"');

      await expect(ingest({ lookup: fx('lsoa-boundaries.geojson') })).rejects.toThrow(/lsoa-boundaries.geojson: is JSON, not a CSV file/);
      const prose = join(tmp, 'notes.csv');
      writeFileSync(prose, 'These are my notes\nabout LSOAs\n');
      await expect(ingest({ lookup: prose })).rejects.toThrow(/notes.csv: this does not look like an ONS LSOA lookup .* Columns found: "These are my notes"/);
      const binary = join(tmp, 'binary.csv');
      writeFileSync(binary, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x01]));
      await expect(ingest({ lookup: binary })).rejects.toThrow(/not a text \(CSV\) file/);
      const badJson = join(tmp, 'broken.geojson');
      writeFileSync(badJson, '{"type":"FeatureCollection","features":[');
      await expect(ingest({ boundaries: [badJson] })).rejects.toThrow(/broken.geojson: is not valid JSON/);
      const notCollection = join(tmp, 'point.geojson');
      writeFileSync(notCollection, JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [0, 0] } }));
      await expect(ingest({ boundaries: [notCollection] })).rejects.toThrow(/not a GeoJSON FeatureCollection/);
      const noYear = join(tmp, 'syoa.csv');
      writeFileSync(noYear, readFileSync(fx('sape-syoa-persons.csv')).toString('utf8').replaceAll('\r\n', '\n'));
      await expect(ingest({ population: noYear })).rejects.toThrow(/population mid-year is not stated/);
      const lsoa21 = join(tmp, 'lsoa21.csv');
      writeFileSync(lsoa21, 'LSOA21CD,LSOA21NM,LAD22CD\nE01035000,Leicester 003E,E06000016\n');
      const e21 = await ingest({ lookup: lsoa21 }).catch((e: unknown) => e);
      expect((e21 as FileRejectedError).hint).toMatch(/2021 LSOA codes/);
      const outside = join(tmp, 'imd-london.csv');
      writeFileSync(outside, 'LSOA code (2011),IMD Rank,IMD Decile\nE01000001,"29,199",9\n');
      await expect(ingest({ imd: outside })).rejects.toThrow(/none of its 1 LSOAs is in the stored lookup \(5 LSOAs\)/);
      expect(await t.store.query(`SELECT COUNT(*) AS n FROM ingest_batches`)).toEqual(before);
    });

    it('rejects bad rows, lists them and writes a rejects file; too many refuse the file', async () => {
      const before = await lsoas();
      const err = await ingest({ imd: fx('imd-bad-rows.csv') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileRejectedError);
      expect((err as Error).message).toMatch(/3 of 4 rows \(75.0%\) were rejected/);
      expect(await lsoas()).toEqual(before);

      const summary = await ingest({ imd: fx('imd-bad-rows.csv') }, { maxRejectRate: 0.8 });
      expect(summary).toMatchObject({ rejected: 3, updated: 1 });
      const rejects = details(summary).rejects.map((r) => [r.line, r.column, r.value, r.reason.slice(0, 31)]);
      expect(rejects).toEqual([
        [3, 'LSOA code (2011)', 'E1013601', 'not a 2011 LSOA code (E01 or W0'],
        [4, 'Index of Multiple Deprivation (IMD) Rank', 'n/a', 'the IMD rank is not a whole num'],
        [5, 'Index of Multiple Deprivation (IMD) Decile', '11', 'the IMD decile is not a whole n'],
      ]);
      const file = readFileSync(join(tmp, 'rejects.csv'), 'utf8');
      expect(file.split('\n')[0]).toBe('file,line,column,value,reason');
      expect(file).toContain('E1013601');
    });
  });

  describe('without a lookup', () => {
    beforeAll(fresh);

    it('keeps every row of England-wide files, fills district and defaults CSP to it', async () => {
      expect(await loadLsoaLocator(t.store)).toBeNull();
      const summary = await ingest({ imd: fx('imd2019-file1.csv'), boundaries: [fx('lsoa-boundaries.geojson')] });
      expect(details(summary).files.map((f) => [f.accepted, f.outsideLookup])).toEqual([
        [6, 0],
        [5, 0],
      ]);
      const rows = await lsoas();
      expect(rows).toHaveLength(6);
      expect(rows[0]).toMatchObject({ lsoa_code: 'E01000001', lad_code: 'E09000001', csp_code: 'E09000001', csp_name: 'City of London', imd_rank: 29199, in_lookup: false });
      // A CSP file needs stored districts.
      await expect(ingest({ csp: fx('csp.csv') })).resolves.toMatchObject({ accepted: 1 });
      const csp = await t.store.query(`SELECT DISTINCT csp_code FROM geo_lsoa WHERE lad_code = 'E07000129'`);
      expect(csp).toEqual([{ csp_code: 'E22000100' }]);

      // A lookup loaded afterwards becomes the area; the earlier England-wide rows are kept and reported.
      const lookup = await ingest({ lookup: fx('lookup-oa11-lsoa11-msoa11-lad17.csv') });
      expect(details(lookup).files[0]).toMatchObject({ accepted: 4, updated: 0 });
      expect(lookup.warnings.join('\n')).toMatch(/2 LSOAs loaded earlier from England-wide files are not in any lookup/);
      // Its CSP override for Blaby survives (same district).
      const after = await t.store.query(`SELECT csp_code FROM geo_lsoa WHERE lsoa_code = 'E01025600'`);
      expect(after).toEqual([{ csp_code: 'E22000100' }]);
    });

    it('converts British National Grid GeoJSON to WGS84', async () => {
      const fc = JSON.parse(readFileSync(fx('lsoa-boundaries.geojson'), 'utf8')) as { crs: unknown; features: { geometry: { coordinates: unknown } }[] };
      const toBng = (c: unknown): unknown => (typeof (c as number[])[0] === 'number' ? wgs84ToBng((c as number[])[0]!, (c as number[])[1]!) : (c as unknown[]).map(toBng));
      fc.crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::27700' } };
      for (const f of fc.features) f.geometry.coordinates = toBng(f.geometry.coordinates);
      const path = join(tmp, 'bng.geojson');
      writeFileSync(path, JSON.stringify(fc));
      const summary = await ingest({ boundaries: [path] });
      expect(summary.warnings.join('\n')).toMatch(/British National Grid .* converted to WGS84/);
      expect(details(summary).files[0]).toMatchObject({ updated: 4, accepted: 0, outsideLookup: 1 });
      const [row] = await t.store.query(`SELECT min_lon, max_lat FROM geo_lsoa_boundaries WHERE lsoa_code = 'E01013600'`);
      expect(num(row!.min_lon)).toBeCloseTo(-1.14, 6);
      expect(num(row!.max_lat)).toBeCloseTo(52.64, 6);
    });
  });

  describe('real LLR data', () => {
    beforeAll(fresh);

    it.skipIf(missingReal.length > 0)(`loads the LLR lookup, IMD, both population kinds and the merged boundaries${realTitle}`, async () => {
      const logs: string[] = [];
      const timed = async (label: string, files: GeographyFiles) => {
        const started = performance.now();
        const summary = await ingestGeography(context(t.store, logs), files);
        logs.push(`${label}: ${(performance.now() - started).toFixed(0)} ms`);
        return summary;
      };
      const lookup = await timed('lookup (OA level)', { lookup: REAL.lookupOa });
      expect(details(lookup).files[0]).toMatchObject({ rowsRead: 3170, accepted: 611, duplicates: 2559, rejected: 0 });
      const imd = await timed('IMD File 1 + IoD File 6', { imd: REAL.imd1, population: REAL.file6 });
      expect(details(imd).files.map((f) => [f.rowsRead, f.accepted, f.outsideLookup])).toEqual([
        [32844, 611, 32233],
        [32844, 611, 32233],
      ]);
      expect(await t.store.query(`SELECT COUNT(*) AS n, SUM(population) AS people, MIN(population_year) AS y0, MAX(population_year) AS y1 FROM geo_lsoa`)).toEqual([
        { n: 611, people: 1_054_029, y0: 2015, y1: 2015 },
      ]);
      const deciles = await t.store.query(`SELECT imd_decile, COUNT(*) AS n FROM geo_lsoa GROUP BY imd_decile ORDER BY imd_decile`);
      expect(deciles.map((d) => num(d.n))).toEqual([43, 32, 62, 49, 53, 51, 73, 84, 80, 84]);
      const perLad = await t.store.query(`SELECT lad_code, csp_code, COUNT(*) AS n FROM geo_lsoa GROUP BY lad_code, csp_code ORDER BY lad_code`);
      expect(perLad.map((r) => [r.lad_code, num(r.n)])).toEqual([
        ['E06000016', 192],
        ['E06000017', 23],
        ['E07000129', 60],
        ['E07000130', 99],
        ['E07000131', 47],
        ['E07000132', 66],
        ['E07000133', 30],
        ['E07000134', 58],
        ['E07000135', 36],
      ]);
      expect(perLad.every((r) => r.csp_code === r.lad_code)).toBe(true);

      const domains = await timed('IoD File 2 (same IMD values)', { imd: REAL.imd2 });
      expect(details(domains).files[0]).toMatchObject({ accepted: 0, updated: 611 });

      const sape = await timed('SAPE mid-2019 + mid-2020', { population: [REAL.sape2019, REAL.sape2020] });
      expect(details(sape).files.map((f) => [f.populationYear, f.accepted])).toEqual([
        [2019, 611],
        [2020, 611],
      ]);
      const byYear = await t.store.query(`SELECT mid_year, COUNT(*) AS n, SUM(population) AS people,
          SUM(CASE WHEN age BETWEEN 10 AND 24 THEN population ELSE 0 END) AS aged_10_24
        FROM geo_population_age GROUP BY mid_year ORDER BY mid_year`);
      expect(byYear.map((r) => [num(r.mid_year), num(r.n), num(r.people), num(r.aged_10_24)])).toEqual([
        [2019, 611 * 91, 1_100_306, 217_633],
        [2020, 611 * 91, 1_107_597, 218_617],
      ]);
      expect(await t.store.query(`SELECT SUM(population) AS people, MIN(population_year) AS y FROM geo_lsoa`)).toEqual([{ people: 1_107_597, y: 2020 }]);

      const boundaries = await timed('boundaries (merged GeoJSON)', { boundaries: [REAL.merged] });
      expect(details(boundaries).files[0]).toMatchObject({ rowsRead: 611, accepted: 611, rejected: 0 });
      const rutland = await timed('boundaries (Rutland again)', { boundaries: [REAL.rutland] });
      expect(details(rutland).files[0]).toMatchObject({ accepted: 0, updated: 23 });

      const started = performance.now();
      const locator = await loadLsoaLocator(t.store);
      logs.push(`loadLsoaLocator: ${(performance.now() - started).toFixed(0)} ms`);
      expect(locator?.size).toBe(611);
      const stored = await t.store.query<{ lsoa_code: string; geometry: string; centroid_easting: number; centroid_northing: number }>(
        `SELECT lsoa_code, geometry, centroid_easting, centroid_northing FROM geo_lsoa_boundaries`,
      );
      let own = 0;
      let outside = 0;
      for (const b of stored) {
        const [lon, lat] = bngToWgs84(b.centroid_easting, b.centroid_northing);
        if (locator!.locate(lon, lat) === b.lsoa_code) own++;
        else if (!pointInPolygon(lon, lat, JSON.parse(b.geometry) as PolygonGeometry)) outside++;
      }
      logs.push(`centroids located in their own LSOA: ${own}/611 (${((100 * own) / 611).toFixed(1)}%); ${outside} centroids lie outside their own (concave) polygon`);
      // Every centroid that is inside its polygon is located to it; the rest are outside their LSOA.
      expect(own + outside).toBe(611);
      expect(own / 611).toBeGreaterThanOrEqual(0.95);
      // eslint-disable-next-line no-console
      console.log(`[${engine}] ${logs.filter((l) => / ms$|centroids/.test(l)).join('; ')}`);
    });
  });
});
