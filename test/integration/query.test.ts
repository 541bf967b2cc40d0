import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { Command } from 'commander';
import { createTestStore, ENGINES, type Engine, type TestStore } from '../support/stores.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { ingestPoliceUk } from '../../src/ingest/police-uk/index.js';
import { syncDefinitions, readDefinitionFiles, definitionDirs } from '../../src/classify/definitions.js';
import { UsageError } from '../../src/core/errors.js';
import { syncHocrCodes } from '../../src/classify/reference.js';
import { parseQuerySpec, PERSON_DIMENSIONS, SOURCE_DIMENSIONS } from '../../src/core/query/spec.js';
import { runQuery, POLICE_UK_CAVEAT, type QueryResult } from '../../src/query/run.js';
import { runTrends } from '../../src/analysis/trends.js';
import { runSpc } from '../../src/analysis/spc.js';
import { exactPoissonInterval, byarInterval } from '../../src/core/query/stats.js';
import { parseWhereOptions, querySpecFromOptions, registerQuery } from '../../src/cli/commands/query.js';

const POLICE_FIXTURE = join(import.meta.dirname, '../fixtures/police/canonical.csv');
const PUK_FIXTURE = join(import.meta.dirname, '../fixtures/police-uk/2021-03-testshire-street.csv');

const REAL_PUK = resolve(import.meta.dirname, '../../../shared/data/police-street-crime-leicestershire');
const haveRealPuk = existsSync(REAL_PUK);

const HEADER =
  'crime_ref,occurred_from,occurred_to,recorded_date,hocr_code,offence_description,easting,northing,lsoa_code,location_type,domestic,weapon,victim_id,victim_age,victim_dob,victim_sex,suspect_id,suspect_age,suspect_dob,suspect_sex';
// Early-2021 incidents to go with canonical.csv (July 2021): February has none, E01099999 is outside the geography.
const EARLY = [
  HEADER,
  'CR-101,2021-01-10T14:00,,,8N,Assault with injury,,,E01013678,Street,N,Knife,V-300,17,,M,S-400,18,,M',
  'CR-102,2021-03-02T09:00,,,34B,Robbery of personal property,,,E01013679,Street,N,,V-301,40,,F,,,,',
  'CR-103,2021-03-20T22:00,,,8N,Assault with injury,,,E01099999,Street,N,,V-302,30,,M,,,,',
  'CR-104,2021-03-21T22:30,,,8N,Assault with injury,,,E01013678,Dwelling,Y,,V-303,29,,F,S-401,31,,M',
].join('\n');

// A second police-uk month (May 2021) so April must be zero-filled.
const PUK_MAY = [
  'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context',
  'eee555,2021-05,Testshire Police,Testshire Police,-1.133000,52.636500,On or near High Street,E01013678,Leicester 035A,Robbery,Under investigation,',
  'fff666,2021-05,Testshire Police,Testshire Police,-1.133000,52.636500,On or near High Street,E01013678,Leicester 035A,Robbery,Under investigation,',
  'ggg777,2021-05,Testshire Police,Testshire Police,-1.150000,52.620000,On or near Park Road,E01025706,Somewhere 001A,Burglary,Under investigation,',
].join('\n');

const TOTAL_ALL_CRIME = 10;

const results = new Map<string, Map<Engine, QueryResult>>();
function remember(engine: Engine, name: string, result: QueryResult): QueryResult {
  const byEngine = results.get(name) ?? new Map<Engine, QueryResult>();
  byEngine.set(engine, result);
  results.set(name, byEngine);
  return result;
}

const sum = (r: QueryResult) => r.rows.reduce((s, row) => s + Number(row.count), 0);

describe.each(ENGINES)('query engine on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  let pukMay: string;
  const q = async (name: string, spec: unknown) => remember(engine, name, await runQuery(t.store, spec));

  beforeAll(async () => {
    t = await createTestStore(engine);
    dir = mkdtempSync(join(tmpdir(), 'svo-query-'));
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    await syncHocrCodes(t.store);
    const canonical = join(dir, 'canonical.csv');
    copyFileSync(POLICE_FIXTURE, canonical);
    const early = join(dir, 'early.csv');
    writeFileSync(early, EARLY + '\n');
    const ctx = testContext(t.store);
    await ingestPoliceExtract(ctx, [canonical], { pseudonymiser: testPseudonymiser(), agency: 'Test Police', maxRejectRate: 0.2 });
    await ingestPoliceExtract(ctx, [early], { pseudonymiser: testPseudonymiser(), agency: 'Test Police' });
    pukMay = join(dir, '2021-05-testshire-street.csv');
    writeFileSync(pukMay, PUK_MAY + '\n');
    await ingestPoliceUk(ctx, [PUK_FIXTURE, pukMay]);
    const geo = [
      ['E01013678', 'E02002868', 'E06000016', 'CSP1', 2, 1500],
      ['E01013679', 'E02002868', 'E06000016', 'CSP1', 5, 1600],
      ['E01025706', 'E02005300', 'E07000129', 'CSP2', 9, 1700],
    ] as const;
    for (const g of geo) {
      await t.store.run(`INSERT INTO geo_lsoa (lsoa_code, msoa_code, lad_code, csp_code, imd_decile, population) VALUES ($1, $2, $3, $4, $5, $6)`, [...g]);
    }
  }, 60_000);
  afterAll(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts every incident with --all-crime and only in-definition incidents by default', async () => {
    const all = await q('all', { allCrime: true });
    expect(all.rows).toEqual([{ count: TOTAL_ALL_CRIME }]);
    expect(all.definition).toBeNull();
    expect(all.columns).toEqual([{ name: 'count', type: 'integer' }]);

    const def = await q('def', {});
    expect(def.definition).toMatchObject({ id: 'vrn-2020' });
    const [independent] = await t.store.query(
      `SELECT COUNT(*) AS n FROM incident_classifications WHERE definition_id = $1 AND definition_version = $2 AND in_definition`,
      [def.definition!.id, def.definition!.version],
    );
    expect(def.rows).toEqual([{ count: Number(independent!.n) }]);
    // CR-001, CR-002 (July), CR-101, CR-102, CR-103 (early 2021); domestic, non-SV and unknown-place ones are out.
    expect(def.rows).toEqual([{ count: 5 }]);

    const viaWhere = await q('where-in-def', { allCrime: true, where: { in_definition: ['true'] } });
    expect(viaWhere.rows).toEqual(def.rows);
    expect(viaWhere.definition).toEqual(def.definition);
    const named = await q('named-def', { definition: 'vrn-2020' });
    expect(named.rows).toEqual(def.rows);
    await expect(runQuery(t.store, { definition: 'no-such-definition' })).rejects.toThrow(/no definition 'no-such-definition'/);
  });

  it('breakdown totals equal the unfiltered total for every dimension of both sources', async () => {
    for (const allCrime of [true, false]) {
      const total = sum(await runQuery(t.store, { allCrime }));
      for (const d of SOURCE_DIMENSIONS.police) {
        if (PERSON_DIMENSIONS[d]) continue;
        const r = await q(`police-${allCrime}-${d}`, { allCrime, by: [d] });
        expect(sum(r), `police by ${d} (allCrime ${allCrime})`).toBe(total);
      }
      const three = await q(`police-${allCrime}-3`, { allCrime, by: ['lad', 'sv_category', 'month'] });
      expect(sum(three)).toBe(total);
    }
    const pukTotal = sum(await runQuery(t.store, { source: 'police-uk' }));
    expect(pukTotal).toBe(8);
    for (const d of SOURCE_DIMENSIONS['police-uk']) {
      const r = await q(`puk-${d}`, { source: 'police-uk', by: [d] });
      expect(sum(r), `police-uk by ${d}`).toBe(pukTotal);
    }
  });

  it('zero-fills months over the requested period, or over the data when none is given', async () => {
    const asked = await q('months-asked', { allCrime: true, by: ['month'], from: '2021-01', to: '2021-09' });
    expect(asked.rows).toEqual([
      { month: '2021-01', count: 1 },
      { month: '2021-02', count: 0 },
      { month: '2021-03', count: 3 },
      { month: '2021-04', count: 0 },
      { month: '2021-05', count: 0 },
      { month: '2021-06', count: 0 },
      { month: '2021-07', count: 6 },
      { month: '2021-08', count: 0 },
      { month: '2021-09', count: 0 },
    ]);
    const data = await q('months-data', { allCrime: true, by: ['month'] });
    expect(data.rows.map((r) => r.month)).toEqual(['2021-01', '2021-02', '2021-03', '2021-04', '2021-05', '2021-06', '2021-07']);
    const quarters = await q('quarters', { allCrime: true, by: ['quarter'], from: 'FY2020/21', to: '2021Q3' });
    expect(quarters.rows).toEqual([
      { quarter: '2020Q2', count: 0 },
      { quarter: '2020Q3', count: 0 },
      { quarter: '2020Q4', count: 0 },
      { quarter: '2021Q1', count: 4 },
      { quarter: '2021Q2', count: 0 },
      { quarter: '2021Q3', count: 6 },
    ]);
    const fy = await q('fy', { allCrime: true, by: ['financial_year'] });
    expect(fy.rows).toEqual([
      { financial_year: 'FY2020/21', count: 4 },
      { financial_year: 'FY2021/22', count: 6 },
    ]);
    const days = await q('dow', { allCrime: true, by: ['day_of_week'], from: '2021-07' });
    expect(days.rows.map((r) => r.day_of_week)).toEqual(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);
    // 3 Jul 2021 was a Saturday (CR-001), 4 Jul a Sunday (CR-002), 5–8 Jul Monday–Thursday.
    expect(days.rows.map((r) => r.count)).toEqual([1, 1, 1, 1, 0, 1, 1]);
    const hours = await q('hour', { allCrime: true, by: ['hour'] });
    expect(hours.rows).toHaveLength(24);
    expect(hours.rows.find((r) => r.hour === 22)).toEqual({ hour: 22, count: 2 });
  });

  it('counts victims and offenders (one per person per incident) by age band and sex', async () => {
    for (const [measure, role] of [['victims', 'victim'], ['offenders', 'suspect']] as const) {
      for (const allCrime of [true, false]) {
        const total = await q(`${measure}-${allCrime}`, { measure, allCrime });
        const [independent] = await t.store.query(
          `SELECT COUNT(*) AS n FROM incident_people p JOIN incidents i ON i.id = p.incident_id
           JOIN incident_classifications c ON c.incident_id = i.id AND c.definition_id = 'vrn-2020'
           WHERE p.role = $1 AND (c.in_definition OR $2)`,
          [role, allCrime],
        );
        expect(total.rows, `${measure} allCrime ${allCrime}`).toEqual([{ count: Number(independent!.n) }]);
        const prefix = measure === 'victims' ? 'victim' : 'offender';
        for (const d of [`${prefix}_age_band`, `${prefix}_sex`, 'month', 'lad']) {
          const r = await q(`${measure}-${allCrime}-${d}`, { measure, allCrime, by: [d] });
          expect(sum(r), `${measure} by ${d}`).toBe(Number(independent!.n));
        }
      }
    }
    const victims = await q('victims-age', { measure: 'victims', allCrime: true, by: ['victim_age_band'] });
    // Ages 17, 31, 34, 17 (CR-001 to CR-004), 17, 40, 30, 29 (CR-101 to CR-104).
    expect(victims.rows).toEqual([
      { victim_age_band: '0-9', count: 0 },
      { victim_age_band: '10-14', count: 0 },
      { victim_age_band: '15-19', count: 3 },
      { victim_age_band: '20-24', count: 0 },
      { victim_age_band: '25-34', count: 4 },
      { victim_age_band: '35-49', count: 1 },
      { victim_age_band: '50-64', count: 0 },
      { victim_age_band: '65+', count: 0 },
      { victim_age_band: 'unknown', count: 0 },
    ]);
    const offenders = await q('offenders-age-sex', { measure: 'offenders', allCrime: true, by: ['offender_sex', 'offender_age_band'], where: { offender_age_band: ['15-19', '20-24'] } });
    // Suspects aged 19 and 21 (CR-001), 18 (CR-101); all male. Sexes and bands are zero-filled.
    expect(offenders.rows).toEqual([
      { offender_sex: 'female', offender_age_band: '15-19', count: 0 },
      { offender_sex: 'female', offender_age_band: '20-24', count: 0 },
      { offender_sex: 'male', offender_age_band: '15-19', count: 2 },
      { offender_sex: 'male', offender_age_band: '20-24', count: 1 },
      { offender_sex: 'other', offender_age_band: '15-19', count: 0 },
      { offender_sex: 'other', offender_age_band: '20-24', count: 0 },
      { offender_sex: 'unknown', offender_age_band: '15-19', count: 0 },
      { offender_sex: 'unknown', offender_age_band: '20-24', count: 0 },
    ]);
    const sexes = await q('victim-sex', { measure: 'victims', allCrime: true, by: ['victim_sex'], where: { victim_sex: ['F', 'male'] } });
    expect(sexes.rows).toEqual([
      { victim_sex: 'female', count: 4 },
      { victim_sex: 'male', count: 4 },
    ]);
    expect(() => parseQuerySpec({ by: ['victim_age_band'] })).toThrow(/'victim_age_band' describes each of the victims, so it needs measure 'victims'/);
    expect(() => parseQuerySpec({ measure: 'offenders', by: ['victim_sex'] })).toThrow(/needs measure 'victims'/);
    expect(() => parseQuerySpec({ source: 'police-uk', measure: 'victims' })).toThrow(/source 'police-uk' cannot count victims/);
  });

  it('computes rates per population with 95% limits; records outside the geography have no rate', async () => {
    const byLad = await q('rate-lad', { measure: 'rate', allCrime: true, by: ['lad'] });
    expect(byLad.columns.map((c) => c.name)).toEqual(['lad', 'count', 'population', 'rate', 'rate_lower', 'rate_upper']);
    // E06000016 = E01013678 (1,500) + E01013679 (1,600): 7 incidents; exact limits for 7 are 2.8143–14.4227.
    const [lad1, lad2, none] = byLad.rows;
    expect(lad1).toMatchObject({ lad: 'E06000016', count: 7, population: 3100 });
    expect(lad1!.rate).toBeCloseTo((7 / 3100) * 1000, 10);
    expect(lad1!.rate_lower).toBeCloseTo((2.8143 / 3100) * 1000, 3);
    expect(lad1!.rate_upper).toBeCloseTo((14.4227 / 3100) * 1000, 3);
    expect(lad2).toMatchObject({ lad: 'E07000129', count: 1, population: 1700 });
    expect(none).toEqual({ lad: null, count: 2, population: null, rate: null, rate_lower: null, rate_upper: null });
    expect(byLad.caveats.join(' ')).toMatch(/rate per 1,000 population/);

    // No area breakdown: the whole loaded geography (4,800); 10 incidents use Byar.
    const whole = await q('rate-whole', { measure: 'rate', allCrime: true, per: 100000 });
    const byar = byarInterval(10);
    expect(whole.rows).toEqual([{ count: 10, population: 4800, rate: (10 / 4800) * 1e5, rate_lower: (byar.lower / 4800) * 1e5, rate_upper: (byar.upper / 4800) * 1e5 }]);

    // Area filters restrict the population too; months are zero-filled with the same population.
    const filtered = await q('rate-filtered', { measure: 'rate', allCrime: true, by: ['month'], where: { lsoa: ['E01013679', 'E01025706'] }, from: '2021-02', to: '2021-03' });
    const zero = exactPoissonInterval(0);
    expect(filtered.rows).toEqual([
      { month: '2021-02', count: 0, population: 3300, rate: 0, rate_lower: 0, rate_upper: (zero.upper / 3300) * 1000 },
      { month: '2021-03', count: 1, population: 3300, rate: 1000 / 3300, rate_lower: (exactPoissonInterval(1).lower / 3300) * 1000, rate_upper: (exactPoissonInterval(1).upper / 3300) * 1000 },
    ]);

    const puk = await q('rate-puk', { source: 'police-uk', measure: 'rate', by: ['imd_decile'] });
    expect(puk.rows.map((r) => [r.imd_decile, r.count, r.population])).toEqual([
      [2, 5, 1500],
      [5, 1, 1600],
      [9, 1, 1700],
      [null, 1, null],
    ]);
  });

  it('lists every area with a population in a rate, with 0 where nothing happened', async () => {
    const inMarch = await q('rate-lsoa-march', { measure: 'rate', allCrime: true, by: ['lsoa'], from: '2021-03', to: '2021-03' });
    // March 2021: one incident in E01013679, one in E01013678 (domestic), one outside the geography.
    expect(inMarch.rows.map((r) => [r.lsoa, r.count, r.population])).toEqual([
      ['E01013678', 1, 1500],
      ['E01013679', 1, 1600],
      ['E01025706', 0, 1700],
      [null, 1, null],
    ]);
    expect(inMarch.rows[2]!.rate).toBe(0);
    expect(inMarch.rows[2]!.rate_upper).toBeCloseTo((exactPoissonInterval(0).upper / 1700) * 1000, 10);
  });

  it('gives rates by age band over the population of the same band', async () => {
    await expect(runQuery(t.store, { measure: 'rate', allCrime: true, by: ['victim_age_band'] })).rejects.toThrow(/population by single year of age/);
    // Ages 15-19 and 25-34 in the two E06000016 LSOAs (mid-2020), and an older year that must be ignored.
    for (const [lsoa, year, age, n] of [
      ['E01013678', 2020, 17, 40], ['E01013678', 2020, 18, 35], ['E01013679', 2020, 19, 25],
      ['E01013678', 2020, 30, 100], ['E01013679', 2020, 29, 50], ['E01025706', 2020, 40, 80],
      ['E01013678', 2019, 17, 999],
    ] as const) {
      await t.store.run(`INSERT INTO geo_population_age (lsoa_code, mid_year, age, population) VALUES ($1, $2, $3, $4)`, [lsoa, year, age, n]);
    }
    const victims = await runQuery(t.store, { measure: 'victims', allCrime: true, by: ['victim_age_band'] });
    const rates = await q('rate-age', { measure: 'rate', allCrime: true, by: ['victim_age_band'] });
    expect(rates.rows.map((r) => r.count)).toEqual(victims.rows.map((r) => r.count));
    const band = (name: string) => rates.rows.find((r) => r.victim_age_band === name)!;
    expect(band('15-19').population).toBe(100);
    expect(band('25-34').population).toBe(150);
    expect(band('35-49').population).toBe(80);
    expect(band('0-9').population).toBeNull();
    expect(band('unknown').population).toBeNull();
    expect(band('15-19').rate).toBeCloseTo((Number(band('15-19').count) / 100) * 1000, 10);
    expect(rates.caveats.join(' ')).toMatch(/mid-2020/);
    expect(rates.caveats.join(' ')).toMatch(/per head of the resident population of the same age band/);
    // Filtered to one LAD and one band: the population follows both.
    const lad = await q('rate-age-lad', { measure: 'rate', allCrime: true, by: ['lad'], where: { victim_age_band: ['25-34'] } });
    expect(lad.rows.find((r) => r.lad === 'E06000016')!.population).toBe(150);
    expect(lad.rows.find((r) => r.lad === 'E07000129')!.population).toBeNull();
  });

  it('breaks police records down by crime type, the Home Office offence group of the HOCR code', async () => {
    const types = await q('police-crime-type', { allCrime: true, by: ['crime_type'] });
    const codes = await runQuery(t.store, { allCrime: true, by: ['hocr_code'] });
    const robberyCodes = codes.rows.filter((r) => ['34A', '34B'].includes(String(r.hocr_code))).reduce((n, r) => n + Number(r.count), 0);
    expect(types.rows.find((r) => r.crime_type === 'Robbery')?.count).toBe(robberyCodes);
    expect(sum(types)).toBe(TOTAL_ALL_CRIME);
    const filtered = await runQuery(t.store, { allCrime: true, where: { crime_type: ['Robbery'] } });
    expect(filtered.rows[0]!.count).toBe(robberyCodes);
  });

  it('refuses a dimension the source cannot supply, naming what it can do', async () => {
    const attempt = runQuery(t.store, { source: 'police-uk', by: ['hour'] });
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(/source 'police-uk' cannot supply 'hour'/);
    try {
      parseQuerySpec({ source: 'police-uk', where: { sv_category: ['robbery'] } });
      expect.unreachable();
    } catch (error) {
      expect((error as UsageError).hint).toBe('police-uk supports: month, quarter, year, financial_year, crime_type, lsoa, msoa, lad, csp, imd_decile');
    }
    expect(() => parseQuerySpec({ measure: 'rate', by: ['victim_sex'] })).toThrow(/rate can use the age bands only/);
    expect(() => parseQuerySpec({ measure: 'rate', by: ['victim_age_band', 'offender_age_band'] })).toThrow(/victims or offenders, not both/);
    expect(() => parseQuerySpec({ by: ['colour'] })).toThrow(UsageError);
    expect(() => parseQuerySpec({ by: ['month', 'lad', 'hour', 'year'] })).toThrow(/at most 3 breakdowns/);
    expect(() => parseQuerySpec({ measure: 'rate', per: 500 })).toThrow(/per must be 1000 or 100000/);
    expect(() => parseQuerySpec({ source: 'police-uk', from: '2021-03-15' })).toThrow(/monthly/);
    await expect(runQuery(t.store, { where: { month: ['July'] } })).rejects.toThrow(/'July' is not a valid month/);
  });

  it('police-uk by month,crime_type equals an independent count of the fixture files', async () => {
    const r = await q('puk-month-type', { source: 'police-uk', by: ['month', 'crime_type'] });
    expect(r.caveats).toContain(POLICE_UK_CAVEAT);
    expect(r.definition).toBeNull();
    const counts = new Map<string, number>();
    const types = new Set<string>();
    for (const file of [PUK_FIXTURE, pukMay]) {
      const records = parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
      for (const rec of records) {
        const key = `${rec.Month}|${rec['Crime type']}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        types.add(rec['Crime type']!);
      }
    }
    const expected = [];
    for (const month of ['2021-03', '2021-04', '2021-05']) {
      for (const type of [...types].sort()) expected.push({ month, crime_type: type, count: counts.get(`${month}|${type}`) ?? 0 });
    }
    expect(r.rows).toEqual(expected);
    const robbery = await q('puk-robbery', { source: 'police-uk', by: ['lsoa'], where: { crime_type: 'Robbery' }, from: '2021-01', to: '2021-05' });
    expect(robbery.rows).toEqual([
      { lsoa: 'E01013678', count: 2 },
      { lsoa: 'E01013679', count: 1 },
    ]);
  });

  it('sorts rows by the breakdowns, with missing areas last and still counted', async () => {
    const r = await q('lad-month', { allCrime: true, by: ['lad', 'month'], from: '2021-07', to: '2021-08' });
    expect(r.rows).toEqual([
      { lad: 'E06000016', month: '2021-07', count: 4 },
      { lad: 'E06000016', month: '2021-08', count: 0 },
      { lad: 'E07000129', month: '2021-07', count: 1 },
      { lad: 'E07000129', month: '2021-08', count: 0 },
      { lad: null, month: '2021-07', count: 1 },
      { lad: null, month: '2021-08', count: 0 },
    ]);
    const lsoa = await q('lsoa', { allCrime: true, by: ['lsoa'] });
    // CR-005 has no LSOA and CR-103's LSOA is outside the loaded geography: both count under an empty LSOA.
    expect(lsoa.rows).toEqual([
      { lsoa: 'E01013678', count: 6 },
      { lsoa: 'E01013679', count: 1 },
      { lsoa: 'E01025706', count: 1 },
      { lsoa: null, count: 2 },
    ]);
    for (const name of ['police-true-3', 'police-false-3']) {
      const rows = results.get(name)!.get(engine)!.rows;
      const keys = rows.map((row) => [row.lad ?? '\uffff', row.sv_category ?? '\uffff', row.month].join('|'));
      expect(keys).toEqual([...keys].sort());
    }
  });

  it('filters on several values of a dimension, on missing values and on booleans', async () => {
    const both = await q('hocr-both', { allCrime: true, where: { hocr_code: ['8N', '34B'] } });
    const eight = await runQuery(t.store, { allCrime: true, where: { hocr_code: ['8N'] } });
    const robbery = await runQuery(t.store, { allCrime: true, where: { hocr_code: ['34B'] } });
    expect(sum(both)).toBe(sum(eight) + sum(robbery));
    expect(sum(eight)).toBe(6);
    expect(sum(robbery)).toBe(2);
    const lads = await q('lad-with-missing', { allCrime: true, by: ['lad'], where: { lad: ['E07000129', ''] } });
    expect(lads.rows).toEqual([
      { lad: 'E07000129', count: 1 },
      { lad: null, count: 2 },
    ]);
    const knife = await q('knife', { by: ['knife_enabled'], where: { month: ['2021-01', '2021-07'] } });
    // In the definition in January or July: CR-001 (knife), CR-002 (bladed article), CR-101 (knife).
    expect(knife.rows).toEqual([{ knife_enabled: true, count: 3 }]);
    const weekdays = await q('weekdays', { allCrime: true, by: ['day_of_week'], where: { day_of_week: ['Sat', 'sunday'] } });
    expect(weekdays.rows).toEqual([
      { day_of_week: 'Saturday', count: 2 }, // 20 Mar, 3 Jul 2021
      { day_of_week: 'Sunday', count: 3 }, // 10 Jan, 21 Mar, 4 Jul 2021
    ]);
  });
});

describe.each(ENGINES)('svo query on the real Leicestershire street-level files on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    if (haveRealPuk) t = await createTestStore(engine);
  });
  afterAll(async () => t?.dispose());

  it.skipIf(!haveRealPuk)('police-uk by month,crime_type equals an independent count of the CSVs (skipped when ../shared/data is absent)', async () => {
    const counts = new Map<string, number>();
    const months = new Set<string>();
    const types = new Set<string>();
    for (const name of readdirSync(REAL_PUK).filter((f) => f.endsWith('.csv.gz'))) {
      const records = parse(gunzipSync(readFileSync(join(REAL_PUK, name))), { columns: true }) as Record<string, string>[];
      for (const rec of records) {
        const key = `${rec.Month}|${rec['Crime type']}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        months.add(rec.Month!);
        types.add(rec['Crime type']!);
      }
    }
    const sortedTypes = [...types].sort();
    const expected = [...months].sort().flatMap((month) => sortedTypes.map((type) => ({ month, crime_type: type, count: counts.get(`${month}|${type}`) ?? 0 })));
    expect(expected.reduce((s, r) => s + r.count, 0)).toBe(301_838);

    await ingestPoliceUk(testContext(t.store), [REAL_PUK]);
    const result = await runQuery(t.store, { source: 'police-uk', by: ['month', 'crime_type'] });
    expect(result.rows).toEqual(expected);

    // The same trend and SPC functions work on the proxy source, labelled as such.
    const inYear = (year: string, type: string) => expected.filter((r) => r.month.startsWith(year) && r.crime_type === type).reduce((n, r) => n + r.count, 0);
    const trend = await runTrends(t.store, { source: 'police-uk', where: { crime_type: ['Robbery'] }, period: '2021', baseline: '2020' });
    expect(trend.comparisons.map((c) => [c.comparison, c.current_count, c.reference_count])).toEqual([
      ['previous_year', inYear('2021', 'Robbery'), inYear('2020', 'Robbery')],
      ['baseline', inYear('2021', 'Robbery'), inYear('2020', 'Robbery')],
    ]);
    expect(trend.caveats).toContain(POLICE_UK_CAVEAT);
    const spc = await runSpc(t.store, { source: 'police-uk', where: { crime_type: ['Violence and sexual offences'] } });
    expect(spc.rows).toHaveLength(35);
    expect(spc.rows.map((r) => r.value)).toEqual(expected.filter((r) => r.crime_type === 'Violence and sexual offences').map((r) => r.count));
    expect(spc.caveats).toContain(POLICE_UK_CAVEAT);
  }, 300_000);
});

describe('query results', () => {
  it('are identical on DuckDB and PostgreSQL', () => {
    expect(results.size).toBeGreaterThan(10);
    for (const [name, byEngine] of results) {
      expect(byEngine.get('postgres'), name).toEqual(byEngine.get('duckdb'));
    }
  });
});

describe('svo query (CLI)', () => {
  it('turns options into a spec', () => {
    expect(parseWhereOptions(['crime_type=Robbery,Burglary', 'lad=E06000016', 'crime_type=Drugs'])).toEqual({
      crime_type: ['Robbery', 'Burglary', 'Drugs'],
      lad: ['E06000016'],
    });
    expect(() => parseWhereOptions(['lad'])).toThrow(UsageError);
    expect(parseQuerySpec(querySpecFromOptions({ where: ['lad=E06000016'], by: 'month, lad', format: 'csv', source: 'police-uk', from: '2021' }))).toEqual({
      measure: 'incidents',
      source: 'police-uk',
      per: 1000,
      allCrime: false,
      from: '2021',
      where: { lad: ['E06000016'] },
      by: ['month', 'lad'],
    });
  });

  it('prints CSV with the breakdowns then count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'svo-query-cli-'));
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const note = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const program = new Command('svo').option('--db <path>').exitOverride();
      registerQuery(program, () => program.opts());
      await program.parseAsync(['--db', join(dir, 'svo.duckdb'), 'query', '--all-crime', '--from', '2021-01', '--to', '2021-03', '--by', 'month'], { from: 'user' });
      await expect(program.parseAsync(['--db', join(dir, 'svo.duckdb'), 'query', '--measure', 'rate'], { from: 'user' })).rejects.toThrow(/a rate needs population/);
    } finally {
      write.mockRestore();
      note.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(out.join('')).toBe('month,count\n2021-01,0\n2021-02,0\n2021-03,0\n');
  }, 60_000);
});

