/**
 * `svo report` end to end on the seeded demo data, on both engines: the quarterly pack's figures
 * equal the analysis layer's (and are the same on DuckDB and PostgreSQL); the HTML matches the golden
 * files (pinned "now", TZ Europe/London from vitest.config); the PDF is printed by Chromium (page count,
 * key sentences and figures via pdftotext); the XLSX reads back with ExcelJS; partner packs are
 * disclosure controlled; the CLI validates periods. With ../shared/data, a monthly pack from the real
 * data.police.uk files, labelled as a proxy.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { runSpc } from '../../src/analysis/spc.js';
import { runTrends } from '../../src/analysis/trends.js';
import { runAreas } from '../../src/analysis/places.js';
import { runQuery } from '../../src/query/run.js';
import { runDisclosedQuery } from '../../src/security/disclosed-query.js';
import { runDemo } from '../../src/synth/demo.js';
import { ingestGeography } from '../../src/ingest/geography/index.js';
import { ingestPoliceUk } from '../../src/ingest/police-uk/index.js';
import { generateReport } from '../../src/present/report/generate.js';
import { renderHtml } from '../../src/present/report/html.js';
import { REPORT_BUILDERS } from '../../src/present/report/registry.js';
import type { ReportDocument, ReportOptions, ReportTable } from '../../src/present/report/model.js';
import { tablesOf } from '../../src/present/report/xlsx.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';

const DEMO = { seed: 2020, years: 3, scale: 1, endDate: '2025-12-31' };
const NOW = new Date('2026-01-15T12:00:00Z');
const INGEST_TIMEOUT_MS = 300_000;
const GOLDEN = resolve(import.meta.dirname, '../golden/reports');
const UPDATE_GOLDEN = process.env.SVO_UPDATE_GOLDEN === '1';
const REAL = resolve(import.meta.dirname, '../../../shared/data');
const haveReal = existsSync(join(REAL, 'police-street-crime-leicestershire')) && existsSync(join(REAL, 'lsoa-lookup-llr'));

const options = (kind: ReportOptions['kind'], period: string, extra: Partial<ReportOptions> = {}): ReportOptions => ({
  kind,
  period,
  area: null,
  definition: null,
  source: 'police',
  circulation: 'internal',
  now: NOW,
  ...extra,
});

const tableOf = (doc: ReportDocument, id: string): ReportTable => {
  const t = tablesOf(doc).find((x) => x.id === id);
  if (!t) throw new Error(`no table ${id} in ${tablesOf(doc).map((x) => x.id).join(', ')}`);
  return t;
};
const squash = (text: string) => text.replace(/\s+/g, ' ');

/** Golden files are compared, never written unless SVO_UPDATE_GOLDEN=1 (CI must not create them). */
function expectGolden(name: string, actual: string) {
  const path = join(GOLDEN, name);
  if (UPDATE_GOLDEN) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `golden file ${path} is missing (create it with SVO_UPDATE_GOLDEN=1 and review it)`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const quarterlyByEngine = new Map<string, ReportDocument>();

describe.each(ENGINES)('svo report on the demo data on %s', (engine) => {
  let t: TestStore;
  let workDir: string;

  beforeAll(async () => {
    t = await createTestStore(engine);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    workDir = mkdtempSync(join(tmpdir(), 'svo-report-test-'));
    await runDemo(testContext(t.store), { ...DEMO, workDir, pseudonymiser: testPseudonymiser() });
  }, INGEST_TIMEOUT_MS);
  afterAll(async () => {
    await t?.dispose();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, INGEST_TIMEOUT_MS);

  it('builds the quarterly pack from the analysis layer: headline, SPC and areas equal the API’s numbers', async () => {
    const doc = await REPORT_BUILDERS.quarterly(t.store, options('quarterly', '2025Q3'));
    quarterlyByEngine.set(engine, doc);
    expect(doc.meta).toMatchObject({ kind: 'quarterly', from: '2025-07-01', to: '2025-09-30', generatedAt: NOW.toISOString(), circulation: 'internal', definition: { id: 'vrn-2020', version: 1 } });
    expect(doc.meta.labels).toContain('Demo data: synthetic records, not real people or events');
    expect(doc.sections.map((s) => s.id)).toEqual(['headline', 'measures', 'spc', 'trend', 'categories', 'areas', 'heatmap', 'hotspots', 'people', 'deprivation', 'caveats', 'methods']);

    const trend = await runTrends(t.store, { baseline: 'FY2023/24', period: '2025Q3' });
    const headline = tableOf(doc, 'headline').rows.filter((r) => r.group === 'Serious violence');
    expect(headline.map((r) => [r.comparison, r.current_count, r.reference_count, r.sentence])).toEqual(
      trend.comparisons.map((c) => [c.comparison, c.current_count, c.reference_count, c.sentence]),
    );
    const total = await runQuery(t.store, { from: '2025Q3', to: '2025Q3' });
    expect(headline[0]!.current_count).toBe(total.rows[0]!.count);

    const spc = await runSpc(t.store, { from: '2023-01', to: '2025-09' });
    expect(tableOf(doc, 'spc-table').rows.map((r) => [r.period, r.value, r.signal])).toEqual(spc.rows.map((r) => [r.period, r.value, r.signal]));

    const areas = await runAreas(t.store, { per: 1000, from: '2025-07-01', to: '2025-09-30', unit: 'lad' });
    expect(tableOf(doc, 'areas-table').rows.map((r) => [r.area, r.count, r.rate])).toEqual(areas.rows.map((r) => [r.area, r.count, r.rate]));
    // The hot spot map carries its boundaries; every chart option is plain JSON.
    expect(Object.keys(doc.maps ?? {})).toEqual(['lsoa-hotspots']);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  }, INGEST_TIMEOUT_MS);

  it.skipIf(engine !== 'postgres')('gives the same quarterly figures on DuckDB and PostgreSQL', () => {
    const duck = quarterlyByEngine.get('duckdb');
    const pg = quarterlyByEngine.get('postgres');
    expect(duck && pg).toBeTruthy();
    const numbers = (doc: ReportDocument) => tablesOf(doc).map((tb) => ({ id: tb.id, rows: tb.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(10)) : v]))) }));
    expect(numbers(pg!)).toEqual(numbers(duck!));
  });

  it('applies disclosure control to a partner pack: counts as the disclosure-controlled API gives them', async () => {
    const doc = await REPORT_BUILDERS.monthly(t.store, options('monthly', '2025-09', { circulation: 'partner' }));
    expect(doc.meta.labels).toContain('Disclosure controlled for partner circulation');
    const disclosed = await runDisclosedQuery(t.store, { from: '2025-09', to: '2025-09' });
    const headline = tableOf(doc, 'headline').rows.filter((r) => r.group === 'Serious violence' && r.comparison === 'previous_year');
    expect(headline[0]!.current_count).toBe(disclosed.rows[0]!.count);
    for (const table of tablesOf(doc)) {
      for (const column of table.columns.filter((c) => c.key === 'count' || c.key === 'current_count' || c.key === 'reference_count')) {
        for (const row of table.rows) {
          const v = row[column.key];
          expect(v === '*' || v === null || (typeof v === 'number' && v % 5 === 0), `${table.id}.${column.key} = ${String(v)}`).toBe(true);
        }
      }
    }
    expect(doc.sections.find((s) => s.id === 'caveats')!.blocks[0]).toMatchObject({ type: 'caveats', items: expect.arrayContaining([expect.stringContaining('Disclosure control: counts 1–7 shown as *')]) });
    await expect(REPORT_BUILDERS.weekly(t.store, options('weekly', '2025-W40', { circulation: 'partner' }))).rejects.toThrow(/weekly packs are for internal circulation only/);
    await expect(REPORT_BUILDERS.weekly(t.store, options('weekly', '2025-W40', { source: 'police-uk' }))).rejects.toThrow(/a weekly pack needs dated records/);
  }, INGEST_TIMEOUT_MS);

  it.skipIf(engine !== 'duckdb')('writes HTML matching the golden files', async () => {
    for (const [kind, period] of [
      ['weekly', '2025-W40'],
      ['monthly', '2025-09'],
    ] as const) {
      const doc = await REPORT_BUILDERS[kind](t.store, options(kind, period));
      const html = renderHtml(doc);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\bzr\d+-/);
      for (const chart of doc.sections.flatMap((s) => s.blocks).filter((b) => b.type === 'chart')) {
        expect(html).toContain(`id="chart-${chart.id}"`);
        expect(html).toContain(`href="#table-${chart.table.id}"`);
      }
      expectGolden(`${kind}-${period}.html`, html);
    }
  }, INGEST_TIMEOUT_MS);

  it.skipIf(engine !== 'duckdb')('prints the quarterly pack to PDF and XLSX with the same figures', async () => {
    const out = join(workDir, 'out');
    const result = await generateReport(t.store, options('quarterly', '2025Q3'), [join(out, 'q.pdf'), join(out, 'q.xlsx'), join(out, 'q.html')]);
    expect(result.files.map((f) => f.format)).toEqual(['pdf', 'xlsx', 'html']);
    const info = execFileSync('pdfinfo', [join(out, 'q.pdf')], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(pages).toBeGreaterThanOrEqual(8);
    expect(pages).toBeLessThanOrEqual(30);
    expect(result.files[0]!.pages).toBe(pages);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+|Page size:\s+595\.\d+ x 842\.\d+/);
    const text = squash(execFileSync('pdftotext', [join(out, 'q.pdf'), '-'], { encoding: 'utf8' }));
    const trend = await runTrends(t.store, { baseline: 'FY2023/24', period: '2025Q3' });
    const previous = trend.comparisons.find((c) => c.comparison === 'previous_year')!;
    expect(text).toContain('Quarterly performance report to the Violence Reduction Board');
    expect(text).toContain(`Serious violence ${previous.sentence} compared with the same period last year`);
    expect(text).toContain(previous.current_count.toLocaleString('en-GB'));
    expect(text).toMatch(/Page 2 of \d+/); // footer template
    expect(text).toContain('2025 Q3 (July–September 2025) · Whole area · vrn-2020 v1'); // running header

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(out, 'q.xlsx'));
    const readme = workbook.getWorksheet('README')!;
    const readmeText = readme.getSheetValues().flat().map(String).join('\n');
    expect(readmeText).toContain('vrn-2020 version 1');
    expect(readmeText).toContain(NOW.toISOString());
    const sheet = workbook.getWorksheet('headline')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(2).getCell(3).value).toBe(previous.current_count);
    expect(sheet.getColumn(5).numFmt).toBe('#,##0.00');
    expect(workbook.worksheets.length).toBe(tablesOf(result.document).length + 1);
  }, INGEST_TIMEOUT_MS);
});

describe('svo report on the real data.police.uk files (proxy)', () => {
  let t: TestStore | undefined;
  afterAll(async () => t?.dispose(), INGEST_TIMEOUT_MS);

  it.skipIf(!haveReal)('builds a monthly pack labelled as a proxy, without what the source cannot supply (skipped when ../shared/data is absent)', async () => {
    t = await createTestStore('duckdb');
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    const ctx = testContext(t.store);
    await ingestGeography(ctx, {
      lookup: join(REAL, 'lsoa-lookup-llr/lsoa11-msoa11-lad17-llr.csv'),
      imd: join(REAL, 'imd-2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz'),
      population: join(REAL, 'population/File_6_-_IoD2019_Population_Denominators.csv.gz'),
      boundaries: [join(REAL, 'lsoa-boundaries-llr/llr-lsoa11-merged.geojson')],
    });
    await ingestPoliceUk(ctx, [join(REAL, 'police-street-crime-leicestershire')]);
    const doc = await REPORT_BUILDERS.monthly(t.store, options('monthly', '2021-07', { source: 'police-uk' }));
    expect(doc.meta.title).toContain('data.police.uk proxy');
    expect(doc.meta.labels.join(' ')).toContain('area-level proxy');
    expect(doc.meta.definition).toBeNull();
    const caveats = doc.sections.find((s) => s.id === 'caveats')!.blocks[0] as { items: string[] };
    expect(caveats.items.join(' ')).toMatch(/success measures need record-level police data/);
    const headline = tableOf(doc, 'headline').rows.find((r) => r.comparison === 'previous_year' && String(r.group).startsWith('Violence, robbery'))!;
    const direct = await runQuery(t.store, { source: 'police-uk', from: '2021-07', to: '2021-07', where: { crime_type: ['Violence and sexual offences', 'Robbery', 'Possession of weapons'] } });
    expect(headline.current_count).toBe(direct.rows[0]!.count);
    const html = renderHtml(doc);
    expect(html).toContain('data.police.uk');
  }, INGEST_TIMEOUT_MS);
});
