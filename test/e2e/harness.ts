/**
 * End-to-end harness for the dashboard: builds the bundle when it is older than its sources, creates a
 * fresh demo store (the real demo machinery, fixed seed), serves the real app on a free port and drives
 * Debian's Chromium with playwright-core (never downloads a browser). Shared by the e2e tests and
 * bench/dashboard.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { buildApp } from '../../src/server/app.js';
import { addUser } from '../../src/security/users.js';
import type { Role } from '../../src/core/security/roles.js';
import type { Store } from '../../src/store/port.js';
import { runDemo } from '../../src/synth/demo.js';
import { openStore } from '../../src/store/open.js';
import { testContext, testPseudonymiser } from '../support/context.js';

export const CHROMIUM = '/usr/bin/chromium';
export const REPO = join(import.meta.dirname, '../..');
export const WEB_ROOT = join(REPO, 'dist/web');
export const SCREENSHOTS = join(REPO, 'test-output/screenshots');
export const PASSWORD = 'correct-otter-lantern-42';
export const DEMO = { seed: 2020, years: 3, scale: 1, endDate: '2025-12-31' };

/** Launch flags for headless Chromium in CI containers; SwiftShader gives MapLibre software WebGL. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-gpu',
  '--no-first-run',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Runs `vite build` (programmatic API) when dist/web is missing or older than the dashboard's sources. */
export async function ensureBundle(): Promise<void> {
  const index = join(WEB_ROOT, 'index.html');
  const sources = Math.max(newestMtime(join(REPO, 'src/present/dashboard')), newestMtime(join(REPO, 'src/present/charts')), statSync(join(REPO, 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const { build } = await import('vite');
  await build({ configFile: join(REPO, 'vite.config.ts'), logLevel: 'warn' });
}

export interface Served {
  url: string;
  store: Store;
  close(): Promise<void>;
}

/** A demo store in a new DuckDB file (or an existing one, for the bench), with one account per role asked for. */
export async function demoStore(dbPath?: string): Promise<{ store: Store; dir: string | null }> {
  if (dbPath) return { store: await openStore({ dbPath }), dir: null };
  const dir = mkdtempSync(join(tmpdir(), 'svo-e2e-'));
  const store = await openStore({ dbPath: join(dir, 'svo.duckdb') });
  await syncDefinitions(store, readDefinitionFiles(definitionDirs({})));
  const work = join(dir, 'demo');
  mkdirSync(work);
  await runDemo(testContext(store), { ...DEMO, workDir: work, pseudonymiser: testPseudonymiser() });
  return { store, dir };
}

export async function ensureUser(store: Store, role: Role): Promise<string> {
  const username = `${role}-e2e`;
  const existing = await store.query(`SELECT 1 AS found FROM users WHERE username = $1`, [username]);
  if (!existing.length) await addUser(store, { username, role, password: PASSWORD, ...(role === 'partner' ? { agency: 'Synthetic Constabulary' } : {}) }, 'e2e');
  return username;
}

export async function serveApp(store: Store, dir: string | null): Promise<Served> {
  const { app } = buildApp({ store, demo: true, version: 'e2e', log: () => undefined, webRoot: WEB_ROOT, requestsPerMinute: 100_000, loginAttemptsPerMinute: 1000 });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close().catch(() => undefined);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A browser context signed in through the dashboard's own sign-in form. */
export async function signIn(browser: Browser, url: string, username: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${new URL(response.url()).pathname}`);
  });
  await page.goto(`${url}/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  // The signed-out page's own 401s (GET /api/session before signing in) are expected.
  problems.length = 0;
  return { context, page, problems };
}

/** Waits until no widget is loading (the shell sets body[data-busy]). */
export async function settled(page: Page, timeout = 60_000): Promise<void> {
  await page.locator('body[data-busy="false"]').waitFor({ state: 'attached', timeout });
}

/** The latest duration of a performance measure the shell records ('svo-first-paint', 'svo-repaint'). */
export async function measure(page: Page, name: string): Promise<number | null> {
  return page.evaluate((n) => performance.getEntriesByName(n).at(-1)?.duration ?? null, name);
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}

/** Scrolls every widget into view (they load when visible), waits for them, and returns to the top. */
export async function revealAll(page: Page): Promise<void> {
  const widgets = page.locator('[data-widget]');
  const n = await widgets.count();
  for (let i = 0; i < n; i++) await widgets.nth(i).scrollIntoViewIfNeeded();
  await settled(page, 300_000);
  await page.mouse.wheel(0, -1e6);
}
