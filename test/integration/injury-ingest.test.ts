/**
 * Injury-surveillance ingest on both engines, from hand-made synthetic fixtures (test/fixtures/istv):
 * the gazetteer (CSV and GeoJSON), ISTV returns (CSV, XML, a local layout through a profile),
 * ambulance calls; refusal of patient identifiers; row rejects with file:line; all-or-nothing;
 * idempotent re-ingest and resubmitted returns; provenance; unmapped code-list values kept and reported;
 * place matching with the review queue remembering an analyst's decision; the query specification
 * with --source istv|ambulance; the injury API routes; and the CLI.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SvoError } from '../../src/core/errors.js';
import { ingestAmbulance } from '../../src/ingest/ambulance/index.js';
import { IngestFailedError } from '../../src/ingest/common/failures.js';
import { ingestIstv } from '../../src/ingest/istv/index.js';
import { ingestPlaces } from '../../src/ingest/places/index.js';
import { confirmMatch, placeMatchRate, reviewQueue } from '../../src/ingest/places/matching.js';
import { runQuery } from '../../src/query/run.js';
import { registerInjuryRoutes } from '../../src/server/routes/injury.js';
import { TEST_PSEUDONYM_KEY, testContext } from '../support/context.js';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/istv');
const ROOT = resolve(import.meta.dirname, '../..');

describe.each(ENGINES)('injury-surveillance ingest on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  const ctx = () => testContext(t.store);
  const q = (sql: string) => t.store.query(sql);
  /** A private copy of a fixture, so rejects files land in the temporary folder. */
  const fixture = (name: string) => {
    const path = join(dir, name);
    copyFileSync(join(FIXTURES, name), path);
    return path;
  };
  const failures = async (p: Promise<unknown>) => {
    const error = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IngestFailedError);
    return (error as IngestFailedError).failures.map((f) => f.message).join('\n');
  };

  beforeAll(async () => {
    t = await createTestStore(engine);
    dir = mkdtempSync(join(tmpdir(), 'svo-injury-'));
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the gazetteer from CSV and GeoJSON, rejecting a place outside the UK', async () => {
    const csv = await ingestPlaces(ctx(), [fixture('gazetteer.csv')]);
    expect(csv).toMatchObject({ files: 1, accepted: 10, rejected: 0 });
    const geo = await ingestPlaces(ctx(), [fixture('places.geojson')], { maxRejectRate: 0.5 });
    expect(geo).toMatchObject({ files: 1, accepted: 2, rejected: 1 });
    expect(readFileSync(join(dir, 'places.geojson.rejects.csv'), 'utf8')).toMatch(/,3,latitude,"48\.85,2\.35",coordinates are outside the United Kingdom/);
    const fleece = await q(`SELECT name, place_type, street, lsoa_code, ROUND(easting) AS e FROM places WHERE place_key = 'V010'`);
    expect(fleece).toEqual([{ name: 'The Golden Fleece', place_type: 'licensed premises', street: 'Granby Street', lsoa_code: 'X01000002', e: expect.any(Number) }]);
    expect(await q(`SELECT alias FROM place_aliases WHERE place_key = 'V010' ORDER BY alias`)).toEqual([{ alias: 'Fleece' }, { alias: 'Golden Fleece Inn' }]);
    // The same gazetteer again: skipped as identical; a changed copy updates only what changed.
    expect(await ingestPlaces(ctx(), [fixture('gazetteer.csv')])).toMatchObject({ skippedFiles: 1, accepted: 0 });
    const changed = join(dir, 'gazetteer-v2.csv');
    writeFileSync(changed, readFileSync(join(FIXTURES, 'gazetteer.csv'), 'utf8').replace('V002,The Red Lion,,', 'V002,The Red Lion,Lion;The Lion,'));
    expect(await ingestPlaces(ctx(), [changed])).toMatchObject({ accepted: 0, updated: 1, duplicates: 9 });
  });

  it('refuses ISTV files carrying patient identifiers, naming the column, and stores nothing', async () => {
    const cases: [string, RegExp][] = [
      ['istv-nhs-number.csv', /column 'Patient NHS No' holds an NHS \(or CHI\) number/],
      ['istv-hidden-nhs-number.csv', /column 'ref' holds NHS numbers/],
      ['istv-patient-name.csv', /column 'Surname' holds a patient's name/],
      ['istv-dob.csv', /column 'Date of Birth' holds a full date of birth/],
    ];
    for (const [name, message] of cases) {
      const text = await failures(ingestIstv(ctx(), [fixture(name)], { site: 'XED01' }));
      expect(text).toMatch(message);
      expect(text).toMatch(/must carry no patient identifiers/);
      // The identifier itself is never echoed.
      expect(text).not.toMatch(/943 476 5919|9434765919|Example|01\/02\/2003/);
    }
    expect(await q(`SELECT COUNT(*) AS n FROM injury_attendances`)).toEqual([{ n: 0 }]);
    expect(await q(`SELECT COUNT(*) AS n FROM ingest_batches WHERE source = 'istv'`)).toEqual([{ n: 0 }]);
  });

  it('rejects rows with file:line and what was expected, and refuses the file above the reject rate', async () => {
    const path = fixture('istv-2021-07.csv');
    const text = await failures(ingestIstv(ctx(), [path], { site: 'XED01', periodStart: '2021-07-01', periodEnd: '2021-07-31' }));
    expect(text).toMatch(/1 of 12 rows \(8\.3%\) were rejected, more than the allowed 5\.0%; nothing was stored/);
    expect(readFileSync(`${path}.rejects.csv`, 'utf8')).toBe(
      'file,line,column,value,reason\n' + `${path},13,assault_datetime,2021-07-26 01:00,the assault is after the arrival at the ED\n`,
    );
    expect(await q(`SELECT COUNT(*) AS n FROM injury_attendances`)).toEqual([{ n: 0 }]);
  });

  it('ingests a return: code lists applied, unmapped values kept and reported, places matched, provenance recorded', async () => {
    const summary = await ingestIstv(ctx(), [fixture('istv-2021-07.csv')], { site: 'XED01', periodStart: '2021-07-01', periodEnd: '2021-07-31', maxRejectRate: 0.1 });
    expect(summary).toMatchObject({ files: 1, accepted: 11, rejected: 1, duplicates: 0 });
    expect(summary.details.unmappedAssaultMethods).toEqual({ 'thrown pint': 1 });
    expect(summary.details.unmappedLocationTypes).toEqual({ 'beer garden': 1 });
    expect(summary.warnings.join('\n')).toMatch(/assault methods outside the code list \(kept as written, case-folded\): 'thrown pint' ×1/);
    expect(summary.details.placeMatching).toEqual({ described: 10, matched: 7, review: 1, unmatched: 1, notAPlace: 1, matchRate: 0.7, matchRateOfPlaces: 7 / 9 });
    expect(summary.warnings.join('\n')).toMatch(/1 full home postcode\(s\) kept only as their postcode district/);

    const rows = await q(`SELECT assault_method, method_mapped, location_type, location_type_mapped, age_band, age_min, age_max, sex, home_lsoa, home_district
      FROM injury_attendances ORDER BY assault_at`);
    expect(rows[0]).toEqual({ assault_method: 'body_part', method_mapped: true, location_type: 'licensed_premises', location_type_mapped: true, age_band: '18-24', age_min: 18, age_max: 24, sex: 'male', home_lsoa: 'X01000001', home_district: null });
    expect(rows[2]).toMatchObject({ assault_method: 'knife', home_lsoa: null, home_district: 'LE1' });
    expect(rows.find((r) => r.assault_method === 'thrown pint')).toMatchObject({ method_mapped: false, location_type: 'beer garden', location_type_mapped: false });
    expect(rows.find((r) => r.age_band === '0-17')).toMatchObject({ age_min: 0, age_max: 17 });

    const matches = await q(`SELECT text_key, status, place_key FROM place_matches ORDER BY text_key`);
    expect(matches).toEqual([
      { text_key: 'club nvoa', status: 'matched', place_key: 'V003' },
      { text_key: 'granby street', status: 'matched', place_key: 'S003' },
      { text_key: 'home', status: 'not_a_place', place_key: null },
      { text_key: 'inside revolutoin', status: 'matched', place_key: 'V001' },
      { text_key: 'outside revolution bar market street', status: 'matched', place_key: 'V001' },
      { text_key: 'outside the red lion high street', status: 'matched', place_key: 'V002' },
      { text_key: 'the crown', status: 'review', place_key: 'V004' },
      { text_key: 'town hall square', status: 'matched', place_key: 'L001' },
      { text_key: 'wetherspoons bishopsgate', status: 'unmatched', place_key: null },
    ]);
    const [batch] = await q(`SELECT source, agency, file_name, rows_read, rows_accepted, rows_rejected, duplicates, ingested_by, summary FROM ingest_batches WHERE source = 'istv'`);
    expect(batch).toMatchObject({ source: 'istv', agency: 'XED01', file_name: 'istv-2021-07.csv', rows_read: 12, rows_accepted: 11, rows_rejected: 1, duplicates: 0, ingested_by: 'test' });
    expect(JSON.parse(String(batch!.summary))).toMatchObject({ returns: [{ site: 'XED01', periodStart: '2021-07-01', periodEnd: '2021-07-31', records: 11, periodFromData: false }] });
  });

  it('skips an identical file, and replaces a resubmitted return record for record', async () => {
    expect(await ingestIstv(ctx(), [fixture('istv-2021-07.csv')], { site: 'XED01', periodStart: '2021-07-01', periodEnd: '2021-07-31', maxRejectRate: 0.1 })).toMatchObject({
      skippedFiles: 1,
      accepted: 0,
    });
    const resubmitted = await ingestIstv(ctx(), [fixture('istv-2021-07-resubmitted.csv')], { site: 'XED01', periodStart: '2021-07-01', periodEnd: '2021-07-31' });
    // 10 records unchanged; one corrected (age band) and one new; the old version of the corrected one goes.
    expect(resubmitted).toMatchObject({ accepted: 2, duplicates: 10, rejected: 0 });
    expect(resubmitted.details.replacedRecords).toBe(1);
    expect(await q(`SELECT COUNT(*) AS n FROM injury_attendances`)).toEqual([{ n: 12 }]);
    expect(await q(`SELECT age_band FROM injury_attendances WHERE assault_at = CAST('2021-07-20 15:30:00' AS TIMESTAMP)`)).toEqual([{ age_band: '15-17' }]);
  });

  it('refuses a return that only partly overlaps a stored one, leaving the store as it was', async () => {
    const before = await q(`SELECT COUNT(*) AS n FROM injury_attendances`);
    // A return for mid-July to mid-August (its July rows before the 15th are rejected as outside it).
    const shifted = join(dir, 'istv-shifted.csv');
    writeFileSync(shifted, readFileSync(join(FIXTURES, 'istv-2021-07-resubmitted.csv'), 'utf8').replace('2021-07-30 02:00,2021-07-30 01:00', '2021-08-02 02:00,2021-08-02 01:00'));
    const text = await failures(ingestIstv(ctx(), [shifted], { site: 'XED01', periodStart: '2021-07-15', periodEnd: '2021-08-14', maxRejectRate: 0.9 }));
    expect(text).toMatch(/overlaps the stored return for 2021-07-01 – 2021-07-31 without containing it/);
    expect(await q(`SELECT COUNT(*) AS n FROM injury_attendances`)).toEqual(before);
    expect(await q(`SELECT COUNT(*) AS n FROM ingest_batches WHERE source = 'istv'`)).toEqual([{ n: 2 }]);
  });

  it('reads record-oriented XML with the site and period in its header, and a local layout through a profile', async () => {
    const xml = await ingestIstv(ctx(), [fixture('istv-2021-08.xml')]);
    expect(xml).toMatchObject({ accepted: 3, rejected: 0 });
    expect(await q(`SELECT site_code, period_start, period_end, assault_method FROM injury_attendances WHERE period_start = CAST('2021-08-01' AS DATE) ORDER BY assault_at`)).toEqual([
      { site_code: 'XED01', period_start: '2021-08-01', period_end: '2021-08-31', assault_method: 'knife' },
      { site_code: 'XED01', period_start: '2021-08-01', period_end: '2021-08-31', assault_method: 'body_part' },
      { site_code: 'XED01', period_start: '2021-08-01', period_end: '2021-08-31', assault_method: 'blunt_object' },
    ]);
    // (Identical files are skipped before anything else is looked at, so this is a changed copy.)
    const other = join(dir, 'istv-2021-08-copy.xml');
    writeFileSync(other, readFileSync(join(FIXTURES, 'istv-2021-08.xml'), 'utf8') + '<!-- copy -->\n');
    expect(await failures(ingestIstv(ctx(), [other], { site: 'XED09' }))).toMatch(/the file says site_code XED01 but --site says XED09/);

    const local = await ingestIstv(ctx(), [fixture('istv-local-headers.csv')], { profile: join(FIXTURES, 'istv-profile.json') });
    expect(local).toMatchObject({ accepted: 2, rejected: 0 });
    expect(local.warnings.join('\n')).toMatch(/no reporting period given for site XED02; taken from the records as 2021-07-03 – 2021-07-04/);
    expect(await q(`SELECT assault_method, location_type, sex FROM injury_attendances WHERE site_code = 'XED02' ORDER BY assault_at`)).toEqual([
      { assault_method: 'knife', location_type: 'licensed_premises', sex: 'male' },
      { assault_method: 'body_part', location_type: 'street', sex: 'female' },
    ]);
  });

  it('remembers an analyst’s decision for every spelling of a text, and re-matches when the gazetteer changes', async () => {
    const queue = await reviewQueue(t.store, { limit: 10, all: false });
    expect(queue.map((r) => [r.example, r.status, r.records])).toEqual([
      ['Market St & High St junction', 'review', 1],
      ['The Crown', 'review', 1],
      ['Wetherspoons Bishopsgate', 'unmatched', 1],
    ]);
    expect(queue[1]!.best_place).toBe('V004');
    await expect(confirmMatch(t.store, 'The Crown', 'The Crown', 'analyst', new Date())).rejects.toThrow(/2 places are called 'The Crown': V004, V005/);
    await t.store.transaction((tx) => confirmMatch(tx, 'THE CROWN.', 'V005', 'analyst', new Date('2026-01-10T10:00:00Z')));
    await t.store.transaction((tx) => confirmMatch(tx, 'wetherspoons, bishopsgate', null, 'analyst', new Date('2026-01-10T10:00:00Z')));
    expect(await q(`SELECT text_key, place_key, status, method, confirmed_by FROM place_matches WHERE status = 'confirmed' ORDER BY text_key`)).toEqual([
      { text_key: 'the crown', place_key: 'V005', status: 'confirmed', method: 'analyst', confirmed_by: 'analyst' },
      { text_key: 'wetherspoons bishopsgate', place_key: null, status: 'confirmed', method: 'analyst', confirmed_by: 'analyst' },
    ]);
    // A new gazetteer entry re-matches automatic matches but never an analyst's decision.
    const extra = join(dir, 'extra-places.csv');
    writeFileSync(extra, 'place_id,name,type,easting,northing,lsoa_code\nV099,The Crown,licensed premises,457000,303000,X01000004\nV098,Wetherspoons Bishopsgate,licensed premises,458000,304000,X01000004\n');
    const reloaded = await ingestPlaces(ctx(), [extra]);
    expect(reloaded.details.rematchedTexts).toBeGreaterThan(0);
    expect(await q(`SELECT place_key, status FROM place_matches WHERE text_key IN ('the crown', 'wetherspoons bishopsgate') ORDER BY text_key`)).toEqual([
      { place_key: 'V005', status: 'confirmed' },
      { place_key: null, status: 'confirmed' },
    ]);
    // The Crown now counts at V005 in queries; the rate covers the decision.
    const byPlace = await runQuery(t.store, { source: 'istv', by: ['place'], where: { place: ['The Crown'] } });
    expect(byPlace.rows).toEqual([{ place: 'The Crown', count: 1 }]);
    const rate = await placeMatchRate(t.store, 'istv');
    // 16 descriptions: 12 matched (9 in July's XED01 return, Club Nova in August's, both of XED02's),
    // "Market St & High St junction" waiting, and "home", "at work" and Wetherspoons naming no place.
    expect(rate).toMatchObject({ described: 16, matched: 12, review: 1, unmatched: 0, notAPlace: 3, matchRate: 12 / 16, matchRateOfPlaces: 12 / 13 });
  });

  it('ingests ambulance calls: categories, conveyance, LSOA from the call or its matched address, updates by call reference', async () => {
    const summary = await ingestAmbulance(ctx(), [fixture('ambulance.csv')], { agency: 'Test Ambulance Service', maxRejectRate: 0.2 });
    expect(summary).toMatchObject({ accepted: 5, rejected: 1, updated: 0 });
    expect(readFileSync(join(dir, 'ambulance.csv.rejects.csv'), 'utf8')).toMatch(/,7,conveyed,maybe,"expected Y\/N, conveyed \/ not conveyed/);
    expect(await q(`SELECT category, conveyed, age_band, sex, lsoa_code FROM ambulance_records ORDER BY call_at`)).toEqual([
      { category: 'C2', conveyed: true, age_band: '18-24', sex: 'male', lsoa_code: null },
      { category: 'C3', conveyed: false, age_band: '25-34', sex: 'female', lsoa_code: 'X01000002' },
      { category: 'C3', conveyed: false, age_band: null, sex: 'male', lsoa_code: 'X01000003' },
      { category: 'C2', conveyed: true, age_band: null, sex: null, lsoa_code: null },
      { category: 'C1', conveyed: true, age_band: '15-19', sex: 'male', lsoa_code: null },
    ]);
    const later = join(dir, 'ambulance-later.csv');
    writeFileSync(later, readFileSync(join(FIXTURES, 'ambulance.csv'), 'utf8').replace('AMB-003,2021-07-17 22:05,,,X01000003,,3,Assault,see and treat', 'AMB-003,2021-07-17 22:05,,,X01000003,,2,Assault,Y').replace(/\nAMB-006.*\n/, '\n'));
    expect(await ingestAmbulance(ctx(), [later], { agency: 'Test Ambulance Service' })).toMatchObject({ accepted: 0, updated: 1, duplicates: 4 });
    expect(await q(`SELECT category, conveyed FROM ambulance_calls WHERE call_ref = 'AMB-003'`)).toEqual([{ category: 'C2', conveyed: true }]);
  });

  it('answers --source istv and ambulance through the one query specification', async () => {
    const methods = await runQuery(t.store, { source: 'istv', by: ['assault_method'], from: '2021-07', to: '2021-07' });
    // July: XED01's 12 records and XED02's 2 (a knife and a body part, through the profile's codes).
    expect(methods.rows).toEqual([
      { assault_method: 'body_part', count: 7 },
      { assault_method: 'bottle', count: 1 },
      { assault_method: 'glass', count: 1 },
      { assault_method: 'knife', count: 3 },
      { assault_method: 'thrown pint', count: 1 },
      { assault_method: 'unknown', count: 1 },
    ]);
    expect(methods.caveats[0]).toMatch(/ED ISTV data/);
    const nightly = await runQuery(t.store, { source: 'istv', by: ['day_of_week'], where: { assault_location_type: ['licensed_premises'], month: ['2021-07'] } });
    expect(nightly.rows.filter((r) => r.count !== 0)).toEqual([
      { day_of_week: 'Friday', count: 1 },
      { day_of_week: 'Saturday', count: 6 },
    ]);
    const calls = await runQuery(t.store, { source: 'ambulance', by: ['category', 'conveyed'] });
    expect(calls.rows).toEqual([
      { category: 'C1', conveyed: true, count: 1 },
      { category: 'C2', conveyed: true, count: 3 },
      { category: 'C3', conveyed: false, count: 1 },
    ]);
    await expect(runQuery(t.store, { source: 'istv', by: ['hocr_code'] })).rejects.toThrow(/source 'istv' cannot supply 'hocr_code'/);
    await expect(runQuery(t.store, { source: 'police', by: ['assault_method'] })).rejects.toThrow(/source 'police' cannot supply 'assault_method'/);
    await expect(runQuery(t.store, { source: 'istv', definition: 'vrn-2020' })).rejects.toThrow(SvoError);
  });

  it('serves the injury analyses over HTTP, with bad input a 400', async () => {
    const app = new Hono();
    registerInjuryRoutes(app, t.store);
    app.onError((error, c) => (error instanceof SvoError ? c.json({ error: error.message }, error.exitCode === 2 ? 400 : 422) : c.json({ error: 'internal error' }, 500)));
    const post = (path: string, body: unknown) => app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const venues = await post('/api/injury/venues', { from: '2021-07', to: '2021-08', kind: 'venues' });
    expect(venues.status).toBe(200);
    const ranking = (await venues.json()) as { rows: { place: string; assaults: number; rank: number }[] };
    expect(ranking.rows.slice(0, 2)).toMatchObject([
      { place: 'Revolution', assaults: 4, rank: 1 },
      { place: 'Club Nova', assaults: 3, rank: 2 },
    ]);
    const hidden = await post('/api/injury/hidden-violence', { period: 'month' });
    expect(hidden.status).toBe(200);
    expect(((await hidden.json()) as { total: { ed_assaults: number } }).total.ed_assaults).toBe(17);
    const bad = await post('/api/injury/hidden-violence', { period: 'fortnight' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/period/);
  });

  it('runs from the command line: ingest istv with --json, places review, hidden-violence', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'svo-injury-cli-'));
    // A store of its own, closed here: a DuckDB file can be open in one process at a time.
    const cli = await createTestStore(engine);
    await cli.store.close();
    try {
      const file = join(cwd, 'return.csv');
      copyFileSync(join(FIXTURES, 'istv-2021-07.csv'), file);
      const ingest = await svo(['ingest', 'istv', file, '--site', 'XED03', '--period-start', '2021-07-01', '--period-end', '2021-07-31', '--max-reject-rate', '10%', '--json'], cli.env, cwd);
      expect(ingest.code).toBe(0);
      const json = JSON.parse(ingest.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      expect(json).toMatchObject({ files: 1, accepted: 11, rejected: 1, unmappedAssaultMethods: { 'thrown pint': 1 } });
      expect(ingest.stderr).toMatch(/place matching: \d+ of 10 location descriptions matched/);
      const refused = await svo(['ingest', 'istv', join(FIXTURES, 'istv-dob.csv'), '--site', 'XED03'], cli.env, cwd);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/column 'Date of Birth' holds a full date of birth/);
      const review = await svo(['places', 'review', '--format', 'csv'], cli.env, cwd);
      expect(review.code).toBe(0);
      expect(review.stdout.split('\n')[0]).toBe('records,status,example,best_place,best_name,best_score,other_candidates');
      const usage = await svo(['places', 'review', '--confirm', 'the crown'], cli.env, cwd);
      expect(usage.code).toBe(2);
      const hidden = await svo(['hidden-violence', '--period', 'month', '--format', 'csv'], cli.env, cwd);
      expect(hidden.code).toBe(0);
      expect(hidden.stdout.split('\n')[0]).toBe('month,ed_assaults,police_violence_with_injury,ed_only_share_min,ed_only_share,ed_only_assaults');
      expect(hidden.stderr).toMatch(/aggregate comparison, not record linkage/);
    } finally {
      await cli.dispose();
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);

  it('leaves no rejects files or temporary tables behind in the fixtures folder', () => {
    expect(readdirSync(FIXTURES).filter((f) => f.endsWith('.rejects.csv'))).toEqual([]);
  });
});

/** `svo <args>` in a child process (through tsx), with the test store and a fixed key. */
function svo(args: string[], storeEnv: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const tsx = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', SVO_PG_SCHEMA: '', SVO_DB: '', SVO_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, ...storeEnv };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', tsx, join(ROOT, 'src/cli/main.ts'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
