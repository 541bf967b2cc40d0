/**
 * `generateReport`: build the document once, then write every requested output (format from the file
 * extension: .html, .pdf, .xlsx). The PDF prints the HTML of the same document.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { Store } from '../../store/port.js';
import type { ReportDocument, ReportOptions } from './model.js';
import { REPORT_BUILDERS } from './registry.js';
import { renderHtml } from './html.js';
import { closePdfBrowser, renderPdf } from './pdf.js';
import { renderXlsx } from './xlsx.js';
import type { Db } from './context.js';

export type ReportFormat = 'html' | 'pdf' | 'xlsx';

export interface WrittenFile {
  path: string;
  format: ReportFormat;
  bytes: number;
  /** PDF page count. */
  pages?: number;
}

export interface ReportTimings {
  /** Milliseconds to build the document (all analyses). */
  documentMs: number;
  /** Milliseconds per output format. */
  formats: Partial<Record<ReportFormat, number>>;
  totalMs: number;
}

export function formatOf(path: string): ReportFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.pdf') return 'pdf';
  if (ext === '.xlsx') return 'xlsx';
  throw new UsageError(`cannot tell the report format of '${path}'`, 'give --out a file ending .pdf, .html or .xlsx');
}

/** Pages of a PDF Chromium wrote: its page tree's /Count. */
export function pdfPageCount(pdf: Buffer): number | undefined {
  const text = pdf.toString('latin1');
  const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)/g)].map((m) => Number(m[1]));
  return counts.length ? Math.max(...counts) : undefined;
}

export async function renderOutput(document: ReportDocument, format: ReportFormat): Promise<Buffer> {
  if (format === 'html') return Buffer.from(renderHtml(document), 'utf8');
  if (format === 'xlsx') return renderXlsx(document);
  return renderPdf(renderHtml(document, { forPdf: true }), document.meta);
}

export async function generateReport(
  store: Store | Db,
  options: ReportOptions,
  outs: string[],
): Promise<{ files: WrittenFile[]; document: ReportDocument; timings: ReportTimings }> {
  if (outs.length === 0) throw new UsageError('no output: give at least one --out <file.pdf|file.html|file.xlsx>');
  const formats = outs.map(formatOf); // refuse a bad extension before any work
  const started = performance.now();
  const document = await REPORT_BUILDERS[options.kind](store, options);
  const documentMs = performance.now() - started;
  const files: WrittenFile[] = [];
  const timings: ReportTimings = { documentMs, formats: {}, totalMs: 0 };
  try {
    for (const [i, out] of outs.entries()) {
      const format = formats[i]!;
      const t = performance.now();
      const bytes = await renderOutput(document, format);
      const path = resolve(out);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
      timings.formats[format] = (timings.formats[format] ?? 0) + (performance.now() - t);
      const pages = format === 'pdf' ? pdfPageCount(bytes) : undefined;
      files.push({ path, format, bytes: bytes.length, ...(pages !== undefined ? { pages } : {}) });
    }
  } finally {
    await closePdfBrowser();
  }
  timings.totalMs = performance.now() - started;
  return { files, document, timings };
}
