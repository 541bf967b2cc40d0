/**
 * Exports of a widget's table: CSV (built here), XLSX (exceljs's browser build, loaded on first use in
 * its own chunk so it never delays the first paint) and, for charts, PNG.
 */
import { download } from './dom.js';
import { excelFormatOf, fileNameOf, toCsv, type DataTable } from './format.js';

export function exportCsv(table: DataTable): void {
  download(fileNameOf(table.title, 'csv'), `\uFEFF${toCsv(table)}`);
}

export async function exportXlsx(table: DataTable, caveats: readonly string[]): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'svo dashboard';
  const sheet = workbook.addWorksheet(table.title.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'Table', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map((c) => {
    const numFmt = excelFormatOf(c);
    return { header: c.label, key: c.key, width: Math.min(60, Math.max(10, c.label.length + 2)), ...(numFmt ? { style: { numFmt } } : {}) };
  });
  sheet.getRow(1).font = { bold: true };
  for (const row of table.rows) {
    const values: Record<string, string | number | boolean | null> = {};
    for (const c of table.columns) {
      const v = row[c.key] ?? null;
      // Numbers stay numbers (so the format applies); suppressed cells stay '*'.
      values[c.key] = c.type !== 'text' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
    }
    sheet.addRow(values);
  }
  if (caveats.length) {
    const notes = workbook.addWorksheet('Caveats');
    notes.columns = [{ header: 'Caveat', key: 'caveat', width: 120 }];
    notes.getRow(1).font = { bold: true };
    for (const caveat of caveats) notes.addRow({ caveat });
  }
  const buffer = await workbook.xlsx.writeBuffer();
  download(fileNameOf(table.title, 'xlsx'), new Blob([buffer], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
}

export function exportPng(title: string, dataUrl: string): void {
  const [header, data] = dataUrl.split(',', 2);
  const binary = atob(data ?? '');
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  download(fileNameOf(title, 'png'), new Blob([bytes], { type: header?.match(/data:([^;]+)/)?.[1] ?? 'image/png' }));
}
