/**
 * Dashboard speed in Chromium against a given store (the 1M-incident bench store from bench/run.ts):
 * first meaningful paint (navigation → every widget settled) of the Overview and Explore pages, and
 * repaint after a filter change (cross-filter click, under-25 toggle, period change). The shell records
 * these as performance measures ('svo-first-paint', 'svo-repaint'); this reads them. Prints numbers,
 * never fails on speed. Skipped when /usr/bin/chromium is absent.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { CHROMIUM, demoStore, ensureBundle, ensureUser, launchBrowser, measure, serveApp, settled, signIn } from '../test/e2e/harness.js';

const RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function firstPaint(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await settled(page, 300_000);
  return (await measure(page, 'svo-first-paint')) ?? NaN;
}

async function repaint(page: Page, act: () => Promise<void>): Promise<number> {
  await act();
  await settled(page, 300_000);
  return (await measure(page, 'svo-repaint')) ?? NaN;
}

export async function benchDashboard(dbPath: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    log(`dashboard: skipped (${CHROMIUM} not installed)`);
    return;
  }
  await ensureBundle();
  const { store } = await demoStore(dbPath);
  const analyst = await ensureUser(store, 'analyst');
  const served = await serveApp(store, null);
  const browser = await launchBrowser();
  try {
    const { page } = await signIn(browser, served.url, analyst);
    await settled(page, 300_000);
    const rows: [string, number[]][] = [
      ['first paint, Overview', []],
      ['first paint, Explore (13 widgets)', []],
      ['repaint, Explore: cross-filter (click a category)', []],
      ['repaint, Explore: remove the cross-filter', []],
      ['repaint, Explore: under-25 toggle', []],
      ['repaint, Overview: period change', []],
    ];
    for (let run = 0; run < RUNS; run++) {
      rows[0]![1].push(await firstPaint(page, `${served.url}/`));
      rows[1]![1].push(await firstPaint(page, `${served.url}/?page=explore`));
      const category = page.locator('[data-widget="category"]');
      await category.getByRole('button', { name: 'Show as table' }).click();
      rows[2]![1].push(await repaint(page, () => category.getByRole('button', { name: /Filter all views to/ }).first().click()));
      rows[3]![1].push(await repaint(page, () => page.getByRole('button', { name: /^Remove filter/ }).first().click()));
      rows[4]![1].push(await repaint(page, () => page.getByLabel('Victims under 25 only').check()));
      await repaint(page, () => page.getByLabel('Victims under 25 only').uncheck());
      await firstPaint(page, `${served.url}/`);
      rows[5]![1].push(await repaint(page, () => page.getByLabel('From month').fill('2024-01').then(() => page.getByLabel('From month').dispatchEvent('change'))));
    }
    for (const [label, times] of rows) log(`  ${label}: median ${median(times).toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`);
  } finally {
    await browser.close();
    await served.close();
  }
}
