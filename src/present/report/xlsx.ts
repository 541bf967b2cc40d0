/**
 * XLSX: a README sheet (title, period, area, definition, sources and currency, generated-at,
 * circulation, caveats) and one sheet per table of the report — the same rows as the HTML, raw numbers
 * with number formats, frozen header row, '*' kept as text where disclosure control suppressed a count.
 */
import ExcelJS from 'exceljs';
import type { ReportDocument, ReportTable, TableColumn } from './model.js';
import { definitionLabel } from './format.js';

const NUMBER_FORMATS: Record<TableColumn['type'], (digits: number) => string | undefined> = {
  text: () => undefined,
  date: () => undefined,
  integer: () => '#,##0',
  decimal: (d) => (d > 0 ? `#,##0.${'0'.repeat(d)}` : '#,##0'),
  rate: (d) => (d > 0 ? `#,##0.${'0'.repeat(d)}` : '#,##0'),
  percent: (d) => (d > 0 ? `0.${'0'.repeat(d)}%` : '0%'),
};

/** Every table of the document, in order (a chart's table included). */
export function tablesOf(document: ReportDocument): ReportTable[] {
  return document.sections.flatMap((s) => s.blocks.flatMap((b) => (b.type === 'table' ? [b.table] : b.type === 'chart' ? [b.table] : [])));
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ], unique. */
function sheetName(id: string, used: Set<string>): string {
  const base = id.replace(/[:\\/?*[\]]/g, '-').slice(0, 31);
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, 28)}-${i}`;
  used.add(name.toLowerCase());
  return name;
}

/** Text that a spreadsheet would run as a formula is prefixed with ' (as svo's CSV output does). */
const safeText = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

export async function renderXlsx(document: ReportDocument): Promise<Buffer> {
  const { meta } = document;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'svo report';
  workbook.created = new Date(meta.generatedAt);
  workbook.modified = new Date(meta.generatedAt);
  const readme = workbook.addWorksheet('README');
  readme.columns = [{ width: 28 }, { width: 110 }];
  const caveats = document.sections.flatMap((s) => s.blocks.flatMap((b) => (b.type === 'caveats' ? b.items : [])));
  const tables = tablesOf(document);
  const used = new Set<string>(['readme']);
  const names = tables.map((t) => sheetName(t.id, used));
  const rows: [string, string][] = [
    ['Title', meta.title],
    ['Period', `${meta.periodLabel} (${meta.from} to ${meta.to})`],
    ['Area', meta.area ? `${meta.area.name} (${meta.area.code})` : 'Whole area covered by the loaded data'],
    ['Definition', definitionLabel(meta, 'long')],
    ...meta.sources.map((s, i): [string, string] => [i === 0 ? 'Sources (data to)' : '', `${s.label}: ${s.dataTo ?? 'none loaded'}`]),
    ['Generated at', meta.generatedAt],
    ['Circulation', meta.circulation],
    ...meta.labels.map((l, i): [string, string] => [i === 0 ? 'Labels' : '', l]),
    ...caveats.map((c, i): [string, string] => [i === 0 ? 'Caveats' : '', c]),
    ['Sheets', ''],
    ...tables.map((t, i): [string, string] => [names[i]!, t.title]),
  ];
  readme.addRows(rows.map(([k, v]) => [k, safeText(v)]));
  readme.getColumn(1).font = { bold: true };
  readme.getColumn(2).alignment = { wrapText: true, vertical: 'top' };

  tables.forEach((table, t) => {
    const sheet = workbook.addWorksheet(names[t]!, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((c) => ({
      header: c.label,
      key: c.key,
      width: Math.min(60, Math.max(10, c.label.length + 2, ...table.rows.slice(0, 200).map((r) => String(r[c.key] ?? '').length + 2))),
      style: NUMBER_FORMATS[c.type](c.digits ?? 2) ? { numFmt: NUMBER_FORMATS[c.type](c.digits ?? 2)! } : {},
    }));
    sheet.getRow(1).font = { bold: true };
    for (const r of table.rows) {
      sheet.addRow(Object.fromEntries(table.columns.map((c) => {
        const v = r[c.key] ?? null;
        return [c.key, typeof v === 'string' ? safeText(v) : v];
      })));
    }
    if (table.notes?.length) {
      sheet.addRow([]);
      for (const note of table.notes) sheet.addRow([safeText(note)]);
    }
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
