/**
 * The dashboard end to end in Debian's Chromium: the real server on a fresh demo store (fixed seed),
 * an analyst signed in through the sign-in form visits every page, applies a cross-filter (the URL and
 * the chips follow; back removes it), checks that the numbers shown equal the API's for the same
 * specification, exports a CSV, and runs axe-core (serious and critical violations fail). A viewer sees
 * disclosure-controlled numbers and no incident points. Screenshots go to test-output/screenshots/;
 * first paint and repaint times are logged (not asserted: CI machines vary).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { CHROMIUM, demoStore, ensureBundle, ensureUser, launchBrowser, measure, revealAll, screenshotPath, serveApp, settled, signIn, type Served } from './harness.js';

const hasChromium = existsSync(CHROMIUM);
const SUITE = hasChromium ? 'dashboard in Chromium' : `dashboard in Chromium — SKIPPED: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run does)`;

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
const SETUP_MS = 300_000;
const PAGE_MS = 120_000;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core in the page; returns the serious and critical violations. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (rightly) refuses inline scripts.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    // The map canvas is drawn by WebGL and described by the table under it.
    const result = await axe.run({ exclude: [['.maplibregl-canvas']] }, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}

/** POST to the API from inside the signed-in page (same cookie and CSRF token as the dashboard). */
async function apiPost<T>(page: Page, path: string, body: unknown): Promise<T> {
  return page.evaluate(
    async ({ path, body }) => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage;
      const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': storage.getItem('svo.csrf') ?? '' }, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    { path, body },
  );
}

/** The cells of a widget's data table (shown first if it is behind "Show as table"). */
async function tableOf(page: Page, widget: string): Promise<string[][]> {
  const section = page.locator(`[data-widget="${widget}"]`);
  // Widgets below the fold load when scrolled into view.
  await section.scrollIntoViewIfNeeded();
  await section.locator('.widget-status:not(.loading)').waitFor({ state: 'attached', timeout: 200_000 });
  const toggle = section.getByRole('button', { name: 'Show as table' });
  if (await toggle.count()) await toggle.click();
  const rows = section.locator('table.data tbody tr');
  await rows.first().waitFor();
  return rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())));
}

const en = (n: number) => n.toLocaleString('en-GB');

/** Waits until the locator's text contains `text` (fails with the text found after 15 s). */
async function contains(locator: Locator, text: string): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
  } catch {
    throw new Error(`expected to find ${JSON.stringify(text)} in ${JSON.stringify(((await locator.first().textContent().catch(() => null)) ?? '').slice(0, 400))}`);
  }
}
const timings: Record<string, number | null> = {};

describe.skipIf(!hasChromium)(SUITE, () => {
  let served: Served;
  let browser: Browser;
  let analyst: string;
  let viewer: string;

  beforeAll(async () => {
    await ensureBundle();
    const { store, dir } = await demoStore();
    analyst = await ensureUser(store, 'analyst');
    viewer = await ensureUser(store, 'viewer');
    served = await serveApp(store, dir);
    browser = await launchBrowser();
  }, SETUP_MS);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    process.stdout.write(`dashboard timings on demo data (ms): ${JSON.stringify(timings)}\n`);
  }, SETUP_MS);

  describe('as an analyst', () => {
    let page: Page;
    let problems: string[];
    beforeAll(async () => {
      ({ page, problems } = await signIn(browser, served.url, analyst));
    }, SETUP_MS);

    it('shows the Overview with the demo banner, the headline verdicts, SPC and success measures', async () => {
      // Load the signed-in page afresh, so first paint is measured from navigation.
      await page.goto(`${served.url}/`);
      await settled(page);
      timings.firstPaintOverview = await measure(page, 'svo-first-paint');
      await contains(page.getByRole('note'), 'Demo data');
      const headline = page.locator('[data-widget="headline"]');
      expect(await headline.locator('.tile').count()).toBe(3);
      await contains(headline, 'vs last year');
      await contains(headline, 'vrn-2020 version 1');
      // The 12-month tile equals the API's trend for the same spec.
      const trend = await apiPost<{ comparisons: { comparison: string; current_count: number }[] }>(page, '/api/trends', { measure: 'incidents', source: 'police', where: {}, by: [] });
      const current = trend.comparisons.find((c) => c.comparison === 'previous_year')!.current_count;
      expect((await headline.locator('.tile').nth(2).locator('.figure').textContent())?.trim()).toBe(en(current));
      await page.locator('[data-widget="spc"] canvas').first().waitFor();
      await page.locator('[data-widget="measures"]').scrollIntoViewIfNeeded();
      await contains(page.locator('[data-widget="measures"] table.data'), 'Knife-enabled serious violence');
      await revealAll(page);
      await page.screenshot({ path: screenshotPath('overview-analyst'), fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);
    }, PAGE_MS);

    it('cross-filters every Explore view from a table row, with the URL, chips and back button following', async () => {
      await page.getByRole('link', { name: 'Explore' }).click();
      await settled(page);
      expect(page.url()).toContain('page=explore');
      const categories = await tableOf(page, 'category');
      expect(categories.map((r) => r[0])).toEqual(['Homicide', 'Robbery', 'Violence with injury']);
      await page.locator('[data-widget="category"]').getByRole('button', { name: /Filter all views to Serious violence category: Robbery/ }).click();
      await settled(page);
      timings.repaintAfterCrossFilter = await measure(page, 'svo-repaint');
      expect(decodeURIComponent(page.url())).toContain('f=sv_category:robbery');
      await contains(page.getByRole('list', { name: 'Active cross-filters' }), 'Serious violence category: Robbery');

      // The numbers shown equal the API's answer for the same specification.
      const knife = await apiPost<{ rows: { knife_enabled: boolean | null; count: number }[] }>(page, '/api/query', { by: ['knife_enabled'], where: { sv_category: ['robbery'] } });
      const shown = await tableOf(page, 'knife');
      expect(shown.map((r) => [r[0], r[1]])).toEqual(knife.rows.map((r) => [r.knife_enabled === null ? '–' : r.knife_enabled ? 'yes' : 'no', en(r.count)]));
      const days = await apiPost<{ rows: { day_of_week: string; hour: number; count: number }[] }>(page, '/api/query', { by: ['day_of_week', 'hour'], where: { sv_category: ['robbery'] } });
      const heat = await tableOf(page, 'day-hour');
      expect(heat.length).toBe(days.rows.length);
      expect(heat.slice(0, 24).map((r) => r[2])).toEqual(days.rows.slice(0, 24).map((r) => en(r.count)));

      // CSV export of the filtered category table holds the API's numbers.
      const download = page.waitForEvent('download');
      await page.locator('[data-widget="knife"]').getByRole('button', { name: /as CSV/ }).click();
      const file = await (await download).path();
      const csv = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r\n/);
      expect(csv[0]).toBe('Knife or sharp instrument,Count');
      expect(csv.slice(1)).toEqual(knife.rows.map((r) => `${r.knife_enabled === null ? '' : String(r.knife_enabled)},${r.count}`));

      await revealAll(page);

      await page.screenshot({ path: screenshotPath('explore-analyst-robbery'), fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);

      await page.goBack();
      await settled(page);
      expect(decodeURIComponent(page.url())).not.toContain('sv_category');
      expect(await page.locator('.chip-row').textContent()).not.toContain('Robbery');
    }, PAGE_MS);

    it('draws the Map: choropleth, Gi* hot spots and incident points, with the table of areas', async () => {
      await page.getByRole('link', { name: 'Map' }).click();
      await page.getByLabel('Incident points').check();
      await settled(page);
      expect(((await page.locator('[data-widget="map"] .widget-status').textContent()) ?? '').trim()).toBe('');
      await contains(page.locator('.legend'), 'quantile classes');
      await contains(page.locator('.legend'), 'Incident points');
      const areas = await tableOf(page, 'map-areas');
      const lsoas = await apiPost<{ rows: { lsoa: string; count: number }[] }>(page, '/api/query', { by: ['lsoa'] });
      expect(areas.length).toBe(lsoas.rows.length);
      const top = [...lsoas.rows].sort((a, b) => b.count - a.count)[0]!;
      expect(areas[0]![1]).toBe(en(top.count));
      await revealAll(page);
      await page.screenshot({ path: screenshotPath('map-analyst'), fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);
    }, PAGE_MS);

    it('compares areas with funnel limits and lists data currency and definitions', async () => {
      await page.getByRole('link', { name: 'Areas' }).click();
      await settled(page);
      const areas = await apiPost<{ rows: { area: string; count: number }[] }>(page, '/api/areas', { unit: 'lad' });
      const table = await tableOf(page, 'areas');
      expect(table.map((r) => r[1])).toEqual(areas.rows.map((r) => en(r.count)));
      await revealAll(page);
      await page.screenshot({ path: screenshotPath('areas-analyst'), fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('link', { name: 'Data' }).click();
      await settled(page);
      await contains(page.locator('[data-currency]'), 'police data to 2025-12-31');
      await page.locator('[data-widget="definitions"]').scrollIntoViewIfNeeded();
      await contains(page.locator('[data-widget="definitions"]'), 'Active definition: vrn-2020 version 1');
      await revealAll(page);
      expect(await page.locator('[data-widget="batches"] table.data tbody tr').count()).toBeGreaterThan(0);
      await page.screenshot({ path: screenshotPath('data-analyst'), fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);
    }, PAGE_MS);

    it('reported no script errors or Content-Security-Policy violations', () => {
      expect(problems).toEqual([]);
    });
  });

  describe('as a viewer', () => {
    let page: Page;
    let problems: string[];
    beforeAll(async () => {
      ({ page, problems } = await signIn(browser, served.url, viewer));
    }, SETUP_MS);

    it('sees disclosure-controlled numbers, analyses marked as unavailable, and no points', async () => {
      await settled(page);
      await contains(page.locator('header'), 'disclosure-controlled');
      await page.locator('[data-widget="measures"]').scrollIntoViewIfNeeded();
      await contains(page.locator('[data-widget="measures"] .widget-status'), 'Not available for your role');
      await revealAll(page);
      await page.screenshot({ path: screenshotPath('overview-viewer'), fullPage: true });

      await page.goto(`${served.url}/?page=explore&from=2025-01&to=2025-12`);
      // Disclosure control protects a whole lattice per query: slow on a small machine.
      await settled(page, 200_000);
      const categories = await tableOf(page, 'category');
      const disclosed = await apiPost<{ rows: { sv_category: string; count: number | string }[]; disclosure?: unknown }>(page, '/api/query', { by: ['sv_category'], from: '2025-01', to: '2025-12' });
      expect(disclosed.disclosure).toBeDefined();
      expect(categories.map((r) => r[1])).toEqual(disclosed.rows.map((r) => (typeof r.count === 'number' ? en(r.count) : r.count)));
      expect(categories.some((r) => r[1] === '*')).toBe(true);
      await contains(page.locator('[data-widget="category"] .caveats'), 'disclosure control');
      await revealAll(page);
      await page.screenshot({ path: screenshotPath('explore-viewer'), fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('link', { name: 'Map' }).click();
      await settled(page);
      expect(await page.getByLabel('Incident points').isDisabled()).toBe(true);
      expect((await page.locator('.legend').textContent()) ?? '').not.toMatch(/shown as black dots/);
      await revealAll(page);
      await page.screenshot({ path: screenshotPath('map-viewer'), fullPage: true });
      // The analyses a viewer may not use answer 403 (shown per widget); nothing else may fail.
      expect(problems.filter((p) => !/403/.test(p))).toEqual([]);
    }, 420_000);
  });
});
