/**
 * The dashboard's filter state: one object shared by every page, written to and read from the URL (so a
 * view can be shared and the back button works), and turned into the API's query specification. Pure:
 * no DOM, no fetch, so it is unit-tested in Node.
 */

export const PAGES = ['overview', 'explore', 'map', 'areas', 'data'] as const;
export type PageId = (typeof PAGES)[number];

export const PAGE_TITLES: Record<PageId, string> = {
  overview: 'Overview',
  explore: 'Explore',
  map: 'Map',
  areas: 'Areas',
  data: 'Data',
};

export type AreaUnit = 'lad' | 'csp';
export type SourceId = 'police' | 'police-uk';

/** A filter added by clicking a bar, cell or area: one dimension of the query spec = one value. */
export interface CrossFilter {
  dimension: string;
  value: string;
}

export interface Filters {
  page: PageId;
  /** First and last month shown, 'YYYY-MM'; absent = all loaded data. */
  from: string | null;
  to: string | null;
  areaUnit: AreaUnit;
  /** Area code of `areaUnit`, or null for the whole loaded geography. */
  area: string | null;
  /** Definition id; null = the store's default. */
  definition: string | null;
  source: SourceId;
  /** Count victims aged under 25 instead of incidents. */
  under25: boolean;
  cross: CrossFilter[];
}

export const DEFAULT_FILTERS: Filters = {
  page: 'overview',
  from: null,
  to: null,
  areaUnit: 'lad',
  area: null,
  definition: null,
  source: 'police',
  under25: false,
  cross: [],
};

/** The victim age bands wholly under 25 (as the Home Office success measure counts them). */
export const UNDER_25_BANDS = ['0-9', '10-14', '15-19', '20-24'] as const;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const CODE = /^[A-Za-z0-9_-]{1,40}$/;
/** Dimension names as the query spec writes them (lower-case words). */
const DIMENSION = /^[a-z_]{2,40}$/;

/** Reads the filters from a URL's query string; anything malformed falls back to the default. */
export function filtersFromSearch(search: string): Filters {
  const params = new URLSearchParams(search);
  const page = params.get('page');
  const month = (key: string) => {
    const v = params.get(key);
    return v !== null && MONTH.test(v) ? v : null;
  };
  const code = (key: string) => {
    const v = params.get(key);
    return v !== null && CODE.test(v) ? v : null;
  };
  const cross: CrossFilter[] = [];
  for (const raw of params.getAll('f')) {
    const at = raw.indexOf(':');
    if (at <= 0) continue;
    const dimension = raw.slice(0, at);
    const value = raw.slice(at + 1);
    if (DIMENSION.test(dimension) && value.length <= 200 && !cross.some((c) => c.dimension === dimension && c.value === value)) cross.push({ dimension, value });
  }
  let from = month('from');
  let to = month('to');
  if (from && to && from > to) [from, to] = [to, from];
  const csp = code('csp');
  const lad = code('lad');
  return {
    page: (PAGES as readonly string[]).includes(page ?? '') ? (page as PageId) : DEFAULT_FILTERS.page,
    from,
    to,
    areaUnit: csp && !lad ? 'csp' : params.get('unit') === 'csp' ? 'csp' : 'lad',
    area: lad ?? csp,
    definition: code('definition'),
    source: params.get('source') === 'police-uk' ? 'police-uk' : 'police',
    under25: params.get('u25') === '1',
    cross,
  };
}

/** The query string for the filters (defaults left out, so URLs stay short). Starts with '?' or is ''. */
export function searchFromFilters(f: Filters): string {
  const params = new URLSearchParams();
  if (f.page !== DEFAULT_FILTERS.page) params.set('page', f.page);
  if (f.from) params.set('from', f.from);
  if (f.to) params.set('to', f.to);
  if (f.area) params.set(f.areaUnit, f.area);
  else if (f.areaUnit !== DEFAULT_FILTERS.areaUnit) params.set('unit', f.areaUnit);
  if (f.definition) params.set('definition', f.definition);
  if (f.source !== DEFAULT_FILTERS.source) params.set('source', f.source);
  if (f.under25) params.set('u25', '1');
  for (const c of f.cross) params.append('f', `${c.dimension}:${c.value}`);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Adds a cross-filter (once); a second value of the same dimension widens it (either value). */
export function addCrossFilter(f: Filters, filter: CrossFilter): Filters {
  if (f.cross.some((c) => c.dimension === filter.dimension && c.value === filter.value)) return f;
  return { ...f, cross: [...f.cross, filter] };
}

export function removeCrossFilter(f: Filters, filter: CrossFilter): Filters {
  return { ...f, cross: f.cross.filter((c) => !(c.dimension === filter.dimension && c.value === filter.value)) };
}

/** What a widget asks for on top of the shared filters. */
export interface SpecRequest {
  by?: string[];
  /** Force a measure (e.g. a rate); default: incidents, or victims/offenders when the filters describe people. */
  measure?: 'incidents' | 'victims' | 'offenders' | 'rate';
  /** Leave out the period (analyses that choose their own, e.g. trends). */
  withoutPeriod?: boolean;
  /** Leave out these dimensions' filters (e.g. a ranking of areas ignores the area filter). */
  without?: string[];
}

export type QuerySpecBody = {
  measure: 'incidents' | 'victims' | 'offenders' | 'rate';
  source: SourceId;
  definition?: string;
  from?: string;
  to?: string;
  where: Record<string, string[]>;
  by: string[];
};

const VICTIM_DIMENSIONS = new Set(['victim_age_band', 'victim_sex']);
const OFFENDER_DIMENSIONS = new Set(['offender_age_band', 'offender_sex']);

/** The filters that apply to a source: police-uk has no definition, people or under-25 split. */
export function effectiveFilters(f: Filters): { filters: Filters; dropped: string[] } {
  if (f.source !== 'police-uk') return { filters: f, dropped: [] };
  const dropped: string[] = [];
  if (f.under25) dropped.push('under-25 victims (police-uk has no victims)');
  if (f.definition) dropped.push('definition (police-uk categories are not HOCR codes)');
  return { filters: { ...f, under25: false, definition: null }, dropped };
}

/**
 * The query specification for the shared filters plus a widget's own breakdowns. Filters on victims'
 * age or sex (or the under-25 toggle) make it count victims; on offenders', offenders — the API
 * refuses other combinations with a message the widget shows.
 */
export function toQuerySpec(filters: Filters, request: SpecRequest = {}): QuerySpecBody {
  const { filters: f } = effectiveFilters(filters);
  const skip = new Set(request.without ?? []);
  const where: Record<string, string[]> = {};
  if (f.area && !skip.has(f.areaUnit)) where[f.areaUnit] = [f.area];
  for (const c of f.cross) {
    if (skip.has(c.dimension)) continue;
    (where[c.dimension] ??= []).push(c.value);
  }
  if (f.under25 && !skip.has('victim_age_band')) {
    const chosen = where.victim_age_band;
    // A clicked age band narrows the under-25 bands; otherwise all four.
    where.victim_age_band = chosen ? chosen.filter((b) => (UNDER_25_BANDS as readonly string[]).includes(b)) : [...UNDER_25_BANDS];
    if (where.victim_age_band.length === 0) where.victim_age_band = [...UNDER_25_BANDS];
  }
  const used = [...Object.keys(where), ...(request.by ?? [])];
  let measure = request.measure;
  if (!measure) {
    if (used.some((d) => VICTIM_DIMENSIONS.has(d))) measure = 'victims';
    else if (used.some((d) => OFFENDER_DIMENSIONS.has(d))) measure = 'offenders';
    else measure = 'incidents';
  }
  const spec: QuerySpecBody = { measure, source: f.source, where, by: [...(request.by ?? [])] };
  if (f.definition) spec.definition = f.definition;
  if (!request.withoutPeriod) {
    if (f.from) spec.from = f.from;
    if (f.to) spec.to = f.to;
  }
  return spec;
}

/** What the filters count, in words (the headline's subject). */
export function describeSubject(f: Filters, definitionLabel: string | null): string {
  if (f.source === 'police-uk') return 'All crime recorded on data.police.uk (area-level proxy)';
  const what = f.under25 ? 'Victims aged under 25 of serious violence' : 'Serious violence incidents';
  return definitionLabel ? `${what} (${definitionLabel})` : what;
}

/** Calendar helpers for the headline periods. */
export function monthAdd(month: string, delta: number): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7)) - 1 + delta;
  const year = y + Math.floor(m / 12);
  const mm = ((m % 12) + 12) % 12;
  return `${year}-${String(mm + 1).padStart(2, '0')}`;
}

/** The quarter ('YYYYQn') holding a month. */
export function quarterOf(month: string): string {
  return `${month.slice(0, 4)}Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
}

/**
 * The periods the Overview headline compares: the latest month, its quarter, and the 12 months to it
 * (null: the API's own default, the 12 months to the latest record up to the spec's `to`).
 */
export function headlinePeriods(latest: string): { id: 'month' | 'quarter' | 'year'; label: string; period: string | null }[] {
  return [
    { id: 'month', label: `Month (${latest})`, period: latest },
    { id: 'quarter', label: `Quarter (${quarterOf(latest)})`, period: quarterOf(latest) },
    { id: 'year', label: `12 months (${monthAdd(latest, -11)} to ${latest})`, period: null },
  ];
}
