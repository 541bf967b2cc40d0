import type ExcelJS from 'exceljs';
import { FileRejectedError } from '../../core/errors.js';
import type { ParsedTable } from './csv.js';
import { readZipEntries } from './files.js';
import { EXCEL_MAX_CELL_CHARS, formatBytes, ingestLimits, limitHint, type IngestLimits } from './limits.js';

/** Cells in worksheet XML: `<c r="A1" …>`, `<c>` or `<c/>` (the `<col>` and `<cols>` elements are not cells). */
function countCells(xml: Uint8Array): number {
  const buf = Buffer.from(xml.buffer, xml.byteOffset, xml.length);
  let n = 0;
  for (let i = buf.indexOf('<c', 0, 'latin1'); i >= 0; i = buf.indexOf('<c', i + 2, 'latin1')) {
    const next = buf[i + 2];
    if (next === 0x20 || next === 0x3e || next === 0x2f || next === 0x09 || next === 0x0a || next === 0x0d) n++;
  }
  return n;
}

/**
 * Holds a workbook to the limits before ExcelJS sees it: ExcelJS inflates every part in memory and
 * builds an object per cell, so a sheet or shared-strings part that expands enormously, or millions of
 * cells, must be refused here (parts inflated with a capped output, cells counted in the sheet XML).
 */
export function checkWorkbookSize(name: string, bytes: Uint8Array, limits: IngestLimits = ingestLimits()): void {
  let parts;
  try {
    parts = readZipEntries(name, bytes, () => true, limits, 'maxXlsxExpandedBytes');
  } catch (error) {
    // Not a zip at all: ExcelJS says so in the words users know ("not a readable XLSX workbook").
    if (error instanceof FileRejectedError && /is not a valid zip archive$/.test(error.message)) return;
    throw error;
  }
  let cells = 0;
  for (const part of parts) if (/^xl\/worksheets\/[^/]+\.xml$/i.test(part.name)) cells += countCells(part.bytes);
  if (cells > limits.maxXlsxCells) {
    throw new FileRejectedError(name, `the workbook holds ${cells} cells, more than the limit of ${limits.maxXlsxCells}; nothing was read`, `${limitHint('maxXlsxCells')}, or export the data as CSV UTF-8`);
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // ExcelJS turns date-formatted cells into JS Dates at UTC midnight + the wall-clock time.
    return value.toISOString().slice(0, 19);
  }
  if (typeof value === 'object') {
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('error' in value) return '';
  }
  return String(value);
}

/** Reads the first worksheet of an XLSX workbook into a table of strings; Excel rows are the lines. */
export async function readXlsx(name: string, bytes: Buffer, limits: IngestLimits = ingestLimits()): Promise<ParsedTable> {
  checkWorkbookSize(name, bytes, limits);
  // Loaded on demand: ExcelJS costs half a second of start-up that CSV ingests should not pay.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch {
    throw new FileRejectedError(name, 'is not a readable XLSX workbook', 'save it from Excel as .xlsx, or export it as CSV UTF-8');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount === 0) throw new FileRejectedError(name, 'the workbook has no data', 'expected a header row on the first sheet');
  let header: string[] | undefined;
  const rows: string[][] = [];
  const lines: number[] = [];
  // Shared strings are stored once and may be referenced by any number of cells: count the text the
  // cells add up to, so a few kilobytes of XML cannot become gigabytes of rows.
  let textChars = 0;
  let refusal: FileRejectedError | null = null;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (refusal) return;
    const values = row.values as ExcelJS.CellValue[];
    if (values.length - 1 > limits.maxColumns) {
      refusal = new FileRejectedError(name, `row ${rowNumber} has ${values.length - 1} columns, more than the limit of ${limits.maxColumns}`, limitHint('maxColumns'));
      return;
    }
    const cells = values.slice(1).map(cellText);
    for (const [i, cell] of cells.entries()) {
      textChars += cell.length;
      if (cell.length > EXCEL_MAX_CELL_CHARS) {
        refusal = new FileRejectedError(name, `row ${rowNumber}, column ${i + 1}: a cell holds ${cell.length} characters, more than Excel's own limit of ${EXCEL_MAX_CELL_CHARS}; the workbook was not written by Excel`);
        return;
      }
    }
    if (textChars > limits.maxExpandedBytes) {
      refusal = new FileRejectedError(name, `the cells hold more than the limit of ${formatBytes(limits.maxExpandedBytes)} of text (shared strings repeated); nothing was read`, limitHint('maxExpandedBytes'));
      return;
    }
    if (!header) {
      header = cells.map((h) => h.trim());
      return;
    }
    while (cells.length < header.length) cells.push('');
    if (cells.every((c) => c.trim() === '')) return;
    rows.push(cells);
    lines.push(rowNumber);
  });
  if (refusal) throw refusal;
  if (!header) throw new FileRejectedError(name, 'the workbook has no header row');
  return { header, rows, simpleLines: false, lineOf: (i) => lines[i]! };
}
