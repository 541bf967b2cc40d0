/**
 * What every section of a pack needs, resolved once: the period, the area filter, the definition, the
 * base query (source, definition, area), the baseline period and the data currency; and `query`, which
 * is the API's own query (`runQuery`) for internal packs and its disclosure-controlled twin
 * (`runDisclosedQuery`, as viewers and the public get) for partner and public packs.
 */
import { parse as parseYaml } from 'yaml';
import { findDefinition } from '../../classify/definitions.js';
import { SvoError, UsageError } from '../../core/errors.js';
import { parsePeriod, type DateRange } from '../../core/period.js';
import { runQuery } from '../../query/run.js';
import { runDisclosedQuery } from '../../security/disclosed-query.js';
import type { Queryable, Store } from '../../store/port.js';
import type { Cell, ReportOptions, ReportSource } from './model.js';
import { reportPeriod, type ReportPeriod } from './period.js';

export type Db = Pick<Store, 'dialect'> & Queryable;

/** data.police.uk categories that stand in for serious violence (its categories are not HOCR codes). */
export const POLICE_UK_PROXY_CATEGORIES = ['Violence and sexual offences', 'Robbery', 'Possession of weapons'];

export interface ReportContext {
  store: Db;
  options: ReportOptions;
  period: ReportPeriod;
  /** Partner and public packs: every figure through disclosure control. */
  disclosed: boolean;
  area: { code: string; name: string; unit: 'lad' | 'csp' } | null;
  definition: { id: string; version: number; name: string } | null;
  /** Source, definition and area filter: the query every figure starts from. */
  base: Record<string, unknown>;
  /** What is counted, for sentences: "serious violence" or the police-uk proxy. */
  subject: string;
  /** The breakdown that splits the subject into its sub-measures. */
  categoryDimension: 'sv_category' | 'crime_type';
  baseline: (DateRange & { label: string }) | null;
  sources: ReportSource[];
  /** Last day of data of the chosen source (ISO date), or null. */
  dataTo: string | null;
  dataFrom: string | null;
  geographyLoaded: boolean;
  /** Caveats gathered while building (deduplicated on output). */
  caveats: string[];
  query(input: Record<string, unknown>): Promise<ReportQueryResult>;
}

/** A query's rows as report cells (booleans as yes/no, missing as null). */
export interface ReportQueryResult {
  rows: Record<string, Cell>[];
  caveats: string[];
}

export function toCell(v: unknown): Cell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
}

export function toRows(rows: readonly Record<string, unknown>[]): Record<string, Cell>[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toCell(v)])));
}

const SOURCE_LABELS: Record<string, string> = {
  police: 'Police recorded crime (record-level extract)',
  'police-uk': 'data.police.uk street-level crime (area-level proxy)',
  istv: 'Emergency department ISTV returns',
  ambulance: 'Ambulance service calls',
};

/** Every loaded source with the last date it covers (data currency). */
export async function loadSources(store: Db): Promise<ReportSource[]> {
  const sources: ReportSource[] = [];
  for (const r of await store.query(`SELECT source, CAST(MAX(occurred_from) AS TEXT) AS last FROM incidents GROUP BY source ORDER BY source`)) {
    const source = String(r.source);
    sources.push({ source, label: SOURCE_LABELS[source] ?? source, dataTo: r.last == null ? null : String(r.last).slice(0, 10) });
  }
  const [pu] = await store.query(`SELECT COUNT(*) AS n, CAST(MAX(month) AS TEXT) AS last FROM police_uk_crimes`);
  if (Number(pu?.n ?? 0) > 0) {
    const last = String(pu!.last).slice(0, 7);
    const end = new Date(Date.UTC(Number(last.slice(0, 4)), Number(last.slice(5, 7)), 0)).toISOString().slice(0, 10);
    sources.push({ source: 'police-uk', label: SOURCE_LABELS['police-uk']!, dataTo: end });
  }
  for (const [table, column, source] of [
    ['injury_attendances', 'assault_at', 'istv'],
    ['ambulance_calls', 'call_at', 'ambulance'],
  ] as const) {
    const [row] = await store.query(`SELECT CAST(MAX(${column}) AS TEXT) AS last FROM ${table}`);
    if (row?.last != null) sources.push({ source, label: SOURCE_LABELS[source]!, dataTo: String(row.last).slice(0, 10) });
  }
  return sources;
}

async function firstDay(store: Db, source: ReportOptions['source']): Promise<string | null> {
  if (source === 'police-uk') {
    const [r] = await store.query(`SELECT CAST(MIN(month) AS TEXT) AS first FROM police_uk_crimes`);
    return r?.first == null ? null : `${String(r.first).slice(0, 7)}-01`;
  }
  const [r] = await store.query(`SELECT CAST(MIN(occurred_from) AS TEXT) AS first FROM incidents WHERE source = $1`, [source]);
  return r?.first == null ? null : String(r.first).slice(0, 10);
}

/**
 * The baseline: the first complete financial year of data (the usual "year before the VRU's work"
 * when the data start there), ending before the period's previous-year comparison starts; or the one given.
 */
export function defaultBaseline(dataFrom: string | null, period: DateRange): (DateRange & { label: string }) | null {
  if (!dataFrom) return null;
  const y = Number(dataFrom.slice(0, 4));
  const startYear = dataFrom <= `${y}-04-01` ? y : y + 1;
  const from = `${startYear}-04-01`;
  const to = `${startYear + 1}-03-31`;
  const previousYearStart = `${Number(period.from.slice(0, 4)) - 1}${period.from.slice(4)}`;
  if (to >= previousYearStart) return null;
  return { from, to, label: `FY${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}` };
}

export async function createContext(store: Db, options: ReportOptions & { baseline?: string | null }): Promise<ReportContext> {
  const period = reportPeriod(options.kind, options.period);
  const disclosed = options.circulation !== 'internal';
  if (disclosed && options.definition) {
    throw new UsageError(`a ${options.circulation} pack uses the default definition (disclosure control protects one table per definition)`, 'leave out --definition, or make the pack internal');
  }
  if (options.source === 'police-uk' && options.definition) {
    throw new UsageError('data.police.uk has no serious-violence definition (its categories are not HOCR codes)', 'leave out --definition with --source police-uk');
  }
  const geographyLoaded = (await store.query(`SELECT 1 AS found FROM geo_lsoa LIMIT 1`)).length > 0;
  let area: ReportContext['area'] = null;
  if (options.area) {
    const [row] = await store.query(
      `SELECT lad_code, lad_name, csp_code, csp_name FROM geo_lsoa WHERE lad_code = $1 OR csp_code = $1 LIMIT 1`,
      [options.area],
    );
    if (!row) throw new UsageError(`area '${options.area}' is neither a local authority (LAD) nor a community safety partnership (CSP) code in the loaded geography`, 'see svo query --by lad (or csp) for the codes');
    const unit = row.lad_code === options.area ? 'lad' : 'csp';
    area = { code: options.area, name: String((unit === 'lad' ? row.lad_name : row.csp_name) ?? options.area), unit };
  }
  let definition: ReportContext['definition'] = null;
  if (options.source === 'police') {
    const stored = await findDefinition(store, options.definition ?? undefined);
    const body = parseYaml(stored.body) as { name?: string } | null;
    definition = { id: stored.id, version: stored.version, name: body?.name ?? stored.id };
  }
  const base: Record<string, unknown> = { source: options.source };
  if (options.definition) base.definition = options.definition;
  const where: Record<string, string[]> = {};
  if (area) where[area.unit] = [area.code];
  if (options.source === 'police-uk') where.crime_type = POLICE_UK_PROXY_CATEGORIES;
  base.where = where;

  const sources = await loadSources(store);
  const dataTo = sources.find((s) => s.source === options.source)?.dataTo ?? null;
  const dataFrom = await firstDay(store, options.source);
  if (!dataTo) throw new SvoError(`no ${options.source} data are loaded: nothing to report`, 2, options.source === 'police' ? 'ingest a police extract (svo ingest police) or run svo demo' : 'ingest data.police.uk files (svo ingest police-uk)');
  let baseline = defaultBaseline(dataFrom, period);
  if (options.baseline) {
    baseline = { ...parsePeriod(options.baseline), label: options.baseline };
  }
  const caveats: string[] = [];
  if (dataTo < period.to) caveats.push(`the ${options.source} data currently run to ${dataTo}: the period is not complete in the data, so its counts are lower than they will be`);
  if (dataFrom && dataFrom > period.from) caveats.push(`the ${options.source} data start on ${dataFrom}, after the start of the period`);
  const query = async (input: Record<string, unknown>): Promise<ReportQueryResult> => {
    const result = disclosed ? await runDisclosedQuery(store, input) : await runQuery(store, input);
    return { rows: toRows(result.rows), caveats: result.caveats };
  };
  return {
    store,
    options,
    period,
    disclosed,
    area,
    definition,
    base,
    subject: options.source === 'police-uk' ? 'violence, robbery and weapons offences (data.police.uk proxy)' : 'serious violence',
    categoryDimension: options.source === 'police-uk' ? 'crime_type' : 'sv_category',
    baseline,
    sources,
    dataTo,
    dataFrom,
    geographyLoaded,
    caveats,
    query,
  };
}

/** The base query with more filters (area and source filters kept). */
export function withWhere(ctx: ReportContext, extra: Record<string, string[]>, more: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...ctx.base, ...more, where: { ...(ctx.base.where as Record<string, string[]>), ...extra } };
}
