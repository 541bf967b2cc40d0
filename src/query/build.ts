/**
 * Query spec → parameterised SQL. Every dimension is one SQL expression (the group key) written in the
 * subset both engines accept, plus how a `where` value is parsed into that key and how a key is shown.
 * Time keys are integers (month 202107, quarter 20213, financial year 2021) so they sort in time order
 * and can be generated in TypeScript to fill gaps with zeros.
 */
import { UsageError } from '../core/errors.js';
import { parsePeriod } from '../core/period.js';
import { AGE_BANDS, personRole, type Dimension, type QuerySpec } from '../core/query/spec.js';
import { ageBandSql, PERSON_FACT_TABLES } from '../classify/facts.js';
import type { Dialect, SqlValue } from '../store/port.js';

export { ageBandSql };

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean';
export type Cell = string | number | boolean | null;

/** Where a dimension's value comes from. */
type Needs = 'classification' | 'geography' | 'person' | 'offence' | null;

export interface DimensionSql {
  /** The group key, a SQL expression over the aliases `t` (incidents or police_uk_crimes), `c`, `g`. */
  expr: string;
  /** Type of the key in SQL, used to cast filter parameters. */
  cast: 'TEXT' | 'INTEGER' | 'BOOLEAN' | 'DATE';
  /** Type of the value shown to users. */
  type: ColumnType;
  needs: Needs;
  /** A `where` value → key (null = missing). Throws UsageError on nonsense. */
  parse(text: string): SqlValue;
  /** Key as returned by the database → value shown to users. */
  show(key: Cell): Cell;
  /** For calendar periods: a date 'YYYY-MM-DD' → its key, so the TS side can generate every period. */
  keyOfDate?(date: string): Cell;
  /** For dimensions with a small fixed domain: every key, so gaps show as zeros. */
  domain?: readonly Cell[];
}

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const pad2 = (n: number) => String(n).padStart(2, '0');
const bad = (dimension: string, text: string, hint: string) => new UsageError(`'${text}' is not a valid ${dimension}`, hint);

function dateParts(date: string): { y: number; m: number; d: number } {
  return { y: Number(date.slice(0, 4)), m: Number(date.slice(5, 7)), d: Number(date.slice(8, 10)) };
}

/** Monday of the ISO week holding `date`, as 'YYYY-MM-DD'. */
export function weekStart(date: string): string {
  const { y, m, d } = dateParts(date);
  const t = new Date(Date.UTC(y, m - 1, d));
  const dow = (t.getUTCDay() + 6) % 7; // Monday = 0
  t.setUTCDate(t.getUTCDate() - dow);
  return t.toISOString().slice(0, 10);
}

const str = (v: Cell): Cell => (v === null ? null : String(v));
const int = (v: Cell): Cell => (v === null ? null : Number(v));
const boolShow = (v: Cell): Cell => (v === null ? null : v === true || v === 'true' || v === 1);

function parseText(text: string): SqlValue {
  return text.trim() === '' ? null : text.trim();
}

function parseBool(dimension: string) {
  return (text: string): SqlValue => {
    const t = text.trim().toLowerCase();
    if (t === '' || t === 'unknown' || t === 'null') return null;
    if (['true', 'yes', 'y', '1'].includes(t)) return true;
    if (['false', 'no', 'n', '0'].includes(t)) return false;
    throw bad(dimension, text, 'use true or false (empty for unknown)');
  };
}

function parseIntIn(dimension: string, min: number, max: number) {
  return (text: string): SqlValue => {
    const t = text.trim();
    if (t === '') return null;
    const n = Number(t);
    if (!/^\d+$/.test(t) || n < min || n > max) throw bad(dimension, text, `use a whole number from ${min} to ${max}`);
    return n;
  };
}

/** Key of a period given as text, checked to be exactly one period of the dimension's kind. */
function parsePeriodKey(dimension: string, pattern: RegExp, keyOfDate: (d: string) => Cell, example: string) {
  return (text: string): SqlValue => {
    const t = text.trim().toUpperCase();
    if (!pattern.test(t)) throw bad(dimension, text, `e.g. ${example}`);
    const range = parsePeriod(t);
    return keyOfDate(range.from) as SqlValue;
  };
}

const monthKey = (date: string) => {
  const { y, m } = dateParts(date);
  return y * 100 + m;
};
const quarterKey = (date: string) => {
  const { y, m } = dateParts(date);
  return y * 10 + Math.floor((m + 2) / 3);
};
const yearKey = (date: string) => dateParts(date).y;
const fyKey = (date: string) => {
  const { y, m } = dateParts(date);
  return m < 4 ? y - 1 : y;
};

const SEXES = ['female', 'male', 'other', 'unknown'] as const;

const ageBand = (dimension: string): DimensionSql => ({
  expr: ageBandSql('ip.age'),
  cast: 'INTEGER',
  type: 'string',
  needs: 'person',
  parse: (text) => {
    const t = text.trim().toLowerCase();
    const i = (AGE_BANDS as readonly string[]).indexOf(t === '' ? 'unknown' : t);
    if (i < 0) throw bad(dimension, text, `use one of ${AGE_BANDS.join(', ')}`);
    return i;
  },
  show: (k) => (k === null ? null : (AGE_BANDS[Number(k)] ?? null)),
  domain: AGE_BANDS.map((_, i) => i),
});

const sex = (dimension: string): DimensionSql => ({
  expr: `COALESCE(ip.sex, 'unknown')`,
  cast: 'TEXT',
  type: 'string',
  needs: 'person',
  parse: (text) => {
    const t = text.trim().toLowerCase();
    const aliases: Record<string, string> = { m: 'male', f: 'female', '': 'unknown', u: 'unknown' };
    const v = aliases[t] ?? t;
    if (!(SEXES as readonly string[]).includes(v)) throw bad(dimension, text, `use one of ${SEXES.join(', ')}`);
    return v;
  },
  show: str,
  domain: SEXES,
});

/** The dimension table for a source. `time` is the SQL date/timestamp of the record. */
function dimensionTable(dialect: Dialect, src: SourceSql, lsoa: string): Partial<Record<Dimension, DimensionSql>> {
  const time = src.time;
  const year = `CAST(EXTRACT(YEAR FROM ${time}) AS INTEGER)`;
  const month = `CAST(EXTRACT(MONTH FROM ${time}) AS INTEGER)`;
  const text = (expr: string, needs: Needs): DimensionSql => ({ expr, cast: 'TEXT', type: 'string', needs, parse: parseText, show: str });
  const bool = (name: string, expr: string, needs: Needs = 'classification'): DimensionSql => ({ expr, cast: 'BOOLEAN', type: 'boolean', needs, parse: parseBool(name), show: boolShow });
  return {
    month: {
      expr: `(${year} * 100 + ${month})`,
      cast: 'INTEGER',
      type: 'string',
      needs: null,
      parse: parsePeriodKey('month', /^\d{4}-\d{2}$/, monthKey, '2021-07'),
      show: (k) => (k === null ? null : `${Math.floor(Number(k) / 100)}-${pad2(Number(k) % 100)}`),
      keyOfDate: monthKey,
    },
    week: {
      expr: `CAST(date_trunc('week', ${time}) AS DATE)`,
      cast: 'DATE',
      type: 'string',
      needs: null,
      parse: (t) => {
        const v = t.trim();
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || parsePeriod(v).from !== v || weekStart(v) !== v) {
          throw bad('week', t, 'give the Monday the week starts on, e.g. 2021-07-05');
        }
        return v;
      },
      show: str,
      keyOfDate: weekStart,
    },
    quarter: {
      expr: `(${year} * 10 + CAST(FLOOR((${month} + 2) / 3) AS INTEGER))`,
      cast: 'INTEGER',
      type: 'string',
      needs: null,
      parse: parsePeriodKey('quarter', /^\d{4}-?Q[1-4]$/, quarterKey, '2021Q3'),
      show: (k) => (k === null ? null : `${Math.floor(Number(k) / 10)}Q${Number(k) % 10}`),
      keyOfDate: quarterKey,
    },
    year: {
      expr: year,
      cast: 'INTEGER',
      type: 'integer',
      needs: null,
      parse: parsePeriodKey('year', /^\d{4}$/, yearKey, '2021'),
      show: int,
      keyOfDate: yearKey,
    },
    financial_year: {
      expr: `(${year} - CASE WHEN ${month} < 4 THEN 1 ELSE 0 END)`,
      cast: 'INTEGER',
      type: 'string',
      needs: null,
      parse: parsePeriodKey('financial_year', /^FY\d{4}\/?\d{2}$/, fyKey, 'FY2021/22'),
      show: (k) => (k === null ? null : `FY${Number(k)}/${pad2((Number(k) + 1) % 100)}`),
      keyOfDate: fyKey,
    },
    day_of_week: {
      expr: `CAST(${dialect.isoDayOfWeek(time)} AS INTEGER)`,
      cast: 'INTEGER',
      type: 'string',
      needs: null,
      parse: (t) => {
        const v = t.trim().toLowerCase();
        if (/^[1-7]$/.test(v)) return Number(v);
        const i = v.length >= 3 ? DAY_NAMES.findIndex((d) => d.toLowerCase().startsWith(v)) : -1;
        if (i < 0) throw bad('day_of_week', t, 'use Monday … Sunday, Mon … Sun, or 1 (Monday) … 7 (Sunday)');
        return i + 1;
      },
      show: (k) => (k === null ? null : (DAY_NAMES[Number(k) - 1] ?? String(k))),
      domain: [1, 2, 3, 4, 5, 6, 7],
    },
    hour: {
      expr: `CAST(${dialect.hourOf(time)} AS INTEGER)`,
      cast: 'INTEGER',
      type: 'integer',
      needs: null,
      parse: parseIntIn('hour', 0, 23),
      show: int,
      domain: Array.from({ length: 24 }, (_, h) => h),
    },
    crime_type: text(src.crimeType, src.crimeType.startsWith('h.') ? 'offence' : null),
    hocr_code: text('t.hocr_code', null),
    location_type: text('t.location_type', null),
    sv_category: text('c.sv_category', 'classification'),
    in_definition: bool('in_definition', 'c.in_definition'),
    public_place: bool('public_place', 'c.public_place'),
    knife_enabled: bool('knife_enabled', 'c.knife_enabled'),
    // The incident's own flag (the classification only copies it): no classification join needed.
    domestic: bool('domestic', 't.domestic', null),
    lsoa: text(lsoa, 'geography'),
    msoa: text('g.msoa_code', 'geography'),
    lad: text('g.lad_code', 'geography'),
    csp: text('g.csp_code', 'geography'),
    victim_age_band: ageBand('victim_age_band'),
    victim_sex: sex('victim_sex'),
    offender_age_band: ageBand('offender_age_band'),
    offender_sex: sex('offender_sex'),
    imd_decile: { expr: 'g.imd_decile', cast: 'INTEGER', type: 'integer', needs: 'geography', parse: parseIntIn('imd_decile', 1, 10), show: int },
  };
}

export interface SourceSql {
  table: string;
  /** SQL date or timestamp of each record. */
  time: string;
  /** The record's own LSOA column. */
  lsoaColumn: string;
  /** The crime type: data.police.uk's category, or the Home Office offence group of a HOCR code (alias `h`). */
  crimeType: string;
}

export const SOURCE_SQL: Record<QuerySpec['source'], SourceSql> = {
  police: { table: 'incidents', time: 't.occurred_from', lsoaColumn: 't.lsoa_code', crimeType: 'h.ho_group' },
  'police-uk': { table: 'police_uk_crimes', time: 't.month', lsoaColumn: 't.lsoa_code', crimeType: 't.crime_type' },
  // Injury surveillance: views over the records with their matched place (migration 003).
  istv: { table: 'istv_assaults', time: 't.assault_at', lsoaColumn: 't.lsoa_code', crimeType: 'NULL' },
  ambulance: { table: 'ambulance_records', time: 't.call_at', lsoaColumn: 't.lsoa_code', crimeType: 'NULL' },
};

export interface BuildOptions {
  dialect: Dialect;
  /** The definition version to classify by (police only); null when no classification is joined. */
  definition: { id: string; version: number } | null;
  /**
   * Whether any geography is loaded. If not, `lsoa` shows the LSOA code as recorded; if it is, an LSOA
   * outside the loaded geography shows as empty (and is still counted).
   */
  geographyLoaded: boolean;
  /**
   * The definition version whose query facts (migration 006, src/classify/facts.ts) a police count
   * reads: every stored version's facts hold every police incident, so an all-crime count can read any
   * of them. Default: `definition`. `null` joins incidents to their classification and people instead —
   * the reference path, and the only one when no definition is stored.
   */
  facts?: { id: string; version: number } | null;
}

export interface BuiltQuery {
  sql: string;
  params: SqlValue[];
  /** Group key aliases in breakdown order: k0, k1, … */
  keys: string[];
  dimensions: DimensionSql[];
}

/** Whether the spec needs incident classifications joined (police only). */
export function needsClassification(spec: QuerySpec, dialect: Dialect): boolean {
  if (spec.source !== 'police') return false;
  if (!spec.allCrime) return true;
  const table = dimensionsFor(spec, dialect, true);
  return [...spec.by, ...(Object.keys(spec.where) as Dimension[])].some((d) => table.get(d)?.needs === 'classification');
}

function dimensionsFor(spec: QuerySpec, dialect: Dialect, geographyLoaded: boolean): Map<Dimension, DimensionSql> {
  const src = SOURCE_SQL[spec.source];
  const table = { ...dimensionTable(dialect, src, geographyLoaded ? 'g.lsoa_code' : src.lsoaColumn), ...injuryDimensions(spec.source) };
  return new Map(Object.entries(table) as [Dimension, DimensionSql][]);
}

export function dimensionSql(spec: QuerySpec, dimension: Dimension, options: BuildOptions): DimensionSql {
  const d = dimensionsFor(spec, options.dialect, options.geographyLoaded).get(dimension);
  if (!d) throw new UsageError(`unknown dimension '${dimension}'`);
  return d;
}

/** The date range a spec asks for, as inclusive 'YYYY-MM-DD' bounds (either may be open). */
export function requestedRange(spec: QuerySpec): { from: string | null; to: string | null } {
  return { from: spec.from ? parsePeriod(spec.from).from : null, to: spec.to ? parsePeriod(spec.to).to : null };
}

function nextDay(date: string): string {
  const { y, m, d } = dateParts(date);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * FROM … WHERE … over the records themselves (incidents joined to their classification and people):
 * the incident points (query/points.ts), people and journeys read it, and it is the reference that
 * police counts from the query facts must equal.
 */
export function fromWhere(spec: QuerySpec, options: BuildOptions, params: SqlValue[]): string {
  const src = SOURCE_SQL[spec.source];
  const p = (v: SqlValue) => {
    params.push(v);
    return `$${params.length}`;
  };
  const used = [...spec.by, ...(Object.keys(spec.where) as Dimension[])].map((d) => dimensionSql(spec, d, options));
  let sql = `FROM ${src.table} t`;
  if (options.definition) {
    sql += ` LEFT JOIN incident_classifications c ON c.incident_id = t.id AND c.definition_id = ${p(options.definition.id)} AND c.definition_version = ${p(options.definition.version)}`;
  } else if (used.some((d) => d.needs === 'classification')) {
    throw new UsageError('this breakdown needs a definition to classify incidents');
  }
  const role = personRole(spec);
  if (role) {
    // One row per person per incident: someone involved in two incidents counts twice.
    sql += ` JOIN incident_people ip ON ip.incident_id = t.id AND ip.role = ${p(role)}`;
  }
  if (used.some((d) => d.needs === 'offence')) sql += ' LEFT JOIN hocr_codes h ON h.code = t.hocr_code';
  if (used.some((d) => d.needs === 'geography' && d.expr.startsWith('g.'))) sql += ` LEFT JOIN geo_lsoa g ON g.lsoa_code = ${src.lsoaColumn}`;
  const conditions: string[] = [];
  if (spec.source === 'police') {
    conditions.push(`t.source = ${p('police')}`);
    if (!spec.allCrime) conditions.push('c.in_definition = TRUE');
  }
  const range = requestedRange(spec);
  if (spec.source !== 'police-uk') {
    if (range.from) conditions.push(`${src.time} >= CAST(${p(`${range.from} 00:00:00`)} AS TIMESTAMP)`);
    if (range.to) conditions.push(`${src.time} < CAST(${p(`${nextDay(range.to)} 00:00:00`)} AS TIMESTAMP)`);
  } else {
    if (range.from) conditions.push(`t.month >= CAST(${p(range.from)} AS DATE)`);
    if (range.to) conditions.push(`t.month <= CAST(${p(range.to)} AS DATE)`);
  }
  conditions.push(...whereConditions(spec, options, p, dimensionSql));
  return `${sql}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
}

/** The version whose query facts a count of `spec` reads, or null for the reference join path. */
function factsVersion(spec: QuerySpec, options: BuildOptions): { id: string; version: number } | null {
  if (spec.source !== 'police') return null;
  return options.facts === undefined ? options.definition : options.facts;
}

/**
 * Where each dimension's key is stored in query_facts / query_victim_facts / query_offender_facts (alias `t`). Areas and the
 * offence group are not stored: they come from geo_lsoa and hocr_codes, joined as on the reference path.
 */
const FACT_KEYS: Partial<Record<Dimension, string>> = {
  month: 't.month_key',
  week: 't.week_start',
  quarter: 't.quarter_key',
  year: 't.year_key',
  financial_year: 't.financial_year_key',
  day_of_week: 't.day_of_week',
  hour: 't.hour_of_day',
  sv_category: 't.sv_category',
  in_definition: 't.in_definition',
  public_place: 't.public_place',
  knife_enabled: 't.knife_enabled',
  victim_age_band: 't.age_band',
  victim_sex: 't.sex',
  offender_age_band: 't.age_band',
  offender_sex: 't.sex',
};

/** A dimension as read from the query facts: the same parsing and display, the stored key. */
function factDimensionSql(spec: QuerySpec, dimension: Dimension, options: BuildOptions): DimensionSql {
  const d = dimensionSql(spec, dimension, options);
  const stored = FACT_KEYS[dimension];
  return stored ? { ...d, expr: stored } : d;
}

/** Whether a key is read from the facts row itself (not from geo_lsoa `g` or hocr_codes `h`). */
const onFacts = (d: DimensionSql) => !d.expr.startsWith('g.') && !d.expr.startsWith('h.');

/**
 * The count query over the query facts of one definition version: the same rows as the reference
 * (`fromWhere`, incidents joined to classifications and people) from one narrow table. When an area or
 * offence group is involved, the facts are first counted by their own keys (recorded LSOA, HOCR code,
 * …) and only those few groups are joined to geo_lsoa / hocr_codes and summed: the join then sees
 * thousands of rows rather than every incident.
 */
function factsCountQuery(spec: QuerySpec, options: BuildOptions, facts: { id: string; version: number }): BuiltQuery {
  const params: SqlValue[] = [];
  const p = (v: SqlValue) => {
    params.push(v);
    return `$${params.length}`;
  };
  const dimensions = spec.by.map((d) => factDimensionSql(spec, d, options));
  const filters = (Object.keys(spec.where) as Dimension[]).map((d) => factDimensionSql(spec, d, options));
  const used = [...dimensions, ...filters];
  if (!options.definition && used.some((d) => d.needs === 'classification')) throw new UsageError('this breakdown needs a definition to classify incidents');
  const role = personRole(spec);
  // One person-facts row per person per incident: someone involved in two incidents counts twice.
  const table = role ? PERSON_FACT_TABLES[role] : 'query_facts';
  const conditions = [`t.definition_id = ${p(facts.id)}`, `t.definition_version = CAST(${p(facts.version)} AS INTEGER)`];
  if (!spec.allCrime) conditions.push('t.in_definition = TRUE');
  const range = requestedRange(spec);
  if (range.from) conditions.push(`t.occurred_from >= CAST(${p(`${range.from} 00:00:00`)} AS TIMESTAMP)`);
  if (range.to) conditions.push(`t.occurred_from < CAST(${p(`${nextDay(range.to)} 00:00:00`)} AS TIMESTAMP)`);
  const onFactsWhere: QuerySpec = { ...spec, where: Object.fromEntries(Object.entries(spec.where).filter(([d]) => onFacts(factDimensionSql(spec, d as Dimension, options)))) };
  const joinedWhere: QuerySpec = { ...spec, where: Object.fromEntries(Object.entries(spec.where).filter(([d]) => !(d in onFactsWhere.where))) };
  conditions.push(...whereConditions(onFactsWhere, options, p, factDimensionSql));

  const keys = dimensions.map((_, i) => `k${i}`);
  const group = keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
  // A time breakdown over an open range is zero-filled between the first and last record.
  const spanned = dimensions.some((d) => d.keyOfDate) && (!range.from || !range.to);
  const joinsArea = used.some((d) => d.expr.startsWith('g.'));
  const joinsOffence = used.some((d) => d.expr.startsWith('h.'));
  if (!joinsArea && !joinsOffence) {
    const select = [...dimensions.map((d, i) => `${d.expr} AS ${keys[i]}`), 'COUNT(*) AS n'];
    if (spanned) select.push('CAST(MIN(t.occurred_from) AS DATE) AS first_day', 'CAST(MAX(t.occurred_from) AS DATE) AS last_day');
    return { sql: `SELECT ${select.join(', ')} FROM ${table} t WHERE ${conditions.join(' AND ')}${group}`, params, keys, dimensions };
  }
  // Inner: counts by the facts' own columns the outer query needs (each key is a plain `t.column`).
  const columns = [...new Set([...dimensions.filter(onFacts).map((d) => d.expr), ...(joinsArea ? ['t.lsoa_code'] : []), ...(joinsOffence ? ['t.hocr_code'] : [])])];
  const innerSelect = [...columns.map((c) => `${c} AS ${c.slice(2)}`), 'COUNT(*) AS n'];
  if (spanned) innerSelect.push('MIN(t.occurred_from) AS first_at', 'MAX(t.occurred_from) AS last_at');
  const inner = `SELECT ${innerSelect.join(', ')} FROM ${table} t WHERE ${conditions.join(' AND ')} GROUP BY ${columns.join(', ')}`;
  let from = `(${inner}) t`;
  if (joinsOffence) from += ' LEFT JOIN hocr_codes h ON h.code = t.hocr_code';
  if (joinsArea) from += ' LEFT JOIN geo_lsoa g ON g.lsoa_code = t.lsoa_code';
  const outerConditions = whereConditions(joinedWhere, options, p, factDimensionSql);
  const select = [...dimensions.map((d, i) => `${d.expr} AS ${keys[i]}`), 'CAST(COALESCE(SUM(t.n), 0) AS BIGINT) AS n'];
  if (spanned) select.push('CAST(MIN(t.first_at) AS DATE) AS first_day', 'CAST(MAX(t.last_at) AS DATE) AS last_day');
  const where = outerConditions.length ? ` WHERE ${outerConditions.join(' AND ')}` : '';
  return { sql: `SELECT ${select.join(', ')} FROM ${from}${where}${group}`, params, keys, dimensions };
}

/** The `where` filters as SQL conditions, each dimension's values parsed into its key. */
function whereConditions(
  spec: QuerySpec,
  options: BuildOptions,
  p: (v: SqlValue) => string,
  sqlOf: (spec: QuerySpec, dimension: Dimension, options: BuildOptions) => DimensionSql,
): string[] {
  const conditions: string[] = [];
  for (const [name, texts] of Object.entries(spec.where) as [Dimension, string[]][]) {
    const d = sqlOf(spec, name, options);
    const keys = texts.map((t) => d.parse(t));
    const given = [...new Set(keys.filter((k) => k !== null))];
    const parts = given.length ? [`${d.expr} IN (${given.map((k) => `CAST(${p(k)} AS ${d.cast})`).join(', ')})`] : [];
    if (keys.includes(null)) parts.push(`${d.expr} IS NULL`);
    conditions.push(parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`);
  }
  return conditions;
}

/** The grouped count query: one row per combination of breakdown keys that has records. */
export function buildCountQuery(spec: QuerySpec, options: BuildOptions): BuiltQuery {
  const facts = factsVersion(spec, options);
  if (facts) return factsCountQuery(spec, options, facts);
  const params: SqlValue[] = [];
  const dimensions = spec.by.map((d) => dimensionSql(spec, d, options));
  const keys = dimensions.map((_, i) => `k${i}`);
  const select = [...dimensions.map((d, i) => `${d.expr} AS ${keys[i]}`), 'COUNT(*) AS n'];
  // A time breakdown over an open range is zero-filled between the first and last record: find them in
  // the same scan rather than a second query.
  const range = requestedRange(spec);
  if (dimensions.some((d) => d.keyOfDate) && (!range.from || !range.to)) {
    const time = SOURCE_SQL[spec.source].time;
    select.push(`CAST(MIN(${time}) AS DATE) AS first_day`, `CAST(MAX(${time}) AS DATE) AS last_day`);
  }
  const body = fromWhere(spec, options, params);
  const group = keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
  return { sql: `SELECT ${select.join(', ')} ${body}${group}`, params, keys, dimensions };
}


/** Whether a dimension splits the population too: areas, and age bands of a rate. */
function splitsPopulation(spec: QuerySpec, dimension: Dimension, options: BuildOptions): boolean {
  return dimensionSql(spec, dimension, options).needs === 'geography' || (spec.measure === 'rate' && dimension.endsWith('_age_band'));
}

/** Indexes (into `spec.by`) of the breakdowns that split the denominator of a rate: areas and age bands. */
export function denominatorBreakdowns(spec: QuerySpec, options: BuildOptions): number[] {
  return spec.by.map((d, i) => (splitsPopulation(spec, d, options) ? i : -1)).filter((i) => i >= 0);
}

/**
 * Population by the denominator breakdowns (one row when there are none), over the LSOAs and age bands
 * the filters allow: geo_lsoa totals, or the single-year-of-age estimates (latest mid-year) when an age
 * band is involved. Keys k0… follow the order of `denominatorBreakdowns`.
 */
export function buildPopulationQuery(spec: QuerySpec, options: BuildOptions): { sql: string; params: SqlValue[]; keys: string[] } {
  const params: SqlValue[] = [];
  const byAge = spec.measure === 'rate' && personRole(spec) !== null;
  const keyExpr = (name: Dimension) => (name.endsWith('_age_band') ? ageBandSql('pa.age') : dimensionSql(spec, name, options).expr);
  const parts = denominatorBreakdowns(spec, options).map((i) => keyExpr(spec.by[i]!));
  const keys = parts.map((_, i) => `k${i}`);
  const conditions: string[] = [];
  for (const [name, texts] of Object.entries(spec.where) as [Dimension, string[]][]) {
    if (!splitsPopulation(spec, name, options)) continue;
    const d = dimensionSql(spec, name, options);
    const given = [...new Set(texts.map((t) => d.parse(t)).filter((k) => k !== null))];
    if (!given.length) {
      conditions.push('FALSE'); // only "missing area" (or unknown age) wanted: no population
      continue;
    }
    conditions.push(
      `${keyExpr(name)} IN (${given
        .map((k) => {
          params.push(k);
          return `CAST($${params.length} AS ${d.cast})`;
        })
        .join(', ')})`,
    );
  }
  let from = 'geo_lsoa g';
  let population = 'SUM(g.population) AS population, MAX(g.population_year) AS population_year';
  if (byAge) {
    from = 'geo_population_age pa JOIN geo_lsoa g ON g.lsoa_code = pa.lsoa_code';
    population = 'SUM(pa.population) AS population, MAX(pa.mid_year) AS population_year';
    conditions.push('pa.mid_year = (SELECT MAX(mid_year) FROM geo_population_age)');
  }
  const select = [...parts.map((expr, i) => `${expr} AS ${keys[i]}`), population].join(', ');
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  const group = keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
  return { sql: `SELECT ${select} FROM ${from}${where}${group}`, params, keys };
}

// -------------------------------------------------------------------------------------------------
// Injury surveillance sources (issue 5): ED ISTV returns (`istv`) and ambulance calls (`ambulance`).
// Their records carry their own age band and sex (no people table), so those dimensions read the
// record; the matched place and the area come from the views `istv_assaults` / `ambulance_records`.
// -------------------------------------------------------------------------------------------------

/** Dimensions of the injury sources that the police dimension table does not have. */
function injuryDimensions(source: QuerySpec['source']): Partial<Record<Dimension, DimensionSql>> {
  if (source !== 'istv' && source !== 'ambulance') return {};
  const text = (expr: string): DimensionSql => ({ expr, cast: 'TEXT', type: 'string', needs: null, parse: parseText, show: str });
  const common: Partial<Record<Dimension, DimensionSql>> = {
    // Bands as the ED or ambulance service wrote them (normalised, e.g. '18-24', '65+').
    age_band: text('t.age_band'),
    sex: { ...sex('sex'), expr: `COALESCE(t.sex, 'unknown')`, needs: null },
    place: text('t.place_name'),
  };
  if (source === 'istv') return { ...common, assault_method: text('t.assault_method'), assault_location_type: text('t.location_type') };
  return {
    ...common,
    category: text('t.category'),
    conveyed: { expr: 't.conveyed', cast: 'BOOLEAN', type: 'boolean', needs: null, parse: parseBool('conveyed'), show: boolShow },
  };
}

/** What a reader of injury-surveillance counts must know. */
export function injurySourceCaveats(source: QuerySpec['source'], byArea: boolean): string[] {
  if (source === 'istv') {
    return [
      'ED ISTV data: assault attendances at the ED sites that sent returns (not all violence, and not only serious violence); times are when the assault happened',
      ...(byArea ? ["an ISTV record's area is that of the place its free-text location was matched to; unmatched records have no area"] : []),
    ];
  }
  if (source === 'ambulance') {
    return [
      'ambulance data: assault-related calls as extracted by the ambulance service; a call with several patients counts once per patient',
      ...(byArea ? ["a call's area is its own (coordinates or LSOA), else that of the place its address was matched to"] : []),
    ];
  }
  return [];
}
