/**
 * PDF: headless Debian Chromium (playwright-core) prints the report's own HTML — the same file as
 * `--out x.html`, minus the CSS page boxes — on A4 with a running header (period, area, definition)
 * and page numbers from Chromium's header and footer templates. One browser per process, opened on
 * first use and closed by `closePdfBrowser` (generateReport does that when it is done).
 */
import type { Browser } from 'playwright-core';
import { SvoError } from '../../core/errors.js';
import type { ReportMeta } from './model.js';
import { runningHeader } from './html.js';

export const CHROMIUM_PATH = process.env.SVO_CHROMIUM ?? '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run'];

let browser: Promise<Browser> | null = null;

async function getBrowser(): Promise<Browser> {
  if (!browser) {
    browser = (async () => {
      const { chromium } = await import('playwright-core');
      try {
        return await chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS, headless: true });
      } catch (error) {
        browser = null;
        throw new SvoError(`cannot start Chromium at ${CHROMIUM_PATH} to print the PDF: ${(error as Error).message.split('\n')[0]}`, 1, 'install Debian chromium or set SVO_CHROMIUM; HTML and XLSX outputs need no browser');
      }
    })();
  }
  return browser;
}

export async function closePdfBrowser(): Promise<void> {
  const b = browser;
  browser = null;
  if (b) await (await b.catch(() => null))?.close();
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function renderPdf(html: string, meta: ReportMeta): Promise<Buffer> {
  const b = await getBrowser();
  const context = await b.newContext({ javaScriptEnabled: false, offline: true });
  try {
    const page = await context.newPage();
    // The HTML is self-contained: nothing to fetch, so nothing may be fetched.
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const style = 'font-family: system-ui, sans-serif; font-size: 7.5pt; color: #555; width: 100%; padding: 0 12mm; display: flex; justify-content: space-between;';
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style="${style}"><span>${escapeHtml(runningHeader(meta))}</span><span style="font-weight:bold">${escapeHtml(meta.circulation.toUpperCase())}</span></div>`,
      footerTemplate: `<div style="${style}"><span>${escapeHtml(meta.title)}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
      margin: { top: '18mm', bottom: '16mm', left: '12mm', right: '12mm' },
      preferCSSPageSize: false,
    });
  } finally {
    await context.close();
  }
}
