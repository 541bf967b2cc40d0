import type ExcelJS from 'exceljs';
import { FileRejectedError } from '../../core/errors.js';
import type { ParsedTable } from './csv.js';

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
export async function readXlsx(name: string, bytes: Buffer): Promise<ParsedTable> {
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
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as ExcelJS.CellValue[];
    const cells = values.slice(1).map(cellText);
    if (!header) {
      header = cells.map((h) => h.trim());
      return;
    }
    while (cells.length < header.length) cells.push('');
    if (cells.every((c) => c.trim() === '')) return;
    rows.push(cells);
    lines.push(rowNumber);
  });
  if (!header) throw new FileRejectedError(name, 'the workbook has no header row');
  return { header, rows, simpleLines: false, lineOf: (i) => lines[i]! };
}
