import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bngToWgs84, wgs84ToBng } from './bng.js';
import { LsoaLocator, type LocatorEntry } from './locator.js';
import { areaCentroidBng, bbox, pointInPolygon, toPolygonGeometry } from './polygon.js';

const square = (x: number, y: number, size: number): number[][] => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];

describe('LsoaLocator (synthetic)', () => {
  const entries: LocatorEntry[] = [
    // A with a hole that B fills exactly.
    { code: 'A', geometry: { type: 'Polygon', coordinates: [square(0, 0, 3), square(1, 1, 1)] } },
    { code: 'B', geometry: { type: 'Polygon', coordinates: [square(1, 1, 1)] } },
    // C is two islands.
    { code: 'C', geometry: { type: 'MultiPolygon', coordinates: [[square(10, 0, 1)], [square(20, 0, 1)]] } },
  ];
  const locator = new LsoaLocator(entries);

  it('finds the polygon, respecting holes and multipolygon parts', () => {
    expect(locator.locate(0.5, 0.5)).toBe('A');
    expect(locator.locate(1.5, 1.5)).toBe('B');
    expect(locator.locate(10.5, 0.5)).toBe('C');
    expect(locator.locate(20.5, 0.5)).toBe('C');
    expect(locator.locate(15, 0.5)).toBeNull();
    expect(locator.locate(Number.NaN, 0)).toBeNull();
    expect(locator.size).toBe(3);
  });

  it('is empty-safe', () => {
    expect(new LsoaLocator([]).locate(0, 0)).toBeNull();
  });

  it('locates British National Grid points', () => {
    const [lon, lat] = [-1.133, 52.6365];
    const l = new LsoaLocator([{ code: 'E01000001', geometry: { type: 'Polygon', coordinates: [square(lon - 0.01, lat - 0.01, 0.02)] } }]);
    const [e, n] = wgs84ToBng(lon, lat);
    expect(l.locateBng(e, n)).toBe('E01000001');
    expect(l.locateBng(e + 5000, n)).toBeNull();
  });
});

const BOUNDARIES = '/work/shared/data/lsoa-boundaries-llr/llr-lsoa11-merged.geojson';
const haveData = existsSync(BOUNDARIES);
/** Appended to a test title when the shared data it needs is absent, so the skip explains itself. */
const unless = (...paths: string[]) => paths.filter((p) => !existsSync(p)).map((p) => ` [skipped: ${p} not found]`).join('');

describe('LsoaLocator on the 611 real LLR LSOA polygons', () => {
  it.skipIf(!haveData)(`locates centroids, agrees with brute force and is fast${unless(BOUNDARIES)}`, () => {
    const fc = JSON.parse(readFileSync(BOUNDARIES, 'utf8')) as { features: { properties: { LSOA11CD: string }; geometry: unknown }[] };
    const entries: LocatorEntry[] = fc.features.map((f) => {
      const geometry = toPolygonGeometry(f.geometry);
      if (typeof geometry === 'string') throw new Error(geometry);
      return { code: f.properties.LSOA11CD, geometry };
    });
    expect(entries).toHaveLength(611);
    const built = performance.now();
    const locator = new LsoaLocator(entries);
    const buildMs = performance.now() - built;

    // Area-weighted planar centroids (EPSG:27700) of concave LSOAs can lie outside them: 24 of the 611
    // do (an independent computation agrees). Every centroid that is inside its own polygon by brute
    // force must be located to its own code.
    let own = 0;
    let outside = 0;
    for (const entry of entries) {
      const [lon, lat] = bngToWgs84(...areaCentroidBng(entry.geometry).centroid);
      if (!pointInPolygon(lon, lat, entry.geometry)) outside++;
      else if (locator.locate(lon, lat) === entry.code) own++;
    }
    expect(own + outside).toBe(entries.length);
    expect(own / entries.length).toBeGreaterThanOrEqual(0.95);

    // Random points over the LLR extent: the index must agree with testing every polygon.
    const all = entries.map((e) => ({ ...e, box: bbox(e.geometry) }));
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const points: [number, number][] = [];
    for (let i = 0; i < 400_000; i++) points.push([-1.6 + random() * 1.18, 52.39 + random() * 0.59]);
    for (const [lon, lat] of points.slice(0, 2000)) {
      const brute = all.find((e) => lon >= e.box[0] && lon <= e.box[2] && lat >= e.box[1] && lat <= e.box[3] && pointInPolygon(lon, lat, e.geometry));
      expect(locator.locate(lon, lat)).toBe(brute?.code ?? null);
    }

    const started = performance.now();
    let found = 0;
    for (const [lon, lat] of points) if (locator.locate(lon, lat) !== null) found++;
    const seconds = (performance.now() - started) / 1000;
    // eslint-disable-next-line no-console
    console.log(
      `LsoaLocator: ${entries.length} polygons indexed in ${buildMs.toFixed(1)} ms; ${points.length} lookups in ${(seconds * 1000).toFixed(0)} ms = ` +
        `${Math.round(points.length / seconds).toLocaleString('en-GB')} lookups/s (${found} inside LLR); centroids in own LSOA: ${own}/${entries.length} (${outside} outside their concave LSOA)`,
    );
    expect(found).toBeGreaterThan(0);
  });

  const STREET = '/work/shared/data/police-street-crime-leicestershire/2020-01-leicestershire-street.csv.gz';
  it.skipIf(!haveData || !existsSync(STREET))(`agrees with data.police.uk's own LSOA for its snap points${unless(BOUNDARIES, STREET)}`, () => {
    const fc = JSON.parse(readFileSync(BOUNDARIES, 'utf8')) as { features: { properties: { LSOA11CD: string }; geometry: unknown }[] };
    const locator = new LsoaLocator(fc.features.map((f) => ({ code: f.properties.LSOA11CD, geometry: toPolygonGeometry(f.geometry) as never })));
    const lines = gunzipSync(readFileSync(STREET)).toString('utf8').split('\n').slice(1);
    let compared = 0;
    let same = 0;
    for (const line of lines) {
      const f = line.split(',');
      const lon = Number(f[4]);
      const lat = Number(f[5]);
      const code = f[7] ?? '';
      if (!/^E01\d{6}$/.test(code) || !f[4] || !locator.codes.includes(code)) continue;
      compared++;
      if (locator.locate(lon, lat) === code) same++;
    }
    // eslint-disable-next-line no-console
    console.log(`LsoaLocator vs data.police.uk LSOA codes (2020-01): ${same}/${compared} = ${((100 * same) / compared).toFixed(2)}%`);
    // The stored boundaries are the generalised ones; snap points often sit on boundary streets.
    expect(same / compared).toBeGreaterThan(0.95);
  });
});
