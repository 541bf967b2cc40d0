/**
 * Formatting for the dashboard: numbers as analysts read them (en-GB), dimension names and values in
 * words, and tables as CSV. Pure, unit-tested in Node. Suppressed counts arrive as '*' and stay '*'.
 */

export type Cell = string | number | boolean | null;

export interface Column {
  key: string;
  label: string;
  /** Drives number formats on screen and in XLSX. */
  type: 'text' | 'integer' | 'decimal' | 'percent';
  digits?: number;
  /** Text values are codes of the query layer ('violence_with_injury'): show them in words. */
  labels?: boolean;
}

/** A table every widget can show and export: the chart's data-table alternative. */
export interface DataTable {
  title: string;
  columns: Column[];
  rows: Record<string, Cell>[];
}

const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

export function formatCell(value: Cell, column: Pick<Column, 'type' | 'digits' | 'labels'>): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' && column.type !== 'text' && !/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(value)) return value; // '*' and words
  if (column.type === 'text') return column.labels ? labelOf(String(value)) : String(value);
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  switch (column.type) {
    case 'integer':
      return integer.format(n);
    case 'percent':
      return `${new Intl.NumberFormat('en-GB', { maximumFractionDigits: column.digits ?? 1, minimumFractionDigits: column.digits ?? 1 }).format(n * 100)}%`;
    case 'decimal':
      return new Intl.NumberFormat('en-GB', { maximumFractionDigits: column.digits ?? 2, minimumFractionDigits: column.digits ?? 2 }).format(n);
  }
}

/** Snake-case values and names in words: 'violence_with_injury' → 'Violence with injury'. */
export function labelOf(text: string): string {
  const known = LABELS[text];
  if (known) return known;
  if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(text)) return text;
  const words = text.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const LABELS: Record<string, string> = {
  sv_category: 'Serious violence category',
  hocr_code: 'HOCR offence code',
  crime_type: 'Offence group',
  knife_enabled: 'Knife or sharp instrument',
  location_type: 'Location type',
  day_of_week: 'Day of week',
  hour: 'Hour',
  month: 'Month',
  lsoa: 'LSOA',
  msoa: 'MSOA',
  lad: 'Local authority district',
  csp: 'Community Safety Partnership',
  victim_age_band: 'Victim age band',
  victim_sex: 'Victim sex',
  offender_age_band: 'Offender age band',
  offender_sex: 'Offender sex',
  count: 'Count',
  previous_year: 'vs same period last year',
  baseline: 'vs baseline',
  no_significant_change: 'No significant change',
  significant_increase: 'Significant increase',
  significant_decrease: 'Significant decrease',
  not_available: 'Not available',
  above_99_8: 'Above 99.8% limit',
  above_95: 'Above 95% limit',
  below_95: 'Below 95% limit',
  below_99_8: 'Below 99.8% limit',
};

/** A value as a chip shows it: 'Serious violence category: Robbery'. */
export function describeFilter(dimension: string, value: string, names?: ReadonlyMap<string, string>): string {
  const shown = names?.get(value) ?? (value === '' ? 'unknown' : labelOf(value));
  return `${labelOf(dimension)}: ${shown}`;
}

/** RFC 4180 CSV, with a leading apostrophe on cells a spreadsheet would run as a formula. */
export function toCsv(table: DataTable): string {
  const quote = (v: Cell): string => {
    if (v === null || v === undefined) return '';
    let s = String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [table.columns.map((c) => quote(c.label)).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => quote(row[c.key] ?? null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A file name from a widget title: lower-case words joined by hyphens. */
export function fileNameOf(title: string, extension: string): string {
  const stem = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'table';
  return `svo-${stem}.${extension}`;
}

/** Excel number formats for the column types. */
export function excelFormatOf(column: Pick<Column, 'type' | 'digits'>): string | undefined {
  switch (column.type) {
    case 'integer':
      return '#,##0';
    case 'decimal':
      return `#,##0.${'0'.repeat(column.digits ?? 2)}`;
    case 'percent':
      return `0.${'0'.repeat(column.digits ?? 1)}%`;
    default:
      return undefined;
  }
}

/** Columns of an API answer's `columns` list ({name, type}) as table columns. */
export function columnsOf(apiColumns: { name: string; type: string }[], overrides: Record<string, Partial<Column>> = {}): Column[] {
  return apiColumns.map((c) => {
    // Disclosure-controlled counts come as strings ('*' or a rounded number): still counts.
    const type: Column['type'] = c.type === 'integer' || c.name === 'count' ? 'integer' : c.type === 'number' ? 'decimal' : 'text';
    return { key: c.name, label: labelOf(c.name), type, ...(type === 'text' ? { labels: true } : {}), ...overrides[c.name] };
  });
}
