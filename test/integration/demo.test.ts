/**
 * `svo demo` end to end on both engines: generate the synthetic area and police extract, ingest them
 * through the real geography and police ingest code, then recover every planted pattern (PATTERNS.md)
 * with SQL on the store's own tables. Tolerances are about 3-4 standard errors at this volume
 * (30,000 incidents, ~5,500 of them in-definition serious violence); the unit tests in src/synth
 * check the same patterns much more tightly at higher volume.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { loadLsoaLocator } from '../../src/ingest/geography/index.js';
import type { IngestSummary } from '../../src/ingest/common/types.js';
import type { Row } from '../../src/store/port.js';
import { generateArea } from '../../src/synth/area.js';
import { runDemo } from '../../src/synth/demo.js';
import { bandOf } from '../../src/synth/measure.js';
import { plantedTargets } from '../../src/synth/police.js';
import { TARGETS } from '../../src/synth/tables.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';

const OPTIONS = { seed: 2020, years: 3, scale: 1, endDate: '2025-12-31' };
/** Generating is quick; ingesting 43,000 rows can take a minute or two on PostgreSQL. */
const INGEST_TIMEOUT_MS = 300_000;
const area = generateArea(OPTIONS.seed, { midYear: 2024 });
const planted = plantedTargets(area, OPTIONS);

/** In-definition serious violence under the shipped definition, joined to its incident. */
const SV = `incidents i JOIN incident_classifications c ON c.incident_id = i.id AND c.definition_id = 'vrn-2020' AND c.in_definition`;

const num = (v: Row[string] | undefined) => Number(v ?? 0);

/** Days of each ISO weekday (1 = Monday) in the period. */
function daysOfWeekday(start: string, end: string): number[] {
  const days = new Array<number>(8).fill(0);
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += 86_400_000) days[((new Date(t).getUTCDay() + 6) % 7) + 1]! += 1;
  return days;
}

describe.each(ENGINES)('svo demo on %s', (engine) => {
  let t: TestStore;
  let workDir: string;
  let summaries: IngestSummary[];
  const q = (sql: string) => t.store.query(sql);

  beforeAll(async () => {
    t = await createTestStore(engine);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    workDir = mkdtempSync(join(tmpdir(), 'svo-demo-test-'));
    summaries = await runDemo(testContext(t.store), { ...OPTIONS, workDir, pseudonymiser: testPseudonymiser() });
  }, INGEST_TIMEOUT_MS);
  afterAll(async () => {
    await t?.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }, INGEST_TIMEOUT_MS);

  it('ingests every generated row: geography first, then the police extract', async () => {
    const [geography, police] = summaries;
    expect(geography).toMatchObject({ files: 5, rejected: 0 });
    expect(police).toMatchObject({ files: 1, accepted: planted.incidents, rejected: 0, duplicates: 0 });
    expect(await q(`SELECT COUNT(*) AS n FROM incidents`)).toEqual([{ n: planted.incidents }]);
    expect(await q(`SELECT COUNT(*) AS n FROM incident_classifications WHERE definition_id = 'vrn-2020'`)).toEqual([{ n: planted.incidents }]);
  });

  it('stores the synthetic geography: lookup, CSP, IMD, population by age and boundaries', async () => {
    const [g] = await q(
      `SELECT COUNT(*) AS zones, COUNT(DISTINCT lad_code) AS lads, COUNT(DISTINCT csp_code) AS csps, SUM(population) AS pop,
              MIN(imd_decile) AS dmin, MAX(imd_decile) AS dmax, COUNT(imd_rank) AS ranked FROM geo_lsoa`,
    );
    expect(num(g?.zones)).toBe(area.zones.length);
    expect(num(g?.lads)).toBe(area.districts.length);
    expect(num(g?.csps)).toBe(area.csps.length);
    expect(num(g?.pop)).toBe(area.population);
    expect([num(g?.dmin), num(g?.dmax), num(g?.ranked)]).toEqual([1, 10, area.zones.length]);
    const [p] = await q(`SELECT SUM(population) AS pop, COUNT(DISTINCT age) AS ages, MIN(mid_year) AS y FROM geo_population_age`);
    expect([num(p?.pop), num(p?.ages), num(p?.y)]).toEqual([area.population, 91, 2024]);
    expect(await q(`SELECT COUNT(*) AS n FROM geo_lsoa_boundaries`)).toEqual([{ n: area.zones.length }]);
  });

  it('puts every incident with coordinates inside its zone by the stored boundaries', async () => {
    const locator = await loadLsoaLocator(t.store);
    expect(locator).not.toBeNull();
    const rows = await q(`SELECT easting, northing, lsoa_code FROM incidents WHERE easting IS NOT NULL`);
    expect(rows.length / planted.incidents).toBeGreaterThan(0.99);
    const wrong = rows.filter((r) => locator!.locateBng(num(r.easting), num(r.northing)) !== r.lsoa_code);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('peaks at weekends (Sat+Sun daily mean ≈ 1.49 × Mon–Fri) and at 15:00–16:00 on weekdays', async () => {
    const d = t.store.dialect;
    const byDow = await q(`SELECT ${d.isoDayOfWeek('i.occurred_from')} AS dow, COUNT(*) AS n FROM ${SV} GROUP BY 1`);
    const days = daysOfWeekday(planted.period.start, planted.period.end);
    const mean = (dows: number[]) =>
      dows.reduce((s, w) => s + num(byDow.find((r) => num(r.dow) === w)?.n), 0) / dows.reduce((s, w) => s + days[w]!, 0);
    expect(Math.abs(mean([6, 7]) / mean([1, 2, 3, 4, 5]) - TARGETS.weekendToWeekdayDailyRatio)).toBeLessThan(0.17);

    const hours = await q(
      `SELECT ${d.hourOf('i.occurred_from')} AS h, COUNT(*) AS n FROM ${SV} WHERE ${d.isoDayOfWeek('i.occurred_from')} <= 5 GROUP BY 1 ORDER BY n DESC`,
    );
    expect(num(hours[0]?.h)).toBe(TARGETS.weekdayPeakHour);
    expect(num(hours[0]?.n) / num(hours[1]?.n)).toBeGreaterThan(1.2);
  });

  it('finds the planted hotspots as the zones with the highest rates, each ≥ 2.5 × the area rate', async () => {
    const zones = await q(
      `SELECT g.lsoa_code, g.population, COUNT(i.id) AS n
       FROM geo_lsoa g LEFT JOIN (SELECT i.id, i.lsoa_code FROM ${SV}) i ON i.lsoa_code = g.lsoa_code
       GROUP BY g.lsoa_code, g.population`,
    );
    const total = zones.reduce((s, z) => s + num(z.n), 0);
    const areaRate = total / area.population;
    const rated = zones.map((z) => ({ code: String(z.lsoa_code), ratio: num(z.n) / num(z.population) / areaRate })).sort((a, b) => b.ratio - a.ratio);
    const top = rated.slice(0, area.hotspotCodes.length);
    expect(top.map((z) => z.code).sort()).toEqual([...area.hotspotCodes].sort());
    for (const z of top) expect(z.ratio).toBeGreaterThan(2.5);
  });

  it('follows deprivation: rate in IMD decile 1 ≈ 3 × decile 10', async () => {
    const deciles = await q(
      `SELECT g.imd_decile AS decile, SUM(g.population) AS pop, SUM(COALESCE(x.n, 0)) AS n
       FROM geo_lsoa g LEFT JOIN (SELECT i.lsoa_code, COUNT(*) AS n FROM ${SV} GROUP BY i.lsoa_code) x ON x.lsoa_code = g.lsoa_code
       GROUP BY g.imd_decile`,
    );
    const rate = (k: number) => {
      const r = deciles.find((d) => num(d.decile) === k)!;
      return num(r.n) / num(r.pop);
    };
    expect(Math.abs(rate(1) / rate(10) - TARGETS.deprivationRatio)).toBeLessThan(0.75);
  });

  it('puts victims aged 15–19 at the highest rate per resident, 82% of them male', async () => {
    const victims = await q(
      `SELECT p.age, COUNT(*) AS n, SUM(CASE WHEN p.sex = 'male' THEN 1 ELSE 0 END) AS males, SUM(CASE WHEN p.sex IS NULL THEN 0 ELSE 1 END) AS sexed
       FROM ${SV} JOIN incident_people p ON p.incident_id = i.id AND p.role = 'victim'
       WHERE p.age IS NOT NULL GROUP BY p.age`,
    );
    const population = await q(`SELECT age, SUM(population) AS pop FROM geo_population_age GROUP BY age`);
    const count: Record<string, number> = {};
    const residents: Record<string, number> = {};
    for (const r of victims) count[bandOf(num(r.age))] = (count[bandOf(num(r.age))] ?? 0) + num(r.n);
    for (const r of population) residents[bandOf(num(r.age))] = (residents[bandOf(num(r.age))] ?? 0) + num(r.pop);
    const rates = Object.keys(residents).map((band) => ({ band, rate: (count[band] ?? 0) / residents[band]! })).sort((a, b) => b.rate - a.rate);
    expect(rates[0]!.band).toBe('15-19');
    expect(rates[0]!.rate / rates.find((r) => r.band === '20-24')!.rate).toBeGreaterThan(1.05);
    const teens = victims.filter((r) => num(r.age) >= 15 && num(r.age) <= 19);
    const maleShare = teens.reduce((s, r) => s + num(r.males), 0) / teens.reduce((s, r) => s + num(r.sexed), 0);
    expect(Math.abs(maleShare - TARGETS.victimMaleShare15to19)).toBeLessThan(0.05);
  });

  it('has repeat victims: ≈ 10% of distinct victims (pseudonymous keys) in two or more incidents', async () => {
    const [r] = await q(
      `SELECT SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END) AS repeated, COUNT(*) AS victims
       FROM (SELECT person_key, COUNT(DISTINCT incident_id) AS n FROM incident_people
             WHERE role = 'victim' AND person_key IS NOT NULL GROUP BY person_key) x`,
    );
    expect(Math.abs(num(r?.repeated) / num(r?.victims) - TARGETS.repeatVictimShare)).toBeLessThan(0.02);
  });

  it('grows robbery by under-25s ≈ 20% a year', async () => {
    const years = await q(
      `SELECT CAST(EXTRACT(YEAR FROM i.occurred_from) AS INTEGER) AS y, COUNT(*) AS n
       FROM ${SV} WHERE c.sv_category = 'robbery' AND c.offender_u25 GROUP BY 1 ORDER BY 1`,
    );
    expect(years.map((r) => num(r.y))).toEqual([2023, 2024, 2025]);
    const growth = (num(years[2]?.n) / num(years[0]?.n)) ** 0.5;
    expect(Math.abs(growth - TARGETS.robberyU25AnnualGrowth)).toBeLessThan(0.25);
  });

  it('has an under-25 suspect rate (per resident aged 10–24) ≈ 1.9 × the 25+ rate', async () => {
    const [s] = await q(
      `SELECT SUM(CASE WHEN p.age BETWEEN 10 AND 24 THEN 1 ELSE 0 END) AS young, SUM(CASE WHEN p.age >= 25 THEN 1 ELSE 0 END) AS older
       FROM ${SV} JOIN incident_people p ON p.incident_id = i.id AND p.role = 'suspect'`,
    );
    const [pop] = await q(
      `SELECT SUM(CASE WHEN age BETWEEN 10 AND 24 THEN population ELSE 0 END) AS young, SUM(CASE WHEN age >= 25 THEN population ELSE 0 END) AS older
       FROM geo_population_age`,
    );
    const ratio = num(s?.young) / num(pop?.young) / (num(s?.older) / num(pop?.older));
    expect(Math.abs(ratio - TARGETS.u25SuspectRateRatio)).toBeLessThan(0.25);
  });

  it('has a knife-enabled share of serious violence ≈ 20%', async () => {
    const [k] = await q(`SELECT SUM(CASE WHEN c.knife_enabled THEN 1 ELSE 0 END) AS knife, COUNT(*) AS n FROM ${SV}`);
    expect(Math.abs(num(k?.knife) / num(k?.n) - TARGETS.knifeEnabledShare)).toBeLessThan(0.035);
  });

  it('changes nothing when run again with the same options (identical files are skipped)', async () => {
    const again = await runDemo(testContext(t.store), { ...OPTIONS, workDir, pseudonymiser: testPseudonymiser() });
    expect(again[1]).toMatchObject({ skippedFiles: 1, accepted: 0 });
    expect(await q(`SELECT COUNT(*) AS n FROM incidents`)).toEqual([{ n: planted.incidents }]);
  }, INGEST_TIMEOUT_MS);
});
