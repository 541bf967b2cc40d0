/** Helpers the pages share: API answers → tables, the data currency, area names. */
import { api, ApiError, type QueryAnswer, type Row } from '../api.js';
import { columnsOf, labelOf, type Column, type DataTable } from '../format.js';
import { toQuerySpec, type Filters, type SpecRequest } from '../state.js';
import type { Context } from '../widget.js';

export function queryTable(title: string, answer: { columns: { name: string; type: string }[]; rows: Row[] }, overrides: Record<string, Partial<Column>> = {}): DataTable {
  return { title, columns: columnsOf(answer.columns, overrides), rows: answer.rows };
}

/** POST /api/query for the shared filters plus a widget's breakdowns. */
export function runQuery(context: Context, request: SpecRequest, signal: AbortSignal): Promise<QueryAnswer> {
  return api.post<QueryAnswer>('/api/query', toQuerySpec(context.filters, request), signal);
}

/** Calls `primary`; when the role may not use it (403), answers with `fallback` (a disclosure-controlled route). */
export async function orForRole<T>(primary: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
  try {
    return await primary();
  } catch (error) {
    if (error instanceof ApiError && error.forbidden) return fallback();
    throw error;
  }
}

/** The last month with data of the selected source ('YYYY-MM'), capped by the `to` filter. */
export function latestMonth(context: Context): string | null {
  const source = context.filters.source;
  const last = context.summary?.sources.filter((s) => s.source === source).map((s) => s.last?.slice(0, 7) ?? '').sort().at(-1) || null;
  if (context.filters.to && (!last || context.filters.to < last)) return context.filters.to;
  return last;
}

/** The first month with data of the selected source. */
export function firstMonth(context: Context): string | null {
  const source = context.filters.source;
  return context.summary?.sources.filter((s) => s.source === source).map((s) => s.first?.slice(0, 7) ?? '').filter((m) => m !== '').sort()[0] ?? null;
}

/** The baseline the Overview compares with: the first whole calendar year of data, if before the latest year. */
export function baselineYear(context: Context): string | null {
  const first = firstMonth(context);
  const last = latestMonth(context);
  if (!first || !last) return null;
  const year = Number(first.slice(0, 4)) + (first.endsWith('-01') ? 0 : 1);
  return year < Number(last.slice(0, 4)) ? String(year) : null;
}

/** The definition in words, with its version ('vrn-2020 version 1'). */
export function definitionLabel(definition: { id: string; version: number } | null | undefined): string | null {
  return definition ? `${definition.id} version ${definition.version}` : null;
}

/** A value of a row as a filter value (null → '' = unknown). */
export function filterValue(value: Row[string] | undefined): string | null {
  if (value === undefined) return null;
  if (value === null) return null;
  return String(value);
}

/** Rows sorted by count, highest first ('*' last), at most `limit`. */
export function topRows(rows: Row[], limit: number, key = 'count'): Row[] {
  const n = (r: Row) => (typeof r[key] === 'number' ? (r[key] as number) : Number.isFinite(Number(r[key])) ? Number(r[key]) : -1);
  return [...rows].sort((a, b) => n(b) - n(a)).slice(0, limit);
}

/** Display name of a category value. */
export function categoryName(value: Row[string] | undefined, names: ReadonlyMap<string, string>): string {
  if (value === null || value === undefined || value === '') return 'Unknown';
  const text = String(value);
  return names.get(text) ?? labelOf(text);
}

export function filtersUsed(filters: Filters): boolean {
  return filters.cross.length > 0 || filters.area !== null || filters.under25;
}
