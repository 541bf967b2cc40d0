/** Number formatting for sentences and HTML cells (XLSX keeps raw numbers with number formats). Pure. */
import type { Cell, ReportMeta, TableColumn } from './model.js';

export function formatInteger(n: number): string {
  return Math.round(n).toLocaleString('en-GB');
}

export function formatDecimal(n: number, digits: number): string {
  return n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A count as shown: numbers with thousands separators, '*' (suppressed) as is. */
export function formatCount(v: Cell): string {
  return typeof v === 'number' ? formatInteger(v) : v === null ? '—' : String(v);
}

export function formatCell(v: Cell, column: TableColumn): string {
  if (v === null || v === '') return '—';
  if (typeof v !== 'number') return String(v);
  switch (column.type) {
    case 'integer':
      return formatInteger(v);
    case 'decimal':
    case 'rate':
      return formatDecimal(v, column.digits ?? 2);
    case 'percent':
      return `${formatDecimal(v * 100, column.digits ?? 1)}%`;
    default:
      return String(v);
  }
}

/** "1.23 (95% CI 1.05–1.44)". */
export function formatRatio(ratio: number | null, lower: number | null, upper: number | null): string {
  if (ratio === null) return '—';
  return `${formatDecimal(ratio, 2)}${lower !== null && upper !== null ? ` (95% CI ${formatDecimal(lower, 2)}–${formatDecimal(upper, 2)})` : ''}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Category keys as people read them: 'violence_with_injury' → 'Violence with injury'. */
export function humanise(key: string | null): string {
  if (key === null || key === '') return 'Not recorded';
  return capitalise(key.replaceAll('_', ' '));
}

/**
 * The definition a pack counts by, for the cover, the running header and the XLSX README. Without one,
 * say why: ED attendances are not classified; data.police.uk has categories, not offence codes.
 */
export function definitionLabel(meta: ReportMeta, form: 'short' | 'long'): string {
  const d = meta.definition;
  if (d) return form === 'short' ? `${d.id} v${d.version}` : `${d.name} — ${d.id} version ${d.version}`;
  if (meta.kind === 'istv') return form === 'short' ? 'ED assault attendances' : 'Not applicable: ED assault attendances are not classified under a definition';
  return form === 'short' ? 'data.police.uk proxy' : 'None: data.police.uk categories (proxy)';
}
