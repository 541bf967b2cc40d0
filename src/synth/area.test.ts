import { describe, expect, it } from 'vitest';
import { pointInPolygonRings } from '../core/geo/polygon.js';
import { LsoaLocator } from '../core/geo/locator.js';
import { AGE_COUNT, generateArea, IMD_LSOAS, type SynthArea } from './area.js';
import { Rng } from './random.js';

const SEEDS = [1, 2020, 99_999];
const areas = new Map<number, SynthArea>(SEEDS.map((s) => [s, generateArea(s)]));

describe.each(SEEDS)('generateArea(%s)', (seed) => {
  const area = areas.get(seed)!;

  it('is reproducible from its seed', () => {
    expect(JSON.stringify(generateArea(seed))).toBe(JSON.stringify(area));
  });

  it('has 120-200 zones with unique codes that look like ONS codes but can never be real ones', () => {
    expect(area.zones.length).toBeGreaterThanOrEqual(120);
    expect(area.zones.length).toBeLessThanOrEqual(200);
    const codes = [
      ...area.zones.flatMap((z) => [z.code, z.msoaCode, z.ladCode, z.cspCode]),
      ...area.csps.map((c) => c.code),
    ];
    for (const code of codes) expect(code).toMatch(/^X\d{8}$/);
    expect(new Set(area.zones.map((z) => z.code)).size).toBe(area.zones.length);
    for (const z of area.zones) {
      expect(z.code).toMatch(/^X01\d{6}$/);
      expect(z.msoaCode).toMatch(/^X02\d{6}$/);
      expect(z.ladCode).toMatch(/^X0[67]\d{6}$/);
      expect(z.name.slice(0, -1)).toBe(z.msoaName);
      expect(z.name.slice(-1)).toMatch(/^[A-Z]$/);
      expect(z.msoaName.startsWith(z.ladName)).toBe(true);
    }
  });

  it('groups zones into 6-9 districts (one city), MSOA-like groups of 3-9 and CSPs, one shared by two districts', () => {
    expect(area.districts.length).toBeGreaterThanOrEqual(6);
    expect(area.districts.length).toBeLessThanOrEqual(9);
    expect(area.districts.filter((d) => d.city)).toHaveLength(1);
    expect(area.districts.reduce((s, d) => s + d.zoneIndexes.length, 0)).toBe(area.zones.length);
    const msoaSizes = new Map<string, number>();
    for (const z of area.zones) msoaSizes.set(z.msoaCode, (msoaSizes.get(z.msoaCode) ?? 0) + 1);
    for (const n of msoaSizes.values()) {
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(9);
    }
    expect(area.csps.length).toBe(area.districts.length - 1);
    expect(area.csps.filter((c) => c.ladCodes.length === 2)).toHaveLength(1);
    for (const d of area.districts) expect(area.csps.find((c) => c.code === d.cspCode)?.ladCodes).toContain(d.code);
  });

  it('gives each zone 1,000-3,000 residents by single year of age, about 200,000-350,000 in all', () => {
    for (const z of area.zones) {
      expect(z.populationByAge).toHaveLength(AGE_COUNT);
      expect(z.population).toBe(z.populationByAge.reduce((s, n) => s + n, 0));
      expect(z.population).toBeGreaterThanOrEqual(1000);
      expect(z.population).toBeLessThanOrEqual(3000);
      for (const n of z.populationByAge) expect(Number.isInteger(n) && n >= 0).toBe(true);
    }
    expect(area.population).toBeGreaterThan(200_000);
    expect(area.population).toBeLessThan(350_000);
  });

  it('has a younger city: a larger share aged 18-29 than the other districts', () => {
    const share = (city: boolean) => {
      const zs = area.zones.filter((z) => z.city === city);
      const young = zs.reduce((s, z) => s + z.populationByAge.slice(18, 30).reduce((a, b) => a + b, 0), 0);
      return young / zs.reduce((s, z) => s + z.population, 0);
    };
    expect(share(true)).toBeGreaterThan(share(false) * 1.2);
  });

  it('ranks deprivation on the national scale, every decile present, the centre most deprived', () => {
    const ranks = area.zones.map((z) => z.imdRank);
    expect(new Set(ranks).size).toBe(ranks.length);
    for (const z of area.zones) {
      expect(z.imdRank).toBeGreaterThanOrEqual(1);
      expect(z.imdRank).toBeLessThanOrEqual(IMD_LSOAS);
      expect(z.imdDecile).toBe(Math.min(10, Math.floor(((z.imdRank - 1) * 10) / IMD_LSOAS) + 1));
    }
    expect(new Set(area.zones.map((z) => z.imdDecile)).size).toBe(10);
    const meanDecile = (zs: typeof area.zones) => zs.reduce((s, z) => s + z.imdDecile, 0) / zs.length;
    expect(meanDecile(area.zones.filter((z) => z.city))).toBeLessThan(meanDecile(area.zones.filter((z) => !z.city)) - 2);
  });

  it('plants 3-5 hotspots among the most central city zones', () => {
    expect(area.hotspotCodes.length).toBeGreaterThanOrEqual(3);
    expect(area.hotspotCodes.length).toBeLessThanOrEqual(5);
    const byRadius = area.zones.filter((z) => z.city).sort((a, b) => a.radius - b.radius);
    const central = new Set(byRadius.slice(0, 8).map((z) => z.code));
    for (const code of area.hotspotCodes) expect(central.has(code)).toBe(true);
  });

  it('draws closed, convex, counter-clockwise rings round each site, near the centre of the area', () => {
    for (const z of area.zones) {
      expect(z.ring[0]).toEqual(z.ring[z.ring.length - 1]);
      expect(z.ring.length).toBeGreaterThanOrEqual(4);
      const n = z.ring.length - 1;
      for (let i = 0; i < n; i++) {
        const [ax, ay] = z.ring[i]!;
        const [bx, by] = z.ring[(i + 1) % n]!;
        const [cx, cy] = z.ring[(i + 2) % n]!;
        // Left turn at every vertex (allowing for the 1e-7 degree rounding of nearly straight runs).
        expect((bx - ax) * (cy - by) - (by - ay) * (cx - bx)).toBeGreaterThan(-1e-12);
      }
      expect(pointInPolygonRings(z.site[0], z.site[1], [z.ring.map(([x, y]) => [x, y])])).toBe(true);
      for (const [lon, lat] of z.ring) {
        expect(Math.abs(lon - area.centre[0])).toBeLessThan(0.5);
        expect(Math.abs(lat - area.centre[1])).toBeLessThan(0.3);
      }
    }
  });

  it('shares vertices exactly between neighbours: every inner vertex belongs to at least two zones', () => {
    const uses = new Map<string, number>();
    for (const z of area.zones) for (const [x, y] of z.ring.slice(0, -1)) uses.set(`${x},${y}`, (uses.get(`${x},${y}`) ?? 0) + 1);
    const shared = [...uses.values()].filter((n) => n >= 2).length;
    // Voronoi vertices inside the area join three cells; only the outline's own vertices are single.
    expect(shared / uses.size).toBeGreaterThan(0.6);
  });

  it('tiles without overlaps: each centroid is in its own zone only, and no random point is in two zones', () => {
    const rings = area.zones.map((z) => [z.ring.map(([x, y]) => [x, y])]);
    area.zones.forEach((z, i) => {
      const hits = rings.map((r, k) => (pointInPolygonRings(z.centroid[0], z.centroid[1], r) ? k : -1)).filter((k) => k >= 0);
      expect(hits).toEqual([i]);
    });
    const lons = area.zones.flatMap((z) => z.ring.map((p) => p[0]));
    const lats = area.zones.flatMap((z) => z.ring.map((p) => p[1]));
    const rng = new Rng(seed);
    const locator = new LsoaLocator(area.zones.map((z) => ({ code: z.code, geometry: { type: 'Polygon', coordinates: [z.ring.map(([x, y]) => [x, y])] } })));
    let inside = 0;
    for (let i = 0; i < 3000; i++) {
      const lon = rng.uniform(Math.min(...lons), Math.max(...lons));
      const lat = rng.uniform(Math.min(...lats), Math.max(...lats));
      const count = rings.reduce((n, r) => n + (pointInPolygonRings(lon, lat, r) ? 1 : 0), 0);
      expect(count).toBeLessThanOrEqual(1);
      if (count === 1) inside++;
      expect(locator.locate(lon, lat) !== null).toBe(count === 1);
    }
    expect(inside).toBeGreaterThan(1500);
  });

  it('differs from other seeds', () => {
    const other = areas.get(SEEDS.find((s) => s !== seed)!)!;
    expect(JSON.stringify(other.zones.map((z) => z.ring))).not.toBe(JSON.stringify(area.zones.map((z) => z.ring)));
  });
});
