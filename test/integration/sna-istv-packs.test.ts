/**
 * The SNA data pack and the ISTV taskforce pack built on the synthetic demo data on both engines: the
 * documents are identical across engines, and the findings carry the numbers the analyses (the API's
 * functions) return for the same year or month. Partner circulation publishes only rounded or
 * suppressed counts; police-uk lists what it cannot supply as not available.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNteComparison, runVenueRanking } from '../../src/analysis/injury.js';
import { runPeople } from '../../src/analysis/people.js';
import { runAreas, runDeprivation } from '../../src/analysis/places.js';
import { runTrends } from '../../src/analysis/trends.js';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { syncHocrCodes } from '../../src/classify/reference.js';
import { rateRatio } from '../../src/core/stats/compare.js';
import { buildIstvReport } from '../../src/present/report/istv.js';
import type { ReportDocument, ReportOptions, ReportTable } from '../../src/present/report/model.js';
import { buildSnaReport } from '../../src/present/report/sna.js';
import { runQuery } from '../../src/query/run.js';
import { runDemo } from '../../src/synth/demo.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { createTestStore, ENGINES, type Engine, type TestStore } from '../support/stores.js';

const DEMO = { seed: 2020, years: 2, scale: 0.5, endDate: '2021-12-31' };
const TIMEOUT_MS = 300_000;
const NOW = new Date('2026-01-15T12:00:00Z');
const options = (kind: 'sna' | 'istv', period: string, extra: Partial<ReportOptions> = {}): ReportOptions => ({ kind, period, area: null, definition: null, source: 'police', circulation: 'internal', now: NOW, ...extra });

const built = new Map<Engine, { sna: ReportDocument; istv: ReportDocument }>();

function finding(doc: ReportDocument, id: string): { available: string; sentence: string } {
  const t = tables(doc).find((x) => x.id === 'sna-key-findings')!;
  const row = t.rows.find((r) => r.id === id);
  if (!row) throw new Error(`no finding ${id}`);
  return { available: String(row.available), sentence: String(row.sentence) };
}

function tables(doc: ReportDocument): ReportTable[] {
  return doc.sections.flatMap((s) => s.blocks.flatMap((b) => (b.type === 'table' || b.type === 'chart' ? [b.table] : [])));
}

const fmt = (n: number) => n.toLocaleString('en-GB');

describe.each(ENGINES)('SNA and ISTV packs on %s', (engine) => {
  let t: TestStore;
  let workDir: string;
  let sna: ReportDocument;

  beforeAll(async () => {
    t = await createTestStore(engine);
    await syncHocrCodes(t.store);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    workDir = mkdtempSync(join(tmpdir(), 'svo-sna-'));
    await runDemo(testContext(t.store), { ...DEMO, workDir, pseudonymiser: testPseudonymiser() });
    sna = await buildSnaReport(t.store, options('sna', '2021'));
    built.set(engine, { sna, istv: await buildIstvReport(t.store, options('istv', '2021-07')) });
  }, TIMEOUT_MS);
  afterAll(async () => {
    await t?.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }, TIMEOUT_MS);

  it('covers the year with the definition and source currency on the cover', () => {
    expect(sna.meta).toMatchObject({ kind: 'sna', from: '2021-01-01', to: '2021-12-31', definition: { id: 'vrn-2020', version: 1 }, circulation: 'internal' });
    expect(sna.meta.sources.map((s) => [s.source, s.dataTo])).toEqual([
      ['police', '2021-12-31'],
      ['istv', '2021-12-31'],
    ]);
    const ids = tables(sna).find((x) => x.id === 'sna-key-findings')!.rows.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['trend_year', 'u25_offender_rate_ratio', 'u25_offender_share', 'u25_public_place_share', 'robbery_u25_trend', 'knife_enabled_share', 'most_at_risk_group', 'repeat_victimisation', 'peak_times', 'highest_rate_lad', 'highest_rate_msoa', 'deprivation', 'ed_injury_method_u25', 'county_lines']));
    expect(finding(sna, 'county_lines').available).toBe('no');
  });

  it('states the year-on-year change with the counts the trends analysis gives', async () => {
    const trend = await runTrends(t.store, { period: '2021' });
    const c = trend.comparisons[0]!;
    expect(finding(sna, 'trend_year').sentence).toContain(`${c.sentence} in 2021 against 2020 (${fmt(c.current_count)} against ${fmt(c.reference_count)}`);
  });

  it('gives the under-25 rate ratio from the rate query', async () => {
    const r = await runQuery(t.store, { measure: 'rate', per: 1000, from: '2021', to: '2021', by: ['offender_age_band'] });
    const sum = (bands: string[], key: 'count' | 'population') => r.rows.filter((x) => bands.includes(String(x.offender_age_band))).reduce((s, x) => s + Number(x[key]), 0);
    const young = ['10-14', '15-19', '20-24'];
    const older = ['25-34', '35-49', '50-64', '65+'];
    const rr = rateRatio({ count: sum(young, 'count'), exposure: sum(young, 'population') }, { count: sum(older, 'count'), exposure: sum(older, 'population') });
    const sentence = finding(sna, 'u25_offender_rate_ratio').sentence;
    expect(sentence).toContain(`rate ratio ${rr.ratio!.toFixed(2)} (95% CI ${rr.lower!.toFixed(2)}–${rr.upper!.toFixed(2)})`);
    expect(sentence).toContain(`(${fmt(sum(young, 'count'))} offenders)`);
    // The planted pattern: offending by 10–24s at almost twice the rate of 25+ (PATTERNS.md #8).
    expect(rr.lower!).toBeGreaterThan(1);
  });

  it('names the highest-rate district and the deprivation share as the area analyses do', async () => {
    const areas = await runAreas(t.store, { from: '2021', to: '2021', unit: 'lad', per: 1000 });
    const names = new Map((await t.store.query<{ code: string; name: string }>(`SELECT DISTINCT lad_code AS code, lad_name AS name FROM geo_lsoa`)).map((r) => [r.code, r.name]));
    const top = areas.rows[0]!;
    expect(finding(sna, 'highest_rate_lad').sentence).toContain(`${names.get(top.area)} (${top.rate.toFixed(2)} per 1,000, ${fmt(top.count)} offences`);
    const dep = await runDeprivation(t.store, { from: '2021', to: '2021', per: 1000 });
    expect(finding(sna, 'deprivation').sentence).toContain(`${(100 * dep.share_most_deprived_decile!).toFixed(0)}% of serious violence happened in the most deprived tenth`);
    expect(finding(sna, 'deprivation').sentence).toContain(`rate ratio ${dep.ratio.rate_ratio!.toFixed(2)}`);
  });

  it('gives repeat victimisation as the people analysis counts it', async () => {
    const p = await runPeople(t.store, { from: '2021', to: '2021', role: 'victims' });
    const repeat = p.repeat.people - p.repeat.times_seen.find((b) => b.band === '1')!.people;
    expect(finding(sna, 'repeat_victimisation').sentence).toContain(`(${fmt(repeat)} of ${fmt(p.repeat.people)}) were victims in two or more`);
  });

  it('finds the weekday afternoon peak and the busier weekends planted in the demo', () => {
    const s = finding(sna, 'peak_times').sentence;
    expect(s).toMatch(/^An average weekend day had \d\.\d\d times the serious violence of an average weekday/);
    expect(s).toContain('on weekdays the busiest hour was 15:00–16:00');
  });

  it('builds the ISTV taskforce pack from the injury analyses', async () => {
    const istv = built.get(engine)!.istv;
    expect(istv.meta).toMatchObject({ kind: 'istv', from: '2021-07-01', to: '2021-07-31', periodLabel: 'July 2021' });
    const venues = await runVenueRanking(t.store, { from: '2021-07', to: '2021-07', kind: 'venues', limit: 10 });
    const venueTable = tables(istv).find((x) => x.id === 'istv-top-venues')!;
    expect(venueTable.rows.map((r) => [r.place, r.assaults])).toEqual(venues.rows.map((r) => [r.place, r.assaults]));
    const nte = await runNteComparison(t.store, { from: '2021-07', to: '2021-07' });
    const nteRow = tables(istv).find((x) => x.id === 'istv-nte')!.rows[0]!;
    expect([nteRow.window_assaults, nteRow.other_assaults]).toEqual([nte.rows[0]!.window_assaults, nte.rows[0]!.other_assaults]);
    const monthly = await runQuery(t.store, { source: 'istv', from: '2021-07', to: '2021-07' });
    const headline = istv.sections[0]!.blocks[0]!;
    expect(headline.type === 'list' && headline.items[0]).toContain(`in July 2021 against July 2020 (${monthly.rows[0]!.count} against`);
    const hidden = tables(istv).find((x) => x.id === 'istv-hidden-violence')!;
    expect(hidden.rows.map((r) => r.f)).toEqual([1, 0.5, 0.25, 0.1]);
    expect(hidden.rows[0]!.ed_assaults).toBe(monthly.rows[0]!.count);
  });

  it('publishes only rounded or suppressed counts for partner circulation', async () => {
    const partner = await buildSnaReport(t.store, options('sna', '2021', { circulation: 'partner' }));
    const internal = tables(sna);
    for (const table of tables(partner)) {
      if (table.id === 'sna-key-findings') continue;
      const countColumns = table.columns.filter((c) => c.type === 'integer' && !['hour', 'imd_decile', 'population'].includes(c.key)).map((c) => c.key);
      for (const row of table.rows) for (const key of countColumns) expect(row[key] === '*' || (typeof row[key] === 'number' && Number(row[key]) % 5 === 0), `${table.id}.${key} = ${row[key]}`).toBe(true);
      expect(table.columns.some((c) => c.key === 'rate_lower')).toBe(false);
    }
    expect(internal.some((x) => x.rows.some((r) => typeof r.count === 'number' && r.count > 0 && r.count < 8))).toBe(true);
    expect(partner.meta.labels).toContain('Disclosure-controlled for partner circulation');
    const istvPartner = await buildIstvReport(t.store, options('istv', '2021-07', { circulation: 'partner' }));
    const venues = tables(istvPartner).find((x) => x.id === 'istv-top-venues')!;
    expect(venues.rows.every((r) => r.assaults === '*' || Number(r.assaults) % 5 === 0)).toBe(true);
    expect(venues.columns.map((c) => c.key)).not.toContain('rank');
  });

  it('lists what data.police.uk cannot supply as not available', async () => {
    const proxy = await buildSnaReport(t.store, options('sna', '2021', { source: 'police-uk' }));
    for (const id of ['u25_offender_rate_ratio', 'most_at_risk_group', 'repeat_victimisation', 'peak_times', 'knife_enabled_share']) {
      expect(finding(proxy, id)).toMatchObject({ available: 'no', sentence: expect.stringMatching(/^Not available from this source: /) });
    }
    expect(proxy.meta.labels[0]).toContain('proxy');
  });

  it('refuses a period that is not a year or a month', async () => {
    await expect(buildSnaReport(t.store, options('sna', '2021-07'))).rejects.toThrow(/calendar year/);
    await expect(buildIstvReport(t.store, options('istv', '2021'))).rejects.toThrow(/covers a month/);
  });
});

describe('both engines', () => {
  it('give the same SNA and ISTV documents', () => {
    const duck = built.get('duckdb');
    const pg = built.get('postgres');
    expect(duck && pg).toBeTruthy();
    expect(JSON.parse(JSON.stringify(pg!.sna))).toEqual(JSON.parse(JSON.stringify(duck!.sna)));
    expect(JSON.parse(JSON.stringify(pg!.istv))).toEqual(JSON.parse(JSON.stringify(duck!.istv)));
  });
});
